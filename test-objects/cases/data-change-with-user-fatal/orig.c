#include <kstub.h>

static int timeouts[4] = { 10, 20, 40, 80 };

int timeout_for(int level)
{
	return timeouts[level & 3];
}

void set_timeout(int level, int val)
{
	timeouts[level & 3] = val;
}
