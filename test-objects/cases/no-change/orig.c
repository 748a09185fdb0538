#include <kstub.h>

DECLARE_STATIC_KEY_FALSE(feature_key);
static int local_state;
int global_state = 5;

static noinline int helper(int x)
{
	static int calls;

	calls++;
	return x + calls + local_state;
}

int api_entry(int *up, int x)
{
	int v = 0;

	if (static_branch_unlikely(&feature_key))
		x++;
	if (WARN_ON(x < 0))
		return -1;
	if (get_user_int(v, up))
		return -EFAULT;
	stac();
	clac();
	pr_info("entry %d\n", x);
	return helper(x) + global_state + v;
}
