#include <kstub.h>

static int throttle_hits;

int throttle(int rate)
{
	if (rate > 100) {
		throttle_hits++;
		return 100;
	}
	return rate;
}

int throttle_count(void)
{
	return throttle_hits;
}
