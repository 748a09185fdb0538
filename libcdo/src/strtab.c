// SPDX-License-Identifier: GPL-2.0
/*
 * The string-table builder (strtab.h): distinct strings, stored once, in
 * the order they are first asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "strtab.h"

int strtab_init(struct strtab_builder *b, uint32_t max_entries)
{
	memset(b, 0, sizeof(*b));
	b->offsets = malloc(sizeof(*b->offsets) * (max_entries + 1));
	if (!b->offsets || hidx_init(&b->index, max_entries + 1, 0))
		return -1;
	return 0;
}

void strtab_free(struct strtab_builder *b)
{
	free(b->buf);
	free(b->offsets);
	hidx_free(&b->index);
	memset(b, 0, sizeof(*b));
}

int64_t strtab_offset(struct strtab_builder *b, const char *s)
{
	uint64_t key = hash_str(s);
	size_t len = strlen(s) + 1;
	uint32_t id;

	hidx_for_each(&b->index, key, id)
		if (!strcmp(b->buf + b->offsets[id], s))
			return b->offsets[id];
	if (b->count >= b->index.capacity)
		return -1;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *nb;

		while (cap < b->len + len)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (!nb)
			return -1;
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, len);
	b->offsets[b->count] = (uint32_t)b->len;
	hidx_add(&b->index, key, b->count++);
	b->len += len;
	return (int64_t)(b->len - len);
}
