// SPDX-License-Identifier: GPL-2.0
/*
 * cdo-objcmp: say whether two create-diff-object output objects are
 * semantically equal.
 *
 * Two writers may lay out the same object differently: section and symbol
 * order, string-table and .kpatch.strings offsets, the order of the
 * .kpatch.* entries.  None of that changes what kpatch-build links, so the
 * comparison turns each object into tables of records that name things
 * instead of pointing at them (sections by name, symbols by name and
 * section name, relocation targets by symbol name or by the string they
 * point at, .kpatch.* entries decoded field by field), sorts each table and
 * compares the two as multisets.  --strict-order additionally compares the
 * order of sections, symbols, relocations within each section and entries.
 *
 * common/objcmp-tables.c reads the objects into tables; this file compares
 * them and reports the differences.
 *
 * Exit status: 0 equal, 1 different, 2 bad input or usage.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdo/version.h"
#include "common/objcmp-tables.h"

#define MAX_SHOWN	50

/* ---- comparing ---------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_key(const struct rec *a, const struct rec *b, const struct table_desc *td)
{
	int i, c;

	for (i = 0; i < td->nkey_s; i++)
		if ((c = cmp_str(a->s[i], b->s[i])))
			return c;
	for (i = 0; i < td->nkey_n; i++)
		if ((c = cmp_u64(a->n[i], b->n[i])))
			return c;
	return 0;
}

static int cmp_full(const struct rec *a, const struct rec *b, const struct table_desc *td)
{
	size_t len;
	int i, c;

	if ((c = cmp_key(a, b, td)))
		return c;
	for (i = td->nkey_s; i < NS; i++)
		if ((c = cmp_str(a->s[i], b->s[i])))
			return c;
	if ((c = cmp_u64(a->quoted, b->quoted)) || (c = cmp_u64(a->absent, b->absent)))
		return c;
	for (i = td->nkey_n; i < NN; i++)
		if ((c = cmp_u64(a->n[i], b->n[i])))
			return c;
	if ((a->blob != NULL) != (b->blob != NULL))
		return (a->blob != NULL) - (b->blob != NULL);
	len = a->bloblen < b->bloblen ? a->bloblen : b->bloblen;
	if (len && (c = memcmp(a->blob, b->blob, len)))
		return c;
	return cmp_u64(a->bloblen, b->bloblen);
}

static int qcmp_full(const void *x, const void *y, void *arg)
{
	return cmp_full(*(const struct rec *const *)x, *(const struct rec *const *)y, arg);
}

static int qcmp_order(const void *x, const void *y, void *arg)
{
	const struct rec *a = *(const struct rec *const *)x, *b = *(const struct rec *const *)y;
	const struct table_desc *td = arg;
	int c;

	if (td->order_per_s0 && (c = cmp_str(a->s[0], b->s[0])))
		return c;
	return cmp_u64(a->ord, b->ord);
}

struct report {
	size_t count;
	bool quiet;
	uint16_t machine;
	struct sbuf line;
};

static void report(struct report *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct report *rp, const char *fmt, ...)
{
	va_list ap;

	if (!rp->quiet && rp->count < MAX_SHOWN) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	rp->count++;
}

static void fmt_str(struct sbuf *b, const struct rec *r, int i)
{
	if (!r->s[i])
		sb_printf(b, "-");
	else if (r->quoted & (1u << i))
		sb_quote(b, r->s[i], strlen(r->s[i]));
	else
		sb_printf(b, "%s", r->s[i]);
}

/* The key of @r, each part preceded by a space unless @bare and first. */
static void fmt_key(struct sbuf *b, const struct rec *r, const struct table_desc *td, bool bare)
{
	int i;

	for (i = 0; i < td->nkey_s; i++) {
		if (i || !bare)
			sb_printf(b, " ");
		if (r->s[i] && !r->s[i][0] && !(r->quoted & (1u << i)))
			sb_printf(b, "\"\"");
		else
			fmt_str(b, r, i);
	}
	for (i = 0; i < td->nkey_n; i++)
		sb_printf(b, "+0x%llx", (unsigned long long)r->n[i]);
}

