#include <linux/sched.h>

int fork_prio(void)
{
	return SCHED_PRIO;
}
