/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A structure-aware mutator for ELF64 relocatable objects, on top of
 * libFuzzer's byte mutations.  It knows where the headers, section
 * headers, symbols, relocations, string tables and section groups are,
 * so most mutations produce an object that still parses up to the
 * interesting point, and it mutates the pairing of two objects (a section
 * renamed, retyped, resized or moved in one of them) that a diff tool
 * correlates by name.
 */
#ifndef CDO_ELF_MUTATOR_H
#define CDO_ELF_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* A small deterministic generator; the fuzzer gives the seed. */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/*
 * elf_mutate() - one structural mutation of the object in @buf (@*len
 * bytes, capacity @cap); may change @*len (truncation, growth).
 * Return: 0 when it changed something, -1 when it found nothing to do.
 */
int elf_mutate(uint8_t *buf, size_t *len, size_t cap, struct rng *r);

/*
 * elf_mutate_pair() - change how @b pairs with @a: a section that both
 * have by name is renamed, retyped, given other flags, resized or moved
 * in @b.  Return: 0 or -1 as elf_mutate().
 */
int elf_mutate_pair(const uint8_t *a, size_t alen, uint8_t *b, size_t blen, struct rng *r);

/*
 * The libFuzzer custom mutator for a container of @nparts parts whose
 * first @nelf parts are ELF objects (see fuzz-input.h).
 */
size_t elf_container_mutate(uint8_t *data, size_t size, size_t max, unsigned int seed,
			    unsigned int nparts, unsigned int nelf);

#endif
