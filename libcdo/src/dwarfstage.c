// SPDX-License-Identifier: GPL-2.0
/*
 * The diff's debug-info stage (dwarfstage.h): what is asked, reading each
 * object once on the pool, and the struct sizes kpatch-build would have
 * passed in *_STRUCT_SIZE variables.
 *
 * Sizes come, in this order, from the options (a set variable wins), the
 * patched object's DWARF, the original's, then the --debuginfo file.  A
 * kernel object's DWARF only describes the structs its code uses, so
 * most objects lack most of these types; vmlinux has them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarfelf.h"
#include "dwarfstage.h"
#include "special.h"

#define ALL_STRUCTS ((1u << DI_NSTRUCTS) - 1)

struct read_job {
	struct diff *d;
	struct dwarf_state *st;
	struct di_request rq[2];
	bool run[2];
	struct errbuf eb[2];
	int err[2];
};

/* Read @o's DWARF; @e keeps its section addresses (NULL: not needed). */
static int read_object(const struct object *o, struct debuginfo *di,
		       const struct di_request *rq, struct delf *e, struct errbuf *eb)
{
	struct delf tmp;
	int err;

	if (!e)
		e = &tmp;
	err = delf_open_mem(e, o->path, o->map, o->map_size, eb);
	if (err)
		return err;
	err = debuginfo_read(di, e, rq, eb);
	if (err || e == &tmp)
		delf_close(e);
	return err;
}

static void read_one(void *arg, size_t i)
{
	struct read_job *job = arg;
	const struct object *o = i ? &job->d->patched : &job->d->orig;

	if (!job->run[i])
		return;
	job->err[i] = read_object(o, &job->st->di[i], &job->rq[i], &job->st->elf[i], &job->eb[i]);
	job->st->read[i] = !job->err[i];
}

static uint32_t *size_field(struct diff *d, int k)
{
	return (uint32_t *)((char *)&d->sizes + (size_t)k * sizeof(uint32_t));
}

/* Take the sizes @di found for the structs of @missing. */
static uint32_t take_sizes(struct diff *d, const uint32_t found[DI_NSTRUCTS], uint32_t missing,
			   const char *file)
{
	struct dwarf_state *st = d->dwarf;
	int k;

	for (k = 0; k < DI_NSTRUCTS; k++) {
		if (!(missing & (1u << k)) || !found[k])
			continue;
		*size_field(d, k) = found[k];
		st->sizes[k].size = found[k];
		st->sizes[k].origin = CDO_SIZE_DWARF;
		st->sizes[k].file = file;
		missing &= ~(1u << k);
	}
	return missing;
}

static int read_debuginfo_file(struct diff *d)
{
	struct dwarf_file_cache *c = d->debuginfo_cache;
	const struct di_request rq = { .sizes = ALL_STRUCTS };
	struct debuginfo di;
	struct delf e;

	if (c->done)
		return c->err;
	c->done = true;
	c->err = delf_open_file(&e, d->debuginfo, &c->eb);
	if (c->err)
		return c->err;
	c->err = debuginfo_read(&di, &e, &rq, &c->eb);
	delf_close(&e);
	if (c->err)
		return c->err;
	memcpy(c->sizes, di.sizes, sizeof(c->sizes));
	debuginfo_free(&di);
	return 0;
}

int dwarf_stage(struct diff *d)
{
	struct dwarf_state *st;
	struct read_job job;
	uint32_t missing = 0;
	/* lines, functions and inlined subroutines of both objects */
	bool code = d->dwarf_flags & (CDO_DWARF_SOURCE | CDO_DWARF_LINE_ONLY);
	int k, i;

	st = calloc(1, sizeof(*st));
	if (!st)
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	d->dwarf = st;
	for (k = 0; k < DI_NSTRUCTS; k++) {
		st->sizes[k].type = di_struct_name(k);
		st->sizes[k].variable = di_struct_variable(k);
		st->sizes[k].size = *size_field(d, k);
		if (st->sizes[k].size)
			st->sizes[k].origin = CDO_SIZE_OPTION;
		else
			missing |= 1u << k;
	}
	if (d->dwarf_flags & CDO_DWARF_NO_SIZES)
		missing = 0;
	missing &= special_sizes_needed(&d->patched);
	if (!missing && !code)
		return 0;

	memset(&job, 0, sizeof(job));
	job.d = d;
	job.st = st;
	job.rq[1].sizes = missing;
	job.rq[1].code = code;
	job.run[1] = true;
	/* the original is read anyway for the code: look for the sizes too */
	job.rq[0].code = code;
	job.rq[0].sizes = code ? missing : 0;
	job.run[0] = code;
	pool_for(d->pool, 2, 1, read_one, &job);
	for (i = 0; i < 2; i++)
		if (job.err[i])
			return err_copy(d->sink.eb, &job.eb[i]);
	st->looked = missing;
	missing = take_sizes(d, st->di[1].sizes, missing, d->patched.path);
	if (missing && !st->read[0]) {
		/* the original's unit may use a struct the patched one no longer does */
		const struct di_request rq = { .sizes = missing };
		struct errbuf eb = { 0 };

		if (read_object(&d->orig, &st->di[0], &rq, NULL, &eb))
			return err_copy(d->sink.eb, &eb);
		st->read[0] = true;
	}
	if (missing)
		missing = take_sizes(d, st->di[0].sizes, missing, d->orig.path);
	if (missing && d->debuginfo) {
		if (read_debuginfo_file(d))
			return err_copy(d->sink.eb, &d->debuginfo_cache->eb);
		st->looked_file = true;
		missing = take_sizes(d, d->debuginfo_cache->sizes, missing, d->debuginfo);
	}
	return 0;
}

const char *dwarf_size_missing_note(struct diff *d, size_t field)
{
	struct dwarf_state *st = d->dwarf;
	size_t k = field / sizeof(uint32_t);
	bool info[2];
	char buf[1024], *note;

	if (!st || k >= DI_NSTRUCTS || !(st->looked & (1u << k)))
		return "";
	info[0] = st->read[0] && st->di[0].has_info;
	info[1] = st->read[1] && st->di[1].has_info;
	if (!info[0] && !info[1] && !st->looked_file)
		return d->debuginfo ? "" :
		       ", and the objects have no debug info to read struct sizes from (give --debuginfo vmlinux)";
	snprintf(buf, sizeof(buf), ", and struct %s is not in the debug info of %s%s%s%s%s%s",
		 di_struct_name(k), info[1] ? d->patched.path : "", info[1] && info[0] ? ", " : "",
		 info[0] ? d->orig.path : "", (info[0] || info[1]) && st->looked_file ? " or " : "",
		 st->looked_file ? d->debuginfo : "",
		 d->debuginfo ? "" : " (no --debuginfo file given)");
	note = sink_strdup(&d->sink, buf);
	return note ? note : "";
}

void dwarf_state_free(struct dwarf_state *st)
{
	size_t k;

	if (!st)
		return;
	debuginfo_free(&st->di[0]);
	debuginfo_free(&st->di[1]);
	delf_close(&st->elf[0]);
	delf_close(&st->elf[1]);
	for (k = 0; k < st->nsource_of; k++)
		free(st->source_of[k]);
	free(st->source_of);
	free(st);
}
