#include <kstub.h>

int sched_granularity __read_mostly = 8;

int granularity(void)
{
	return sched_granularity;
}
