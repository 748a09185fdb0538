#include <kstub.h>

struct stats {
	long packets;
	long bytes;
};

struct stats global_stats;

void count_packet(int len)
{
	global_stats.packets++;
	global_stats.bytes += len;
}
