/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_COMPARE_H
#define CDO_COMPARE_H

/* compare.c: content comparison of twins, ignore markers, fentry check */

#include "diff.h"

int compare(struct diff *d);
int mark_ignored_sections(struct diff *d);
int mark_ignored_same(struct diff *d);
int check_fentry(struct diff *d);
bool rela_equal(const struct diff *d, const struct rela *a, const struct rela *b);

#endif
