#include <kstub.h>

int route_packet(int dst, int *table)
{
	return table[dst & 255];
}

int route_count(int *table)
{
	return table[256];
}
