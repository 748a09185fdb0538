// SPDX-License-Identifier: GPL-2.0
/*
 * Comparison of correlated elements: which sections and symbols of the
 * patched object are the same, changed or new.  Section contents are
 * compared by XXH3 hash first and confirmed byte by byte; the per-section
 * work runs on the thread pool, each task writing only its own section.
 */
#include <string.h>

#include "compare.h"
#include "correlate.h"
#include "lineonly.h"
#include "names.h"

bool rela_equal(const struct diff *d, const struct rela *a, const struct rela *b)
{
	const char *na = d->patched.syms[a->sym].name, *nb = d->orig.syms[b->sym].name;

	if (a->type != b->type || a->offset != b->offset)
		return false;
	/*
	 * .altinstr_aux holds code that only runs before alternatives are
	 * applied, which never happens for a module: its offsets do not
	 * matter.
	 */
	if (!strcmp(na, ".altinstr_aux") && !strcmp(nb, ".altinstr_aux"))
		return true;
	if (a->string)
		return b->string && !strcmp(a->string, b->string);
	if (a->addend != b->addend)
		return false;
	/* correlated symbols were paired for having equal names */
	if (d->patched.syms[a->sym].twin == b->sym)
		return true;
	return names_mangled_equal(na, nb);
}

static bool always_same(const char *name)
{
	return !strcmp(name, ".rela__mcount_loc") || !strcmp(name, "__mcount_loc") ||
	       !strcmp(name, ".sframe") || !strcmp(name, ".rela.sframe") ||
	       !strcmp(name, ".rela__patchable_function_entries") ||
	       !strcmp(name, "__patchable_function_entries");
}

struct compare_job {
	struct diff *d;
	uint32_t *secs;		/* patched sections with a twin */
	int *errs;		/* per job: 0 or a negative status */
	bool *revert;		/* per job: only __LINE__ changed */
};

static int compare_section(struct diff *d, uint32_t i, struct errbuf *eb)
{
	struct section *a = &d->patched.secs[i];
	const struct section *b = &d->orig.secs[a->twin];
	uint32_t j;

	if (!sections_agree(a, b))
		return err_set(eb, CDO_ERR_DIFF, "%s section header details differ from %s",
			       a->name, b->name);
	if (always_same(a->name) || object_skips_debug_compare(&d->patched, i)) {
		a->status = ST_SAME;
		return 0;
	}
	if (a->sh.sh_size != b->sh.sh_size || a->size != b->size ||
	    (a->rela == NONE) != (b->rela == NONE)) {
		a->status = ST_CHANGED;
		return 0;
	}
	if (a->is_rela) {
		a->status = ST_SAME;
		if (!strcmp(a->name, ".rela.toc"))
			return 0;
		for (j = 0; j < a->nrelas; j++) {
			if (!rela_equal(d, &a->relas[j], &b->relas[j])) {
				a->status = ST_CHANGED;
				break;
			}
		}
		return 0;
	}
	if (a->sh.sh_type == SHT_NOBITS || !a->size) {
		a->status = ST_SAME;
		return 0;
	}
	if (!a->hash)
		a->hash = hash_bytes(a->data, a->size);
	if (!((struct section *)b)->hash)
		((struct section *)b)->hash = hash_bytes(b->data, b->size);
	a->status = (a->hash == b->hash && !memcmp(a->data, b->data, a->size)) ? ST_SAME : ST_CHANGED;
	return 0;
}

static void compare_one(void *arg, size_t k)
{
	struct compare_job *job = arg;

	struct errbuf scratch = { CDO_OK, "" };

	/* the message is made again by first_error(), on one thread */
	job->errs[k] = compare_section(job->d, job->secs[k], &scratch);
}

static void line_check_one(void *arg, size_t k)
{
	struct compare_job *job = arg;
	bool only = false;

	struct errbuf scratch = { CDO_OK, "" };

	job->errs[k] = line_only_change(job->d, job->secs[k], &only, &scratch);
	job->revert[k] = !job->errs[k] && only;
}

/*
 * Report the first failure in section order, whatever thread hit it, by
 * running that section's step again here: per-task message buffers
 * would cost a kilobyte per section for a path that is almost never taken.
 */
static int first_error(struct diff *d, struct compare_job *job, uint32_t n, bool line_check)
{
	bool only;
	uint32_t k;

	for (k = 0; k < n; k++) {
		if (!job->errs[k])
			continue;
		if (line_check)
			return line_only_change(d, job->secs[k], &only, d->sink.eb);
		return compare_section(d, job->secs[k], d->sink.eb);
	}
	return 0;
}

static bool child_section_changed(const struct object *p, uint32_t c)
{
	const struct section *s = &p->secs[p->syms[c].sec];

	return s->status == ST_CHANGED || (s->rela != NONE && p->secs[s->rela].status == ST_CHANGED);
}

static bool child_change_needs_parent(const struct object *p, uint32_t fn)
{
	uint32_t c;

	for_each_child(p, fn, c) {
		if (p->syms[c].has_fentry)
			continue;
		if (child_section_changed(p, c) || child_change_needs_parent(p, c))
			return true;
	}
	return false;
}

