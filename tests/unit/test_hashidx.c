// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the hash index (hashidx.c).  Lookups are checked against
 * a plain linear scan of what was added, with the natural bucket count
 * and with every key forced into one chain (buckets = 1), the way a
 * clever hash once hid a collision bug in objtool for years.
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

#include "hashidx.h"

/* Bucket counts every test runs with: natural sizing, one chain, and odd ones. */
static const uint32_t bucket_modes[] = { 0, 1, 2, 3, 7 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Every id under @key, in order, must be exactly those in keys[] equal to @key. */
static void check_key(const struct hidx *h, const uint64_t *keys, uint32_t n, uint64_t key)
{
	uint32_t want = 0, got;

	got = hidx_first(h, key);
	for (;;) {
		while (want < n && keys[want] != key)
			want++;
		if (want == n) {
			assert_int_equal(got, HIDX_NONE);
			return;
		}
		assert_int_equal(got, want);
		got = hidx_next(h, got);
		want++;
	}
}

static void test_empty(void **state)
{
	unsigned int m;

	(void)state;
	for (m = 0; m < sizeof(bucket_modes) / sizeof(bucket_modes[0]); m++) {
		struct hidx h;

		assert_int_equal(hidx_init(&h, 10, bucket_modes[m]), 0);
		assert_int_equal(hidx_first(&h, 0), HIDX_NONE);
		assert_int_equal(hidx_first(&h, 42), HIDX_NONE);
		assert_int_equal(hidx_first(&h, UINT64_MAX), HIDX_NONE);
		hidx_free(&h);
	}
}

static void test_capacity_zero(void **state)
{
	struct hidx h;
	uint32_t id, n = 0;

	(void)state;
	assert_int_equal(hidx_init(&h, 0, 0), 0);
	assert_int_equal(hidx_first(&h, 5), HIDX_NONE);
	hidx_for_each(&h, 5, id)
		n++;
	assert_int_equal(n, 0);
	hidx_free(&h);
}

static void test_capacity_one(void **state)
{
	unsigned int m;

	(void)state;
	for (m = 0; m < sizeof(bucket_modes) / sizeof(bucket_modes[0]); m++) {
		struct hidx h;

		assert_int_equal(hidx_init(&h, 1, bucket_modes[m]), 0);
		hidx_add(&h, 0xdeadbeef, 0);
		assert_int_equal(hidx_first(&h, 0xdeadbeef), 0);
		assert_int_equal(hidx_next(&h, 0), HIDX_NONE);
		assert_int_equal(hidx_first(&h, 0xdeadbeee), HIDX_NONE);
		hidx_free(&h);
	}
}

/* The largest id (capacity - 1) is a valid id, and key 0 / UINT64_MAX are valid keys. */
static void test_extreme_ids_and_keys(void **state)
{
	unsigned int m;

	(void)state;
	for (m = 0; m < sizeof(bucket_modes) / sizeof(bucket_modes[0]); m++) {
		struct hidx h;

		assert_int_equal(hidx_init(&h, 1000, bucket_modes[m]), 0);
		hidx_add(&h, 0, 999);
		hidx_add(&h, UINT64_MAX, 0);
		hidx_add(&h, 0, 500);
		assert_int_equal(hidx_first(&h, 0), 999);
		assert_int_equal(hidx_next(&h, 999), 500);
		assert_int_equal(hidx_next(&h, 500), HIDX_NONE);
		assert_int_equal(hidx_first(&h, UINT64_MAX), 0);
		assert_int_equal(hidx_next(&h, 0), HIDX_NONE);
		hidx_free(&h);
	}
}

/* Ids under one key come back first-in first-out, whatever order the ids have. */
static void test_fifo_order(void **state)
{
	static const uint32_t ids[] = { 7, 3, 9, 0, 5, 1, 8 };
	unsigned int m, i;

	(void)state;
	for (m = 0; m < sizeof(bucket_modes) / sizeof(bucket_modes[0]); m++) {
		struct hidx h;
		uint32_t id;

		assert_int_equal(hidx_init(&h, 10, bucket_modes[m]), 0);
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			hidx_add(&h, 77, ids[i]);
			/* another key in between must not disturb the chain */
			if (i == 2)
				hidx_add(&h, 78, 2);
		}
		i = 0;
		hidx_for_each(&h, 77, id) {
			assert_true(i < sizeof(ids) / sizeof(ids[0]));
			assert_int_equal(id, ids[i]);
			i++;
		}
		assert_int_equal(i, sizeof(ids) / sizeof(ids[0]));
		assert_int_equal(hidx_first(&h, 78), 2);
		assert_int_equal(hidx_next(&h, 2), HIDX_NONE);
		hidx_free(&h);
	}
}

