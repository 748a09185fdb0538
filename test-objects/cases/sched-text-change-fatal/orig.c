#include <kstub.h>

#define __sched __section(".sched.text")

void __sched wait_ready(volatile int *flag)
{
	while (!*flag)
		schedule();
}

void __sched wait_done(volatile int *flag)
{
	while (*flag)
		schedule();
}
