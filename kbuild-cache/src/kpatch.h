/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuild-cache kpatch-build: run an installed, unchanged kpatch-build on a
 * tree brought to its cached built state, so that its "Building original
 * source" step finds nothing to do.
 */
#ifndef KBC_KPATCH_H
#define KBC_KPATCH_H

#include "kbuild.h"

struct kpatch_vars {
	char *script;		/* the kpatch-build found */
	char *cc, *ld, *kcflags;
};

/*
 * Set @bc's make variables to those of kpatch-build's original build
 * (CC/LD through its kpatch-cc, KCFLAGS with its patch directory, no
 * ARCH=, KCFLAGS in the environment, -gz=none added as kpatch-build adds
 * it unless told --skip-compiler-check), so that build, restore and diff
 * share the entries of "kbuild-cache kpatch-build".  The strings live in
 * @kv until kpatch_vars_free().  -1 with kbc_err() set when no
 * kpatch-build is found ($KPATCH_BUILD, else PATH).
 */
int kpatch_build_conf(struct build_conf *bc, struct kpatch_vars *kv, bool skip_compiler_check);
void kpatch_vars_free(struct kpatch_vars *kv);

/* Returns kpatch-build's exit status (> 0), 0, or -1 with kbc_err() set. */
int cmd_kpatch_build(struct kbc_opts *o);

#endif
