#include <kstub.h>

static noinline int calc_crc(const unsigned char *p, int n)
{
	int c = 0;

	while (n--)
		c = (c << 3) ^ *p++;
	return c;
}

int frame_crc(const unsigned char *p, int n)
{
	return calc_crc(p, n) & 0xffff;
}
