// SPDX-License-Identifier: GPL-2.0
/* Errors, function lists and small file helpers of the klp tools' library. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-lib.h"

int klp_fail(struct klp_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int klp_fn_add(struct klp_fn_list *l, const char *obj, const char *name,
	       unsigned long pos, const char *patch, struct klp_err *err)
{
	struct klp_fn *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct klp_fn *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return klp_fail(err, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n];
	f->obj = strdup(obj);
	f->name = strdup(name);
	f->patch = patch ? strdup(patch) : NULL;
	f->pos = pos ? pos : 1;
	f->active = KLP_UNKNOWN;
	if (!f->obj || !f->name || (patch && !f->patch)) {
		free(f->obj);
		free(f->name);
		free(f->patch);
		return klp_fail(err, "out of memory");
	}
	l->n++;
	return 0;
}

void klp_fn_list_free(struct klp_fn_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].obj);
		free(l->v[i].name);
		free(l->v[i].patch);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

bool klp_fn_same(const struct klp_fn *a, const struct klp_fn *b)
{
	return a->pos == b->pos && !strcmp(a->name, b->name) && !strcmp(a->obj, b->obj);
}

bool klp_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	if (ferror(f)) {
		fclose(f);
		return false;
	}
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

long klp_read_long(const char *path)
{
	char val[64], *end;
	long v;

	if (!klp_read_line(path, val, sizeof(val)))
		return KLP_UNKNOWN;
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end)
		return KLP_UNKNOWN;
	return v;
}

bool klp_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len;
}

void klp_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}
