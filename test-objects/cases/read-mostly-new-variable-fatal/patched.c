#include <kstub.h>

int fast_path_enabled __read_mostly = 1;
int fast_path_limit __read_mostly = 100;

int use_fast_path(int x)
{
	if (x > fast_path_limit)
		return 0;
	return fast_path_enabled ? x : -x;
}
