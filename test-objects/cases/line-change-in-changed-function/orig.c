#include <kstub.h>

int resize_buffer(int *size, int want)
{
	might_sleep();
	if (want < 16)
		want = 16;
	*size = want;
	return 0;
}
