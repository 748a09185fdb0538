/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Direct mode: build a live patch's objects without kpatch-build.  The
 * tree is brought to its cached built state, the patches are applied,
 * only the objects whose inputs they change are compiled (with the very
 * command kbuild recorded in their .cmd files, into a separate directory),
 * the sources are put back, and each pair is diffed in this process by
 * libcdo, on several threads.
 */
#ifndef KBC_DIFFMODE_H
#define KBC_DIFFMODE_H

#include "kbuild.h"

int cmd_diff(struct kbc_opts *o);

#endif
