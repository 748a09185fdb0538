#include <kstub.h>

int resize_buffer(int *size, int want)
{
	might_sleep();
	if (want < 32)
		want = 32;
	might_sleep();
	*size = want;
	return 0;
}
