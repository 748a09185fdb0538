// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include "hashidx.h"

int hidx_init(struct hidx *h, uint32_t capacity, uint32_t buckets)
{
	uint32_t n = 1;

	memset(h, 0, sizeof(*h));
	if (!buckets) {
		/* at least one bucket per item: chains average under one entry */
		while (n < capacity && n < (1u << 31))
			n <<= 1;
	} else {
		while (n < buckets)
			n <<= 1;
	}
	h->head = malloc(sizeof(*h->head) * n);
	h->tail = malloc(sizeof(*h->tail) * n);
	h->next = malloc(sizeof(*h->next) * (capacity ? capacity : 1));
	h->key = malloc(sizeof(*h->key) * (capacity ? capacity : 1));
	if (!h->head || !h->tail || !h->next || !h->key) {
		hidx_free(h);
		return -1;
	}
	memset(h->head, 0xff, sizeof(*h->head) * n);
	h->mask = n - 1;
	h->capacity = capacity;
	return 0;
}

void hidx_free(struct hidx *h)
{
	free(h->head);
	free(h->tail);
	free(h->next);
	free(h->key);
	memset(h, 0, sizeof(*h));
}

void hidx_seal(struct hidx *h)
{
	free(h->tail);
	h->tail = NULL;
}

void hidx_add(struct hidx *h, uint64_t key, uint32_t id)
{
	uint32_t b = (uint32_t)key & h->mask;

	h->key[id] = key;
	h->next[id] = HIDX_NONE;
	if (h->head[b] == HIDX_NONE)
		h->head[b] = id;
	else
		h->next[h->tail[b]] = id;
	h->tail[b] = id;
}

static uint32_t skip_other_keys(const struct hidx *h, uint32_t id, uint64_t key)
{
	while (id != HIDX_NONE && h->key[id] != key)
		id = h->next[id];
	return id;
}

uint32_t hidx_first(const struct hidx *h, uint64_t key)
{
	if (!h->head)
		return HIDX_NONE;
	return skip_other_keys(h, h->head[(uint32_t)key & h->mask], key);
}

uint32_t hidx_next(const struct hidx *h, uint32_t id)
{
	return skip_other_keys(h, h->next[id], h->key[id]);
}

void hidx_unlink(struct hidx *h, uint32_t prev, uint32_t id)
{
	uint32_t b = (uint32_t)h->key[id] & h->mask;

	if (prev == HIDX_NONE)
		h->head[b] = h->next[id];
	else
		h->next[prev] = h->next[id];
	if (h->tail[b] == id)
		h->tail[b] = prev;
}
