// SPDX-License-Identifier: GPL-2.0
/*
 * Which source lines of a changed function its instructions changed on.
 *
 * The instructions of the original and the patched function are turned
 * into tokens: their bytes, with relocated fields replaced by what the
 * relocation points at (names up to gcc's numbering), register numbers,
 * stack slots and branch distances left out (insn_normalize()).  Each
 * token is put on a source line of the function's file by the object's
 * line table (home_line()), the original's lines are carried into the
 * patched numbering (build_line_map()), and a line changed when its
 * tokens, as a multiset, differ (compare_lines()): code that only moved
 * is no change, wherever the compiler put it.
 */
#include <stdlib.h>
#include <string.h>

#include "hashidx.h"
#include "names.h"
#include "srclines.h"

/*
 * An immediate equal to a line the line table gives the instruction (its
 * own, or the call line of a subroutine inlined there) is a __LINE__
 * (WARN, ext4_error(), ext4_journal_start()...): it is left out, so a
 * line shift above the function is no change of its lines.
 */
static bool mask_line_number(const struct fn_code *f, const uint8_t *insn, unsigned int len,
			     uint32_t at, uint8_t *buf, unsigned int blen)
{
	const struct arch_ops *arch = f->o->arch;
	unsigned int off, width, k;
	uint64_t v = 0;

	if (!f->di || !arch->insn_immediate(insn, len, &off, &width) || width > 8 ||
	    off + width > blen)
		return false;
	for (k = width; k > 0; k--)
		v = v << 8 | insn[off + k - 1];
	if (!debuginfo_is_line(f->di, f->addr, f->addr + at, v))
		return false;
	memset(buf + off, 0, width);
	return true;
}

/* The project's hash, chained: @h seeds the hash of the next bytes. */
static uint64_t chain_hash(uint64_t h, const void *p, size_t n)
{
	return XXH3_64bits_withSeed(p, n, h);
}

/*
 * Is @t a label of a constant in a mergeable section (.rodata.cst2), one
 * entry whose bytes are in the object?
 */
static bool is_merged_constant(const struct object *o, const struct symbol *t)
{
	const struct section *s = &o->secs[t->sec];
	uint64_t size = s->sh.sh_entsize;

	return (s->sh.sh_flags & SHF_MERGE) && !(s->sh.sh_flags & SHF_STRINGS) && size &&
	       s->data && t->sym.st_value <= s->size && size <= s->size - t->sym.st_value;
}

int srclines_cmp_u64(const void *a, const void *b)
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
	qsort(v, *n, sizeof(*v), srclines_cmp_u64);
	return v;
}

/*
 * A register thunk's name without its register (arch register_thunks):
 * the length of the prefix, 0 for any other name.
 */
static size_t register_thunk(const struct arch_ops *arch, const char *name)
{
	const char *const *t;

	for (t = arch->register_thunks; t && *t && name; t++)
		if (has_prefix(name, *t))
			return strlen(*t);
	return 0;
}

/*
 * What a relocation of the instruction at [@at, @end) points at, as a
 * key: the string it points into, or the target's name (up to gcc's
 * numbering) and addend.  Some of those are the compiler's choice too:
 * - the register of a thunk (register_thunk());
 * - a constant gcc puts in a mergeable section under a label it numbers
 *   (`movzwl .LC402(%rip)`): a constant added above renumbers every one
 *   after it, so it counts by its bytes;
 * - where a branch lands in another function: a jump to the cold part
 *   (`jne parse_args.cold+0xa8`) lands elsewhere when that part is laid
 *   out anew, as a jump inside the function would.
 */