/* All non-key fields of @r, for records found on one side only. */
static void fmt_fields(struct sbuf *b, const struct rec *r, const struct table_desc *td,
		       uint16_t machine)
{
	const char *sep = "";
	int i;

	if (td->rel_style) {
		/* Like readelf: "R_X86_64_PC32 printk-0x4", or a string target. */
		objcmp_fmt_num(b, FMT_RTYPE, r->n[1], machine);
		sb_printf(b, " ");
		fmt_str(b, r, 1);
		if (!(r->absent & (1u << 2)))
			sb_addend(b, (int64_t)r->n[2]);
		return;
	}
	for (i = td->nkey_n; i < NN; i++) {
		if ((r->absent & (1u << i)) || !td->nlabel[i])
			continue;
		sb_printf(b, "%s%s=", sep, td->nlabel[i]);
		objcmp_fmt_num(b, td->nfmt[i], r->n[i], machine);
		sep = " ";
	}
	for (i = td->nkey_s; i < NS; i++) {
		if (!r->s[i])
			continue;
		if (td->slabel[i])
			sb_printf(b, "%s%s=", sep, td->slabel[i]);
		else
			sb_printf(b, "%s", sep);
		fmt_str(b, r, i);
		sep = " ";
	}
	if (r->blob && td->blob_text)
		sb_printf(b, "%s%s=%.*s", sep, td->bloblabel, (int)r->bloblen, r->blob);
}

static void report_one_side(struct report *rp, const struct table_desc *td, const struct rec *r,
			    const char *side, bool key_elsewhere)
{
	struct sbuf *b = &rp->line;
	size_t len;

	sb_reset(b);
	sb_printf(b, "%s", td->what);
	fmt_key(b, r, td, false);
	sb_printf(b, ": %s %s", key_elsewhere ? "extra in" : "only in", side);
	len = b->len;
	sb_printf(b, " (");
	fmt_fields(b, r, td, rp->machine);
	if (b->len == len + 2)
		b->p[b->len = len] = '\0';
	else
		sb_printf(b, ")");
	report(rp, "%s", b->p);
}

/*
 * The end of the field that starts at @p in a decoded entry's text: the
 * next space outside quotes and braces.
 */
static const char *field_end(const char *p)
{
	int depth = 0;
	bool quote = false;

	for (; *p; p++) {
		if (quote) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quote = false;
		} else if (*p == '"') {
			quote = true;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}') {
			depth--;
		} else if (*p == ' ' && depth <= 0) {
			break;
		}
	}
	return p;
}

static size_t count_fields(const char *p)
{
	size_t n = 0;

	while (*p) {
		p = field_end(p);
		n++;
		if (*p)
			p++;
	}
	return n;
}

/*
 * Report decoded entries field by field ("new_size: a=49 b=7"); entries of
 * different shapes are reported whole.
 */
static void report_decoded(struct report *rp, const struct table_desc *td, const char *key,
			   const char *a, const char *b)
{
	if (count_fields(a) != count_fields(b)) {
		report(rp, "%s%s: a=%s b=%s", td->what, key, a, b);
		return;
	}
	while (*a) {
		const char *ea = field_end(a), *eb = field_end(b);
		const char *qa = memchr(a, '=', (size_t)(ea - a));
		const char *qb = memchr(b, '=', (size_t)(eb - b));
		const char *va = qa ? qa + 1 : a, *vb = qb ? qb + 1 : b;

		if (ea - a != eb - b || memcmp(a, b, (size_t)(ea - a)))
			report(rp, "%s%s: %.*s: a=%.*s b=%.*s", td->what, key,
			       (int)(va - a - (qa != NULL)), a, (int)(ea - va), va,
			       (int)(eb - vb), vb);
		a = *ea ? ea + 1 : ea;
		b = *eb ? eb + 1 : eb;
	}
}

