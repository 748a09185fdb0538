// SPDX-License-Identifier: GPL-2.0
/*
 * A set of livepatch modules loaded in a given order: which version of each
 * function runs, and would another order give another result?
 *
 * The livepatch core stacks the versions of one function, newest on top,
 * and runs the top one; an atomic-replace patch drops every patch enabled
 * before it when its transition completes.  So after loading the set in
 * order, the active patches are the last replace patch and every patch
 * after it, and each function runs the version of the last active patch
 * that changes it, or the original code when none does.
 *
 * Over all orders of the set, a function F can end up running:
 *  - any patch that changes F: load it last;
 *  - the original code, when F is changed by no patch, or some replace
 *    patch does not change F: load that replace patch last.
 * The result for F depends on the order when more than one of those is
 * possible; this is exact, no order needs to be tried.
 */

#include <stdlib.h>
#include <string.h>

#include "klp-lib.h"

struct entry {
	const struct klp_fn *fn;
	size_t mod;
};

static int cmp_fn(const struct klp_fn *a, const struct klp_fn *b)
{
	int c = strcmp(a->obj, b->obj);

	if (!c)
		c = strcmp(a->name, b->name);
	if (!c)
		c = (a->pos > b->pos) - (a->pos < b->pos);
	return c;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = cmp_fn(a->fn, b->fn);

	return c ? c : (a->mod > b->mod) - (a->mod < b->mod);
}

static int plan_fn(const struct klp_order *o, struct klp_order_fn *f,
		   const struct entry *e, size_t ne, struct klp_err *err)
{
	size_t i, k;
	bool replace_elsewhere = false;

	f->fn = e[0].fn;
	f->changed_by = malloc(ne * sizeof(*f->changed_by));
	f->stacked = malloc(ne * sizeof(*f->stacked));
	if (!f->changed_by || !f->stacked)
		return klp_fail(err, "out of memory");
	/* one module listing a function twice counts once */
	for (i = 0; i < ne; i++) {
		if (!f->n_changed || f->changed_by[f->n_changed - 1] != e[i].mod)
			f->changed_by[f->n_changed++] = e[i].mod;
	}
	f->runs = -1;
	for (k = f->n_changed; k-- > 0;) {
		size_t m = f->changed_by[k];

		if (o->dropped_by[m] >= 0)
			continue;
		if (f->runs < 0)
			f->runs = (long)m;
		else
			f->stacked[f->n_stacked++] = m;
	}
	for (i = 0; i < o->nmods; i++) {
		bool changes = false;

		if (!o->mods[i]->replace)
			continue;
		for (k = 0; k < f->n_changed; k++)
			changes |= f->changed_by[k] == i;
		replace_elsewhere |= !changes;
	}
	f->original_possible = replace_elsewhere;
	f->depends = f->n_changed + (f->original_possible ? 1 : 0) > 1;
	return 0;
}

int klp_order_plan(const struct klp_module *const *mods, size_t nmods,
		   struct klp_order *o, struct klp_err *err)
{
	struct entry *e = NULL;
	size_t i, j, n = 0, total = 0;

	memset(o, 0, sizeof(*o));
	o->mods = mods;
	o->nmods = nmods;
	o->dropped_by = malloc((nmods ? nmods : 1) * sizeof(*o->dropped_by));
	if (!o->dropped_by)
		return klp_fail(err, "out of memory");
	for (i = 0; i < nmods; i++) {
		o->dropped_by[i] = -1;
		if (!mods[i]->replace)
			continue;
		for (j = 0; j < i; j++) {
			if (o->dropped_by[j] < 0)
				o->dropped_by[j] = (long)i;
		}
	}

	for (i = 0; i < nmods; i++)
		total += mods[i]->funcs.n;
	e = malloc((total ? total : 1) * sizeof(*e));
	o->fns = calloc(total ? total : 1, sizeof(*o->fns));
	if (!e || !o->fns) {
		free(e);
		klp_order_free(o);
		return klp_fail(err, "out of memory");
	}
	for (i = 0; i < nmods; i++) {
		for (j = 0; j < mods[i]->funcs.n; j++) {
			e[n].fn = &mods[i]->funcs.v[j];
			e[n++].mod = i;
		}
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !cmp_fn(e[i].fn, e[j].fn); j++)
			;
		if (plan_fn(o, &o->fns[o->nfns++], &e[i], j - i, err)) {
			free(e);
			klp_order_free(o);
			return -1;
		}
		if (o->fns[o->nfns - 1].depends)
			o->n_depends++;
	}
	free(e);
	return 0;
}

void klp_order_free(struct klp_order *o)
{
	size_t i;

	for (i = 0; o->fns && i < o->nfns; i++) {
		free(o->fns[i].changed_by);
		free(o->fns[i].stacked);
	}
	free(o->fns);
	free(o->dropped_by);
	memset(o, 0, sizeof(*o));
}
