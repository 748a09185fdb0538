#include <kstub.h>

int bump(int x)
{
	return x + 5;
}

int scale(int x)
{
	return x * 3;
}
