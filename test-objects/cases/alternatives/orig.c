#include <kstub.h>

int copy_flag_from_user(int *dst, volatile int *usrc)
{
	int v;

	stac();
	v = *usrc;
	clac();
	*dst = v;
	return 0;
}

int copy_flag_to_user(volatile int *udst, int v)
{
	stac();
	*udst = v;
	clac();
	return 0;
}
