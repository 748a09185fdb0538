#include <kstub.h>

notrace int read_clock(volatile int *reg)
{
	return *reg & 0xffff;
}

int clock_user(volatile int *reg)
{
	return read_clock(reg) + 1;
}
