#include <kstub.h>

int kstub_counter;

noinline int compute_limit(int base)
{
	return base * 8 + kstub_counter - 1;
}

int other_function(int x)
{
	return x + 7;
}
