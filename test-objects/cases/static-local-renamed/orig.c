#include <kstub.h>

int next_seq(void)
{
	static int seq;

	return ++seq;
}
