#include <kstub.h>

/* The key is defined here, and the parent is a module (see `parent`). */
DEFINE_STATIC_KEY_FALSE(mod_debug_enabled);

extern void mod_debug_dump(int v);

int mod_handle(int v)
{
	if (static_branch_unlikely(&mod_debug_enabled))
		mod_debug_dump(v);
	return v + 2;
}
