#include <kstub.h>

int fast_path_enabled __read_mostly = 1;

int use_fast_path(int x)
{
	return fast_path_enabled ? x : -x;
}
