#include <kstub.h>

int set_threshold(int *slot, int value)
{
	if (WARN_ON(!slot))
		return -1;
	if (WARN(value > 1000, "threshold %d too large\n", value))
		return -2;
	*slot = value;
	return 0;
}
