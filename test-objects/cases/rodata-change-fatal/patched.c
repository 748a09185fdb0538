#include <kstub.h>

static const int rate_table[8] = { 1, 2, 5, 10, 20, 50, 100, 250 };

noinline int rate_for(int idx)
{
	return rate_table[idx & 7];
}
