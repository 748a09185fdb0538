/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout the host tests' livepatch modules share: the external fields
 * of klp_patch, klp_object and klp_func sit where the kernel has them, and
 * the internal parts are padding of an arbitrary size, as the tools must
 * not depend on them.
 */
#ifndef FAKE_KLP_H
#define FAKE_KLP_H

struct fake_func {
	const char *old_name;
	void *new_func;
	unsigned long old_sympos;
	char internal[120];
};

struct fake_object {
	const char *name;
	struct fake_func *funcs;
	void *callbacks[4];
	_Bool post_unpatch_enabled;
	char internal[100];
};

struct fake_patch {
	void *mod;
	struct fake_object *objs;
	void *states;
	_Bool replace;
	_Bool allow_conflicts;
	char internal[200];
};

#endif
