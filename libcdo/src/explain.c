// SPDX-License-Identifier: GPL-2.0
/*
 * Explaining a result: why a function counts as changed (the reason of
 * its result item).
 */
#include "diff.h"

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
