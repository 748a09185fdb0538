// SPDX-License-Identifier: GPL-2.0
/*
 * Stands in for a hand-written livepatch module in the host test of
 * klp-conflicts: the external fields of klp_patch, klp_object and klp_func
 * sit where the kernel has them, and the internal parts are padding of an
 * arbitrary size, as the tool must not depend on them.
 */

#include "fake_klp.h"

extern char __this_module[];

static const char modinfo[] __attribute__((section(".modinfo"), used)) =
	"license=GPL\0name=fake_patch\0livepatch=Y";

static int new_cmdline(void) { return 1; }
static int new_meminfo(void) { return 2; }
static int new_mod_fn(void) { return 3; }
static int pre_patch(void) { return 0; }

static struct fake_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = new_cmdline },
	{ .old_name = "meminfo_proc_show", .new_func = new_meminfo, .old_sympos = 1 },
	{ }
};

static struct fake_func mod_funcs[] = {
	{ .old_name = "mod_fn", .new_func = new_mod_fn },
	{ }
};

static struct fake_object objs[] = {
	{ .funcs = vmlinux_funcs, .callbacks = { pre_patch } },
	{ .name = "mymod", .funcs = mod_funcs },
	{ }
};

struct fake_patch patch = {
	.mod = __this_module,
	.objs = objs,
	.replace = REPLACE,
};
