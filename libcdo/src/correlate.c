// SPDX-License-Identifier: GPL-2.0
/*
 * Correlation: pairing every section and symbol of the original object
 * with its twin in the patched object.
 *
 * The rule is upstream's: walk the original's elements in order and take
 * the first patched element, in the patched object's order, whose name is
 * equal up to compiler numbering (names_mangled_equal) and that has no
 * twin yet.  The "first in order" part matters: constprop clones pair up
 * first with first.  Upstream scans the whole patched list per element; we
 * hash the patched names by names_mangled_key() into FIFO chains, which
 * yields the same candidates in the same order.
 */
#include <string.h>

#include "correlate.h"
#include "prepare.h"
#include "names.h"

/*
 * Twins are always mutual: pairing @so with @sp first releases whatever
 * either was paired with, so no third section still points at one of
 * them (later stages index the other object through ->twin).
 */
static void twin_sections(struct diff *d, uint32_t so, uint32_t sp)
{
	struct section *a = &d->orig.secs[so], *b = &d->patched.secs[sp];

	if (a->twin != NONE && a->twin != sp)
		d->patched.secs[a->twin].twin = NONE;
	if (b->twin != NONE && b->twin != so)
		d->orig.secs[b->twin].twin = NONE;
	a->twin = sp;
	b->twin = so;
	a->status = b->status = ST_SAME;
	/* the output keeps the original's spelling of a renumbered name */
	b->name = a->name;
}

void correlate_symbols(struct diff *d, uint32_t yo, uint32_t yp)
{
	struct symbol *a = &d->orig.syms[yo], *b = &d->patched.syms[yp];

	if (a->twin != NONE && a->twin != yp)
		d->patched.syms[a->twin].twin = NONE;
	if (b->twin != NONE && b->twin != yo)
		d->orig.syms[b->twin].twin = NONE;
	a->twin = yp;
	b->twin = yo;
	a->status = b->status = ST_SAME;
	b->name = a->name;
	if (b->parent_block < 0) {
		b->parent_block = a->parent_block;
		b->file = a->file;
	}
}

bool sections_agree(const struct section *a, const struct section *b)
{
	return a->sh.sh_type == b->sh.sh_type && a->sh.sh_flags == b->sh.sh_flags &&
	       a->sh.sh_entsize == b->sh.sh_entsize &&
	       (a->sh.sh_addralign == b->sh.sh_addralign || a->is_text);
}

static int check_twins(struct diff *d, uint32_t so, uint32_t sp)
{
	const struct section *a = &d->orig.secs[so], *b = &d->patched.secs[sp];

	if (!sections_agree(b, a))
		return sink_diff_fatal(&d->sink, "%s section header details differ from %s", b->name, a->name);
	return 0;
}

/*
 * Every pairing of sections goes through here, so the header check that
 * upstream makes only when comparing is made before anything follows a
 * twin: a relocation section whose twin is not one has no base to pair.
 */
int correlate_sections(struct diff *d, uint32_t so, uint32_t sp)
{
	const struct object *o = &d->orig, *p = &d->patched;
	int err = check_twins(d, so, sp);

	if (err)
		return err;
	twin_sections(d, so, sp);
	if (o->secs[so].is_rela) {
		so = o->secs[so].base;
		sp = p->secs[sp].base;
		err = check_twins(d, so, sp);
		if (err)
			return err;
		twin_sections(d, so, sp);
	} else if (o->secs[so].rela != NONE && p->secs[sp].rela != NONE) {
		err = check_twins(d, o->secs[so].rela, p->secs[sp].rela);
		if (err)
			return err;
		twin_sections(d, o->secs[so].rela, p->secs[sp].rela);
	}
	if (o->secs[so].secsym != NONE && p->secs[sp].secsym != NONE)
		correlate_symbols(d, o->secs[so].secsym, p->secs[sp].secsym);
	if (o->secs[so].sym != NONE && p->secs[sp].sym != NONE)
		correlate_symbols(d, o->secs[so].sym, p->secs[sp].sym);
	return 0;
}

static bool same_contents(const struct section *a, const struct section *b)
{
	return a->size == b->size && (!a->size || !memcmp(a->data, b->data, a->size));
}

/*
 * How one kind of element (section or symbol) is matched: whether a
 * patched candidate is paired already, and whether it fits an original.
 */
struct match_rules {
	bool (*paired)(const struct diff *d, uint32_t cand);
	bool (*fits)(const struct diff *d, uint32_t orig, uint32_t cand);
	const char *(*orig_name)(const struct diff *d, uint32_t orig);
};

