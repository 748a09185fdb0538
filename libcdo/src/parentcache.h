/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_PARENTCACHE_H
#define CDO_PARENTCACHE_H

/* parentcache.c: parent lookups of patched symbols, made once per symbol */

#include "diff.h"

/*
 * Look patched symbol @y up in the parent, once per symbol: 1 found, 0
 * not, < 0 error.  A lookup may walk every same-named local of the table,
 * and one symbol may be the target of thousands of relocations.
 */
int parent_cache_lookup(struct diff *d, uint32_t y, struct parent_sym *res);

#endif
