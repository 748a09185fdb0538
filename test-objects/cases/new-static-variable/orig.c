#include <kstub.h>

int throttle(int rate)
{
	return rate > 100 ? 100 : rate;
}