static uint64_t rela_key(const struct fn_code *f, const struct rela *ra, uint32_t field,
			 uint32_t at, uint32_t end)
{
	const struct object *o = f->o;
	const struct arch_ops *arch = o->arch;
	const struct symbol *t = &o->syms[ra->sym];
	const uint8_t *code = o->secs[f->sec].data + f->start;
	unsigned int disp = arch->insn_branch_disp(code + at, end - at);
	size_t thunk = register_thunk(arch, t->name);
	uint64_t h = 0xcbf29ce484222325ULL, key;

	if (ra->string)
		return chain_hash(1, ra->string, strlen(ra->string));
	if (thunk)
		key = chain_hash(3, t->name, thunk);
	else if (t->type != STT_SECTION && t->sec != NONE && is_merged_constant(o, t))
		key = chain_hash(2, o->secs[t->sec].data + t->sym.st_value,
				 o->secs[t->sec].sh.sh_entsize);
	else
		key = names_mangled_key(t->name);
	h = chain_hash(h, &key, sizeof(key));
	if (t->type == STT_SECTION || (disp && field == end - disp))
		return h;
	return chain_hash(h, &ra->addend, sizeof(ra->addend));
}

int srclines_tokenize(struct fn_code *f)
{
	const struct section *s = &f->o->secs[f->sec];
	const struct arch_ops *arch = f->o->arch;
	const uint8_t *code;
	size_t nrel = 0, r = 0;
	uint64_t *rel;
	int order = 0;
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
	f->raw = malloc((size_t)f->n * sizeof(*f->raw));
	f->tok_insn = malloc((size_t)f->n * sizeof(*f->tok_insn));
	f->shuffle = malloc((size_t)f->n * sizeof(*f->shuffle));
	rel = function_relas(f, &nrel);
	if (!f->tok || !f->raw || !f->tok_insn || !f->shuffle ||
	    (s->rela != NONE && !rel && f->o->secs[s->rela].nrelas)) {
		free(rel);
		return -1;
	}
	for (k = 0; k < f->n; k++) {
		uint32_t at = f->insns[k];
		uint32_t end = k + 1 < f->n ? f->insns[k + 1] : (uint32_t)f->size;
		unsigned int len = end - at, disp;
		uint8_t buf[16], kept[16], norm[ARCH_NORM_MAX];
		uint64_t h = 0xcbf29ce484222325ULL;
		bool has_rel = false, to_thunk = false, masked;
		unsigned int nlen;
		int was = order;

		if (len > sizeof(buf))
			len = sizeof(buf);
		memcpy(buf, code + at, len);
		for (; r < nrel && (rel[r] >> 32) < end; r++) {
			const struct rela *ra = &f->o->secs[s->rela].relas[(uint32_t)rel[r]];
			const struct symbol *t = &f->o->syms[ra->sym];
			uint32_t field = (uint32_t)(rel[r] >> 32);
			unsigned int w = arch->rela_width(ra->type);
			uint64_t key;

			if (field < at)
				continue;
			has_rel = true;
			to_thunk = arch->return_thunk && t->name && !strcmp(t->name, arch->return_thunk);
			if (field - at < len)
				memset(buf + (field - at), 0,
				       w < len - (field - at) ? w : len - (field - at));
			key = rela_key(f, ra, field, at, end);
			h = chain_hash(h, &key, sizeof(key));
		}
		/* padding moves with the code around it; it says nothing */
		if (!has_rel && arch->insn_is_nop(code + at, end - at))
			continue;
		memcpy(kept, buf, len);
		masked = mask_line_number(f, code + at, end - at, at, buf, len);
		disp = has_rel || !f->exact ? 0 : arch->insn_branch_disp(code + at, end - at);
		if (disp && disp < len) {
			memset(buf + len - disp, 0, disp);
			memset(kept + len - disp, 0, disp);
		}
		f->tok_insn[f->ntok] = (uint32_t)k;
		/* a jump to the return thunk is a ret */
		f->shuffle[f->ntok] = (!has_rel || to_thunk) &&
				      arch->insn_is_shuffle(code + at, end - at);
		/*
		 * registers, stack slots and branch distances are the
		 * compiler's choice, not the patch's
		 */
		if (f->exact) {
			f->raw[f->ntok] = chain_hash(h, kept, len);
			f->tok[f->ntok++] = chain_hash(h, buf, len);
			continue;
		}
		nlen = arch->insn_normalize(buf, len, norm);
		nlen = arch->insn_compare_order(buf, len, norm, nlen, &order);
		f->tok[f->ntok] = chain_hash(h, norm, nlen);
		f->raw[f->ntok] = f->tok[f->ntok];
		if (masked) {
			nlen = arch->insn_normalize(kept, len, norm);
			nlen = arch->insn_compare_order(kept, len, norm, nlen, &was);
			f->raw[f->ntok] = chain_hash(h, norm, nlen);
		}
		f->ntok++;
	}
	free(rel);
	return 0;
}

