/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_HASHIDX_H
#define CDO_HASHIDX_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define HIDX_NONE UINT32_MAX

/*
 * A hash index from 64-bit keys to item ids (0 .. capacity-1), sized once
 * from a count known before insertion, so it never rehashes.  Each bucket
 * is a chain kept in insertion order: iterating a key yields its ids
 * first-in first-out, which correlation relies on to reproduce upstream's
 * "first candidate in list order wins" rule.  Items live in the caller's
 * arrays; the index stores only ids and full keys.
 */
struct hidx {
	uint32_t *head;		/* per bucket: first id, or HIDX_NONE */
	uint32_t *tail;		/* per bucket: last id, for O(1) append */
	uint32_t *next;		/* per id: next id in the same bucket */
	uint64_t *key;		/* per id: full key, to skip other keys */
	uint32_t mask;		/* buckets - 1 */
	uint32_t capacity;	/* ids must be below this */
};

/**
 * hidx_init() - allocate an empty index for ids below @capacity
 * @h:        the index
 * @capacity: one more than the largest id that will be added
 * @buckets:  0 to pick a size from @capacity; tests pass 1 to force every
 *            key into one chain
 *
 * Return: 0, or -1 when out of memory (nothing is left allocated).
 */
int hidx_init(struct hidx *h, uint32_t capacity, uint32_t buckets);
void hidx_free(struct hidx *h);

/** hidx_add() - append @id under @key; each id may be added once. */
void hidx_add(struct hidx *h, uint64_t key, uint32_t id);

/** hidx_first() - the first id added under @key, or HIDX_NONE. */
uint32_t hidx_first(const struct hidx *h, uint64_t key);

/** hidx_next() - the id added under the same key after @id, or HIDX_NONE. */
uint32_t hidx_next(const struct hidx *h, uint32_t id);

/**
 * hidx_unlink() - remove @id from its chain
 * @prev: the id before @id in its bucket's chain (any key), or HIDX_NONE
 *        when @id is the bucket's first
 *
 * For walks that retire entries as they go (correlation removes paired
 * candidates so later lookups do not step over them again).
 */
void hidx_unlink(struct hidx *h, uint32_t prev, uint32_t id);

/**
 * hidx_seal() - free what only adding and unlinking need
 *
 * For indexes that are complete: lookups work as before, hidx_add() and
 * hidx_unlink() must not be called any more.
 */
void hidx_seal(struct hidx *h);

/* Raw chain walk for hidx_unlink() users: bucket head and successor. */
static inline uint32_t hidx_bucket_head(const struct hidx *h, uint64_t key)
{
	return h->head ? h->head[(uint32_t)key & h->mask] : HIDX_NONE;
}

static inline uint64_t hash_bytes(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

static inline uint64_t hash_str(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}

/* Iterate every id added under @k, in insertion order. */
#define hidx_for_each(h, k, id) \
	for ((id) = hidx_first((h), (k)); (id) != HIDX_NONE; (id) = hidx_next((h), (id)))

#endif
