#include <kstub.h>

int check_alignment(unsigned long addr, int size)
{
	WARN_ONCE(addr & 7, "unaligned address %lx\n", addr);
	WARN_SLOWPATH_ONCE(size > 4096, "large size %d\n", size);
	return (int)(addr & 0x1fff) + size;
}

int check_range(unsigned long start, unsigned long end)
{
	WARN_ONCE(end < start, "bad range\n");
	return (int)(end - start);
}
