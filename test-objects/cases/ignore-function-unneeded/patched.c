#include <kstub.h>

int helper_stats(int *v)
{
	return v[0] + v[1];
}
KPATCH_IGNORE_FUNCTION(helper_stats);

int apply_limit(int v)
{
	return v > 20 ? 20 : v;
}
