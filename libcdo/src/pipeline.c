// SPDX-License-Identifier: GPL-2.0
/*
 * The diff pipeline: the order in which the stages run, and nothing
 * else.  Stages report through d->sink and never call back here.
 */
#include <string.h>

#include "compare.h"
#include "correlate.h"
#include "dwarfstage.h"
#include "emit.h"
#include "explain.h"
#include "include.h"
#include "pipeline.h"
#include "prepare.h"
#include "special.h"
#include "srcdiff.h"
#include "statics.h"

struct prepare_job {
	struct object *objs[2];
	struct errbuf eb[2];
	int err[2];
};

static void prepare_one(void *arg, size_t i)
{
	struct prepare_job *job = arg;

	job->err[i] = prepare_object(job->objs[i], &job->eb[i]);
}

/*
 * The two objects are prepared on two threads.  Preparation is a pass
 * over one object: each thread gets its object and an error buffer of
 * its own, and nothing else of the diff.
 */
static int prepare_both(struct diff *d)
{
	struct prepare_job job;
	int i;

	memset(&job, 0, sizeof(job));
	job.objs[0] = &d->orig;
	job.objs[1] = &d->patched;
	pool_for(d->pool, 2, 1, prepare_one, &job);
	for (i = 0; i < 2; i++)
		if (job.err[i])
			return err_copy(d->sink.eb, &job.eb[i]);
	return 0;
}

int diff_run(struct diff *d)
{
	int err;

	err = prepare_both(d);
	if (!err)
		err = compare_headers(d);
	if (!err)
		err = match_parent_blocks(d);
	if (!err)
		err = correlate(d);
	if (!err)
		err = correlate_statics(d);
	if (!err)
		err = dwarf_stage(d);
	if (!err)
		err = mark_ignored_sections(d);
	if (!err)
		err = compare(d);
	if (!err)
		err = mark_ignored_same(d);
	if (!err)
		err = check_fentry(d);
	if (!err)
		err = compute_sources(d);
	if (!err)
		explain_comparison(d);
	if (!err)
		err = include_all(d);
	if (!err)
		err = process_special_sections(d);
	if (err)
		return err;
	explain_inclusion(d);
	report_changes(d);
	err = verify_patchability(d);
	if (err)
		return err;
	if (!d->changed_funcs && !d->new_globals && !d->callbacks)
		return sink_fail(&d->sink, CDO_ERR_NOCHANGE, "no changed functions were found");
	err = emit_output(d);
	if (!err)
		err = attach_sources(d);
	if (!err)
		d->have_output = true;
	return err;
}
