/* SPDX-License-Identifier: GPL-2.0 */
/*
 * objcmp-tables: one create-diff-object output object turned into the
 * tables of records that cdo-objcmp compares.  Records name things instead
 * of pointing at them (sections by name, symbols by name and section name,
 * relocation targets by symbol name or by the string they point at), and
 * the .kpatch.* entries are decoded field by field into text, so that two
 * objects laid out differently give equal tables.
 *
 * Life cycle:
 *
 *	struct side sd;
 *	if (objcmp_load(&sd, path))
 *		fprintf(stderr, "%s: %s\n", path, sd.err.msg);
 *	... compare sd.t[T_*] against objcmp_tables[T_*] ...
 *	objcmp_free(&sd);
 *
 * The small allocation and string helpers below are static inline: every
 * tool links all of common/, so they add no generic names to its link.
 */
#ifndef CDO_CLI_OBJCMP_TABLES_H
#define CDO_CLI_OBJCMP_TABLES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cdo/elf.h>

#define OBJCMP_PROG	"cdo-objcmp"

/* ---- small helpers ------------------------------------------------------ */

static inline void __attribute__((noreturn)) oom(void)
{
	fprintf(stderr, OBJCMP_PROG ": out of memory\n");
	exit(2);
}

static inline void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

static inline void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

static inline void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

/* A growable string, for decoded entries and printed values. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static inline void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if (!b->p || b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

static inline void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

static inline void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* Quote @len bytes of @s so that any name or string prints on one line. */
static inline void sb_quote(struct sbuf *b, const char *s, size_t len)
{
	size_t i;

	sb_printf(b, "\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(b, "\\x%02x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

static inline void sb_addend(struct sbuf *b, int64_t a)
{
	if (a < 0)
		sb_printf(b, "-0x%llx", (unsigned long long)-(uint64_t)a);
	else
		sb_printf(b, "+0x%llx", (unsigned long long)a);
}

/* ---- records and tables ------------------------------------------------- */

#define NS 3
#define NN 7

enum fmt { FMT_DEC, FMT_HEX, FMT_ADDEND, FMT_SHTYPE, FMT_SHFLAGS, FMT_STTYPE,
	   FMT_STBIND, FMT_STVIS, FMT_RTYPE };

/*
 * One compared item: up to NS strings and NN numbers, plus an optional byte
 * blob.  The leading nkey_s strings and nkey_n numbers of its table form
 * the key that pairs records of the two sides when they differ.
 */
struct rec {
	const char *s[NS];	/* NULL: absent */
	uint64_t n[NN];
	const unsigned char *blob;	/* NULL: absent */
	size_t bloblen;
	uint32_t absent;	/* bit i: n[i] is absent */
	uint32_t quoted;	/* bit i: s[i] is a string value, print quoted */
	size_t ord;		/* position in the object, for --strict-order */
};

struct table_desc {
	const char *what;
	int nkey_s, nkey_n;
	const char *slabel[NS];
	const char *nlabel[NN];
	enum fmt nfmt[NN];
	const char *bloblabel;
	bool blob_text;
	bool set;		/* duplicates do not count (unless --strict-order) */
	bool order_per_s0;	/* --strict-order compares order within each s[0] */
	bool rel_style;		/* print fields as a relocation */
	bool decoded;		/* s[1] is "field=value ..." text of a decoded entry */
};

enum { T_HDR, T_SEC, T_SYM, T_REL, T_STR, T_FUNC, T_KSYM, T_KRELA, T_ARCH, NTABLES };

extern const struct table_desc objcmp_tables[NTABLES];

struct table {
	struct rec *v;
	size_t n, cap;
};

/* ---- one side: an object turned into tables ----------------------------- */

struct dsec;
struct keep;

struct side {
	const char *path;
	struct cdo_elf *ev;
	struct cdo_elf_error err;	/* after a failed objcmp_load() */
	struct table t[NTABLES];
	unsigned char *kind;	/* per section */
	uint32_t *dslot;	/* per section: index into ds + 1, or 0 */
	struct dsec *ds;
	size_t nds, dscap;
	struct keep *keep;
};

int objcmp_load(struct side *sd, const char *path);
void objcmp_free(struct side *sd);
void objcmp_fmt_num(struct sbuf *b, enum fmt f, uint64_t v, uint16_t machine);

#endif /* CDO_CLI_OBJCMP_TABLES_H */
