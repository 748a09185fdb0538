#include <kstub.h>

int read_user_pair(int *uptr, int *a, int *b)
{
	int x, y;

	if (get_user_int(x, uptr))
		return -EFAULT;
	if (get_user_int(y, uptr + 1))
		return -EFAULT;
	*a = x;
	*b = y;
	return 0;
}

int read_user_flags(int *uptr, int *out)
{
	int v;

	if (get_user_int(v, uptr))
		return -EFAULT;
	*out = v & 0xff;
	return 0;
}
