// SPDX-License-Identifier: GPL-2.0
/* Hashing a batch of files through io_uring gives what reading them one by one gives. */
#include <fcntl.h>
#include <liburing.h>

#include "hash.h"
#include "kbc_test.h"
#include "readmany.h"
#include "tree.h"

static bool uring_works(void)
{
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0))
		return false;
	io_uring_queue_exit(&ring);
	return true;
}

#include <sys/stat.h>

/* readmany_new() gives a ring: io_uring works, nothing turns it off, no TSan */
static bool ring_expected(void)
{
#ifdef __SANITIZE_THREAD__
	return false;
#else
	return uring_works() && !getenv("KBUILD_CACHE_IO");
#endif
}

static void put_size(const char *dir, const char *name, size_t size)
{
	char *p = xasprintf("%s/%s", dir, name), *data = xmalloc(size + 1);
	size_t i;

	for (i = 0; i < size; i++)
		data[i] = (char)('a' + (i * 7 + size) % 26);
	assert_int_equal(write_file_atomic(p, data, size), 0);
	free(data);
	free(p);
}

/*
 * Sizes around the one-piece limit, an empty file, and enough files for
 * several batches: each hash equals hash_file()'s, and every file below the
 * limit was read through the ring when the kernel offers one.
 */
static void test_same_hashes(void **state)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, READMANY_MAX_SIZE - 1,
					READMANY_MAX_SIZE, READMANY_MAX_SIZE + 1, 1u << 20 };
	enum { NSIZES = sizeof(sizes) / sizeof(sizes[0]), NSMALL = 300, N = NSIZES + NSMALL };
	char *d = scratch_dir();
	char *names[N];
	uint64_t sz[N];
	char (*hex)[KBC_HEX_LEN + 1] = xmalloc(N * sizeof(*hex));
	bool done[N];
	struct readmany *rm = readmany_new();
	int dfd;
	size_t i, hashed;

	for (i = 0; i < N; i++) {
		sz[i] = i < NSIZES ? sizes[i] : i % 97;
		names[i] = xasprintf("f%zu", i);
		put_size(d, names[i], (size_t)sz[i]);
	}
	dfd = open(d, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	hashed = readmany_hash(rm, dfd, (const char *const *)names, sz, N, hex, done);
	for (i = 0; i < N; i++) {
		char want[KBC_HEX_LEN + 1];
		char *p = xasprintf("%s/%s", d, names[i]);

		assert_int_equal(hash_file(p, want, NULL), 0);
		if (done[i])
			assert_string_equal(hex[i], want);
		if (sz[i] >= READMANY_MAX_SIZE)
			assert_false(done[i]);
		else if (rm)
			assert_true(done[i]);
		free(p);
	}
	/* where the kernel has io_uring, the ring must really be used */
	if (ring_expected())
		assert_non_null(rm);
	if (!rm)
		print_message("io_uring unavailable here: only the fallback was checked\n");
	else
		assert_int_equal(hashed, N - 3);
	/* a stale size or a missing file is left to the caller */
	sz[NSIZES] += 1;
	free(names[NSIZES + 1]);
	names[NSIZES + 1] = xstrdup("missing");
	readmany_hash(rm, dfd, (const char *const *)names, sz, N, hex, done);
	assert_false(done[NSIZES]);
	assert_false(done[NSIZES + 1]);
	readmany_free(rm);
	/* and KBUILD_CACHE_IO=sync turns the ring off */
	setenv("KBUILD_CACHE_IO", "sync", 1);
	rm = readmany_new();
	assert_null(rm);
	assert_int_equal(readmany_hash(rm, dfd, (const char *const *)names, sz, N, hex, done), 0);
	assert_false(done[0]);
	unsetenv("KBUILD_CACHE_IO");
	close(dfd);
	for (i = 0; i < N; i++)
		free(names[i]);
	free(hex);
	rm_rf(d);
	free(d);
}

/* Batched lstat() says what lstat() says, for files, links and directories. */
static void test_same_stat(void **state)
{
	enum { N = 150 };
	char *d = scratch_dir(), *names[N + 3], *p;
	struct stat st[N + 3];
	bool done[N + 3];
	struct readmany *rm = readmany_new();
	int dfd;
	size_t i;

	for (i = 0; i < N; i++) {
		names[i] = xasprintf("f%zu", i);
		put_size(d, names[i], i * 13);
	}
	names[N] = xstrdup("link");
	p = xasprintf("%s/link", d);
	assert_int_equal(symlink("f3", p), 0);
	free(p);
	names[N + 1] = xstrdup("sub");
	p = xasprintf("%s/sub", d);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	names[N + 2] = xstrdup("missing");
	dfd = open(d, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	readmany_lstat(rm, dfd, (const char *const *)names, N + 3, st, done);
	for (i = 0; i < N + 2; i++) {
		struct stat want;

		assert_int_equal(fstatat(dfd, names[i], &want, AT_SYMLINK_NOFOLLOW), 0);
		if (!rm) {
			assert_false(done[i]);
			continue;
		}
		assert_true(done[i]);
		assert_int_equal(st[i].st_mode, want.st_mode);
		assert_int_equal(st[i].st_size, want.st_size);
		assert_int_equal(st[i].st_ino, want.st_ino);
		assert_int_equal(st[i].st_mtim.tv_sec, want.st_mtim.tv_sec);
		assert_int_equal(st[i].st_mtim.tv_nsec, want.st_mtim.tv_nsec);
		assert_int_equal(st[i].st_ctim.tv_sec, want.st_ctim.tv_sec);
		assert_int_equal(st[i].st_ctim.tv_nsec, want.st_ctim.tv_nsec);
	}
	assert_false(done[N + 2]);
	if (!uring_works())
		print_message("io_uring unavailable here: only the fallback was checked\n");
	readmany_free(rm);
	close(dfd);
	for (i = 0; i < N + 3; i++)
		free(names[i]);
	rm_rf(d);
	free(d);
}

/* A tree's hash is the same whichever way its files are read. */
static void test_tree_hash_either_way(void **state)
{
	char *d = fake_kernel();
	char h1[KBC_HEX_LEN + 1], h2[KBC_HEX_LEN + 1], *p;
	struct tree_list l;
	uint64_t n;
	int i;

	for (i = 0; i < 2500; i++) {
		char *name = xasprintf("drivers/d%d/f%d.c", i % 40, i);

		put(d, name, name);
		free(name);
	}
	put_size(d, "big.h", 3 * READMANY_MAX_SIZE + 5);
	p = xasprintf("%s/link", d);
	assert_int_equal(symlink("big.h", p), 0);
	free(p);
	setenv("KBUILD_CACHE_IO", "sync", 1);
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h1, &n), 0);
	tree_list_free(&l);
	unsetenv("KBUILD_CACHE_IO");
	p = xasprintf("%s/.kbuild-cache-stat", d);
	unlink(p);
	free(p);
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h2, &n), 0);
	tree_list_free(&l);
	assert_string_equal(h1, h2);
	rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_hashes),
		cmocka_unit_test(test_same_stat),
		cmocka_unit_test(test_tree_hash_either_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
