/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_LINEONLY_H
#define CDO_LINEONLY_H

/*
 * lineonly.c: the __LINE__-only change rule.  A text section whose
 * instructions differ from its twin's only in line numbers passed as
 * immediates (code moved down by an unrelated hunk) is the same for
 * patching purposes.
 */
#include "diff.h"

/**
 * line_only_change() - is changed section @i different only in __LINE__s?
 * @d:    the diff, compared (the relocation-offset index may be built)
 * @i:    a patched section with a twin
 * @only: set to true when every difference is a line number
 * @eb:   error buffer of the caller (a pool task passes its own)
 *
 * Upstream's rule always applies: each differing instruction loads an
 * immediate into the second or third argument register, and the next call
 * after it is one of a fixed list of WARN, might_sleep and printk style
 * functions.  With CDO_DWARF_LINE_ONLY and line tables in both objects, an
 * instruction also counts when its immediate is its only difference and,
 * in each object, equals a line the line table gives that instruction
 * (its row, or the call line of a subroutine inlined there), whatever it
 * is passed to.  Safe to call from pool threads.
 *
 * Return: 0, or a negative cdo_status (an undecodable instruction, or a
 * changed section without a differing instruction).
 */
int line_only_change(struct diff *d, uint32_t i, bool *only, struct errbuf *eb);

#endif
