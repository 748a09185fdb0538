#include <kstub.h>

static long mod_hook_default(long v)
{
	return v;
}

DEFINE_STATIC_CALL(mod_hook, mod_hook_default);

long mod_run_hook(long v)
{
	return static_call1(mod_hook, v) * 2;
}
