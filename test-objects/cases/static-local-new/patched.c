#include <kstub.h>

int poll_device(int status)
{
	static int poll_errors;

	if (status & 1)
		return status >> 1;
	poll_errors++;
	return -poll_errors;
}
