// SPDX-License-Identifier: GPL-2.0
/*
 * Which source lines made a function change (CDO_DWARF_SOURCE): the
 * source report of each changed and new function.  srclines.c finds the
 * lines whose instructions differ; the inlined subroutines around an
 * instruction that differs are the inlined callees whose code differs,
 * and the calls of each changed line through inlining and the callees
 * whose inlining gcc decided anew are added here.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarfstage.h"
#include "grow.h"
#include "srcdiff.h"
#include "srclines.h"

/*
 * A kernel built out of its source tree (O=) names its files by absolute
 * path.  When the unit's name is <root>/<object's path>.c, <root>/ is
 * dropped from every file name, so they read as in a tree build
 * ("kernel/sys.c").
 */
static size_t source_root(const struct diff *d, const struct debuginfo *di)
{
	const char *u = di->unit_name, *dot, *odot;
	size_t ul, ol;

	if (!u || u[0] != '/' || !d->display || !(dot = strrchr(u, '.')) ||
	    !(odot = strrchr(d->display, '.')))
		return 0;
	ul = (size_t)(dot - u);
	ol = (size_t)(odot - d->display);
	if (!ol || ol >= ul || u[ul - ol - 1] != '/' || memcmp(u + ul - ol, d->display, ol))
		return 0;
	return ul - ol;
}

static const char *strip_root(const char *path, const char *root, size_t len)
{
	return len && !strncmp(path, root, len) ? path + len : path;
}

