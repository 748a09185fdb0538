// SPDX-License-Identifier: GPL-2.0
/*
 * The state of one diff (diff.h): its release.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "dwarfstage.h"

void diff_release(struct diff *d)
{
	object_free(&d->orig);
	object_free(&d->patched);
	free(d->out_secs);
	free(d->out_syms);
	free(d->modinfo);
	free(d->lookups);
	free(d->looked);
	strtab_free(&d->kstrings);
	sink_release(&d->sink);
	dwarf_state_free(d->dwarf);
	memset(d, 0, sizeof(*d));
}
