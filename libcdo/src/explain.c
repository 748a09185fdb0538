// SPDX-License-Identifier: GPL-2.0
/*
 * Explaining a result: why a function counts as changed (the reason of
 * its result item), and the CDO_LOG_DEBUG trace of create-diff-object -d.
 *
 * The trace is derived from the stages' results once they are settled,
 * rather than logged from inside them: the stages run partly on pool
 * threads, and a trace written after the fact comes out in one order
 * whatever the thread count, costs nothing when nobody listens, and keeps
 * the stages free of logging.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "explain.h"
#include "special.h"
#include "names.h"

static bool tracing(const struct diff *d)
{
	return sink_wants(&d->sink, CDO_LOG_DEBUG);
}

static bool rela_changed(const struct object *p, const struct section *s)
{
	return s->rela != NONE && p->secs[s->rela].status == ST_CHANGED;
}

static bool part_changed(const struct object *p, uint32_t fn)
{
	uint32_t c;

	for_each_child(p, fn, c) {
		const struct section *s = &p->secs[p->syms[c].sec];

		if (p->syms[c].has_fentry)
			continue;
		if (s->status == ST_CHANGED || rela_changed(p, s) || part_changed(p, c))
			return true;
	}
	return false;
}

/*
 * In the order compare.c decides it: the function's bytes, its
 * relocations, a .cold/.part part, and last a move between text
 * subsections (the only way left for a function to become changed).
 */
const char *function_change_reason(const struct object *p, uint32_t fn)
{
	const struct symbol *y = &p->syms[fn];
	const struct section *s;

	if (y->sec == NONE)
		return "code";
	s = &p->secs[y->sec];
	if (s->status == ST_CHANGED)
		return "code";
	if (rela_changed(p, s))
		return "relocations";
	if (part_changed(p, fn))
		return "child";
	return "moved";
}

static const char *status_name(enum status st)
{
	switch (st) {
	case ST_NEW:
		return "new";
	case ST_CHANGED:
		return "changed";
	case ST_SAME:
		return "same";
	default:
		return "unknown";
	}
}

/* Where two twin sections first differ, for "why is this changed". */
static void explain_section_change(struct diff *d, uint32_t i)
{
	const struct section *a = &d->patched.secs[i];
	const struct section *b = &d->orig.secs[a->twin];
	uint32_t j;

	if (a->is_rela && a->nrelas != b->nrelas) {
		sink_debug(&d->sink, "compare: section %s changed: %" PRIu32 " -> %" PRIu32 " relocations",
			   a->name, b->nrelas, a->nrelas);
		return;
	}
	if (a->sh.sh_size != b->sh.sh_size || a->size != b->size) {
		sink_debug(&d->sink, "compare: section %s changed: size %" PRIu64 " -> %" PRIu64,
			   a->name, b->size, a->size);
		return;
	}
	if ((a->rela == NONE) != (b->rela == NONE)) {
		sink_debug(&d->sink, "compare: section %s changed: relocations %s", a->name,
			   a->rela == NONE ? "removed" : "added");
		return;
	}
	if (a->is_rela) {
		for (j = 0; j < a->nrelas && j < b->nrelas; j++) {
			const struct rela *ra = &a->relas[j], *rb = &b->relas[j];

			if (rela_equal(d, ra, rb))
				continue;
			sink_debug(&d->sink, "compare: section %s changed: relocation %" PRIu32
				   " at 0x%" PRIx64 ": %s%+" PRId64 " -> %s%+" PRId64,
				   a->name, j, ra->offset,
				   rb->string ? rb->string : d->orig.syms[rb->sym].name, rb->addend,
				   ra->string ? ra->string : d->patched.syms[ra->sym].name, ra->addend);
			return;
		}
		sink_debug(&d->sink, "compare: section %s changed: %" PRIu32 " -> %" PRIu32 " relocations",
			   a->name, b->nrelas, a->nrelas);
		return;
	}
	if (a->data && b->data) {
		for (j = 0; j < a->size; j++) {
			if (a->data[j] != b->data[j]) {
				sink_debug(&d->sink, "compare: section %s changed: bytes differ from offset 0x%" PRIx32,
					   a->name, j);
				return;
			}
		}
	}
	sink_debug(&d->sink, "compare: section %s changed", a->name);
}

