// SPDX-License-Identifier: GPL-2.0
/*
 * The symbol-interval index of an object (symspan.h): per section, its
 * symbols sorted by address with a running maximum of their ends, so
 * "which symbol covers section+offset" is a binary search and a short
 * walk back, never a scan of the symbol table.
 */
#include <stdlib.h>
#include <string.h>

#include "object.h"

static int span_cmp(const void *a, const void *b)
{
	const struct sym_span *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static void sort_spans(struct sym_span *v, uint32_t n)
{
	uint32_t i, j;

	if (n > 32) {
		qsort(v, n, sizeof(*v), span_cmp);
		return;
	}
	/* most sections hold one or two symbols */
	for (i = 1; i < n; i++) {
		struct sym_span x = v[i];

		for (j = i; j > 0 && span_cmp(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Spans are bucketed by section in one counting pass, then each section's
 * few symbols are sorted by address: no global sort of every symbol.
 */
int span_index_build(struct span_index *si, const struct object *o)
{
	uint32_t i, n = 0, *fill;

	memset(si, 0, sizeof(*si));
	si->spans = malloc(sizeof(*si->spans) * (o->nsyms + 1));
	si->max_end = malloc(sizeof(*si->max_end) * (o->nsyms + 1));
	si->first = calloc(o->nsecs + 2, sizeof(*si->first));
	fill = malloc(sizeof(*fill) * (o->nsecs + 1));
	if (!si->spans || !si->max_end || !si->first || !fill) {
		free(fill);
		return -1;
	}
	for_each_symbol(o, i)
		if (o->syms[i].type != STT_SECTION && o->syms[i].sec != NONE)
			si->first[o->syms[i].sec + 1]++;
	for (i = 0; i < o->nsecs; i++)
		si->first[i + 1] += si->first[i];
	memcpy(fill, si->first, sizeof(*fill) * (o->nsecs + 1));
	for_each_symbol(o, i) {
		const struct symbol *s = &o->syms[i];
		struct sym_span *sp;

		if (s->type == STT_SECTION || s->sec == NONE)
			continue;
		sp = &si->spans[fill[s->sec]++];
		sp->start = s->sym.st_value;
		sp->end = s->sym.st_value + s->sym.st_size;
		sp->sym = i;
		sp->sec = s->sec;
		n++;
	}
	free(fill);
	si->n = n;
	for (i = 0; i < o->nsecs; i++)
		sort_spans(si->spans + si->first[i], si->first[i + 1] - si->first[i]);
	for (i = 0; i < n; i++) {
		uint64_t prev = (i && si->spans[i - 1].sec == si->spans[i].sec) ? si->max_end[i - 1] : 0;

		si->max_end[i] = si->spans[i].end > prev ? si->spans[i].end : prev;
	}
	return 0;
}

void span_index_free(struct span_index *si)
{
	free(si->spans);
	free(si->max_end);
	free(si->first);
	memset(si, 0, sizeof(*si));
}

uint32_t span_index_covering(const struct span_index *si, const struct object *o, uint32_t sec,
			     int64_t target, bool end_of_data_ref)
{
	uint32_t lo = si->first[sec], hi = si->first[sec + 1], best = NONE;
	uint32_t j;

	if (lo >= hi)
		return NONE;
	/* last span starting at or before target */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if ((int64_t)si->spans[mid].start <= target)
			lo = mid;
		else
			hi = mid;
	}
	if (end_of_data_ref) {
		/* a pointer to the end of the section belongs to its last object */
		for (j = si->first[sec]; j < si->first[sec + 1]; j++)
			if (si->spans[j].end == o->secs[sec].sh.sh_size &&
			    (best == NONE || si->spans[j].sym < best))
				best = si->spans[j].sym;
	}
	if ((int64_t)si->spans[lo].start > target)
		return best;
	for (j = lo + 1; j-- > si->first[sec];) {
		const struct sym_span *sp = &si->spans[j];

		if ((int64_t)si->max_end[j] < target)
			break;
		if ((target == (int64_t)sp->start && target == (int64_t)sp->end) ||
		    (target >= (int64_t)sp->start && target < (int64_t)sp->end)) {
			if (best == NONE || sp->sym < best)
				best = sp->sym;
		}
	}
	return best;
}
