#include <kstub.h>

int copy_block(char *dst, const char *src, int len)
{
	might_sleep();
	if (len > 4096)
		return -1;
	memcpy(dst, src, len);
	return len;
}

int zero_block(char *dst, int len)
{
	might_sleep();
	memset(dst, 0, len);
	return len;
}
