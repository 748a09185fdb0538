/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_EXPLAIN_H
#define CDO_EXPLAIN_H

/* explain.c: change reasons, and the CDO_LOG_DEBUG trace of decisions */

#include "diff.h"

const char *function_change_reason(const struct object *p, uint32_t fn);
void explain_comparison(struct diff *d);
void explain_inclusion(struct diff *d);

#endif
