// SPDX-License-Identifier: GPL-2.0
/*
 * Relocation indexes (relidx.h): a stable sort of positions by key, then
 * binary searches.  Compilers write relocations in offset order, so an
 * index by offset is usually the identity and costs one check.
 */
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "relidx.h"

uint64_t rela_index_key(enum rela_key key, const struct rela *r)
{
	return key == RELA_BY_OFFSET ? rela_key_of_offset(r->offset) :
				       rela_key_of_addend(r->addend);
}

/*
 * @order (positions) and @keys (theirs) in (key, position) order: a
 * bottom-up merge sort, stable, and the keys travel with the positions so
 * the merge compares plain integers.  @tmp and @ktmp are scratch.
 */
static void sort_by_key(uint32_t *order, uint64_t *keys, uint32_t *tmp, uint64_t *ktmp,
			uint32_t n)
{
	uint32_t width, lo;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = n - lo > width ? lo + width : n;
			uint32_t hi = n - lo > 2 * width ? lo + 2 * width : n;
			uint32_t a = lo, b = mid, k = lo;

			while (a < mid || b < hi) {
				/* ties go to the left run: equal keys keep their order */
				bool left = b >= hi || (a < mid && keys[a] <= keys[b]);
				uint32_t from = left ? a++ : b++;

				ktmp[k] = keys[from];
				tmp[k++] = order[from];
			}
		}
		memcpy(order, tmp, sizeof(*tmp) * n);
		memcpy(keys, ktmp, sizeof(*keys) * n);
	}
}

int rela_index_build(struct rela_index *ix, const struct rela *relas, uint32_t nrelas,
		     enum rela_key key, const uint32_t *subset, uint32_t n)
{
	uint64_t *keys = NULL, *ktmp = NULL;
	uint32_t *tmp = NULL, j;
	bool sorted = true;

	memset(ix, 0, sizeof(*ix));
	ix->key = key;
	if (!subset)
		n = nrelas;
	ix->n = n;
	for (j = 1; j < n && sorted; j++) {
		uint32_t a = subset ? subset[j - 1] : j - 1, b = subset ? subset[j] : j;

		sorted = rela_index_key(key, &relas[a]) <= rela_index_key(key, &relas[b]);
	}
	if (sorted && !subset) {
		ix->identity = true;
		ix->built = true;
		return 0;
	}
	ix->order = malloc(sizeof(*ix->order) * (n + 1));
	if (!ix->order)
		goto nomem;
	for (j = 0; j < n; j++)
		ix->order[j] = subset ? subset[j] : j;
	if (!sorted) {
		keys = malloc(sizeof(*keys) * n);
		ktmp = malloc(sizeof(*ktmp) * n);
		tmp = malloc(sizeof(*tmp) * n);
		if (!keys || !ktmp || !tmp)
			goto nomem;
		for (j = 0; j < n; j++)
			keys[j] = rela_index_key(key, &relas[ix->order[j]]);
		sort_by_key(ix->order, keys, tmp, ktmp, n);
	}
	if (key == RELA_BY_OFFSET) {
		ix->first_from = malloc(sizeof(*ix->first_from) * (n + 1));
		if (!ix->first_from)
			goto nomem;
		ix->first_from[n] = nrelas;
		for (j = n; j-- > 0;)
			ix->first_from[j] = ix->order[j] < ix->first_from[j + 1] ?
					    ix->order[j] : ix->first_from[j + 1];
	}
	free(keys);
	free(ktmp);
	free(tmp);
	ix->built = true;
	return 0;
nomem:
	free(keys);
	free(ktmp);
	free(tmp);
	rela_index_free(ix);
	return -1;
}

void rela_index_free(struct rela_index *ix)
{
	free(ix->order);
	free(ix->first_from);
	memset(ix, 0, sizeof(*ix));
}

uint32_t rela_index_lower(const struct rela_index *ix, const struct rela *relas, uint64_t key)
{
	uint32_t lo = 0, hi = ix->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (rela_index_key(ix->key, &relas[rela_index_at(ix, mid)]) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t rela_index_first_at_or_after(const struct rela_index *ix, const struct rela *relas,
				      uint64_t offset)
{
	uint32_t k = rela_index_lower(ix, relas, rela_key_of_offset(offset));

	if (k == ix->n)
		return ix->n;
	return ix->identity ? k : ix->first_from[k];
}
