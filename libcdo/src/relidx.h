/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_RELIDX_H
#define CDO_RELIDX_H

/*
 * Relocation indexes: the relocations of one rela section ordered by a
 * key, for "which relocations are at (or point to) this offset or range"
 * in O(log n), as objtool finds relocations by (section, offset) instead
 * of walking a section's list per query.
 *
 * Relocations with equal keys keep their file order, so a lookup finds
 * what a walk in file order would find first.  An index holds positions
 * into the section's relas array and is valid while that array is
 * unchanged: code that rewrites a section's relocations drops the index
 * (object_relas_changed()).
 */

#include <stdbool.h>
#include <stdint.h>

struct rela;

enum rela_key {
	RELA_BY_OFFSET,		/* where the relocation applies (r->offset) */
	RELA_BY_ADDEND,		/* where it points in its target (r->addend, signed) */
};

struct rela_index {
	uint32_t *order;	/* positions, by (key, position); NULL when @identity */
	uint32_t *first_from;	/* least position among order[k..n) (RELA_BY_OFFSET) */
	uint32_t n;
	enum rela_key key;
	bool identity;		/* every position, already in key order: no arrays */
	bool built;
};

/* The sort key of a relocation, and of a query value of each kind. */
uint64_t rela_index_key(enum rela_key key, const struct rela *r);
static inline uint64_t rela_key_of_offset(uint64_t offset)
{
	return offset;
}
/* signed order mapped onto unsigned order */
static inline uint64_t rela_key_of_addend(int64_t addend)
{
	return (uint64_t)addend ^ (UINT64_C(1) << 63);
}

/**
 * rela_index_build() - index relocations by @key
 * @relas:  the section's relocations
 * @nrelas: their number
 * @subset: positions to index, in file order, or NULL for all of them
 * @n:      the number of positions in @subset (@nrelas when NULL)
 *
 * Return: 0, or -1 when out of memory (@ix is then empty).
 */
int rela_index_build(struct rela_index *ix, const struct rela *relas, uint32_t nrelas,
		     enum rela_key key, const uint32_t *subset, uint32_t n);
/* Free what rela_index_build() took; a zeroed index is fine too. */
void rela_index_free(struct rela_index *ix);

/* The position in key order @k stands for. */
static inline uint32_t rela_index_at(const struct rela_index *ix, uint32_t k)
{
	return ix->identity ? k : ix->order[k];
}

/* The first slot k (in key order) whose key is at least @key: n when none. */
uint32_t rela_index_lower(const struct rela_index *ix, const struct rela *relas, uint64_t key);

/*
 * rela_index_first_at_or_after() - the first relocation in file order
 * among those at @offset or later (a RELA_BY_OFFSET index of every
 * relocation), or @ix->n when there is none.
 */
uint32_t rela_index_first_at_or_after(const struct rela_index *ix, const struct rela *relas,
				      uint64_t offset);

#endif