/* The function's DWARF entry: the one starting at @addr. */
static const struct di_code *function_at(const struct debuginfo *di, uint64_t addr)
{
	size_t lo = 0, hi = di->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (di->funcs[mid].lo < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < di->nfuncs && di->funcs[lo].lo == addr ? &di->funcs[lo] : NULL;
}

/*
 * The patched symbol of item @it, whose status is @status: a changed and a
 * new function of one name may share a section (a broken object).
 */
static uint32_t symbol_by_item(const struct object *p, const struct cdo_item *it,
			       enum status status)
{
	uint32_t i = object_find_symbol(p, it->name);

	if (i != NONE && p->syms[i].sec != NONE && p->syms[i].status == status &&
	    !strcmp(p->secs[p->syms[i].sec].name, it->section))
		return i;
	for_each_symbol(p, i)
		if (p->syms[i].sec != NONE && p->syms[i].status == status &&
		    !strcmp(p->syms[i].name, it->name) &&
		    !strcmp(p->secs[p->syms[i].sec].name, it->section))
			return i;
	return NONE;
}

struct builder {
	const char *root;	/* dropped from file names */
	size_t root_len;
	struct cdo_source src;
	uint32_t *lines;
	size_t nlines, lines_cap;
	struct cdo_inlined *inl;
	size_t ninl, inl_cap;
	struct cdo_inlined_call *calls;
	size_t ncalls, calls_cap;
	uint64_t *uses;		/* (line << 32 | inlined index): uses_result() */
	size_t nuses, uses_cap;
};

static int add_line(struct builder *b, uint32_t line)
{
	if (grow_array((void **)&b->lines, &b->lines_cap, b->nlines, sizeof(*b->lines)))
		return -1;
	b->lines[b->nlines++] = line;
	return 0;
}

static int add_inlined(struct builder *b, const struct debuginfo *di, const struct di_code *c)
{
	const char *file = c->file < di->nfiles ?
				   strip_root(di->files[c->file], b->root, b->root_len) : "";
	size_t k;

	for (k = 0; k < b->ninl; k++)
		if (!strcmp(b->inl[k].name, c->name ? c->name : "") && !strcmp(b->inl[k].file, file))
			return 0;
	if (grow_array((void **)&b->inl, &b->inl_cap, b->ninl, sizeof(*b->inl)))
		return -1;
	b->inl[b->ninl].name = c->name ? c->name : "";
	b->inl[b->ninl].file = file;
	b->inl[b->ninl].line = c->line;
	b->inl[b->ninl].call_line = c->call_line;
	b->inl[b->ninl].inlining = CDO_INLINING_SAME;
	b->ninl++;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void sort_lines(struct builder *b)
{
	size_t n = 0, k;

	if (b->nlines)
		qsort(b->lines, b->nlines, sizeof(*b->lines), cmp_u32);
	for (k = 0; k < b->nlines; k++)
		if (!n || b->lines[n - 1] != b->lines[k])
			b->lines[n++] = b->lines[k];
	b->nlines = n;
}

/* One block of storage for the source, its lines, inlined callees and calls. */
static struct cdo_source *pack(struct builder *b)
{
	size_t inl = b->ninl * sizeof(*b->inl), calls = b->ncalls * sizeof(*b->calls);
	struct cdo_source *s;
	char *mem;

	sort_lines(b);
	/* struct, then the arrays of pointers, then the lines: each aligned */
	mem = malloc(sizeof(*s) + inl + calls + b->nlines * sizeof(*b->lines) + 1);
	if (!mem)
		return NULL;
	s = (struct cdo_source *)mem;
	*s = b->src;
	s->inlined = (struct cdo_inlined *)(mem + sizeof(*s));
	if (b->ninl)
		memcpy((void *)s->inlined, b->inl, inl);
	s->n_inlined = b->ninl;
	s->calls = (struct cdo_inlined_call *)(mem + sizeof(*s) + inl);
	if (b->ncalls)
		memcpy((void *)s->calls, b->calls, calls);
	s->n_calls = b->ncalls;
	s->changed_lines = (uint32_t *)(mem + sizeof(*s) + inl + calls);
	if (b->nlines)
		memcpy((void *)s->changed_lines, b->lines, b->nlines * sizeof(*b->lines));
	s->n_changed_lines = b->nlines;
	return s;
}

/* The subroutines inlined into the code at [@lo, @hi): [*first, *last). */
static void inlined_within(const struct debuginfo *di, uint64_t lo, uint64_t hi, size_t *first,
			   size_t *last)
{
	size_t k;

	for (k = 0; k < di->ninlined && di->inlined[k].lo < lo; k++)
		;
	*first = k;
	for (; k < di->ninlined && di->inlined[k].lo < hi; k++)
		;
	*last = k;
}

/* By file index of @di: is it @name (with @root dropped)?  NULL when out of memory. */
static bool *files_named(const struct debuginfo *di, const char *name, const char *root,
			 size_t root_len)
{
	bool *own = calloc((size_t)di->nfiles + 1, sizeof(*own));
	uint32_t k;

	if (!own)
		return NULL;
	for (k = 0; k < di->nfiles; k++)
		own[k] = !strcmp(strip_root(di->files[k], root, root_len), name);
	return own;
}

/* Every subroutine inlined into @f around @addr is an inlined callee that changed. */
static int add_inlined_at(struct builder *b, const struct fn_code *f, uint64_t addr)
{
	size_t k;

	for (k = f->first_inl; k < f->last_inl; k++)
		if (f->di->inlined[k].lo <= addr && addr < f->di->inlined[k].hi &&
		    add_inlined(b, f->di, &f->di->inlined[k]))
			return -1;
	return 0;
}

/*
 * How far from a changed line the call whose code its code adjoins may
 * be and still be of the same statement (note_calls()): an `if` over
 * several lines puts its branch on the first and the call on a later one.
 */
#define STATEMENT_LINES 5

/* Keep (@line, version @patched, inlined subroutine @k) for add_calls(). */
static int add_use(struct builder *b, uint32_t line, bool patched, size_t k)
{
	if (grow_array((void **)&b->uses, &b->uses_cap, b->nuses, sizeof(*b->uses)))
		return -1;
	b->uses[b->nuses++] = (uint64_t)line << 32 | (uint64_t)!patched << 31 | k;
	return 0;
}

/*
 * The outermost subroutine inlined into @f whose code ends (@ends) or
 * starts at @addr: its index, NONE if none.
 */
static size_t outermost_at(const struct fn_code *f, uint64_t addr, bool ends)
{
	const struct di_code *v = f->di->inlined;
	size_t k, out = NONE;

	for (k = f->first_inl; k < f->last_inl; k++)
		if ((ends ? v[k].hi : v[k].lo) == addr && (out == NONE || v[k].depth < v[out].depth))
			out = k;
	return out;
}

/*
 * Is subroutine @k of @f called in the same statement as line @at of
 * @f's file?  Code merely laid out next to another call's (the unlock at
 * the end of the caller) is not.
 */
static bool same_statement(const struct fn_code *f, size_t k, uint32_t at)
{
	const struct debuginfo *di = f->di;
	const struct di_code *c = k == NONE ? NULL : &di->inlined[k];

	return c && c->call_file < di->nfiles && f->own[c->call_file] &&
	       c->call_line + STATEMENT_LINES >= at && at + STATEMENT_LINES >= c->call_line;
}

/*
 * The subroutines inlined into @f that a changed (or, in the original,
 * dropped) instruction at @addr on line @at of @f's numbering calls:
 * - those inlined for a call on that line;
 * - the one whose code ends where the line table's stretch of rows of
 *   that line around @addr starts: the stretch takes its result.  gcc
 *   emits the caller's test of an inlined `return a != b` there (the
 *   compare and the branch), on the caller's line, often the first line
 *   of the statement and not the line of the call, and no code of the
 *   callee's own differs;
 * - the one whose code starts where the stretch ends: the stretch
 *   computes its arguments and the loads its code needs.
 * Of those that end or start there, the outermost, when it is called in
 * the same statement.  They are kept under @line, the line in the
 * patched numbering.
 */
static int note_calls(struct builder *b, const struct fn_code *f, bool patched, uint64_t addr,
		      uint32_t at, uint32_t line)
{
	const struct debuginfo *di = f->di;
	const struct di_line *first = debuginfo_line_at(di, addr), *last = first, *end;
	size_t k, before, after;

	if (!line || !at)
		return 0;
	for (k = f->first_inl; k < f->last_inl; k++) {
		const struct di_code *c = &di->inlined[k];

		if (c->call_line == at && c->call_file < di->nfiles && f->own[c->call_file] &&
		    add_use(b, line, patched, k))
			return -1;
	}
	if (!first)
		return 0;	/* also: no line table, di->lines is NULL */
	end = di->lines + di->nlines;
	while (first > di->lines && !first[-1].end && first[-1].line == first->line &&
	       first[-1].file == first->file && first[-1].addr >= f->addr)
		first--;
	while (last + 1 < end && !last->end && last[1].line == last->line &&
	       last[1].file == last->file)
		last++;
	before = outermost_at(f, first->addr, true);
	after = last + 1 < end ? outermost_at(f, last[1].addr, false) : NONE;
	if (same_statement(f, before, at) && add_use(b, line, patched, before))
		return -1;
	if (same_statement(f, after, at) && after != before && add_use(b, line, patched, after))
		return -1;
	return 0;
}

/*
 * The changed lines and inlined callees of patched function @fp against
 * original @fo (compare_lines()): the lines of the patched tokens that
 * changed and, in the patched numbering, of the original ones that went
 * away, with the subroutines inlined around either.
 */
static int changed_lines(struct builder *b, struct fn_code *fo, struct fn_code *fp)
{
	bool *changed = calloc((size_t)fp->ntok + 1, sizeof(*changed));
	bool *dropped = calloc((size_t)fo->ntok + 1, sizeof(*dropped));
	uint32_t *mapped = calloc((size_t)fo->ntok + 1, sizeof(*mapped));
	long j;
	int err = -1;

	if (!changed || !dropped || !mapped || srclines_compare(fo, fp, changed, dropped, mapped))
		goto out;
	err = 0;
	for (j = 0; j < fp->ntok && !err; j++)
		if (changed[j])
			err = add_line(b, fp->line[j]) ||
			      add_inlined_at(b, fp, fp->addr + fp->insns[fp->tok_insn[j]]) ||
			      note_calls(b, fp, 1, fp->addr + fp->insns[fp->tok_insn[j]], fp->line[j],
					 fp->line[j]);
	for (j = 0; j < fo->ntok && !err; j++)
		if (dropped[j])
			err = add_line(b, mapped[j]) ||
			      add_inlined_at(b, fo, fo->addr + fo->insns[fo->tok_insn[j]]) ||
			      note_calls(b, fo, 0, fo->addr + fo->insns[fo->tok_insn[j]], fo->line[j],
					 mapped[j]);
	err = err ? -1 : 0;
out:
	free(changed);
	free(dropped);
	free(mapped);
	return err;
}

/*
 * Subroutine @c of @f, inlined at @depth below the call on @line, unless
 * the line already names it at that depth (another copy of the same
 * call, another range of the same copy, or the same call in the other
 * version): @b->calls[@from..) are the line's.
 */
static int add_call(struct builder *b, const struct fn_code *f, uint32_t line, uint32_t depth,
		    const struct di_code *c, size_t from)
{
	const struct debuginfo *di = f->di;
	const char *name = c->name ? c->name : "";
	const char *file = c->file < di->nfiles ?
				   strip_root(di->files[c->file], f->root, f->root_len) : "";
	size_t k;

	for (k = from; k < b->ncalls; k++)
		if (b->calls[k].depth == depth && !strcmp(b->calls[k].name, name) &&
		    !strcmp(b->calls[k].file, file))
			return 0;
	if (grow_array((void **)&b->calls, &b->calls_cap, b->ncalls, sizeof(*b->calls)))
		return -1;
	b->calls[b->ncalls++] = (struct cdo_inlined_call){
		.line = line, .depth = depth, .name = name, .file = file, .decl_line = c->line
	};
	return 0;
}

/* Subroutine @k of @f as a call on @line, and those inlined into it. */
static int add_call_tree(struct builder *b, const struct fn_code *f, size_t k, uint32_t line,
			 size_t from)
{
	const struct debuginfo *di = f->di;
	const struct di_code *call = &di->inlined[k];
	size_t q;

	if (add_call(b, f, line, 1, call, from))
		return -1;
	/* sorted by address, a range inside it comes after it */
	for (q = k + 1; q < f->last_inl && di->inlined[q].lo < call->hi; q++) {
		const struct di_code *c = &di->inlined[q];

		if (c->depth > call->depth && c->hi <= call->hi &&
		    add_call(b, f, line, c->depth - call->depth + 1, c, from))
			return -1;
	}
	return 0;
}

/*
 * The calls each changed line makes through inlining (note_calls()), by
 * line (sorted): the patched object's in the order of their code, then
 * the original's that the patched object does not have.
 */
static int add_calls(struct builder *b, const struct fn_code *fo, const struct fn_code *fp)
{
	size_t i, u, v;

	if (b->nuses)
		qsort(b->uses, b->nuses, sizeof(*b->uses), srclines_cmp_u64);
	for (i = 0, u = 0; i < b->nlines; i++) {
		size_t from = b->ncalls;

		for (; u < b->nuses && b->uses[u] >> 32 < b->lines[i]; u++)
			;
		for (v = u; v < b->nuses && b->uses[v] >> 32 == b->lines[i]; v++) {
			bool orig = b->uses[v] >> 31 & 1;
			size_t k = (size_t)(b->uses[v] & 0x7fffffff);

			if ((v == u || b->uses[v] != b->uses[v - 1]) &&
			    add_call_tree(b, orig ? fo : fp, k, b->lines[i], from))
				return -1;
		}
	}
	return 0;
}

/* Is a subroutine named @name inlined anywhere into @f? */
static bool inlines(const struct fn_code *f, const char *name)
{
	size_t k;

	for (k = f->first_inl; k < f->last_inl; k++)
		if (f->di->inlined[k].name && !strcmp(f->di->inlined[k].name, name))
			return true;
	return false;
}

/*
 * Does @f call (or jump to, or take the address of) function @name or a
 * clone gcc made of it (name.constprop.0, name.isra.0)?  Section symbols
 * are already replaced by the functions they point into (prepare.c).
 */
static bool refers_to(const struct fn_code *f, const char *name)
{
	const struct section *s = &f->o->secs[f->sec];
	const struct section *rs;
	size_t len = strlen(name);
	uint32_t j;

	if (s->rela == NONE)
		return false;
	rs = &f->o->secs[s->rela];
	for (j = 0; j < rs->nrelas; j++) {
		const struct rela *r = &rs->relas[j];
		const struct symbol *t = &f->o->syms[r->sym];

		if (r->offset >= f->start && r->offset - f->start < f->size &&
		    (t->type == STT_FUNC || t->type == STT_NOTYPE) && !strncmp(t->name, name, len) &&
		    (!t->name[len] || t->name[len] == '.'))
			return true;
	}
	return false;
}

/*
 * Which of the changed inlined callees gcc stopped or started inlining:
 * inlined into one function only, and called by the other.
 */
static void mark_inlining(struct builder *b, const struct fn_code *fo, const struct fn_code *fp)
{
	size_t k;

	for (k = 0; k < b->ninl; k++) {
		const char *name = b->inl[k].name;
		bool in_orig, in_patched;

		if (!name[0])
			continue;
		in_orig = inlines(fo, name);
		in_patched = inlines(fp, name);
		if (in_orig && !in_patched && refers_to(fp, name))
			b->inl[k].inlining = CDO_INLINING_UNINLINED;
		else if (!in_orig && in_patched && refers_to(fo, name))
			b->inl[k].inlining = CDO_INLINING_NEWLY;
	}
}

/* The source of patched function @y; NULL without line info for it. */
static int source_of(struct diff *d, uint32_t y, struct cdo_source **out)
{
	const struct debuginfo *di = dwarf_of(d, 1);
	const struct debuginfo *dio = dwarf_of(d, 0);
	const struct object *p = &d->patched;
	const struct symbol *s = &p->syms[y];
	struct fn_code fp = { 0 }, fo = { 0 };
	struct builder b = { 0 };
	const struct di_code *fn;
	const struct di_line *row;
	uint64_t base;
	size_t k;
	uint32_t file = UINT32_MAX, low = UINT32_MAX;
	int err = 0;

	*out = NULL;
	if (!di || s->sec == NONE || !s->sym.st_size)
		return 0;
	base = delf_section_addr(&d->dwarf->elf[1], s->sec) + s->sym.st_value;
	fn = function_at(di, base);
	row = debuginfo_line_at(di, base);
	if (fn && fn->file != UINT32_MAX)
		file = fn->file;
	else if (row)
		file = row->file;
	if (file >= di->nfiles)
		return 0;
	b.root = di->unit_name;
	b.root_len = source_root(d, di);
	b.src.file = strip_root(di->files[file], b.root, b.root_len);
	b.src.first_line = fn && fn->line ? fn->line : UINT32_MAX;

	fp.o = p;
	fp.sec = s->sec;
	fp.start = s->sym.st_value;
	fp.size = s->sym.st_size;
	fp.di = di;
	fp.addr = base;
	fp.decl_line = fn ? fn->line : 0;
	fp.root = b.root;
	fp.root_len = b.root_len;
	inlined_within(di, base, base + s->sym.st_size, &fp.first_inl, &fp.last_inl);
	for (row = debuginfo_line_at(di, base), k = row ? (size_t)(row - di->lines) : 0;
	     row && k < di->nlines && di->lines[k].addr < base + s->sym.st_size; k++) {
		const struct di_line *l = &di->lines[k];

		if (l->end || l->file != file || !l->line ||
		    srclines_inlined_covers(di, fp.first_inl, fp.last_inl, l->addr))
			continue;
		/* lines above the declaration come from code inlined into it */
		if (fn && fn->line && l->line < fn->line)
			continue;
		if (l->line > b.src.last_line)
			b.src.last_line = l->line;
		if (l->line < low)
			low = l->line;
	}
	if (b.src.first_line == UINT32_MAX)
		b.src.first_line = low == UINT32_MAX ? 0 : low;
	if (b.src.last_line < b.src.first_line)
		b.src.last_line = b.src.first_line;

	if (s->status == ST_CHANGED && s->twin != NONE && d->orig.syms[s->twin].sec != NONE) {
		const struct symbol *t = &d->orig.syms[s->twin];
		static const struct debuginfo none = { 0 };
		const struct di_code *ofn;

		fo.o = &d->orig;
		fo.sec = t->sec;
		fo.start = t->sym.st_value;
		fo.size = t->sym.st_size;
		/* without the original's lines, all its code counts nowhere */
		fo.di = dio ? dio : &none;
		fo.addr = dio ? delf_section_addr(&d->dwarf->elf[0], t->sec) + t->sym.st_value : 0;
		ofn = dio ? function_at(dio, fo.addr) : NULL;
		fo.decl_line = ofn ? ofn->line : 0;
		inlined_within(fo.di, fo.addr, fo.addr + t->sym.st_size, &fo.first_inl,
			       &fo.last_inl);
		fp.own = files_named(di, b.src.file, b.root, b.root_len);
		fo.root = fo.di->unit_name;
		fo.root_len = dio ? source_root(d, dio) : 0;
		fo.own = files_named(fo.di, b.src.file, fo.root, fo.root_len);
		if (!fp.own || !fo.own) {
			err = -1;
			goto out;
		}
		if (srclines_tokenize(&fp) || srclines_tokenize(&fo))
			goto pack;	/* undecodable: no changed lines */
		if (changed_lines(&b, &fo, &fp)) {
			err = -1;
			goto out;
		}
		sort_lines(&b);
		mark_inlining(&b, &fo, &fp);
		if (add_calls(&b, &fo, &fp)) {
			err = -1;
			goto out;
		}
	}
pack:
	*out = pack(&b);
	if (!*out)
		err = -1;
out:
	free(fp.own);
	free(fo.own);
	srclines_release(&fp);
	srclines_release(&fo);
	free(b.lines);
	free(b.inl);
	free(b.calls);
	free(b.uses);
	return err;
}

struct source_job {
	struct diff *d;
	const uint32_t *syms;
	struct cdo_source **out;
	int *err;
};

static void source_one(void *arg, size_t i)
{
	struct source_job *job = arg;

	job->err[i] = source_of(job->d, job->syms[i], &job->out[i]);
}

int compute_sources(struct diff *d)
{
	const struct object *p = &d->patched;
	struct dwarf_state *st = d->dwarf;
	struct source_job job = { .d = d };
	uint32_t *syms, n = 0, i;
	int ret = 0;

	if (!(d->dwarf_flags & CDO_DWARF_SOURCE) || !dwarf_of(d, 1))
		return 0;
	st->source_of = calloc(p->nsyms, sizeof(*st->source_of));
	syms = malloc((p->nsyms + 1) * sizeof(*syms));
	if (!st->source_of || !syms) {
		free(syms);
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	}
	st->nsource_of = p->nsyms;
	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];

		if (y->type == STT_FUNC && y->sec != NONE && y->parent == NONE && !y->is_pfx &&
		    (y->status == ST_CHANGED || y->status == ST_NEW))
			syms[n++] = i;
	}
	job.syms = syms;
	job.out = calloc(n + 1, sizeof(*job.out));
	job.err = calloc(n + 1, sizeof(*job.err));
	if (!job.out || !job.err) {
		ret = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* each function on its own: tasks write only their slot */
	pool_for(d->pool, n, 1, source_one, &job);
	for (i = 0; i < n; i++) {
		if (job.err[i] && !ret)
			ret = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		st->source_of[syms[i]] = job.out[i];
	}
out:
	free(job.out);
	free(job.err);
	free(syms);
	return ret;
}

int attach_sources(struct diff *d)
{
	static const enum cdo_item_kind kinds[] = { CDO_ITEM_CHANGED_FUNC, CDO_ITEM_NEW_FUNC };
	static const enum status statuses[] = { ST_CHANGED, ST_NEW };
	struct dwarf_state *st = d->dwarf;
	size_t k, i;

	if (!st || !st->source_of)
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct item_list *l = &d->sink.items[kinds[k]];

		for (i = 0; i < l->n; i++) {
			uint32_t y = symbol_by_item(&d->patched, &l->items[i], statuses[k]);

			if (y < st->nsource_of)
				l->items[i].source = st->source_of[y];
		}
	}
	return 0;
}
