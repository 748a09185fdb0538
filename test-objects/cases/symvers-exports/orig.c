#include <kstub.h>

noinline int exported_helper(int x)
{
	return x ^ 0x55;
}

noinline int private_helper(int x)
{
	return x ^ 0xaa;
}

extern int other_module_fn(int x);

int combine(int x)
{
	return exported_helper(x) + private_helper(x) + other_module_fn(x);
}
