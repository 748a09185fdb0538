// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the thread pool (pool.c).
 *
 * The per-index slots are plain, non-atomic ints on purpose: if two
 * threads ever ran the same index, or the caller read a slot before the
 * worker's write was published to it, ThreadSanitizer (`make TSAN=1`)
 * reports a data race.  The counts catch the same bugs without TSan when
 * they happen to show.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pool.h"

struct hits {
	int *count;		/* per index, written only by the thread running it */
	size_t n;
	atomic_int calls;	/* total calls, to catch indexes >= n */
	atomic_int out_of_range;
};

static void count_hit(void *arg, size_t i)
{
	struct hits *h = arg;

	atomic_fetch_add(&h->calls, 1);
	if (i >= h->n) {
		atomic_fetch_add(&h->out_of_range, 1);
		return;
	}
	h->count[i]++;
}

static void run_and_check(struct pool *p, size_t n, size_t grain)
{
	struct hits h;
	size_t i;

	h.count = calloc(n ? n : 1, sizeof(*h.count));
	assert_non_null(h.count);
	h.n = n;
	atomic_init(&h.calls, 0);
	atomic_init(&h.out_of_range, 0);
	pool_for(p, n, grain, count_hit, &h);
	assert_int_equal(atomic_load(&h.out_of_range), 0);
	assert_int_equal(atomic_load(&h.calls), (int)n);
	for (i = 0; i < n; i++) {
		if (h.count[i] != 1)
			print_error("n=%zu grain=%zu threads=%u: index %zu ran %d times\n",
				    n, grain, pool_threads(p), i, h.count[i]);
		assert_int_equal(h.count[i], 1);
	}
	free(h.count);
}

/* Every index exactly once, for every size, grain and thread count. */
static void test_covers_every_index(void **state)
{
	static const unsigned int threads[] = { 1, 2, 4, 8 };
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 8, 63, 64, 65, 1000 };
	static const size_t grains[] = { 0, 1, 7, 64, 5000 };
	unsigned int t, s, g;

	(void)state;
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		struct pool *p = pool_new(threads[t]);

		assert_non_null(p);
		assert_int_equal(pool_threads(p), threads[t]);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (g = 0; g < sizeof(grains) / sizeof(grains[0]); g++)
				run_and_check(p, sizes[s], grains[g]);
		pool_free(p);
	}
}

static void test_zero_threads_means_one(void **state)
{
	struct pool *p = pool_new(0);

	(void)state;
	assert_non_null(p);
	assert_int_equal(pool_threads(p), 1);
	run_and_check(p, 100, 1);
	pool_free(p);
}

struct who {
	pthread_t caller;
	atomic_int foreign;	/* calls made on another thread */
};

static void record_thread(void *arg, size_t i)
{
	struct who *w = arg;

	(void)i;
	if (!pthread_equal(pthread_self(), w->caller))
		atomic_fetch_add(&w->foreign, 1);
}

/* A pool of one thread has no workers: everything runs in the caller. */
static void test_single_thread_inline(void **state)
{
	struct pool *p = pool_new(1);
	struct who w;

	(void)state;
	assert_non_null(p);
	w.caller = pthread_self();
	atomic_init(&w.foreign, 0);
	pool_for(p, 1000, 1, record_thread, &w);
	pool_for(p, 1000, 64, record_thread, &w);
	assert_int_equal(atomic_load(&w.foreign), 0);
	pool_free(p);
}

struct sum_job {
	const uint32_t *in;
	uint64_t *out;
	uint32_t salt;
};

static void square_plus_salt(void *arg, size_t i)
{
	struct sum_job *j = arg;

	j->out[i] = (uint64_t)j->in[i] * j->in[i] + j->salt;
}

/*
 * Many jobs in a row on one pool, each with its own function argument and
 * output, the way a diff runs stage after stage.  Each job's results must
 * be complete and visible when pool_for() returns.
 */
static void test_many_jobs_in_sequence(void **state)
{
	static const unsigned int threads[] = { 2, 4, 8 };
	unsigned int t;

	(void)state;
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		struct pool *p = pool_new(threads[t]);
		uint32_t in[97];
		uint64_t out[97];
		uint32_t job, i;

		assert_non_null(p);
		for (i = 0; i < 97; i++)
			in[i] = i * 31 + 5;
		for (job = 0; job < 3000; job++) {
			struct sum_job j = { in, out, job };
			size_t n = 2 + job % 96;

			memset(out, 0, sizeof(out));
			pool_for(p, n, 1 + job % 5, square_plus_salt, &j);
			for (i = 0; i < n; i++)
				assert_true(out[i] == (uint64_t)in[i] * in[i] + job);
			for (; i < 97; i++)
				assert_true(out[i] == 0);
		}
		pool_free(p);
	}
}

struct nested {
	struct pool **inner;	/* one inner pool per outer index */
	int (*count)[50];
};

static void inner_hit(void *arg, size_t i)
{
	int *row = arg;

	row[i]++;
}

static void outer_job(void *arg, size_t i)
{
	struct nested *n = arg;

	pool_for(n->inner[i], 50, 3, inner_hit, n->count[i]);
}

/* A job may itself drive another pool (as a caller running its own diff). */
static void test_nested_pools(void **state)
{
	struct pool *outer = pool_new(4);
	struct pool *inner[8];
	int count[8][50];
	struct nested n = { inner, count };
	int i, j;

	(void)state;
	assert_non_null(outer);
	for (i = 0; i < 8; i++) {
		inner[i] = pool_new(2);
		assert_non_null(inner[i]);
	}
	memset(count, 0, sizeof(count));
	pool_for(outer, 8, 1, outer_job, &n);
	for (i = 0; i < 8; i++)
		for (j = 0; j < 50; j++)
			assert_int_equal(count[i][j], 1);
	for (i = 0; i < 8; i++)
		pool_free(inner[i]);
	pool_free(outer);
}

struct user {
	struct pool *p;
	int ok;
};

static void *drive_pool(void *arg)
{
	struct user *u = arg;
	int round;

	u->ok = 1;
	for (round = 0; round < 200; round++) {
		int c[33] = { 0 };
		struct hits h = { c, 33 };
		int i;

		atomic_init(&h.calls, 0);
		atomic_init(&h.out_of_range, 0);
		pool_for(u->p, 33, 2, count_hit, &h);
		for (i = 0; i < 33; i++)
			if (c[i] != 1)
				u->ok = 0;
	}
	return NULL;
}

/* Different pools used from different threads at once, as two contexts are. */
static void test_pools_on_two_threads(void **state)
{
	struct user u[2];
	pthread_t t[2];
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		u[i].p = pool_new(3);
		assert_non_null(u[i].p);
		assert_int_equal(pthread_create(&t[i], NULL, drive_pool, &u[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(u[i].ok, 1);
		pool_free(u[i].p);
	}
}

/* Creating and freeing pools, with and without ever running a job. */
static void test_new_free_cycles(void **state)
{
	int i;

	(void)state;
	pool_free(NULL);
	for (i = 0; i < 50; i++) {
		struct pool *p = pool_new((unsigned int)(1 + i % 8));

		assert_non_null(p);
		if (i % 2)
			run_and_check(p, (size_t)i, 1);
		pool_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_covers_every_index),
		cmocka_unit_test(test_zero_threads_means_one),
		cmocka_unit_test(test_single_thread_inline),
		cmocka_unit_test(test_many_jobs_in_sequence),
		cmocka_unit_test(test_nested_pools),
		cmocka_unit_test(test_pools_on_two_threads),
		cmocka_unit_test(test_new_free_cycles),
	};

	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
