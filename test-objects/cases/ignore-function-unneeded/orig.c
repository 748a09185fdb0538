#include <kstub.h>

int helper_stats(int *v)
{
	return v[0] + v[1];
}

int apply_limit(int v)
{
	return v > 10 ? 10 : v;
}