/* Keys that share their low 32 bits land in one bucket for any table size. */
static void test_same_low_bits(void **state)
{
	unsigned int m;

	(void)state;
	for (m = 0; m < sizeof(bucket_modes) / sizeof(bucket_modes[0]); m++) {
		struct hidx h;
		uint32_t i;
		uint64_t keys[64];

		assert_int_equal(hidx_init(&h, 64, bucket_modes[m]), 0);
		for (i = 0; i < 64; i++) {
			keys[i] = ((uint64_t)(i % 8) << 32) | 0x1234u;
			hidx_add(&h, keys[i], i);
		}
		for (i = 0; i < 8; i++)
			check_key(&h, keys, 64, ((uint64_t)i << 32) | 0x1234u);
		check_key(&h, keys, 64, ((uint64_t)8 << 32) | 0x1234u);
		check_key(&h, keys, 64, 0x1234u + 1);
		hidx_free(&h);
	}
}

/* Many keys, a few ids each, random order: compare with a linear scan. */
static void check_many(uint32_t buckets, uint32_t n, uint32_t distinct)
{
	uint64_t *keys = malloc(sizeof(*keys) * n);
	uint64_t *pool = malloc(sizeof(*pool) * distinct);
	struct hidx h;
	uint32_t i;

	assert_non_null(keys);
	assert_non_null(pool);
	for (i = 0; i < distinct; i++)
		pool[i] = rng();
	assert_int_equal(hidx_init(&h, n, buckets), 0);
	for (i = 0; i < n; i++) {
		keys[i] = pool[rng() % distinct];
		hidx_add(&h, keys[i], i);
	}
	for (i = 0; i < distinct; i++)
		check_key(&h, keys, n, pool[i]);
	/* keys never added, including ones sharing a bucket with added ones */
	for (i = 0; i < 50; i++) {
		check_key(&h, keys, n, pool[i % distinct] ^ (1ull << 40));
		check_key(&h, keys, n, rng());
	}
	hidx_free(&h);
	free(keys);
	free(pool);
}

static void test_many_keys(void **state)
{
	(void)state;
	check_many(0, 20000, 5000);
	check_many(0, 3000, 3000);
	check_many(0, 1000, 1);
	check_many(16, 5000, 900);
}

static void test_forced_collisions(void **state)
{
	(void)state;
	/* one chain holds everything; lookups must still be exact */
	check_many(1, 3000, 700);
	check_many(1, 500, 1);
	check_many(1, 500, 500);
	check_many(2, 2000, 300);
}

/* Ids added sparsely (not every id below capacity used). */
static void test_sparse_ids(void **state)
{
	unsigned int m;

	(void)state;
	for (m = 0; m < sizeof(bucket_modes) / sizeof(bucket_modes[0]); m++) {
		struct hidx h;
		uint32_t id, n = 0;
		long k;

		assert_int_equal(hidx_init(&h, 100000, bucket_modes[m]), 0);
		for (k = 99999; k >= 0; k -= 9973)
			hidx_add(&h, hash_str("same"), (uint32_t)k);
		hidx_for_each(&h, hash_str("same"), id) {
			assert_int_equal(id, 99999 - n * 9973);
			n++;
		}
		assert_int_equal(n, 99999 / 9973 + 1);
		assert_int_equal(hidx_first(&h, hash_str("other")), HIDX_NONE);
		hidx_free(&h);
	}
}

/* The hash helpers feed the index: equal input, equal hash. */
static void test_hash_helpers(void **state)
{
	char a[] = "section.name", b[] = "section.name";

	(void)state;
	assert_true(hash_str(a) == hash_str(b));
	assert_true(hash_str(a) == hash_bytes(b, strlen(b)));
	assert_true(hash_str("") == hash_bytes("x", 0));
	assert_true(hash_str("a") != hash_str("b"));
}

static void test_free_twice(void **state)
{
	struct hidx h;

	(void)state;
	assert_int_equal(hidx_init(&h, 10, 0), 0);
	hidx_add(&h, 1, 1);
	hidx_free(&h);
	hidx_free(&h);
	/* a freed index is empty, not dangling */
	assert_int_equal(hidx_first(&h, 1), HIDX_NONE);
	memset(&h, 0, sizeof(h));
	hidx_free(&h);
}

/* A re-initialised index forgets the previous contents. */
static void test_reinit(void **state)
{
	struct hidx h;

	(void)state;
	assert_int_equal(hidx_init(&h, 4, 0), 0);
	hidx_add(&h, 9, 3);
	hidx_free(&h);
	assert_int_equal(hidx_init(&h, 4, 1), 0);
	assert_int_equal(hidx_first(&h, 9), HIDX_NONE);
	hidx_add(&h, 9, 1);
	assert_int_equal(hidx_first(&h, 9), 1);
	hidx_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_capacity_zero),
		cmocka_unit_test(test_capacity_one),
		cmocka_unit_test(test_extreme_ids_and_keys),
		cmocka_unit_test(test_fifo_order),
		cmocka_unit_test(test_same_low_bits),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_forced_collisions),
		cmocka_unit_test(test_sparse_ids),
		cmocka_unit_test(test_hash_helpers),
		cmocka_unit_test(test_free_twice),
		cmocka_unit_test(test_reinit),
	};

	return cmocka_run_group_tests_name("hashidx", tests, NULL, NULL);
}
