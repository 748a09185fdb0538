#include <kstub.h>

int fetch_sample(int raw)
{
	if (raw < 0)
		return 0;
	return raw;
}

int scale_sample(int raw)
{
	return raw * 10;
}
