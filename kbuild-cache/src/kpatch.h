/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuild-cache kpatch-build: run an installed, unchanged kpatch-build on a
 * tree brought to its cached built state, so that its "Building original
 * source" step finds nothing to do.
 */
#ifndef KBC_KPATCH_H
#define KBC_KPATCH_H

#include "kbuild.h"

/* Returns kpatch-build's exit status (> 0), 0, or -1 with kbc_err() set. */
int cmd_kpatch_build(struct kbc_opts *o);

#endif
