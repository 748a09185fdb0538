/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_PREPARE_H
#define CDO_PREPARE_H

/* prepare.c: per-object facts every later stage uses, and the header checks */

#include "diff.h"

/*
 * Facts of one object that every later stage uses; a pass over @o alone,
 * so the two objects are prepared on two threads.
 */
int prepare_object(struct object *o, struct errbuf *eb);
bool is_special_static(const struct object *o, uint32_t sym);
bool is_normal_static_local(const struct object *o, uint32_t sym);
uint32_t correlated_parent(const struct object *o, uint32_t sym);
int compare_headers(struct diff *d);
int match_parent_blocks(struct diff *d);

#endif
