// SPDX-License-Identifier: GPL-2.0
/*
 * Static local variables ("foo.12") cannot be paired by name: gcc numbers
 * them per translation unit and two functions may both have a static
 * called "count".  They are paired by use instead: a static referenced by
 * function f in the original is the twin of the same-named static that
 * the patched f references.
 */
#include <string.h>

#include "correlate.h"
#include "prepare.h"
#include "statics.h"
#include "names.h"

static void uncorrelate_section(struct object *o, struct object *other, uint32_t s)
{
	if (s == NONE || o->secs[s].twin == NONE)
		return;
	other->secs[o->secs[s].twin].twin = NONE;
	o->secs[s].twin = NONE;
}

static void uncorrelate_symbol(struct object *o, struct object *other, uint32_t y)
{
	if (y == NONE || o->syms[y].twin == NONE)
		return;
	other->syms[o->syms[y].twin].twin = NONE;
	o->syms[y].twin = NONE;
}

static const char *function_name(const struct object *o, uint32_t rs)
{
	uint32_t base = o->secs[rs].is_rela ? o->secs[rs].base : rs;

	return o->secs[base].sym != NONE ? o->syms[o->secs[base].sym].name : o->secs[base].name;
}

static bool is_bundled(const struct object *o, uint32_t y)
{
	return o->syms[y].sec != NONE && o->secs[o->syms[y].sec].sym == y;
}

/* An uncorrelated patched symbol referenced from patched rela section @prs
 * that could be the twin of original symbol @y. */
static uint32_t find_uncorrelated_ref(struct diff *d, uint32_t prs, uint32_t y)
{
	const struct object *p = &d->patched;
	const struct symbol *sy = &d->orig.syms[y];
	uint32_t j;

	for (j = 0; j < p->secs[prs].nrelas; j++) {
		uint32_t c = p->secs[prs].relas[j].sym;
		const struct symbol *sc = &p->syms[c];

		if (sc->twin != NONE || sc->type != sy->type)
			continue;
		if (sy->type == STT_OBJECT && sy->sym.st_size != sc->sym.st_size)
			continue;
		if (!names_mangled_equal(sc->name, sy->name))
			continue;
		return c;
	}
	return NONE;
}

/* .part/.cold children of patched function @fn may hold the reference. */
static uint32_t find_twin_in_children(struct diff *d, uint32_t fn, uint32_t y)
{
	const struct object *p = &d->patched;
	uint32_t fn_rela = p->secs[p->syms[fn].sec].rela;
	uint32_t c;

	for_each_child(p, fn, c) {
		uint32_t crs = p->secs[p->syms[c].sec].rela, res;

		if (crs == fn_rela || crs == NONE)
			continue;
		res = find_uncorrelated_ref(d, crs, y);
		if (res == NONE)
			res = find_twin_in_children(d, c, y);
		if (res != NONE)
			return res;
	}
	return NONE;
}

/* The original rela section standing for @rs: a .part function that has
 * no twin is looked at through its correlated parent. */
static uint32_t standin_rela_section(const struct object *o, uint32_t rs)
{
	uint32_t fn = o->secs[o->secs[rs].base].sym, parent;

	if (o->secs[rs].twin != NONE || fn == NONE)
		return rs;
	parent = correlated_parent(o, fn);
	if (parent == NONE)
		return rs;
	return o->secs[o->syms[parent].sec].rela;
}

static uint32_t find_static_twin(struct diff *d, uint32_t rs, uint32_t y)
{
	const struct object *o = &d->orig, *p = &d->patched;
	uint32_t prs, res, pfn;

	rs = standin_rela_section(o, rs);
	if (rs == NONE || o->secs[rs].twin == NONE)
		return NONE;
	prs = o->secs[rs].twin;
	res = find_uncorrelated_ref(d, prs, y);
	if (res == NONE) {
		pfn = p->secs[p->secs[prs].base].sym;
		res = pfn != NONE ? find_twin_in_children(d, pfn, y) : NONE;
	}
	/* the twin of a static is one too: in a section, and local */
	return res != NONE && is_normal_static_local(p, res) ? res : NONE;
}

static bool has_twin_ref(struct diff *d, uint32_t prs, uint32_t y)
{
	const struct object *p = &d->patched;
	uint32_t want = d->orig.syms[y].twin, fn, fn_rela, c, j;

	for (j = 0; j < p->secs[prs].nrelas; j++)
		if (p->secs[prs].relas[j].sym == want)
			return true;
	fn = p->secs[p->secs[prs].base].sym;
	if (fn == NONE)
		return false;
	fn_rela = p->secs[p->syms[fn].sec].rela;
	for_each_child(p, fn, c) {
		uint32_t crs = p->secs[p->syms[c].sec].rela;

		if (crs == fn_rela || crs == NONE)
			continue;
		if (has_twin_ref(d, crs, y))
			return true;
	}
	return false;
}

