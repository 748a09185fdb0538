// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the relocation indexes (relidx.c) and the object model's
 * relocation-offset index.  Every answer is checked against the linear
 * walk in file order that the index replaces: upstream's rules find "the
 * first relocation (in file order) at or after an offset" and "the first
 * reference to an address", so ties must resolve to the lowest position.
 * Keys are drawn from a tiny range, so most of them collide.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "object.h"
#include "relidx.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* offsets below @range (or ascending in small steps when @sorted); addends in [-8, 8) */
static struct rela *random_relas(uint32_t n, uint64_t range, bool sorted)
{
	struct rela *r = calloc(n + 1, sizeof(*r));
	uint32_t j;

	assert_non_null(r);
	for (j = 0; j < n; j++) {
		r[j].offset = sorted ? (j ? r[j - 1].offset + rng() % 3 : 0) : rng() % range;
		/* negative addends too: the key maps signed order */
		r[j].addend = (int64_t)(rng() % 16) - 8;
		r[j].sym = j;
	}
	return r;
}

static uint32_t linear_first_at_or_after(const struct rela *r, uint32_t n, uint64_t off)
{
	uint32_t j;

	for (j = 0; j < n; j++)
		if (r[j].offset >= off)
			return j;
	return n;
}

static void check_offsets(const struct rela *r, uint32_t n, bool expect_identity)
{
	struct rela_index ix;
	uint64_t off;
	uint32_t k;

	assert_int_equal(rela_index_build(&ix, r, n, RELA_BY_OFFSET, NULL, 0), 0);
	assert_true(ix.built);
	assert_int_equal(ix.n, n);
	assert_int_equal(ix.identity, expect_identity);
	/* key order, and equal keys in file order */
	for (k = 1; k < n; k++) {
		uint32_t a = rela_index_at(&ix, k - 1), b = rela_index_at(&ix, k);

		assert_true(r[a].offset < r[b].offset || (r[a].offset == r[b].offset && a < b));
	}
	for (off = 0; off < 70; off++) {
		uint32_t k2 = rela_index_lower(&ix, r, rela_key_of_offset(off));

		assert_int_equal(rela_index_first_at_or_after(&ix, r, off),
				 linear_first_at_or_after(r, n, off));
		if (k2 < n)
			assert_true(r[rela_index_at(&ix, k2)].offset >= off);
		if (k2 > 0)
			assert_true(r[rela_index_at(&ix, k2 - 1)].offset < off);
	}
	rela_index_free(&ix);
	assert_null(ix.order);
}

static void test_offsets_unsorted(void **state)
{
	uint32_t n;

	(void)state;
	for (n = 0; n < 200; n += 7) {
		struct rela *r = random_relas(n, 16, false);
		bool sorted = true;
		uint32_t j;

		for (j = 1; j < n; j++)
			sorted = sorted && r[j - 1].offset <= r[j].offset;
		check_offsets(r, n, sorted);
		free(r);
	}
}

static void test_offsets_sorted_is_identity(void **state)
{
	struct rela *r = random_relas(500, 0, true);

	(void)state;
	check_offsets(r, 500, true);
	free(r);
}

/* A subset by addend: the first reference to an address, and ranges. */
static void test_addends_subset(void **state)
{
	uint32_t n = 300, *subset = malloc(sizeof(uint32_t) * n), m = 0, j, k;
	struct rela *r = random_relas(n, 12, false);
	struct rela_index ix;
	int64_t a, lo, hi;

	(void)state;
	assert_non_null(subset);
	for (j = 0; j < n; j++)
		if (rng() % 3)
			subset[m++] = j;
	assert_int_equal(rela_index_build(&ix, r, n, RELA_BY_ADDEND, subset, m), 0);
	assert_false(ix.identity);
	assert_null(ix.first_from);
	for (a = -8; a < 8; a++) {
		uint32_t first = NONE;

		for (j = 0; j < m && first == NONE; j++)
			if (r[subset[j]].addend == a)
				first = subset[j];
		k = rela_index_lower(&ix, r, rela_key_of_addend(a));
		if (first == NONE)
			assert_true(k == ix.n || r[rela_index_at(&ix, k)].addend != a);
		else
			assert_int_equal(rela_index_at(&ix, k), first);
	}
	for (lo = -8; lo < 8; lo++) {
		for (hi = lo; hi < 9; hi++) {
			uint32_t want = 0, got;

			for (j = 0; j < m; j++)
				want += r[subset[j]].addend >= lo && r[subset[j]].addend < hi;
			got = rela_index_lower(&ix, r, rela_key_of_addend(hi)) -
			      rela_index_lower(&ix, r, rela_key_of_addend(lo));
			assert_int_equal(got, want);
		}
	}
	rela_index_free(&ix);
	free(subset);
	free(r);
}

/* The object model keeps the index until the relocations change. */
static void test_object_index_dropped_on_change(void **state)
{
	struct object o;
	const struct rela_index *ix;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.nsecs = o.secs_cap = 2;
	o.secs = calloc(2, sizeof(*o.secs));
	assert_non_null(o.secs);
	o.secs[1].is_rela = true;
	o.secs[1].index = 1;
	assert_int_equal(object_add_rela(&o, 1, 8, 1, 0, 0), 0);
	assert_int_equal(object_add_rela(&o, 1, 0, 1, 0, 0), 0);
	ix = object_relas_by_offset(&o, 1);
	assert_non_null(ix);
	assert_ptr_equal(object_relas_by_offset(&o, 1), ix);
	assert_int_equal(rela_index_first_at_or_after(ix, o.secs[1].relas, 1), 0);
	assert_int_equal(rela_index_at(ix, 0), 1);
	/* appending drops it; the next use sees the new relocation */
	assert_int_equal(object_add_rela(&o, 1, 2, 1, 0, 0), 0);
	assert_null(o.secs[1].by_offset);
	ix = object_relas_by_offset(&o, 1);
	assert_non_null(ix);
	assert_int_equal(ix->n, 3);
	assert_int_equal(rela_index_first_at_or_after(ix, o.secs[1].relas, 1), 0);
	assert_int_equal(rela_index_at(ix, 1), 2);
	object_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_unsorted),
		cmocka_unit_test(test_offsets_sorted_is_identity),
		cmocka_unit_test(test_addends_subset),
		cmocka_unit_test(test_object_index_dropped_on_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
