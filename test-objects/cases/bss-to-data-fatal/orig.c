#include <kstub.h>

int log_level;

int should_log(int lvl)
{
	return lvl <= log_level;
}
