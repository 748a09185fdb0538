// SPDX-License-Identifier: GPL-2.0
/*
 * Parent lookups of patched symbols (parentcache.h), kept per symbol of
 * the diff: the emit and special-section stages ask once per relocation.
 */
#include <stdlib.h>
#include <string.h>

#include "parentcache.h"

int parent_cache_lookup(struct diff *d, uint32_t y, struct parent_sym *res)
{
	const struct symbol *s = &d->patched.syms[y];
	int found;

	memset(res, 0, sizeof(*res));
	if (!d->parent)
		return 0;
	/* symbols we add later are never looked up: size for the input's */
	if (!d->looked && y < d->patched.syms_cap) {
		d->looked = calloc(d->patched.syms_cap, 1);
		d->lookups = malloc(sizeof(*d->lookups) * d->patched.syms_cap);
		if (!d->looked || !d->lookups) {
			free(d->looked);
			free(d->lookups);
			d->looked = NULL;
			d->lookups = NULL;
			return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		}
	}
	if (d->looked && y < d->patched.syms_cap && d->looked[y]) {
		*res = d->lookups[y];
		return d->looked[y] - 1;
	}
	found = parent_lookup(d->parent, s->parent_block, s->name, res, d->sink.eb);
	if (found >= 0 && d->looked && y < d->patched.syms_cap) {
		d->lookups[y] = *res;
		d->looked[y] = (uint8_t)(found + 1);
	}
	return found;
}