static bool skip_rela_section(const struct object *o, uint32_t rs)
{
	return !o->secs[rs].is_rela || o->secs[rs].is_debug;
}

static void forget_name_correlation(struct diff *d)
{
	struct object *o = &d->orig, *p = &d->patched;
	uint32_t y;

	for_each_symbol(o, y) {
		uint32_t s;

		if (!is_normal_static_local(o, y))
			continue;
		uncorrelate_symbol(o, p, y);
		s = o->syms[y].sec;
		if (is_bundled(o, y) && o->secs[s].twin != NONE) {
			uncorrelate_section(o, p, s);
			uncorrelate_symbol(o, p, o->secs[s].secsym);
			uncorrelate_section(o, p, o->secs[s].rela);
		}
	}
}

static int pair_by_reference(struct diff *d)
{
	struct object *o = &d->orig, *p = &d->patched;
	uint32_t rs, j;

	for_each_section(o, rs) {
		if (skip_rela_section(o, rs) || !strcmp(o->secs[rs].name, ".rela.toc"))
			continue;
		for (j = 0; j < o->secs[rs].nrelas; j++) {
			uint32_t y = o->secs[rs].relas[j].sym, twin;
			bool bundled;

			if (!is_normal_static_local(o, y) || o->syms[y].twin != NONE)
				continue;
			bundled = is_bundled(o, y);
			/* a static pointing at itself says nothing about its owner */
			if (bundled && o->syms[y].sec == o->secs[rs].base)
				continue;
			twin = find_static_twin(d, rs, y);
			if (twin == NONE)
				return sink_diff_fatal(&d->sink, "reference to static local variable %s in %s was removed",
						       o->syms[y].name, function_name(o, rs));
			if (bundled != is_bundled(p, twin))
				return sink_unsupported(&d->sink, "bundle mismatch for symbol %s", o->syms[y].name);
			if (!bundled && o->secs[o->syms[y].sec].twin != p->syms[twin].sec)
				return sink_unsupported(&d->sink, "sections %s and %s aren't correlated for symbol %s",
							o->secs[o->syms[y].sec].name,
							p->secs[p->syms[twin].sec].name, o->syms[y].name);
			o->syms[y].twin = twin;
			p->syms[twin].twin = y;
			o->syms[y].status = p->syms[twin].status = ST_SAME;
			p->syms[twin].name = o->syms[y].name;
			if (bundled) {
				int err = correlate_sections(d, o->syms[y].sec, p->syms[twin].sec);

				if (err)
					return err;
			}
		}
	}
	return 0;
}

static int check_references(struct diff *d)
{
	const struct object *o = &d->orig, *p = &d->patched;
	uint32_t rs, j;

	for_each_section(o, rs) {
		if (skip_rela_section(o, rs))
			continue;
		for (j = 0; j < o->secs[rs].nrelas; j++) {
			uint32_t y = o->secs[rs].relas[j].sym;
			uint32_t target = rs;

			if (!is_normal_static_local(o, y))
				continue;
			target = standin_rela_section(o, rs);
			if (target == NONE || o->syms[y].twin == NONE || o->secs[target].twin == NONE)
				return sink_diff_fatal(&d->sink, "reference to static local variable %s in %s was removed",
						       o->syms[y].name,
						       function_name(o, target == NONE ? rs : target));
			if (!has_twin_ref(d, o->secs[target].twin, y))
				return sink_diff_fatal(&d->sink, "static local %s has been correlated with %s, but patched %s is missing a reference to it",
						       o->syms[y].name, p->syms[o->syms[y].twin].name,
						       function_name(p, o->secs[target].twin));
		}
	}
	return 0;
}

static void warn_new_statics(struct diff *d)
{
	const struct object *p = &d->patched;
	uint32_t rs, j;

	for_each_section(p, rs) {
		if (skip_rela_section(p, rs))
			continue;
		for (j = 0; j < p->secs[rs].nrelas; j++) {
			uint32_t y = p->secs[rs].relas[j].sym;

			if (!is_normal_static_local(p, y) || p->syms[y].twin != NONE)
				continue;
			/* one warning is enough to send the user looking */
			sink_info(&d->sink, "WARNING: unable to correlate static local variable %s used by %s, assuming variable is new",
				  p->syms[y].name, function_name(p, rs));
			return;
		}
	}
}

int correlate_statics(struct diff *d)
{
	int err;

	forget_name_correlation(d);
	err = pair_by_reference(d);
	if (!err)
		err = check_references(d);
	if (!err)
		warn_new_statics(d);
	return err;
}