/*
 * Where each instruction counts.  Code does not keep its place when a
 * function is compiled again: blocks are laid out anew around a change,
 * values are kept in other registers.  What does not move is the source
 * line each instruction is for.  So the instructions are grouped by
 * line, in the function's own file, and a line changed when its group
 * of normalized instructions, taken as a multiset, is not the same in
 * both versions; where the groups sit in the function says nothing.
 *
 * An instruction counts on the line the line table gives it when that
 * line is in the function's file, else on the call line of the innermost
 * subroutine inlined from this file around it, in a group of that
 * callee's own: a header's inline function counts on the line that
 * called it, and only when its code there is not the same.  Code the
 * line table puts nowhere counts nowhere.
 */
static uint32_t home_line(const struct fn_code *f, uint64_t addr, uint64_t *callee)
{
	const struct debuginfo *di = f->di;
	const struct di_line *row = debuginfo_line_at(di, addr);
	const struct di_code *site = NULL;
	size_t k;

	*callee = 0;
	if (row && row->line && row->file < di->nfiles && f->own[row->file])
		return row->line;
	for (k = f->first_inl; k < f->last_inl; k++) {
		const struct di_code *c = &di->inlined[k];

		if (c->lo > addr || addr >= c->hi || !c->call_line || c->call_file >= di->nfiles ||
		    !f->own[c->call_file])
			continue;
		if (!site || c->depth > site->depth)
			site = c;
	}
	if (!site)
		return 0;
	*callee = site->name ? names_mangled_key(site->name) : 1;
	return site->call_line;
}

/* Each token's line and callee (home_line()); -1 when out of memory. */
static int place_tokens(struct fn_code *f)
{
	long j;

	f->line = malloc(((size_t)f->ntok + 1) * sizeof(*f->line));
	f->callee = malloc(((size_t)f->ntok + 1) * sizeof(*f->callee));
	if (!f->line || !f->callee)
		return -1;
	for (j = 0; j < f->ntok; j++) {
		/*
		 * spills, reloads and jumps come and go with register
		 * allocation and block layout: they count nowhere
		 */
		f->callee[j] = 0;
		f->line[j] = f->shuffle[j] ? 0 :
			     home_line(f, f->addr + f->insns[f->tok_insn[j]], &f->callee[j]);
	}
	return 0;
}

/*
 * The original's lines in the patched numbering.  A patch moves the lines
 * below each hunk by what the hunk adds or removes; the shift is read off
 * the instructions that sit on one line only in each version (a call, a
 * field access, a constant: the same code, so the same statement; in
 * each copy of an inlined helper, the same line), each one a vote that
 * original line L is now line L'.  The winner of each line's
 * votes is an anchor; anchors that cross (a later line before an earlier
 * one, which no patch does) lose against the heaviest chain that does
 * not.  A line between anchors moves as one of the two (carry_lines()),
 * and stays between them; a line above the first or below the last moves
 * as that one; without anchors, lines follow the declaration's shift.
 * A line of the function's body stays in its body: code the patch
 * deleted at its end (below the last anchor) is not carried past its
 * closing brace onto the lines that follow it.
 */
struct anchor {
	uint32_t from, to, votes;
};

/* The function's lines: [from_first, from_last] before, [to_first, to_last] after. */
struct body {
	uint32_t from_first, from_last, to_first, to_last;
};

struct line_map {
	struct anchor *a;
	size_t n;
	int64_t shift;		/* when there is no anchor: the declaration's */
	struct body body;	/* all 0 when unknown */
};