/*
 * The first unpaired candidate, in patched order, under the original's
 * key that fits it.  Paired candidates met on the way are unlinked: they
 * can never be chosen again, and keeping them made long runs of
 * same-keyed names (hits.1, hits.2, ...) quadratic.
 */
static uint32_t first_fit(const struct diff *d, struct hidx *by_key, const struct match_rules *r,
			  uint32_t orig)
{
	uint64_t key = names_mangled_key(r->orig_name(d, orig));
	uint32_t c, prev = HIDX_NONE, next;

	for (c = hidx_bucket_head(by_key, key); c != HIDX_NONE; c = next) {
		next = by_key->next[c];
		if (by_key->key[c] != key) {
			prev = c;
			continue;
		}
		if (r->paired(d, c)) {
			hidx_unlink(by_key, prev, c);
			continue;
		}
		prev = c;
		if (r->fits(d, orig, c))
			return c;
	}
	return NONE;
}

static bool section_paired(const struct diff *d, uint32_t c)
{
	return d->patched.secs[c].twin != NONE;
}

static bool section_fits(const struct diff *d, uint32_t i, uint32_t c)
{
	const struct section *so = &d->orig.secs[i], *sp = &d->patched.secs[c];

	if (!names_mangled_equal(so->name, sp->name) || names_is_clang_unnamed_data(sp->name))
		return false;
	/* a COMDAT group pairs only with an identical one */
	return so->sh.sh_type != SHT_GROUP ||
	       (sp->sh.sh_type == SHT_GROUP && same_contents(so, sp));
}

static const char *section_name(const struct diff *d, uint32_t i)
{
	return d->orig.secs[i].name;
}

static bool symbol_paired(const struct diff *d, uint32_t c)
{
	return d->patched.syms[c].twin != NONE;
}

static bool symbol_fits(const struct diff *d, uint32_t i, uint32_t c)
{
	const struct object *o = &d->orig;
	const struct symbol *so = &o->syms[i], *sp = &d->patched.syms[c];

	if (sp->type != so->type || !names_mangled_equal(so->name, sp->name))
		return false;
	return so->sec == NONE || o->secs[so->sec].sh.sh_type != SHT_GROUP ||
	       o->secs[so->sec].twin == sp->sec;
}

static const char *symbol_name(const struct diff *d, uint32_t i)
{
	return d->orig.syms[i].name;
}

static const struct match_rules section_rules = { section_paired, section_fits, section_name };
static const struct match_rules symbol_rules = { symbol_paired, symbol_fits, symbol_name };

static int correlate_all_sections(struct diff *d)
{
	const struct object *o = &d->orig, *p = &d->patched;
	struct hidx by_key;
	uint32_t i, c;
	int err = 0;

	if (hidx_init(&by_key, p->nsecs, 0))
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	for_each_section(p, i)
		hidx_add(&by_key, names_mangled_key(p->secs[i].name), i);

	for_each_section(o, i) {
		const struct section *so = &o->secs[i];
		uint32_t owner;

		if (so->twin != NONE)
			continue;
		if (names_is_ubsan(so->name) || names_is_clang_unnamed_data(so->name))
			continue;
		owner = so->is_rela ? o->secs[so->base].secsym : so->secsym;
		if (is_special_static(o, owner))
			continue;
		c = first_fit(d, &by_key, &section_rules, i);
		if (c != NONE)
			err = correlate_sections(d, i, c);
		if (err)
			break;
	}
	hidx_free(&by_key);
	return err;
}

static int correlate_all_symbols(struct diff *d)
{
	const struct object *o = &d->orig, *p = &d->patched;
	struct hidx by_key;
	uint32_t i, c;

	if (hidx_init(&by_key, p->nsyms, 0))
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	for_each_symbol(p, i)
		hidx_add(&by_key, names_mangled_key(p->syms[i].name), i);

	for_each_symbol(o, i) {
		const struct symbol *so = &o->syms[i];

		if (so->twin != NONE)
			continue;
		if (names_is_ubsan(so->name) || is_special_static(o, i))
			continue;
		if (so->type == STT_NOTYPE && has_prefix(so->name, ".LC"))
			continue;
		c = first_fit(d, &by_key, &symbol_rules, i);
		if (c != NONE)
			correlate_symbols(d, i, c);
	}
	hidx_free(&by_key);
	return 0;
}

int correlate(struct diff *d)
{
	int err = correlate_all_sections(d);

	if (!err)
		err = correlate_all_symbols(d);
	return err;
}
