/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SRCDIFF_H
#define CDO_SRCDIFF_H

/*
 * srcdiff.c: with CDO_DWARF_SOURCE, give each changed and new function
 * item its source (struct cdo_source): file, lines, the lines whose
 * instructions differ, and the inlined callees whose code differs.
 */
#include "diff.h"

/* Once the comparison is done: the source of every changed and new function. */
int compute_sources(struct diff *d);
/* Once the result items exist: point them at their sources. */
int attach_sources(struct diff *d);

#endif
