/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SPECIAL_H
#define CDO_SPECIAL_H

/* special.c: the table of special sections and their filtering */

#include "diff.h"

int process_special_sections(struct diff *d);
bool is_special_section_name(const char *name);
/*
 * The struct sizes @p's sections need, as a mask of field indexes of
 * struct cdo_struct_sizes (bit k: the k-th uint32_t field).
 */
uint32_t special_sizes_needed(const struct object *p);

#endif