/* Field-by-field differences of two records with the same key. */
static void report_pair(struct report *rp, const struct table_desc *td, const struct rec *a,
			const struct rec *b)
{
	struct sbuf *l = &rp->line;
	struct sbuf key = { 0 };
	int i;

	fmt_key(&key, a, td, false);
	sb_printf(&key, "%s", "");	/* allocated even when there is no key */
	for (i = td->nkey_s; i < NS; i++) {
		if (!cmp_str(a->s[i], b->s[i]) &&
		    (a->quoted & (1u << i)) == (b->quoted & (1u << i)))
			continue;
		if (td->decoded && i == 1 && a->s[1] && b->s[1]) {
			report_decoded(rp, td, key.p, a->s[1], b->s[1]);
			continue;
		}
		sb_reset(l);
		sb_printf(l, "%s%s: %s: a=", td->what, key.p, td->slabel[i] ? td->slabel[i] : "fields");
		fmt_str(l, a, i);
		sb_printf(l, " b=");
		fmt_str(l, b, i);
		report(rp, "%s", l->p);
	}
	for (i = td->nkey_n; i < NN; i++) {
		bool aa = a->absent & (1u << i), ba = b->absent & (1u << i);

		if (aa == ba && (aa || a->n[i] == b->n[i]))
			continue;
		sb_reset(l);
		sb_printf(l, "%s%s: %s: a=", td->what, key.p, td->nlabel[i] ? td->nlabel[i] : "value");
		if (aa)
			sb_printf(l, "-");
		else
			objcmp_fmt_num(l, td->nfmt[i], a->n[i], rp->machine);
		sb_printf(l, " b=");
		if (ba)
			sb_printf(l, "-");
		else
			objcmp_fmt_num(l, td->nfmt[i], b->n[i], rp->machine);
		report(rp, "%s", l->p);
	}
	if ((a->blob != NULL) != (b->blob != NULL)) {
		report(rp, "%s%s: %s compared on one side only", td->what, key.p,
		       td->bloblabel ? td->bloblabel : "contents");
	} else if (a->blob && td->blob_text) {
		if (a->bloblen != b->bloblen || memcmp(a->blob, b->blob, a->bloblen))
			report(rp, "%s%s: %s: a=%.*s b=%.*s", td->what, key.p, td->bloblabel,
			       (int)a->bloblen, a->blob, (int)b->bloblen, b->blob);
	} else if (a->blob) {
		size_t len = a->bloblen < b->bloblen ? a->bloblen : b->bloblen, off;

		for (off = 0; off < len && a->blob[off] == b->blob[off]; off++)
			;
		if (off < len)
			report(rp, "%s%s: contents differ at offset 0x%zx (a=0x%02x b=0x%02x)",
			       td->what, key.p, off, a->blob[off], b->blob[off]);
		else if (a->bloblen != b->bloblen)
			report(rp, "%s%s: contents differ in length (a=%zu b=%zu)", td->what,
			       key.p, a->bloblen, b->bloblen);
	}
	free(key.p);
}

static bool key_in(const struct rec *const *v, size_t n, const struct rec *r,
		   const struct table_desc *td)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(v[mid], r, td);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static size_t dedup(const struct rec **v, size_t n, const struct table_desc *td)
{
	size_t i, out = 0;

	for (i = 0; i < n; i++)
		if (!out || cmp_full(v[out - 1], v[i], td))
			v[out++] = v[i];
	return out;
}

/* Report the unmatched records of one key group: paired when counts agree. */
static void report_group(struct report *rp, const struct table_desc *td,
			 const struct rec **ua, size_t na, const struct rec **ub, size_t nb,
			 const struct rec *const *all_a, size_t nall_a,
			 const struct rec *const *all_b, size_t nall_b)
{
	size_t i;

	if (na == nb) {
		for (i = 0; i < na; i++)
			report_pair(rp, td, ua[i], ub[i]);
		return;
	}
	for (i = 0; i < na; i++)
		report_one_side(rp, td, ua[i], "a", key_in(all_b, nall_b, ua[i], td));
	for (i = 0; i < nb; i++)
		report_one_side(rp, td, ub[i], "b", key_in(all_a, nall_a, ub[i], td));
}

static void check_order(struct report *rp, const struct table_desc *td,
			const struct rec **a, const struct rec **b, size_t n)
{
	qsort_r(a, n, sizeof(*a), qcmp_order, (void *)td);
	qsort_r(b, n, sizeof(*b), qcmp_order, (void *)td);
	for (size_t i = 0, start = 0; i < n; i++) {
		struct sbuf *l = &rp->line;

		if (i && td->order_per_s0 && cmp_str(a[i]->s[0], a[i - 1]->s[0]))
			start = i;
		if (!cmp_full(a[i], b[i], td))
			continue;
		sb_reset(l);
		sb_printf(l, "%s order", td->what);
		if (td->order_per_s0)
			sb_printf(l, " in %s", a[i]->s[0]);
		sb_printf(l, " differs at position %zu: a=", i - start);
		fmt_key(l, a[i], td, true);
		sb_printf(l, " (");
		fmt_fields(l, a[i], td, rp->machine);
		sb_printf(l, ") b=");
		fmt_key(l, b[i], td, true);
		sb_printf(l, " (");
		fmt_fields(l, b[i], td, rp->machine);
		sb_printf(l, ")");
		report(rp, "%s", l->p);
		/* One report per group: skip to the next one. */
		while (i + 1 < n && td->order_per_s0 && !cmp_str(a[i + 1]->s[0], a[i]->s[0]))
			i++;
		if (!td->order_per_s0)
			break;
	}
}

