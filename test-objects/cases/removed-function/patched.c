#include <kstub.h>

int checksum(const char *p, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s = (s << 1) ^ p[i];
	return s;
}
