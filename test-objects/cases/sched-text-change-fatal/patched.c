#include <kstub.h>

#define __sched __section(".sched.text")

void __sched wait_ready(volatile int *flag)
{
	while (*flag == 0)
		if (*flag < 0) break; else
		schedule();
}

void __sched wait_done(volatile int *flag)
{
	while (*flag)
		schedule();
}