static void compare_table(struct report *rp, const struct table_desc *td,
			  const struct table *ta, const struct table *tb, bool strict)
{
	const struct rec **a = xmalloc(ta->n * sizeof(*a)), **b = xmalloc(tb->n * sizeof(*b));
	const struct rec **ua = xmalloc(ta->n * sizeof(*a)), **ub = xmalloc(tb->n * sizeof(*b));
	size_t na = ta->n, nb = tb->n, i = 0, j = 0, nua = 0, nub = 0;
	size_t before = rp->count;

	for (i = 0; i < na; i++)
		a[i] = &ta->v[i];
	for (j = 0; j < nb; j++)
		b[j] = &tb->v[j];
	qsort_r(a, na, sizeof(*a), qcmp_full, (void *)td);
	qsort_r(b, nb, sizeof(*b), qcmp_full, (void *)td);
	if (td->set && !strict) {
		na = dedup(a, na, td);
		nb = dedup(b, nb, td);
	}

	for (i = j = 0; i < na || j < nb;) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_full(a[i], b[j], td);

		if (!c) {
			i++;
			j++;
		} else if (c < 0) {
			ua[nua++] = a[i++];
		} else {
			ub[nub++] = b[j++];
		}
	}

	/* Both lists are sorted key first, so groups of one key line up. */
	for (i = j = 0; i < nua || j < nub;) {
		size_t gi = i, gj = j;
		int c = i == nua ? 1 : j == nub ? -1 : cmp_key(ua[i], ub[j], td);

		if (c <= 0)
			while (gi < nua && !cmp_key(ua[gi], ua[i], td))
				gi++;
		if (c >= 0)
			while (gj < nub && !cmp_key(ub[gj], ub[j], td))
				gj++;
		report_group(rp, td, ua + i, gi - i, ub + j, gj - j, a, na, b, nb);
		i = gi;
		j = gj;
	}

	if (strict && rp->count == before && na == nb)
		check_order(rp, td, a, b, na);
	free(a);
	free(b);
	free(ua);
	free(ub);
}

/* ---- main --------------------------------------------------------------- */

static int load(struct side *sd, const char *path)
{
	if (!objcmp_load(sd, path))
		return 0;
	fprintf(stderr, OBJCMP_PROG ": %s: %s\n", path, sd->err.msg);
	objcmp_free(sd);
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " OBJCMP_PROG " [-v|-q] [--strict-order] a.o b.o\n"
		"\n"
		"Compare two create-diff-object output objects semantically: sections by\n"
		"name and attributes, symbols, relocations (targets by name, .kpatch.strings\n"
		"targets by string) and the decoded .kpatch.* tables, ignoring layout.\n"
		"\n"
		"  -v, --verbose      print \"equal\" when equal, and a count when not\n"
		"  -q, --quiet        print no differences, only set the exit status\n"
		"      --strict-order also compare the order of sections, symbols,\n"
		"                     relocations within a section and table entries\n"
		"  -h, --help         show this help\n"
		"  -V, --version      print the version\n"
		"\n"
		"Differences are printed one a line, the first %d, then a count; \"a\"\n"
		"is the first file and \"b\" the second.\n"
		"Exit status: 0 equal, 1 different, 2 bad input or usage.\n", MAX_SHOWN);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "strict-order", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct report rp = { 0 };
	struct side a, b;
	bool verbose = false, strict = false;
	int c, t;

	while ((c = getopt_long(argc, argv, "vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'q':
			rp.quiet = true;
			break;
		case 'S':
			strict = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(OBJCMP_PROG " (cdo) " CDO_VERSION_STRING "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (load(&a, argv[optind]))
		return 2;
	if (load(&b, argv[optind + 1])) {
		objcmp_free(&a);
		return 2;
	}

	rp.machine = cdo_elf_header(a.ev)->e_machine;
	for (t = 0; t < NTABLES; t++)
		compare_table(&rp, &objcmp_tables[t], &a.t[t], &b.t[t], strict);

	if (!rp.quiet && rp.count > MAX_SHOWN)
		printf("... and %zu more differences\n", rp.count - MAX_SHOWN);
	if (verbose && !rp.quiet && rp.count)
		printf("%zu difference%s\n", rp.count, rp.count == 1 ? "" : "s");
	else if (verbose && !rp.quiet)
		printf("equal\n");
	free(rp.line.p);
	objcmp_free(&a);
	objcmp_free(&b);
	return rp.count ? 1 : 0;
}