struct keyed {
	uint64_t tok;
	long k;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->tok != y->tok)
		return x->tok < y->tok ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static int cmp_anchor(const void *a, const void *b)
{
	const struct anchor *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

static struct keyed *sorted_tokens(const struct fn_code *f)
{
	struct keyed *v = malloc(((size_t)f->ntok + 1) * sizeof(*v));
	long j;

	if (!v)
		return NULL;
	for (j = 0; j < f->ntok; j++) {
		v[j].tok = f->tok[j];
		v[j].k = j;
	}
	qsort(v, (size_t)f->ntok, sizeof(*v), cmp_keyed);
	return v;
}

/* Are the tokens @v[@from..@to) of @f all on one line (and not nowhere)? */
static bool on_one_line(const struct fn_code *f, const struct keyed *v, long from, long to)
{
	long k;

	for (k = from + 1; k < to; k++)
		if (f->line[v[k].k] != f->line[v[from].k])
			return false;
	return f->line[v[from].k] != 0;
}

/*
 * The subroutines of the function's own file inlined into @f, as (name,
 * line of the declaration) sorted by name, each name once, in @out (room
 * for every inlined subroutine); their number.
 */
static long inlined_decls(const struct fn_code *f, struct keyed *out)
{
	const struct debuginfo *di = f->di;
	long n = 0, i, u = 0;
	size_t k;

	for (k = f->first_inl; k < f->last_inl; k++) {
		const struct di_code *c = &di->inlined[k];

		if (c->name && c->line && c->file < di->nfiles && f->own[c->file])
			out[n++] = (struct keyed){ chain_hash(0, c->name, strlen(c->name)), c->line };
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_keyed);
	for (i = 0; i < n; i++)
		if (!u || out[u - 1].tok != out[i].tok)
			out[u++] = out[i];
	return u;
}

/*
 * Votes of the declarations: the function's own, and each subroutine of
 * its file inlined into both versions, declared at line L before and L'
 * after.  A declaration moves as the lines around it do, and it tells
 * the shift of lines no instruction of their own anchors, such as an
 * inlined helper's above the patch's hunks when every other anchor is
 * below them.  Added to @v, their number is returned; -1 when out of
 * memory.
 */
static long decl_votes(const struct fn_code *fo, const struct fn_code *fp, struct anchor *v)
{
	struct keyed *a = malloc((fo->last_inl - fo->first_inl + 1) * sizeof(*a));
	struct keyed *b = malloc((fp->last_inl - fp->first_inl + 1) * sizeof(*b));
	long na, nb, i = 0, j = 0, n = 0;

	if (!a || !b) {
		free(a);
		free(b);
		return -1;
	}
	if (fo->decl_line && fp->decl_line)
		v[n++] = (struct anchor){ fo->decl_line, fp->decl_line, 1 };
	na = inlined_decls(fo, a);
	nb = inlined_decls(fp, b);
	while (i < na && j < nb) {
		if (a[i].tok < b[j].tok) {
			i++;
		} else if (a[i].tok > b[j].tok) {
			j++;
		} else {
			v[n++] = (struct anchor){ (uint32_t)a[i].k, (uint32_t)b[j].k, 1 };
			i++;
			j++;
		}
	}
	free(a);
	free(b);
	return n;
}

static int build_line_map(const struct fn_code *fo, const struct fn_code *fp, struct line_map *m)
{
	struct keyed *ko = sorted_tokens(fo), *kp = sorted_tokens(fp);
	struct anchor *v = malloc(((size_t)fo->ntok + (fo->last_inl - fo->first_inl) + 2) *
				  sizeof(*v));
	long i = 0, j = 0, ie, je, nv = 0, n = 0, k, q, *best = NULL, *prev = NULL;
	int ret = -1;

	if (!ko || !kp || !v)
		goto out;
	/* votes: the tokens found once in each version, both on a line */
	while (i < fo->ntok && j < fp->ntok) {
		if (ko[i].tok != kp[j].tok) {
			if (ko[i].tok < kp[j].tok)
				i++;
			else
				j++;
			continue;
		}
		for (ie = i; ie < fo->ntok && ko[ie].tok == ko[i].tok; ie++)
			;
		for (je = j; je < fp->ntok && kp[je].tok == kp[j].tok; je++)
			;
		if (on_one_line(fo, ko, i, ie) && on_one_line(fp, kp, j, je))
			v[nv++] = (struct anchor){ fo->line[ko[i].k], fp->line[kp[j].k], 1 };
		i = ie;
		j = je;
	}
	k = decl_votes(fo, fp, v + nv);
	if (k < 0)
		goto out;
	nv += k;
	/* each original line's most voted new line (the lowest of a tie) */
	qsort(v, (size_t)nv, sizeof(*v), cmp_anchor);
	for (i = 0; i < nv; i = ie) {
		struct anchor win = v[i];

		for (ie = i; ie < nv && v[ie].from == v[i].from; ie = je) {
			for (je = ie; je < nv && v[je].from == v[ie].from && v[je].to == v[ie].to; je++)
				;
			if (je - ie > (long)win.votes || ie == i)
				win = (struct anchor){ v[ie].from, v[ie].to, (uint32_t)(je - ie) };
		}
		v[n++] = win;
	}
	/* the heaviest chain of anchors whose new lines increase */
	best = malloc(((size_t)n + 1) * sizeof(*best));
	prev = malloc(((size_t)n + 1) * sizeof(*prev));
	if (!best || !prev)
		goto out;
	for (k = 0; k < n; k++) {
		best[k] = v[k].votes;
		prev[k] = -1;
		for (q = 0; q < k; q++)
			if (v[q].to < v[k].to && best[q] + (long)v[k].votes > best[k]) {
				best[k] = best[q] + v[k].votes;
				prev[k] = q;
			}
	}
	for (q = -1, k = 0; k < n; k++)
		if (q < 0 || best[k] > best[q])
			q = k;
	m->n = 0;
	for (k = q; k >= 0; k = prev[k])
		m->n++;
	m->a = malloc((m->n + 1) * sizeof(*m->a));
	if (!m->a)
		goto out;
	for (i = (long)m->n, k = q; k >= 0; k = prev[k])
		m->a[--i] = v[k];
	ret = 0;
out:
	free(best);
	free(prev);
	free(ko);
	free(kp);
	free(v);
	return ret;
}

/* How map_line_by() chooses between the anchors around a line. */
enum map_pick { PICK_NEAREST, PICK_ABOVE, PICK_BELOW };

/* Is @line an anchor?  *@lo: the first anchor after it. */
static bool find_anchor(const struct line_map *m, uint32_t line, size_t *lo)
{
	size_t hi = m->n;

	*lo = 0;
	while (*lo < hi) {
		size_t mid = *lo + (hi - *lo) / 2;

		if (m->a[mid].from <= line)
			*lo = mid + 1;
		else
			hi = mid;
	}
	return *lo && m->a[*lo - 1].from == line;
}

static uint32_t map_line_by(const struct line_map *m, uint32_t line, enum map_pick pick)
{
	const struct body *b = &m->body;
	size_t lo;
	int64_t to;
	bool above;

	if (!line)
		return 0;
	if (find_anchor(m, line, &lo))
		return m->a[lo - 1].to;
	above = lo && (lo == m->n || pick == PICK_ABOVE ||
		       (pick == PICK_NEAREST && line - m->a[lo - 1].from <= m->a[lo].from - line));
	if (!m->n)
		to = (int64_t)line + m->shift;
	else if (above)
		to = (int64_t)line + m->a[lo - 1].to - m->a[lo - 1].from;
	else
		to = (int64_t)line + m->a[lo].to - m->a[lo].from;
	/*
	 * between its anchors: when the lines between went away, the line
	 * goes where they were, just above the next anchor
	 */
	if (lo < m->n && to >= m->a[lo].to)
		to = (int64_t)m->a[lo].to - 1;
	if (lo && to <= m->a[lo - 1].to)
		to = lo < m->n && m->a[lo].to == m->a[lo - 1].to + 1 ? m->a[lo - 1].to :
								       (int64_t)m->a[lo - 1].to + 1;
	if (b->from_last && b->to_last && b->from_first <= line && line <= b->from_last) {
		if (to > b->to_last)
			to = b->to_last;
		if (to < b->to_first)
			to = b->to_first;
	}
	return to < 1 ? 1 : to > UINT32_MAX ? UINT32_MAX : (uint32_t)to;
}

/* A token's place: its line (in the patched numbering) and callee. */
struct placed {
	uint32_t line;
	uint64_t callee, tok;
	long k;
};

static int cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->callee != y->callee)
		return x->callee < y->callee ? -1 : 1;
	if (x->tok != y->tok)
		return x->tok < y->tok ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static struct placed *placed_tokens(const struct fn_code *f, long *n)
{
	struct placed *v = malloc(((size_t)f->ntok + 1) * sizeof(*v));
	long j;

	*n = 0;
	if (!v)
		return NULL;
	for (j = 0; j < f->ntok; j++)
		if (f->line[j])
			v[(*n)++] = (struct placed){ f->line[j], f->callee[j], f->tok[j], j };
	qsort(v, (size_t)*n, sizeof(*v), cmp_placed);
	return v;
}

