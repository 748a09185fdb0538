// SPDX-License-Identifier: GPL-2.0
/*
 * Which source lines made a function change (CDO_DWARF_SOURCE).
 *
 * The instructions of the original and the patched function are turned
 * into tokens: their bytes, with relocated fields replaced by what the
 * relocation points at (names up to gcc's numbering), register numbers,
 * stack slots and branch distances left out (insn_normalize()).  Each
 * token is put on a source line of the function's file by the object's
 * line table (home_line()), the original's lines are carried into the
 * patched numbering (build_line_map()), and a line changed when its
 * tokens, as a multiset, differ (compare_lines()): code that only moved
 * is no change, wherever the compiler put it.  The inlined subroutines
 * around a token that differs are the inlined callees whose code
 * differs.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarfstage.h"
#include "grow.h"
#include "hashidx.h"
#include "names.h"
#include "srcdiff.h"

struct fn_code {
	const struct object *o;
	uint32_t sec;
	uint64_t start, size;	/* offset of the function in @sec, bytes */
	uint32_t *insns;	/* instruction offsets from @start */
	long n;
	uint64_t *tok;		/* one per instruction that is not a NOP */
	uint64_t *raw;		/* the same with a __LINE__ kept (mask_line_number()) */
	uint32_t *tok_insn;	/* its instruction */
	long ntok;
	const struct debuginfo *di;	/* the object's line table, or NULL */
	uint64_t addr;			/* the function's address in it */
	bool exact;			/* keep register numbers and stack slots */
	bool *own;			/* by file index: the function's own file */
	const char *root;		/* dropped from its file names */
	size_t root_len;
	size_t first_inl, last_inl;	/* the subroutines inlined into it */
	uint32_t decl_line;		/* where it is declared, 0 if unknown */
	bool *shuffle;			/* each token: insn_is_shuffle() */
	uint32_t *line;			/* each token's line (home_line()) */
	uint64_t *callee;		/* and the callee it counts for */
};

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

static int tokenize(struct fn_code *f)
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

static bool inlined_covers(const struct debuginfo *di, size_t first, size_t last, uint64_t addr)
{
	size_t k;

	for (k = first; k < last; k++)
		if (di->inlined[k].lo <= addr && addr < di->inlined[k].hi)
			return true;
	return false;
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
	const struct di_line *first = debuginfo_line_at(di, addr), *last = first;
	const struct di_line *end = di->lines + di->nlines;
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
		return 0;
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

	if (!changed || !dropped || !mapped || place_tokens(fo) || place_tokens(fp) ||
	    compare_lines(fo, fp, changed, dropped, mapped))
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
		qsort(b->uses, b->nuses, sizeof(*b->uses), cmp_u64);
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
		    inlined_covers(di, fp.first_inl, fp.last_inl, l->addr))
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
		if (tokenize(&fp) || tokenize(&fo))
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
	free(fp.line);
	free(fo.line);
	free(fp.callee);
	free(fo.callee);
	free(fp.tok_insn);
	free(fo.tok_insn);
	free(fp.shuffle);
	free(fo.shuffle);
	free(fp.insns);
	free(fp.tok);
	free(fp.raw);
	free(fo.insns);
	free(fo.tok);
	free(fo.raw);
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
