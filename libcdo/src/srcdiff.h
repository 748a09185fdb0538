/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SRCDIFF_H
#define CDO_SRCDIFF_H

/*
 * srcdiff.c: with CDO_DWARF_SOURCE, give each changed and new function
 * item its source (struct cdo_source): file, lines, the lines whose
 * instructions differ, and the inlined callees whose code differs.
 */
#include "diff.h"

int attach_sources(struct diff *d);

#endif
