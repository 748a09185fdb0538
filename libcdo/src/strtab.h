/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_STRTAB_H
#define CDO_STRTAB_H

/*
 * A string table built by appending: each distinct string is stored once
 * and keeps the offset it got first, so a table (.kpatch.strings) grows
 * in the order strings are first asked for.  Lookups are by hash, never
 * by a walk of what is already there.
 */

#include <stdint.h>
#include <stddef.h>

#include "hashidx.h"

struct strtab_builder {
	char *buf;
	size_t len, cap;
	struct hidx index;	/* string hash -> entry id */
	uint32_t *offsets;	/* entry id -> offset in @buf */
	uint32_t count;
};

/* Room for @max_entries distinct strings; 0, or -1 when out of memory. */
int strtab_init(struct strtab_builder *b, uint32_t max_entries);
/* Frees what strtab_init() took; a zeroed builder is fine too. */
void strtab_free(struct strtab_builder *b);
/*
 * Offset of @s in the table, adding it on first use; -1 when out of
 * memory or when more distinct strings come than strtab_init() was told.
 */
int64_t strtab_offset(struct strtab_builder *b, const char *s);

#endif
