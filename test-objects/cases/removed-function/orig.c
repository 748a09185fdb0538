#include <kstub.h>

static noinline int legacy_checksum(const char *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

noinline int old_export(int x)
{
	return x - 1;
}

int checksum(const char *p, int n)
{
	return legacy_checksum(p, n);
}
