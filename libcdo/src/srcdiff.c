// SPDX-License-Identifier: GPL-2.0
/*
 * Which source lines made a function change (CDO_DWARF_SOURCE).
 *
 * The instructions of the original and the patched function are turned
 * into tokens: their bytes, with relocated fields replaced by what the
 * relocation points at (names up to gcc's numbering) and the
 * displacements of PC-relative branches left out, since those change
 * whenever code between a branch and its target does.  A shortest edit
 * script (Myers) between the two token sequences gives the patched
 * instructions that have no counterpart; the patched object's line table
 * maps them to lines, and its inlined-subroutine ranges to the inlined
 * callees whose code differs.  An instruction removed without
 * replacement is charged to the patched instruction that now stands in
 * its place.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarfstage.h"
#include "names.h"
#include "srcdiff.h"

/* Beyond this many edits the two versions are unrelated: all lines changed. */
#define MAX_EDITS 2000

struct fn_code {
	const struct object *o;
	uint32_t sec;
	uint64_t start, size;	/* offset of the function in @sec, bytes */
	uint32_t *insns;	/* instruction offsets from @start */
	long n;
	uint64_t *tok;		/* one per instruction that is not a NOP */
	uint32_t *tok_insn;	/* its instruction */
	long ntok;
	const struct debuginfo *di;	/* the object's line table, or NULL */
	uint64_t addr;			/* the function's address in it */
	bool exact;			/* keep register numbers and stack slots */
};

/*
 * An immediate equal to a line the line table gives the instruction (its
 * own, or the call line of a subroutine inlined there) is a __LINE__
 * (WARN, ext4_error(), ext4_journal_start()...): it is left out, so a
 * line shift above the function is no change of its lines.
 */
