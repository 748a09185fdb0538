/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_INCLUDE_H
#define CDO_INCLUDE_H

/* include.c: the inclusion closure and patchability checks */

#include "diff.h"

int include_all(struct diff *d);
void include_symbol(struct diff *d, uint32_t sym);
void include_section(struct diff *d, uint32_t sec);
int verify_patchability(struct diff *d);
void report_changes(struct diff *d);

#endif