/* Is (@line, @x's callee and token) among @v[0..@n)? */
static bool placed_has(const struct placed *v, long n, uint32_t line, const struct placed *x)
{
	struct placed key = *x;
	long lo = 0, hi = n;

	key.line = line;
	key.k = 0;
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		struct placed y = v[mid];

		y.k = 0;
		if (cmp_placed(&y, &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].line == line && v[lo].callee == x->callee && v[lo].tok == x->tok;
}

/*
 * Carry the original's tokens @po[0..@no) (sorted) to the patched
 * numbering.  A line no vote placed sits between two anchors, and the
 * patch may have added or removed lines on either side of it: it goes
 * where more of its tokens are found in @pp, the nearer anchor's shift
 * when that does not tell.
 */
static void carry_lines(const struct line_map *m, struct placed *po, long no,
			const struct placed *pp, long np)
{
	long i, ie, k;

	for (i = 0; i < no; i = ie) {
		uint32_t line = po[i].line, to = map_line_by(m, line, PICK_NEAREST);
		uint32_t up = map_line_by(m, line, PICK_ABOVE), down = map_line_by(m, line, PICK_BELOW);
		long n_to = 0, n_up = 0, n_down = 0;
		size_t lo;

		for (ie = i; ie < no && po[ie].line == line; ie++)
			;
		if (line && !find_anchor(m, line, &lo) && up != down) {
			for (k = i; k < ie; k++) {
				n_to += placed_has(pp, np, to, &po[k]);
				n_up += placed_has(pp, np, up, &po[k]);
				n_down += placed_has(pp, np, down, &po[k]);
			}
			if (n_up > n_to && n_up >= n_down)
				to = up;
			else if (n_down > n_to && n_down > n_up)
				to = down;
		}
		for (k = i; k < ie; k++)
			po[k].line = to;
	}
	qsort(po, (size_t)no, sizeof(*po), cmp_placed);
}

/*
 * An immediate equal to a line is a __LINE__ only where the line table
 * says so, and a table may say so in one version only: `test $0x800` is
 * the same instruction in both, but 2048 is the call line of a
 * subroutine inlined around it in one of them.  The tokens left over on
 * a line meet again with their immediates kept (fn_code.raw).  -1 when
 * out of memory.
 */
static int match_kept(const struct fn_code *fo, const struct fn_code *fp, const struct placed *po,
		      long no, const struct placed *pp, long np, bool *changed, bool *dropped)
{
	struct placed *a = malloc(((size_t)no + 1) * sizeof(*a));
	struct placed *b = malloc(((size_t)np + 1) * sizeof(*b));
	long na = 0, nb = 0, i = 0, j = 0;

	if (!a || !b) {
		free(a);
		free(b);
		return -1;
	}
	for (i = 0; i < no; i++)
		if (dropped[po[i].k]) {
			a[na] = po[i];
			a[na++].tok = fo->raw[po[i].k];
		}
	for (j = 0; j < np; j++)
		if (changed[pp[j].k]) {
			b[nb] = pp[j];
			b[nb++].tok = fp->raw[pp[j].k];
		}
	qsort(a, (size_t)na, sizeof(*a), cmp_placed);
	qsort(b, (size_t)nb, sizeof(*b), cmp_placed);
	for (i = 0, j = 0; i < na && j < nb;) {
		struct placed x = a[i], y = b[j];
		int c;

		x.k = y.k = 0;
		c = cmp_placed(&x, &y);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			dropped[a[i++].k] = false;
			changed[b[j++].k] = false;
		}
	}
	free(a);
	free(b);
	return 0;
}

