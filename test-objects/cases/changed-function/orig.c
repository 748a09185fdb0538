#include <kstub.h>

int kstub_counter;

noinline int compute_limit(int base)
{
	return base * 4 + kstub_counter;
}

int other_function(int x)
{
	return x + 7;
}
