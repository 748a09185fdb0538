/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SPECIAL_H
#define CDO_SPECIAL_H

/* special.c: the table of special sections and their filtering */

#include "diff.h"

int process_special_sections(struct diff *d);
bool is_special_section_name(const char *name);

#endif
