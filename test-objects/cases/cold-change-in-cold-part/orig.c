#include <kstub.h>

int parse_header(const unsigned char *buf, int len)
{
	int i, sum = 0;

	if (unlikely(len < 4)) {
		pr_err("short header: %d bytes\n", len);
		return -1;
	}
	for (i = 0; i < len; i++)
		sum += buf[i] * (i + 1);
	return sum;
}
