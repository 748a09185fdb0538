#include <kstub.h>

int log_level = 4;

int should_log(int lvl)
{
	return lvl <= log_level;
}