static void mask_line_number(const struct fn_code *f, const uint8_t *insn, unsigned int len,
			     uint32_t at, uint8_t *buf, unsigned int blen)
{
	const struct arch_ops *arch = f->o->arch;
	unsigned int off, width, k;
	uint64_t v = 0;

	if (!f->di || !arch->insn_immediate(insn, len, &off, &width) || width > 8 ||
	    off + width > blen)
		return;
	for (k = width; k > 0; k--)
		v = v << 8 | insn[off + k - 1];
	if (debuginfo_is_line(f->di, f->addr, f->addr + at, v))
		memset(buf + off, 0, width);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Relocations of the function: (offset << 32 | index) sorted by offset. */
static uint64_t *function_relas(const struct fn_code *f, size_t *n)
{
	const struct section *s = &f->o->secs[f->sec];
	const struct section *rs;
	uint64_t *v;
	uint32_t j;

	*n = 0;
	if (s->rela == NONE)
		return NULL;
	rs = &f->o->secs[s->rela];
	v = malloc((rs->nrelas + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (j = 0; j < rs->nrelas; j++) {
		uint64_t off = rs->relas[j].offset;

		if (off < f->start || off >= f->start + f->size || off - f->start > UINT32_MAX)
			continue;
		v[(*n)++] = (off - f->start) << 32 | j;
	}
	qsort(v, *n, sizeof(*v), cmp_u64);
	return v;
}

static int tokenize(struct fn_code *f)
{
	const struct section *s = &f->o->secs[f->sec];
	const struct arch_ops *arch = f->o->arch;
	const uint8_t *code;
	size_t nrel = 0, r = 0;
	uint64_t *rel;
	long k;

	if (!s->data || f->start > s->size || f->size > s->size - f->start || !f->size)
		return -1;
	code = s->data + f->start;
	f->insns = malloc((f->size + 1) * sizeof(*f->insns));
	if (!f->insns)
		return -1;
	f->n = arch->insn_boundaries(code, f->size, f->insns, f->size, NULL);
	if (f->n <= 0)
		return -1;
	f->tok = malloc((size_t)f->n * sizeof(*f->tok));
	f->tok_insn = malloc((size_t)f->n * sizeof(*f->tok_insn));
	rel = function_relas(f, &nrel);
	if (!f->tok || !f->tok_insn || (s->rela != NONE && !rel && f->o->secs[s->rela].nrelas)) {
		free(rel);
		return -1;
	}
	for (k = 0; k < f->n; k++) {
		uint32_t at = f->insns[k];
		uint32_t end = k + 1 < f->n ? f->insns[k + 1] : (uint32_t)f->size;
		unsigned int len = end - at, disp;
		uint8_t buf[16];
		uint64_t h = 0xcbf29ce484222325ULL;
		bool has_rel = false;

		if (len > sizeof(buf))
			len = sizeof(buf);
		/*
		 * registers, stack slots and branch distances are the
		 * compiler's choice, not the patch's
		 */
		memcpy(buf, code + at, len);
		if (!f->exact)
			len = arch->insn_normalize(code + at, len, buf);
		for (; r < nrel && (rel[r] >> 32) < end; r++) {
			const struct rela *ra = &f->o->secs[s->rela].relas[(uint32_t)rel[r]];
			const struct symbol *t = &f->o->syms[ra->sym];
			uint32_t field = (uint32_t)(rel[r] >> 32);
			unsigned int w = arch->rela_width(ra->type);
			uint64_t key;

			if (field < at)
				continue;
			has_rel = true;
			if (field - at < len)
				memset(buf + (field - at), 0,
				       w < len - (field - at) ? w : len - (field - at));
			key = ra->string ? fnv(1, ra->string, strlen(ra->string)) :
					   names_mangled_key(t->name);
			h = fnv(h, &key, sizeof(key));
			if (t->type != STT_SECTION && !ra->string)
				h = fnv(h, &ra->addend, sizeof(ra->addend));
		}
		/* padding moves with the code around it; it says nothing */
		if (!has_rel && arch->insn_is_nop(code + at, end - at))
			continue;
		mask_line_number(f, code + at, end - at, at, buf, len);
		disp = has_rel || !f->exact ? 0 : arch->insn_branch_disp(code + at, end - at);
		if (disp && disp < len)
			memset(buf + len - disp, 0, disp);
		f->tok_insn[f->ntok] = (uint32_t)k;
		f->tok[f->ntok++] = fnv(h, buf, len);
	}
	free(rel);
	return 0;
}

/*
 * Myers' shortest edit script between a[0..n) and b[0..m): sets
 * changed[j] for every b[j] not matched and dropped[i] for every a[i]
 * not matched.  -1 when the script is longer than MAX_EDITS.
 */
static int edit_script(const uint64_t *a, long n, const uint64_t *b, long m, bool *changed,
		       bool *dropped)
{
	long max, d, k, x, y, pre = 0, suf = 0;
	long *v, **hist;
	int ret = -1;

	while (pre < n && pre < m && a[pre] == b[pre])
		pre++;
	while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf])
		suf++;
	a += pre;
	b += pre;
	changed += pre;
	dropped += pre;
	n -= pre + suf;
	m -= pre + suf;
	max = n + m;
	if (!max)
		return 0;
	if (!n || !m) {
		/* only insertions, or only deletions */
		for (y = 0; y < m; y++)
			changed[y] = true;
		for (x = 0; x < n; x++)
			dropped[x] = true;
		return 0;
	}
	if (max > 2 * MAX_EDITS)
		max = 2 * MAX_EDITS;
	v = calloc((size_t)(2 * max + 3), sizeof(*v));
	hist = calloc((size_t)max + 2, sizeof(*hist));
	if (!v || !hist)
		goto out;
	for (d = 0; d <= max; d++) {
		long *off = v + max + 1;

		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && off[k - 1] < off[k + 1]))
				x = off[k + 1];
			else
				x = off[k - 1] + 1;
			y = x - k;
			while (x < n && y < m && a[x] == b[y]) {
				x++;
				y++;
			}
			off[k] = x;
			if (x >= n && y >= m)
				break;
		}
		hist[d] = malloc((size_t)(2 * d + 1) * sizeof(long));
		if (!hist[d])
			goto out;
		memcpy(hist[d], off - d, (size_t)(2 * d + 1) * sizeof(long));
		if (k <= d)
			break;
	}
	if (d > max)
		goto out;
	/* walk back: each step of the script is one insertion or deletion */
	x = n;
	y = m;
	for (; d > 0; d--) {
		long *prev = hist[d - 1] + (d - 1);
		long pk, px, py;

		k = x - y;
		if (k == -d || (k != d && prev[k - 1] < prev[k + 1]))
			pk = k + 1;	/* came down: b[py] inserted */
		else
			pk = k - 1;	/* came right: a[px] dropped */
		px = prev[pk];
		py = px - pk;
		if (pk == k + 1)
			changed[py] = true;
		else
			dropped[px] = true;
		x = px;
		y = py;
	}
	ret = 0;
