#include <kstub.h>

static inline int clamp_len(int len)
{
	if (len < 0)
		return 0;
	if (len > 9000)
		return 9000;
	return len;
}

int rx_len(int len)
{
	return clamp_len(len) + 14;
}

int tx_len(int len)
{
	return clamp_len(len - 4);
}

int other_len(int len)
{
	return len * 2;
}
