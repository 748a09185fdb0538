#include <kstub.h>

int rx_packet(int len)
{
	static int count;

	count += len;
	return count;
}

int tx_packet(int len)
{
	static int count;

	count -= len;
	return count;
}
