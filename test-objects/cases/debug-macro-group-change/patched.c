#define KSTUB_VARIANT 1
#define BUMP_STEP_A 6
#define BUMP_STEP_B 7
#include <kstub.h>

int bump(int x)
{
	return x + BUMP_STEP_A;
}

int scale(int x)
{
	return x * 3;
}
