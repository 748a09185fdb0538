#include <kstub.h>


int wait_for_ready(volatile int *reg)
{
	might_sleep();
	while (!*reg)
		msleep(1);
	return *reg;
}
