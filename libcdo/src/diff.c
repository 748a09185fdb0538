// SPDX-License-Identifier: GPL-2.0
/*
 * The diff pipeline: the order in which the stages run, and the plumbing
 * they share (logging, result items, owned strings).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

void diff_log(struct diff *d, enum cdo_log_level level, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!d->log || level > d->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->log(d->log_user, level, buf);
}

char *diff_strdup(struct diff *d, const char *s)
{
	char *copy;

	if (d->n_owned == d->owned_cap) {
		size_t cap = d->owned_cap ? d->owned_cap * 2 : 16;
		char **a = realloc(d->owned_strings, sizeof(*a) * cap);

		if (!a)
			return NULL;
		d->owned_strings = a;
		d->owned_cap = cap;
	}
	copy = strdup(s);
	if (copy)
		d->owned_strings[d->n_owned++] = copy;
	return copy;
}

/*
 * Item strings point into the mapped objects and parent symtab while the
 * diff runs; the caller gets copies, so results stay readable whatever
 * happens to the input files afterwards.
 */
static const char *item_string(struct diff *d, const char *s)
{
	struct str_chunk *c = d->item_strings;
	size_t n;

	if (!s || s == d->parent_name)
		return s;	/* NULL, or owned by the context */
	n = strlen(s) + 1;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = d->item_strings;
		c->used = 0;
		c->cap = cap;
		d->item_strings = c;
	}
	memcpy(c->data + c->used, s, n);
	c->used += n;
	return c->data + c->used - n;
}

int diff_add_item(struct diff *d, enum cdo_item_kind kind, const struct cdo_item *item)
{
	struct item_list *l = &d->results[kind];
	struct cdo_item copy = *item;

	copy.name = item_string(d, item->name);
	copy.section = item_string(d, item->section);
	copy.objname = item_string(d, item->objname);
	if ((item->name && !copy.name) || (item->section && !copy.section) ||
	    (item->objname && !copy.objname))
		return err_set(d->eb, CDO_ERR_NOMEM, "out of memory");

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct cdo_item *a = realloc(l->items, sizeof(*a) * cap);

		if (!a)
			return err_set(d->eb, CDO_ERR_NOMEM, "out of memory");
		l->items = a;
		l->cap = cap;
	}
	l->items[l->n++] = copy;
	return 0;
}

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
			return err_copy(d->eb, &job.eb[i]);
	return 0;
}

int diff_run(struct diff *d, const char *orig_path, const char *patched_path)
{
	int err;

	(void)orig_path;
	(void)patched_path;
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
		err = mark_ignored_sections(d);
	if (!err)
		err = compare(d);
	if (!err)
		err = mark_ignored_same(d);
	if (!err)
		err = check_fentry(d);
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
		return err_set(d->eb, CDO_ERR_NOCHANGE, "no changed functions were found");
	err = emit_output(d);
	if (!err)
		d->have_output = true;
	return err;
}

void diff_release(struct diff *d)
{
	size_t i;

	object_free(&d->orig);
	object_free(&d->patched);
	free(d->out_secs);
	free(d->out_syms);
	free(d->modinfo);
	free(d->lookups);
	free(d->looked);
	strtab_free(&d->kstrings);
	for (i = 0; i < CDO_ITEM_KIND_COUNT; i++)
		free(d->results[i].items);
	for (i = 0; i < d->n_owned; i++)
		free(d->owned_strings[i]);
	while (d->item_strings) {
		struct str_chunk *next = d->item_strings->next;

		free(d->item_strings);
		d->item_strings = next;
	}
	free(d->owned_strings);
	memset(d, 0, sizeof(*d));
}
