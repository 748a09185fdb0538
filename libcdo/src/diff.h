/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_DIFF_H
#define CDO_DIFF_H

/*
 * State of one diff, shared by the stages.  Stages run in the order of
 * diff_run() (diff.c); each reads what earlier ones produced.  After
 * correlation, the patched object is the one being edited into the
 * output; the original is reached through twins.
 */

#include "cdo/cdo.h"
#include "object.h"
#include "parent.h"
#include "pool.h"
#include "sink.h"
#include "strtab.h"

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

	/* parent lookups by patched symbol: asked once per relocation */
	struct parent_sym *lookups;
	uint8_t *looked;		/* 0 not yet, 1 not found, 2 found */
};

int diff_run(struct diff *d, const char *orig_path, const char *patched_path);
void diff_release(struct diff *d);

/* prepare.c: per-object facts every later stage uses */
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

/* correlate.c, statics.c */
int correlate(struct diff *d);
int correlate_statics(struct diff *d);
int correlate_sections(struct diff *d, uint32_t so, uint32_t sp);
/* Do twin sections agree in type, flags, entry size and (data) alignment? */
bool sections_agree(const struct section *a, const struct section *b);
void correlate_symbols(struct diff *d, uint32_t yo, uint32_t yp);

/* compare.c */
int compare(struct diff *d);
int mark_ignored_sections(struct diff *d);
int mark_ignored_same(struct diff *d);
int check_fentry(struct diff *d);
bool rela_equal(const struct diff *d, const struct rela *a, const struct rela *b);

/* include.c */
int include_all(struct diff *d);
void include_symbol(struct diff *d, uint32_t sym);
void include_section(struct diff *d, uint32_t sec);
int verify_patchability(struct diff *d);
void report_changes(struct diff *d);

/* special.c */
int process_special_sections(struct diff *d);
bool is_special_section_name(const char *name);

/* explain.c: change reasons, and the CDO_LOG_DEBUG trace of decisions */
const char *function_change_reason(const struct object *p, uint32_t fn);
void explain_comparison(struct diff *d);
void explain_inclusion(struct diff *d);

/* emit.c */
int emit_output(struct diff *d);
/*
 * Look patched symbol @y up in the parent, once per symbol: 1 found, 0
 * not, < 0 error.  A lookup may walk every same-named local of the table,
 * and one symbol may be the target of thousands of relocations.
 */
int diff_parent_lookup(struct diff *d, uint32_t y, struct parent_sym *res);

/* writer.c */
int write_object(struct diff *d, const char *path);

#endif