static int compare_sections(struct diff *d)
{
	struct object *p = &d->patched;
	struct compare_job job = { .d = d };
	uint32_t i, n = 0;
	int err;

	job.secs = malloc(sizeof(*job.secs) * p->nsecs);
	job.errs = calloc(p->nsecs, sizeof(*job.errs));
	job.revert = calloc(p->nsecs, sizeof(*job.revert));
	if (!job.secs || !job.errs || !job.revert) {
		err = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		goto out;
	}
	for_each_section(p, i) {
		if (p->secs[i].twin != NONE)
			job.secs[n++] = i;
		else
			p->secs[i].status = ST_NEW;
	}
	pool_for(d->pool, n, 16, compare_one, &job);
	err = first_error(d, &job, n, false);
	if (err)
		goto out;
	/* rela sections must be settled before the line check reads them */
	pool_for(d->pool, n, 4, line_check_one, &job);
	err = first_error(d, &job, n, true);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		if (!job.revert[i])
			continue;
		sink_debug(&d->sink, "reverting macro / line number section %s status to SAME",
			   p->secs[job.secs[i]].name);
		p->secs[job.secs[i]].status = ST_SAME;
	}

	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (s->is_rela) {
			uint32_t fn = p->secs[s->base].sym;

			if (fn != NONE && p->syms[fn].status != ST_CHANGED)
				p->syms[fn].status = s->status;
		} else if (s->sym != NONE) {
			struct symbol *fn = &p->syms[s->sym];

			if (fn->status != ST_CHANGED)
				fn->status = s->status;
			if (fn->status == ST_SAME && child_change_needs_parent(p, s->sym))
				fn->status = ST_CHANGED;
		}
	}
out:
	free(job.secs);
	free(job.errs);
	free(job.revert);
	return err;
}

static int subsection(const char *name)
{
	if (has_prefix(name, ".text.unlikely."))
		return 2;
	if (has_prefix(name, ".text.hot."))
		return 1;
	return 0;
}

static int compare_symbols(struct diff *d)
{
	struct object *p = &d->patched, *o = &d->orig;
	uint32_t i;

	for_each_symbol(p, i) {
		struct symbol *a = &p->syms[i];
		const struct symbol *b;

		if (a->twin == NONE) {
			a->status = ST_NEW;
			continue;
		}
		b = &o->syms[a->twin];
		if (a->sym.st_info != b->sym.st_info || (a->sec == NONE) != (b->sec == NONE))
			return sink_diff_fatal(&d->sink, "symbol info mismatch: %s", a->name);
		if (a->sec != NONE && p->secs[a->sec].twin != b->sec) {
			uint32_t moved_from = o->secs[b->sec].twin;

			if ((moved_from != NONE && p->secs[moved_from].ignore) ||
			    subsection(p->secs[a->sec].name) != subsection(o->secs[b->sec].name))
				a->status = ST_CHANGED;
			else
				return sink_diff_fatal(&d->sink, "symbol changed sections: %s", a->name);
		}
		if (a->type == STT_OBJECT && a->sym.st_size != b->sym.st_size)
			return sink_diff_fatal(&d->sink, "object size mismatch: %s", a->name);
		if (a->sym.st_shndx == SHN_UNDEF || a->sym.st_shndx == SHN_ABS)
			a->status = ST_SAME;
	}
	return 0;
}

int compare(struct diff *d)
{
	int err = compare_sections(d);

	if (!err)
		err = compare_symbols(d);
	return err;
}

static int stash_modinfo_namespaces(struct diff *d, const struct section *s)
{
	const char *p, *end;

	if (!s->data)
		return 0;
	p = (const char *)s->data;
	end = p + s->size;
	while (p < end) {
		const char *m = memmem(p, (size_t)(end - p), "import_ns=", 10);
		const char *z;
		size_t len;
		char *grown;

		if (!m)
			break;
		z = memchr(m, '\0', (size_t)(end - m));
		if (!z)
			return sink_fail(&d->sink, CDO_ERR_MALFORMED, "%s: unterminated .modinfo string",
					 d->patched.path);
		len = (size_t)(z - m) + 1;
		grown = realloc(d->modinfo, d->modinfo_len + len);
		if (!grown)
			return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		d->modinfo = grown;
		memcpy(d->modinfo + d->modinfo_len, m, len);
		d->modinfo_len += len;
		p = z + 1;
	}
	return 0;
}

