/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_EMIT_H
#define CDO_EMIT_H

/* emit.c: the .kpatch.* tables, klp relocations, __mcount_loc, symbol order */

#include "diff.h"

int emit_output(struct diff *d);

#endif
