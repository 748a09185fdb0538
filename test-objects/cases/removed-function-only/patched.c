#include <kstub.h>

int keep_me(int x)
{
	return x + 1;
}
