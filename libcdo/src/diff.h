/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_DIFF_H
#define CDO_DIFF_H

/*
 * State of one diff, shared by the stages.  The stages run in the order
 * of diff_run() (pipeline.c); each reads what earlier ones produced and
 * reports through d->sink.  After correlation, the patched object is the
 * one being edited into the output; the original is reached through
 * twins.  Each stage declares its functions in a header of its own.
 */

#include "cdo/cdo.h"
#include "object.h"
#include "parent.h"
#include "pool.h"
#include "sink.h"
#include "strtab.h"

struct dwarf_file_cache;
struct dwarf_state;

struct diff {
	struct object orig, patched;
	const struct parent *parent;	/* NULL when no symtab was given */
	struct pool *pool;
	struct sink sink;		/* errors, log lines, result items */
	const char *display;		/* prefix of user-facing messages */
	const char *parent_name;
	struct cdo_struct_sizes sizes;
	bool klp_arch;
	bool vmlinux;

	/* selection results */
	int changed_funcs;
	int new_globals;
	bool callbacks;

	/* the output, built from the patched object */
	uint32_t *out_secs, n_out_secs;
	uint32_t *out_syms, n_out_syms;
	struct strtab_builder kstrings;
	uint32_t kstrings_sec, kstrings_sym;
	char *modinfo;			/* import_ns= strings of .modinfo */
	size_t modinfo_len;
	bool have_output;

	/* debug info (dwarfstage.c): what to read, and what was read */
	const char *debuginfo;		/* cdo_opts.debuginfo, or NULL */
	unsigned int dwarf_flags;	/* enum cdo_dwarf_flags */
	struct dwarf_file_cache *debuginfo_cache;	/* the context's */
	struct dwarf_state *dwarf;

	/* parent lookups by patched symbol: asked once per relocation */
	struct parent_sym *lookups;
	uint8_t *looked;		/* 0 not yet, 1 not found, 2 found */
};

/* Free everything the diff owns (sink, output, both objects) and zero it. */
void diff_release(struct diff *d);

#endif
