/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_CORRELATE_H
#define CDO_CORRELATE_H

/* correlate.c: section and symbol twins */

#include "diff.h"

int correlate(struct diff *d);
int correlate_sections(struct diff *d, uint32_t so, uint32_t sp);
/* Do twin sections agree in type, flags, entry size and (data) alignment? */
bool sections_agree(const struct section *a, const struct section *b);
void correlate_symbols(struct diff *d, uint32_t yo, uint32_t yp);

#endif