/*
 * The last line of @f's own file, not above its declaration, that its
 * code (or code inlined into it) is on; 0 when there is none.  A
 * subroutine of the same file declared below the function stretches it.
 */
static uint32_t body_last_line(const struct fn_code *f)
{
	const struct debuginfo *di = f->di;
	const struct di_line *row = debuginfo_line_at(di, f->addr);
	uint32_t max = 0;
	size_t k;

	for (k = row ? (size_t)(row - di->lines) : di->nlines;
	     k < di->nlines && di->lines[k].addr < f->addr + f->size; k++) {
		const struct di_line *l = &di->lines[k];

		if (!l->end && l->file < di->nfiles && f->own[l->file] && l->line >= f->decl_line &&
		    l->line > max)
			max = l->line;
	}
	return max;
}

/*
 * Compare each line's multiset of tokens: sets changed[j] for the patched
 * tokens and dropped[i] for the original ones that have no counterpart
 * on the same line (and callee), and gives in mapped[i] the original's
 * line in the patched numbering.  -1 when out of memory.
 */
static int compare_lines(const struct fn_code *fo, const struct fn_code *fp, bool *changed,
			 bool *dropped, uint32_t *mapped)
{
	struct line_map m = { 0 };
	struct placed *po = NULL, *pp = NULL;
	long no = 0, np = 0, i = 0, j = 0;
	int ret = -1;

	if (build_line_map(fo, fp, &m))
		goto out;
	if (fo->decl_line && fp->decl_line) {
		m.shift = (int64_t)fp->decl_line - fo->decl_line;
		m.body = (struct body){ fo->decl_line, body_last_line(fo), fp->decl_line,
					body_last_line(fp) };
	}
	po = placed_tokens(fo, &no);
	pp = placed_tokens(fp, &np);
	if (!po || !pp)
		goto out;
	carry_lines(&m, po, no, pp, np);
	for (i = 0; i < no; i++)
		mapped[po[i].k] = po[i].line;
	i = 0;
	while (i < no || j < np) {
		int c = i >= no ? 1 : j >= np ? -1 : 0;

		if (!c) {
			struct placed x = po[i], y = pp[j];

			x.k = y.k = 0;
			c = cmp_placed(&x, &y);
		}
		if (c < 0)
			dropped[po[i++].k] = true;
		else if (c > 0)
			changed[pp[j++].k] = true;
		else
			i++, j++;
	}
	if (match_kept(fo, fp, po, no, pp, np, changed, dropped))
		goto out;
	ret = 0;
out:
	free(m.a);
	free(po);
	free(pp);
	return ret;
}

int srclines_compare(struct fn_code *fo, struct fn_code *fp, bool *changed, bool *dropped,
		     uint32_t *mapped)
{
	if (place_tokens(fo) || place_tokens(fp))
		return -1;
	return compare_lines(fo, fp, changed, dropped, mapped);
}

void srclines_release(struct fn_code *f)
{
	free(f->line);
	free(f->callee);
	free(f->tok_insn);
	free(f->shuffle);
	free(f->insns);
	free(f->tok);
	free(f->raw);
}
