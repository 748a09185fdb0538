/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_DWARFSTAGE_H
#define CDO_DWARFSTAGE_H

/*
 * dwarfstage.c: the diff's use of debug info.  It decides what is asked
 * (struct sizes the options do not give, CDO_DWARF_SOURCE), reads each object's DWARF at most once, the two
 * objects as two pool tasks, and fills in the struct sizes.  Nothing
 * asked, nothing read: no libdwarf call is made.
 */
#include "cdo/cdo.h"
#include "debuginfo.h"
#include "diff.h"

/* The --debuginfo file's struct sizes, read once per context. */
struct dwarf_file_cache {
	bool done;
	int err;
	struct errbuf eb;
	uint32_t sizes[DI_NSTRUCTS];
};

struct dwarf_state {
	struct debuginfo di[2];		/* [0] original, [1] patched */
	bool read[2];			/* di[k] holds the object's DWARF */
	struct delf elf[2];		/* their section addresses (dwarfelf.h) */
	uint32_t looked;		/* structs looked for in debug info */
	bool looked_file;		/* ... and in the --debuginfo file */
	struct cdo_struct_size sizes[DI_NSTRUCTS];
	/* sources of result items (srcdiff.c) */
	struct cdo_source **source_of;	/* by patched symbol index */
	size_t nsource_of;
};

/* Read what the diff needs from debug info; fills d->sizes. */
int dwarf_stage(struct diff *d);

/*
 * For a struct (by its field index in struct cdo_struct_sizes) whose size
 * is missing, ", and struct X is not in the debug info of A, B or C", or
 * "" when no debug info was looked at (objects without any).
 */
const char *dwarf_size_missing_note(struct diff *d, size_t field);

void dwarf_state_free(struct dwarf_state *st);

/* The debug info of the original (0) or patched (1) object, or NULL. */
static inline const struct debuginfo *dwarf_of(const struct diff *d, int which)
{
	return d->dwarf && d->dwarf->read[which] && d->dwarf->di[which].has_info ?
		       &d->dwarf->di[which] : NULL;
}

#endif