out:
	if (hist)
		for (d = 0; d <= max + 1; d++)
			free(hist[d]);
	free(hist);
	free(v);
	return ret;
}

/*
 * Code the compiler laid out elsewhere (blocks swapped when a branch was
 * inverted, a tail moved) shows as instructions dropped in one place and
 * inserted in another.  A second edit script between the dropped and
 * the inserted instructions, each in order, pairs them up: those moved
 * and are no change.  -1 when out of memory.
 */
static int cancel_moves(const uint64_t *a, long n, const uint64_t *b, long m, bool *changed,
			bool *dropped)
{
	long *ia = malloc(((size_t)n + 1) * sizeof(*ia)), *ib = malloc(((size_t)m + 1) * sizeof(*ib));
	uint64_t *ua = malloc(((size_t)n + 1) * sizeof(*ua)), *ub = malloc(((size_t)m + 1) * sizeof(*ub));
	bool *md = calloc((size_t)n + 1, sizeof(*md)), *mc = calloc((size_t)m + 1, sizeof(*mc));
	long na = 0, nb = 0, k;
	int ret = -1;

	if (!ia || !ib || !ua || !ub || !md || !mc)
		goto out;
	for (k = 0; k < n; k++)
		if (dropped[k]) {
			ia[na] = k;
			ua[na++] = a[k];
		}
	for (k = 0; k < m; k++)
		if (changed[k]) {
			ib[nb] = k;
			ub[nb++] = b[k];
		}
	ret = 0;
	if (!na || !nb || edit_script(ua, na, ub, nb, mc, md))
		goto out;
	for (k = 0; k < na; k++)
		if (!md[k])
			dropped[ia[k]] = false;
	for (k = 0; k < nb; k++)
		if (!mc[k])
			changed[ib[k]] = false;
out:
	free(ia);
	free(ib);
	free(ua);
	free(ub);
	free(md);
	free(mc);
	return ret;
}

/*
 * Which of b[0..m) (patched) changed against a[0..n) (original): the
 * instructions the edit script inserts, less those that only moved, and
 * for every a[i] dropped (not moved), the b[j] now standing in its place:
 * the counterpart of the next a that stayed, or the last b.  -1 when out
 * of memory.
 */
static int settle_changes(const uint64_t *a, long n, const uint64_t *b, long m, bool *changed,
			  bool *dropped)
{
	bool *stayed_a = malloc((size_t)n + 1), *stayed_b = malloc((size_t)m + 1);
	long i, j = 0, k;
	int ret = -1;

	if (!stayed_a || !stayed_b)
		goto out;
	ret = 0;
	if (edit_script(a, n, b, m, changed, dropped)) {
		for (k = 0; k < m; k++)
			changed[k] = true;
		for (k = 0; k < n; k++)
			dropped[k] = true;
		goto out;
	}
	for (k = 0; k < n; k++)
		stayed_a[k] = !dropped[k];
	for (k = 0; k < m; k++)
		stayed_b[k] = !changed[k];
	ret = cancel_moves(a, n, b, m, changed, dropped);
	if (ret)
		goto out;
	/* the a that stayed and the b that stayed pair up in order */
	for (i = 0; i < n; i++) {
		if (stayed_a[i]) {
			while (j < m && !stayed_b[j])
				j++;
			j++;
			continue;
		}
		if (!dropped[i])
			continue;
		for (k = j; k < m && !stayed_b[k]; k++)
			;
		if (k < m)
			changed[k] = true;
		else if (m)
			changed[m - 1] = true;
	}
out:
	free(stayed_a);
	free(stayed_b);
	return ret;
}

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

