// SPDX-License-Identifier: GPL-2.0
/* Stands in for a kpatch-build module: only .kpatch.funcs matters. */

struct kpatch_patch_func {
	unsigned long new_addr;
	unsigned long new_size;
	unsigned long old_addr;
	unsigned long old_size;
	unsigned long sympos;
	const char *name;
	const char *objname;
};

static int new_fn(void) { return 1; }

static const struct kpatch_patch_func funcs[]
	__attribute__((section(".kpatch.funcs"), used)) = {
	{ (unsigned long)new_fn, 1, 0, 1, 0, "cmdline_proc_show", "vmlinux" },
	{ (unsigned long)new_fn, 1, 0, 1, 2, "helper", "mymod" },
};
