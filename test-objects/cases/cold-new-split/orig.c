#include <kstub.h>

int apply_setting(int *cfg, int idx, int val)
{
	if (idx < 0 || idx > 15)
		return -1;
	cfg[idx] = val;
	return 0;
}
