#include <kstub.h>

int poll_device(int status)
{
	if (status & 1)
		return status >> 1;
	return 0;
}