int mark_ignored_sections(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i, j, is;
	int err;

	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (has_prefix(s->name, ".discard") || has_prefix(s->name, ".rela.discard") ||
		    has_prefix(s->name, ".llvm_addrsig") || has_prefix(s->name, ".llvm."))
			s->ignore = true;
		if (!strcmp(s->name, ".modinfo")) {
			err = stash_modinfo_namespaces(d, s);
			if (err)
				return err;
			s->ignore = true;
		}
		if (!strcmp(s->name, ".rela__patchable_function_entries") ||
		    !strcmp(s->name, "__patchable_function_entries"))
			s->ignore = true;
	}

	is = object_find_section(p, ".kpatch.ignore.sections");
	if (is == NONE || p->secs[is].rela == NONE)
		return 0;
	for (j = 0; j < p->secs[p->secs[is].rela].nrelas; j++) {
		const struct rela *r = &p->secs[p->secs[is].rela].relas[j];
		const struct symbol *ts = &p->syms[r->sym];
		struct section *strsec;
		const char *name;
		uint32_t target;

		if (ts->sec == NONE)
			return sink_unsupported(&d->sink, "KPATCH_IGNORE_SECTION: reference to undefined symbol %s", ts->name);
		strsec = &p->secs[ts->sec];
		/*
		 * The macro's string literal changes the string section; it is
		 * included so that change alone is no reason to fail.
		 */
		strsec->status = ST_CHANGED;
		strsec->include = true;
		if (strsec->secsym != NONE)
			p->syms[strsec->secsym].include = true;
		if (!strsec->data || r->addend < 0 || (uint64_t)r->addend >= strsec->size ||
		    !memchr(strsec->data + r->addend, '\0', strsec->size - (uint64_t)r->addend))
			return sink_fail(&d->sink, CDO_ERR_MALFORMED, "%s: KPATCH_IGNORE_SECTION string out of range",
					 p->path);
		name = (const char *)strsec->data + r->addend;
		target = object_find_section(p, name);
		if (target == NONE)
			return sink_unsupported(&d->sink, "KPATCH_IGNORE_SECTION: can't find %s", name);
		sink_info(&d->sink, "ignoring section: %s", name);
		if (p->secs[target].is_rela)
			target = p->secs[target].base;
		p->secs[target].ignore = true;
		if (p->secs[target].twin != NONE)
			d->orig.secs[p->secs[target].twin].ignore = true;
	}
	return 0;
}

static void mark_children_same(struct object *p, uint32_t fn)
{
	uint32_t c;

	for_each_child(p, fn, c) {
		p->syms[c].status = ST_SAME;
		mark_children_same(p, c);
	}
}

static int mark_ignored_functions_same(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t fs = object_find_section(p, ".kpatch.ignore.functions");
	uint32_t i, j;

	if (fs != NONE && p->secs[fs].rela != NONE) {
		const struct section *rs = &p->secs[p->secs[fs].rela];

		for (j = 0; j < rs->nrelas; j++) {
			uint32_t y = rs->relas[j].sym;
			struct symbol *fn = &p->syms[y];
			struct section *s;

			if (fn->sec == NONE)
				return sink_unsupported(&d->sink, "expected bundled symbol");
			if (fn->type != STT_FUNC)
				return sink_unsupported(&d->sink, "expected function symbol");
			sink_info(&d->sink, "ignoring function: %s", fn->name);
			if (fn->status != ST_CHANGED)
				sink_info(&d->sink, "NOTICE: no change detected in function %s, unnecessary KPATCH_IGNORE_FUNCTION()?",
					  fn->name);
			fn->status = ST_SAME;
			s = &p->secs[fn->sec];
			s->status = ST_SAME;
			mark_children_same(p, y);
			if (s->secsym != NONE)
				p->syms[s->secsym].status = ST_SAME;
			if (s->rela != NONE)
				p->secs[s->rela].status = ST_SAME;
			sink_add_item(&d->sink, CDO_ITEM_IGNORED_FUNC, &(struct cdo_item){
				.name = fn->name, .section = s->name });
		}
	}
	for_each_symbol(p, i)
		if (has_prefix(p->syms[i].name, "__kpatch_ignore_func_"))
			p->syms[i].status = ST_SAME;
	return 0;
}

int mark_ignored_same(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i;
	int err = mark_ignored_functions_same(d);

	if (err)
		return err;
	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (!s->ignore)
			continue;
		s->status = ST_SAME;
		if (!s->is_rela) {
			if (s->secsym != NONE)
				p->syms[s->secsym].status = ST_SAME;
			if (s->rela != NONE)
				p->secs[s->rela].status = ST_SAME;
		}
	}
	for_each_symbol(p, i) {
		struct symbol *y = &p->syms[i];

		if ((y->sec != NONE && p->secs[y->sec].ignore) ||
		    has_prefix(y->name, "__UNIQUE_ID_kpatch_ignore_section_"))
			y->status = ST_SAME;
	}
	return 0;
}

int check_fentry(struct diff *d)
{
	const struct object *p = &d->patched;
	uint32_t i;
	int errs = 0;

	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];

		if (y->type != STT_FUNC || y->status != ST_CHANGED)
			continue;
		if (y->parent != NONE && p->syms[y->parent].status == ST_CHANGED)
			continue;
		if (y->twin == NONE || !d->orig.syms[y->twin].has_fentry) {
			sink_error(&d->sink, "function %s doesn't have patchable function entry, unable to patch",
				   y->name);
			errs++;
		}
	}
	if (errs)
		return sink_diff_fatal(&d->sink, "%d function(s) can not be patched", errs);
	return 0;
}
