#include <kstub.h>

/* The key is defined in this object, which is part of vmlinux. */
DEFINE_STATIC_KEY_FALSE(strict_checks);

int check_value(int v)
{
	if (static_branch_unlikely(&strict_checks) && v > 200)
		return -1;
	return v;
}
