#include <kstub.h>

int check_alignment(unsigned long addr, int size)
{
	WARN_ONCE(addr & 7, "unaligned address %lx\n", addr);
	return (int)(addr & 0xfff) + size;
}

int set_mode(int mode)
{
	return mode & 3;
}
