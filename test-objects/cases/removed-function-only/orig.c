#include <kstub.h>

int keep_me(int x)
{
	return x + 1;
}

int drop_me(int x)
{
	return x - 1;
}
