/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sizes of the kernel's special-section entries (struct bug_entry,
 * jump_entry, ...), read from the debug info of the cached build, as
 * kpatch-build reads them from vmlinux: each from the one small object
 * that defines the code using it, so no large DWARF is read.
 */
#ifndef KBC_SIZES_H
#define KBC_SIZES_H

#include <stdbool.h>

#include "cdo/cdo.h"

/* Whether sizes_from_build() reads the object @path (relative to the tree). */
bool sizes_reads(const char *path);

/* Fill @s from the built tree @src; unknown sizes stay 0.  Never fails. */
void sizes_from_build(const char *src, struct cdo_struct_sizes *s);
/*
 * sizes_from_build() once per cache entry: kept in the file @kept (an
 * entry's derived file), read from it when it is whole.
 */
void sizes_from_build_kept(const char *src, const char *kept, struct cdo_struct_sizes *s);

#endif
