#include <kstub.h>

int next_seq(void)
{
	static int sequence;

	return ++sequence;
}
