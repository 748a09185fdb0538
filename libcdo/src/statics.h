/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_STATICS_H
#define CDO_STATICS_H

/* statics.c: static locals paired by use */

#include "diff.h"

int correlate_statics(struct diff *d);

#endif
