#include <kstub.h>

static const char *const level_names[4] = { "low", "mid", "high", "max" };

const char *level_name(int lvl)
{
	return level_names[lvl & 3];
}

int level_count(void)
{
	return 4;
}