static uint32_t symbol_by_item(const struct object *p, const struct cdo_item *it)
{
	uint32_t i = object_find_symbol(p, it->name);

	if (i != NONE && p->syms[i].sec != NONE && !strcmp(p->secs[p->syms[i].sec].name, it->section))
		return i;
	for_each_symbol(p, i)
		if (p->syms[i].sec != NONE && !strcmp(p->syms[i].name, it->name) &&
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
};

static int add_line(struct builder *b, uint32_t line)
{
	if (b->nlines == b->lines_cap) {
		size_t cap = b->lines_cap ? b->lines_cap * 2 : 16;
		uint32_t *n = realloc(b->lines, cap * sizeof(*n));

		if (!n)
			return -1;
		b->lines = n;
		b->lines_cap = cap;
	}
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
	if (b->ninl == b->inl_cap) {
		size_t cap = b->inl_cap ? b->inl_cap * 2 : 8;
		struct cdo_inlined *n = realloc(b->inl, cap * sizeof(*n));

		if (!n)
			return -1;
		b->inl = n;
		b->inl_cap = cap;
	}
	b->inl[b->ninl].name = c->name ? c->name : "";
	b->inl[b->ninl].file = file;
	b->inl[b->ninl].line = c->line;
	b->inl[b->ninl].call_line = c->call_line;
	b->ninl++;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool inlined_covers(const struct debuginfo *di, size_t first, size_t last, uint64_t addr)
{
	size_t k;

	for (k = first; k < last; k++)
		if (di->inlined[k].lo <= addr && addr < di->inlined[k].hi)
			return true;
	return false;
}

/* One block of storage for the source, its lines and its inlined callees. */
static struct cdo_source *pack(struct builder *b)
{
	size_t n = 0, k;
	struct cdo_source *s;
	char *mem;

	if (b->nlines)
		qsort(b->lines, b->nlines, sizeof(*b->lines), cmp_u32);
	for (k = 0; k < b->nlines; k++)
		if (!n || b->lines[n - 1] != b->lines[k])
			b->lines[n++] = b->lines[k];
	b->nlines = n;
	mem = malloc(sizeof(*s) + b->ninl * sizeof(*b->inl) + b->nlines * sizeof(*b->lines) + 1);
	if (!mem)
		return NULL;
	s = (struct cdo_source *)mem;
	*s = b->src;
	s->inlined = (struct cdo_inlined *)(mem + sizeof(*s));
	if (b->ninl)
		memcpy((void *)s->inlined, b->inl, b->ninl * sizeof(*b->inl));
	s->n_inlined = b->ninl;
	s->changed_lines = (uint32_t *)(mem + sizeof(*s) + b->ninl * sizeof(*b->inl));
	if (b->nlines)
		memcpy((void *)s->changed_lines, b->lines, b->nlines * sizeof(*b->lines));
	s->n_changed_lines = b->nlines;
	return s;
}

/* The source of patched function @y; NULL without line info for it. */
static int source_of(struct diff *d, uint32_t y, struct cdo_source **out)
{
	const struct debuginfo *di = dwarf_of(d, 1);
	const struct object *p = &d->patched;
	const struct symbol *s = &p->syms[y];
	struct fn_code fp = { 0 }, fo = { 0 };
	struct builder b = { 0 };
	const struct di_code *fn;
	const struct di_line *row;
	uint64_t base;
	size_t k, first_inl, last_inl;
	uint32_t file = UINT32_MAX, low = UINT32_MAX;
	const struct debuginfo *dio = dwarf_of(d, 0);
	bool *changed = NULL, *dropped = NULL;
	long j;
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

	/* inlined subroutines inside the function */
	for (first_inl = 0; first_inl < di->ninlined && di->inlined[first_inl].lo < base; first_inl++)
		;
	for (last_inl = first_inl;
	     last_inl < di->ninlined && di->inlined[last_inl].lo < base + s->sym.st_size; last_inl++)
		;
	for (row = debuginfo_line_at(di, base), k = row ? (size_t)(row - di->lines) : 0;
	     row && k < di->nlines && di->lines[k].addr < base + s->sym.st_size; k++) {
		const struct di_line *l = &di->lines[k];

		if (l->end || l->file != file || !l->line ||
		    inlined_covers(di, first_inl, last_inl, l->addr))
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

	if (s->status == ST_CHANGED && s->twin != NONE) {
		const struct symbol *t = &d->orig.syms[s->twin];


		fp.o = p;
		fp.sec = s->sec;
		fp.start = s->sym.st_value;
		fp.size = s->sym.st_size;
		fo.o = &d->orig;
		fo.sec = t->sec;
		fo.start = t->sym.st_value;
		fo.size = t->sym.st_size;
		fp.di = di;
		fp.addr = base;
		if (dio && t->sec != NONE) {
			fo.di = dio;
			fo.addr = delf_section_addr(&d->dwarf->elf[0], t->sec) + t->sym.st_value;
		}
		if (t->sec == NONE || tokenize(&fp) || tokenize(&fo))
			goto pack;	/* undecodable: no changed lines */
		changed = calloc((size_t)fp.ntok + 1, sizeof(*changed));
		dropped = calloc((size_t)fo.ntok + 1, sizeof(*dropped));
		if (!changed || !dropped) {
			err = -1;
			goto out;
		}
		if (settle_changes(fo.tok, fo.ntok, fp.tok, fp.ntok, changed, dropped)) {
			err = -1;
			goto out;
		}
		for (j = 0; j < fp.ntok && !err; j++) {
			uint64_t addr = base + fp.insns[fp.tok_insn[j]];

			if (!changed[j])
				continue;
			const struct di_code *site = NULL;

			row = debuginfo_line_at(di, addr);
			for (k = first_inl; k < last_inl && !err; k++) {
				const struct di_code *c = &di->inlined[k];

				if (c->lo > addr || addr >= c->hi)
					continue;
				err = add_inlined(&b, di, c);
				if (c->call_file == file && c->call_line &&
				    (!site || c->depth > site->depth))
					site = c;
			}
			/*
			 * Code inlined from another file counts on the line of
			 * this file that called it.
			 */
			if (row && row->file == file && row->line)
				err = err ? err : add_line(&b, row->line);
			else if (site)
				err = err ? err : add_line(&b, site->call_line);
		}
		/* callees inlined into the original whose code went away or changed */
		if (dio && !err) {
			uint64_t obase = delf_section_addr(&d->dwarf->elf[0], t->sec) + t->sym.st_value;

			for (j = 0; j < fo.ntok && !err; j++) {
				uint64_t addr = obase + fo.insns[fo.tok_insn[j]];

				if (!dropped[j])
					continue;
				for (k = 0; k < dio->ninlined && dio->inlined[k].lo <= addr && !err; k++)
					if (addr < dio->inlined[k].hi && dio->inlined[k].lo >= obase)
						err = add_inlined(&b, dio, &dio->inlined[k]);
			}
		}
		if (err)
			goto out;
	}
pack:
	*out = pack(&b);
	if (!*out)
		err = -1;
out:
	free(changed);
	free(dropped);
	free(fp.tok_insn);
	free(fo.tok_insn);
	free(fp.insns);
	free(fp.tok);
	free(fo.insns);
	free(fo.tok);
	free(b.lines);
	free(b.inl);
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
	struct dwarf_state *st = d->dwarf;
	size_t k, i;

	if (!st || !st->source_of)
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct item_list *l = &d->sink.items[kinds[k]];

		for (i = 0; i < l->n; i++) {
			uint32_t y = symbol_by_item(&d->patched, &l->items[i]);

			if (y < st->nsource_of)
				l->items[i].source = st->source_of[y];
		}
	}
	return 0;
}
