#include <kstub.h>

int service_level(void)
{
	return 3;
}
