// SPDX-License-Identifier: GPL-2.0
/*
 * The sink of one diff (sink.h): its error, log lines, result items, and
 * the strings the stages make.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"

void sink_log(struct sink *s, enum cdo_log_level level, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (!sink_wants(s, level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s->log(s->log_user, level, buf);
}

int sink_fail(struct sink *s, enum cdo_status status, const char *fmt, ...)
{
	int saved = errno;	/* the errno of a CDO_ERR_IO */
	va_list ap;

	va_start(ap, fmt);
	errno = saved;
	err_vset(s->eb, status, fmt, ap);
	va_end(ap);
	return status;
}

char *sink_strdup(struct sink *s, const char *str)
{
	char *copy;

	if (s->n_owned == s->owned_cap) {
		size_t cap = s->owned_cap ? s->owned_cap * 2 : 16;
		char **a = realloc(s->owned, sizeof(*a) * cap);

		if (!a)
			return NULL;
		s->owned = a;
		s->owned_cap = cap;
	}
	copy = strdup(str);
	if (copy)
		s->owned[s->n_owned++] = copy;
	return copy;
}

/*
 * Item strings point into the mapped objects and parent symtab while the
 * diff runs; the caller gets copies, so results stay readable whatever
 * happens to the input files afterwards.
 */
static const char *item_string(struct sink *s, const char *str)
{
	struct str_chunk *c = s->item_strings;
	size_t n;

	if (!str || str == s->context_string)
		return str;	/* NULL, or owned by the context */
	n = strlen(str) + 1;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = s->item_strings;
		c->used = 0;
		c->cap = cap;
		s->item_strings = c;
	}
	memcpy(c->data + c->used, str, n);
	c->used += n;
	return c->data + c->used - n;
}

int sink_add_item(struct sink *s, enum cdo_item_kind kind, const struct cdo_item *item)
{
	struct item_list *l = &s->items[kind];
	struct cdo_item copy = *item;

	copy.name = item_string(s, item->name);
	copy.section = item_string(s, item->section);
	copy.objname = item_string(s, item->objname);
	if ((item->name && !copy.name) || (item->section && !copy.section) ||
	    (item->objname && !copy.objname))
		return sink_fail(s, CDO_ERR_NOMEM, "out of memory");

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct cdo_item *a = realloc(l->items, sizeof(*a) * cap);

		if (!a)
			return sink_fail(s, CDO_ERR_NOMEM, "out of memory");
		l->items = a;
		l->cap = cap;
	}
	l->items[l->n++] = copy;
	return 0;
}

void sink_release(struct sink *s)
{
	size_t i;

	for (i = 0; i < CDO_ITEM_KIND_COUNT; i++)
		free(s->items[i].items);
	for (i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s->owned);
	while (s->item_strings) {
		struct str_chunk *next = s->item_strings->next;

		free(s->item_strings);
		s->item_strings = next;
	}
	memset(s, 0, sizeof(*s));
}
