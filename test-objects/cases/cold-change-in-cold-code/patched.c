#include <kstub.h>

extern void record_failure(int code, int len);

int parse_record(const unsigned char *buf, int len)
{
	int i, sum = 0;

	if (unlikely(len < 4)) {
		pr_err("short record: %d bytes\n", len);
		record_failure(2, len + 1);
		return -1;
	}
	for (i = 0; i < len; i++)
		sum += buf[i] * (i + 1);
	return sum;
}
