#include <kstub.h>

int apply_setting(int *cfg, int idx, int val)
{
	if (unlikely(idx < 0 || idx > 15)) {
		pr_warn("apply_setting: bad index %d (value %d)\n", idx, val);
		return -1;
	}
	cfg[idx] = val;
	return 0;
}