void explain_comparison(struct diff *d)
{
	const struct object *p = &d->patched, *o = &d->orig;
	uint32_t i;

	if (!tracing(d))
		return;
	for_each_section(p, i) {
		const struct section *s = &p->secs[i];

		if (s->twin == NONE)
			sink_debug(&d->sink, "correlate: section %s is new (no twin in the original)", s->name);
		else
			sink_debug(&d->sink, "correlate: section %s <-> %s", o->secs[s->twin].name, s->name);
	}
	for_each_section(o, i)
		if (o->secs[i].twin == NONE)
			sink_debug(&d->sink, "correlate: section %s is gone from the patched object",
				   o->secs[i].name);
	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];

		if (!i || y->type == STT_SECTION)
			continue;
		if (y->twin == NONE)
			sink_debug(&d->sink, "correlate: symbol %s is new (no twin in the original)", y->name);
		else
			sink_debug(&d->sink, "correlate: symbol %s <-> %s%s", o->syms[y->twin].name, y->name,
				   y->normal_static ? " (static local, paired by use)" :
				   y->special_static ? " (per-call-site static)" : "");
	}
	for_each_symbol(o, i)
		if (i && o->syms[i].type != STT_SECTION && o->syms[i].twin == NONE)
			sink_debug(&d->sink, "correlate: symbol %s is gone from the patched object",
				   o->syms[i].name);

	for_each_section(p, i)
		if (p->secs[i].status == ST_CHANGED && p->secs[i].twin != NONE)
			explain_section_change(d, i);
	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];

		if (y->type == STT_FUNC && y->status == ST_CHANGED)
			sink_debug(&d->sink, "compare: function %s changed: %s%s", y->name,
				   function_change_reason(p, i),
				   y->parent != NONE ? " (a part of its parent function)" : "");
		else if (y->type == STT_OBJECT && y->status != ST_SAME && y->twin != NONE)
			sink_debug(&d->sink, "compare: object %s is %s", y->name, status_name(y->status));
	}
}

static bool kept_whole(const struct section *s)
{
	const char *n = s->name;

	return !strcmp(n, ".shstrtab") || !strcmp(n, ".strtab") || !strcmp(n, ".symtab") ||
	       !strcmp(n, ".toc") || !strcmp(n, ".rodata") || !strcmp(n, ".rodata.str") ||
	       names_is_string_literal_section(n);
}

/* Why section @i is in the output; @from is an included section referring to it. */
static void explain_section_inclusion(struct diff *d, uint32_t i, uint32_t from)
{
	const struct object *p = &d->patched;
	const struct section *s = &p->secs[i];
	const struct symbol *fn = s->sym != NONE ? &p->syms[s->sym] : NULL;

	if (s->is_rela)
		sink_debug(&d->sink, "include: section %s: relocations of %s", s->name, p->secs[s->base].name);
	else if (fn && fn->type == STT_FUNC && fn->status != ST_SAME)
		sink_debug(&d->sink, "include: section %s: %s function %s", s->name,
			   status_name(fn->status), fn->name);
	else if (s->is_debug)
		sink_debug(&d->sink, "include: section %s: debug info is kept whole", s->name);
	else if (kept_whole(s))
		sink_debug(&d->sink, "include: section %s: string and symbol tables are always kept", s->name);
	else if (is_special_section_name(s->name))
		sink_debug(&d->sink, "include: section %s: special section, entries of included code kept",
			   s->name);
	else if (from != NONE)
		sink_debug(&d->sink, "include: section %s: %s, referenced from %s", s->name,
			   status_name(s->status), p->secs[from].name);
	else
		sink_debug(&d->sink, "include: section %s: %s", s->name, status_name(s->status));
}

void explain_inclusion(struct diff *d)
{
	const struct object *p = &d->patched;
	uint32_t *sec_from, *sym_from, i, j;

	if (!tracing(d))
		return;
	sec_from = malloc(sizeof(*sec_from) * p->nsecs);
	sym_from = malloc(sizeof(*sym_from) * p->nsyms);
	if (!sec_from || !sym_from) {
		sink_debug(&d->sink, "include: out of memory for the trace");
		goto out;
	}
	memset(sec_from, 0xff, sizeof(*sec_from) * p->nsecs);
	memset(sym_from, 0xff, sizeof(*sym_from) * p->nsyms);
	/* the first included section (in file order) that refers to each */
	for_each_section(p, i) {
		const struct section *rs = &p->secs[i];

		if (!rs->is_rela || !rs->include || rs->is_debug)
			continue;
		for (j = 0; j < rs->nrelas; j++) {
			const struct symbol *t = &p->syms[rs->relas[j].sym];

			if (sym_from[rs->relas[j].sym] == NONE)
				sym_from[rs->relas[j].sym] = rs->base;
			if (t->sec != NONE && sec_from[t->sec] == NONE && t->sec != rs->base)
				sec_from[t->sec] = rs->base;
		}
	}
	for_each_section(p, i)
		if (p->secs[i].include)
			explain_section_inclusion(d, i, sec_from[i]);
	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];

		if (!i || !y->include || y->type == STT_SECTION || y->type == STT_FILE)
			continue;
		if (y->sec != NONE && p->secs[y->sec].include)
			continue;	/* comes with its section, explained above */
		if (sym_from[i] != NONE)
			sink_debug(&d->sink, "include: symbol %s: %s, referenced from %s; resolved in %s",
				   y->name, y->sec == NONE ? "undefined" : "unchanged",
				   p->secs[sym_from[i]].name, d->parent_name);
		else
			sink_debug(&d->sink, "include: symbol %s: %s; resolved in %s", y->name,
				   y->sec == NONE ? "undefined" : "unchanged", d->parent_name);
	}
	for_each_section(p, i) {
		const struct section *s = &p->secs[i];

		if (!s->include && s->status == ST_CHANGED)
			sink_debug(&d->sink, "include: section %s changed but is not included", s->name);
	}
out:
	free(sec_from);
	free(sym_from);
}
