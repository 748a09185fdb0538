#include <kstub.h>

noinline int existing_function(int x)
{
	return x * 3;
}

int brand_new_export(int x)
{
	return existing_function(x) + 1;
}
