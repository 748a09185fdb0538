#include <kstub.h>

struct stats {
	long packets;
	long bytes;
	long drops;
};

struct stats global_stats;

void count_packet(int len)
{
	global_stats.packets++;
	global_stats.bytes += len;
	if (len == 0)
		global_stats.drops++;
}
