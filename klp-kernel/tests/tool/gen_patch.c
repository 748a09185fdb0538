// SPDX-License-Identifier: GPL-2.0
/*
 * A livepatch module made to measure for the host tests of klp-conflicts
 * and klpctl, laid out like fake_patch.c:
 *
 *   cc -c -DNAME=a -DREPLACE=0 -DALLOW=0 \
 *      -DVMLINUX='F(cmdline_proc_show, 0) F(meminfo_proc_show, 2)' \
 *      -DMYMOD='F(mod_fn, 0)' -o a.ko gen_patch.c
 *
 * VMLINUX and MYMOD list the functions replaced in vmlinux and in the
 * module "mymod"; either may be left out.
 */

#include "fake_klp.h"

#define STR2(x) #x
#define STR(x) STR2(x)

#ifndef REPLACE
#define REPLACE 0
#endif
#ifndef ALLOW
#define ALLOW 0
#endif

extern char __this_module[];

static const char modinfo[] __attribute__((section(".modinfo"), used)) =
	"license=GPL\0name=" STR(NAME) "\0livepatch=Y";

/* one new function per entry, each with its own body */
#define F(fn, pos) int new_##fn##_##pos(void); \
	int new_##fn##_##pos(void) { return sizeof(#fn) + pos; }
#ifdef VMLINUX
VMLINUX
#endif
#ifdef MYMOD
MYMOD
#endif
#undef F

#define F(fn, pos) { .old_name = #fn, .new_func = new_##fn##_##pos, .old_sympos = pos },
#ifdef VMLINUX
static struct fake_func vmlinux_funcs[] = { VMLINUX { } };
#endif
#ifdef MYMOD
static struct fake_func mymod_funcs[] = { MYMOD { } };
#endif

static struct fake_object objs[] = {
#ifdef VMLINUX
	{ .funcs = vmlinux_funcs },
#endif
#ifdef MYMOD
	{ .name = "mymod", .funcs = mymod_funcs },
#endif
	{ }
};

struct fake_patch patch = {
	.mod = __this_module,
	.objs = objs,
	.replace = REPLACE,
	.allow_conflicts = ALLOW,
};
