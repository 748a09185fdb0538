// SPDX-License-Identifier: GPL-2.0
/* The object store and entries: round trip, dedupe, checksums, writers, gc. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "kbc_test.h"
#include "objects.h"
#include "store.h"
#include "tree.h"

static size_t count_files(const char *dir, const char *suffix)
{
	struct tree_list l;
	size_t i, n = 0;

	if (tree_walk(dir, &l))
		return 0;
	for (i = 0; i < l.n; i++) {
		size_t a = strlen(l.v[i].path), b = strlen(suffix);

		if (a >= b && !strcmp(l.v[i].path + a - b, suffix))
			n++;
	}
	tree_list_free(&l);
	return n;
}

static void test_object_round_trip_and_dedupe(void **state)
{
	char *dir = scratch_dir(), h1[33], h2[33], *data;
	bool added;
	uint64_t stored;

	assert_int_equal(obj_put_buf(dir, "hello", 5, h1, &added, &stored), 0);
	assert_true(added);
	assert_int_equal(obj_put_buf(dir, "hello", 5, h2, &added, &stored), 0);
	assert_false(added);
	assert_string_equal(h1, h2);
	assert_int_equal(count_files(dir, ".zst"), 1);
	assert_int_equal(obj_read(dir, NULL, h1, 5, &data), 0);
	assert_memory_equal(data, "hello", 5);
	free(data);
	/* two-level fan-out: objects/ab/cd/abcd... */
	{
		char *p = obj_path(dir, h1), *want = xasprintf("%s/objects/%.2s/%.2s/%s.zst", dir, h1,
							       h1 + 2, h1);

		assert_string_equal(p, want);
		assert_true(is_file(p));
		free(p);
		free(want);
	}
	rm_rf(dir);
	free(dir);
}

static void corrupt(const char *path, long off, int truncate_it)
{
	int fd = open(path, O_RDWR);
	struct stat st;

	assert_true(fd >= 0);
	fstat(fd, &st);
	if (truncate_it) {
		assert_int_equal(ftruncate(fd, st.st_size / 2), 0);
	} else {
		unsigned char c;

		if (off < 0)
			off += st.st_size;
		assert_int_equal(pread(fd, &c, 1, off), 1);
		c ^= 0x55;
		assert_int_equal(pwrite(fd, &c, 1, off), 1);
	}
	close(fd);
}

static void test_object_checksums(void **state)
{
	char *dir = scratch_dir(), h[33], *data = NULL, *p;
	char big[100000];
	bool added;
	uint64_t stored;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 100);
	assert_int_equal(obj_put_buf(dir, big, sizeof(big), h, &added, &stored), 0);
	p = obj_path(dir, h);
	corrupt(p, -6, 0);
	assert_int_equal(obj_read(dir, NULL, h, sizeof(big), &data), -1);
	assert_non_null(strstr(kbc_errmsg(), "corrupt object"));
	unlink(p);
	assert_int_equal(obj_put_buf(dir, big, sizeof(big), h, &added, &stored), 0);
	corrupt(p, 0, 1);
	assert_int_equal(obj_read(dir, NULL, h, sizeof(big), &data), -1);
	assert_non_null(strstr(kbc_errmsg(), "corrupt object"));
	/* a size that does not match the manifest is caught as well */
	unlink(p);
	assert_int_equal(obj_put_buf(dir, big, sizeof(big), h, &added, &stored), 0);
	assert_int_equal(obj_read(dir, NULL, h, sizeof(big) - 1, &data), -1);
	assert_int_equal(obj_read(dir, NULL, "00000000000000000000000000000000", 1, &data), 1);
	free(p);
	rm_rf(dir);
	free(dir);
}

/* A built tree: sources plus outputs with distinct, ordered mtimes. */
static char *built_tree(const char *tag)
{
	char *d = fake_kernel(), *p;
	struct timespec ts[2];

	put(d, "kernel/fork.o", tag);
	put(d, "kernel/.fork.o.cmd", "cmd_kernel/fork.o := gcc -c kernel/fork.c\n");
	put(d, "include/generated/autoconf.h", "#define CONFIG_FOO 1\n");
	put(d, "vmlinux", "vmlinux linked from fork.o");
	put(d, ".config", "CONFIG_FOO=y\n");
	put(d, "lib/dup1.o", "same content");
	put(d, "lib/dup2.o", "same content");
	/* kbuild's own names can hold "..": only a ".." component is refused */
	put(d, "include/generated/..checked-atomic.h.cmd", "cmd");
	p = xasprintf("%s/include/generated/asm", d);
	mkdir_parent(p);
	assert_int_equal(symlink("../../arch/x86/include/asm", p), 0);
	free(p);
	/* vmlinux is newer than fork.o, which is newer than autoconf.h */
	ts[0].tv_sec = ts[1].tv_sec = 1000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	p = xasprintf("%s/include/generated/autoconf.h", d);
	utimensat(AT_FDCWD, p, ts, 0);
	free(p);
	ts[0].tv_sec = ts[1].tv_sec = 1000100;
	p = xasprintf("%s/kernel/fork.o", d);
	utimensat(AT_FDCWD, p, ts, 0);
	free(p);
	ts[0].tv_sec = ts[1].tv_sec = 1000200;
	p = xasprintf("%s/vmlinux", d);
	utimensat(AT_FDCWD, p, ts, 0);
	free(p);
	return d;
}

static void key_for(struct key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	key_add(k, "test", name);
	key_finish(k);
}

static int put_tree_as(struct store *s, const char *tree, const char *keyname)
{
	struct tree_list l;
	struct key k;
	int rc;

	assert_int_equal(tree_walk(tree, &l), 0);
	key_for(&k, keyname);
	rc = store_put(s, &k, tree, &l);
	tree_list_free(&l);
	key_free(&k);
	return rc;
}

static struct timespec mtime_of(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st.st_mtim;
}

static int newer(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static void test_entry_round_trip(void **state)
{
	char *cache = scratch_dir(), *tree = built_tree("fork object"), *fresh = fake_kernel();
	struct store s;
	struct entry e;
	struct key k;
	char *data;
	size_t len;

	kbc_quiet = 1;
	/* tools/objtool's dependency files hold absolute paths of the build */
	data = xasprintf("%s/tools/objtool/check.o: %s/tools/objtool/check.c %s-other/x.h\n", tree, tree,
			 tree);
	put(tree, "tools/objtool/.check.o.d", data);
	free(data);
	assert_int_equal(store_open(&s, cache, NULL, 2), 0);
	assert_int_equal(put_tree_as(&s, tree, "one"), 0);
	key_for(&k, "one");
	assert_int_equal(store_get(&s, k.hex, &e), 0);
	/* outputs only: 10 files incl. the symlink; the two equal ones share an object */
	assert_int_equal(e.n, 10);
	assert_int_equal(count_files(cache, ".zst"), 9);
	/* a fresh copy of the source, touched now, comes out "built" */
	assert_int_equal(store_restore(&s, &e, fresh, NULL), 0);
	{
		char *p = xasprintf("%s/kernel/fork.o", fresh);

		data = read_file(p, &len);
		free(p);
	}
	assert_string_equal(data, "fork object");
	free(data);
	{
		char buf[64];
		char *p = xasprintf("%s/include/generated/asm", fresh);
		ssize_t n = readlink(p, buf, sizeof(buf) - 1);

		assert_true(n > 0);
		buf[n] = 0;
		assert_string_equal(buf, "../../arch/x86/include/asm");
		free(p);
	}
	assert_true(newer(mtime_of(fresh, "vmlinux"), mtime_of(fresh, "kernel/fork.o")));
	assert_true(newer(mtime_of(fresh, "kernel/fork.o"), mtime_of(fresh, "include/generated/autoconf.h")));
	assert_true(newer(mtime_of(fresh, "include/generated/autoconf.h"), mtime_of(fresh, "kernel/fork.c")));
	assert_true(newer(mtime_of(fresh, "kernel/fork.o"), mtime_of(fresh, "include/linux/sched.h")));
	/* a dependency file naming the build root names the new root */
	{
		char *p = xasprintf("%s/tools/objtool/.check.o.d", fresh);
		char *want = xasprintf("%s/tools/objtool/check.o: %s/tools/objtool/check.c %s-other/x.h\n",
				       fresh, fresh, tree);

		data = read_file(p, &len);
		assert_string_equal(data, want);
		free(data);
		free(want);
		free(p);
	}
	assert_int_equal(store_read_file(&s, &e, "kernel/.fork.o.cmd", &data, &len), 0);
	assert_non_null(strstr(data, "cmd_kernel/fork.o"));
	free(data);
	assert_int_equal(store_read_file(&s, &e, "no/such.o", &data, &len), 1);
	entry_free(&e);
	key_free(&k);
	store_close(&s);
	rm_rf(cache);
	rm_rf(tree);
	rm_rf(fresh);
	free(cache);
	free(tree);
	free(fresh);
}

/* Restoring an entry with a corrupt object fails and leaves no restored file. */
static void test_restore_corrupt(void **state)
{
	char *cache = scratch_dir(), *tree = built_tree("fork object"), *fresh = fake_kernel(), *p;
	struct store s;
	struct entry e;
	struct key k;
	size_t i;

	kbc_quiet = 1;
	assert_int_equal(store_open(&s, cache, NULL, 1), 0);
	assert_int_equal(put_tree_as(&s, tree, "one"), 0);
	key_for(&k, "one");
	assert_int_equal(store_get(&s, k.hex, &e), 0);
	for (i = 0; i < e.n; i++)
		if (!strcmp(e.f[i].path, "vmlinux"))
			break;
	p = obj_path(cache, e.f[i].hash);
	corrupt(p, -2, 0);
	assert_int_equal(store_restore(&s, &e, fresh, NULL), -1);
	assert_non_null(strstr(kbc_errmsg(), "corrupt object"));
	free(p);
	p = xasprintf("%s/kernel/fork.o", fresh);
	assert_false(is_file(p));
	free(p);
	entry_free(&e);
	/* verify reports it, removes the entry and its bad object */
	assert_int_equal(store_verify(&s), 2);
	assert_int_equal(store_get(&s, k.hex, &e), 1);
	key_free(&k);
	store_close(&s);
	rm_rf(cache);
	rm_rf(tree);
	rm_rf(fresh);
	free(cache);
	free(tree);
	free(fresh);
}

static void test_truncated_manifest(void **state)
{
	char *cache = scratch_dir(), *tree = built_tree("x"), *mp;
	struct store s;
	struct entry e;
	struct key k;

	kbc_quiet = 1;
	assert_int_equal(store_open(&s, cache, NULL, 1), 0);
	assert_int_equal(put_tree_as(&s, tree, "one"), 0);
	key_for(&k, "one");
	mp = xasprintf("%s/entries/%s.manifest", cache, k.hex);
	corrupt(mp, 0, 1);
	assert_int_equal(store_get(&s, k.hex, &e), -1);
	assert_non_null(strstr(kbc_errmsg(), "truncated"));
	assert_int_equal(store_verify(&s), 2);
	assert_false(is_file(mp));
	/* and nothing of it is left behind */
	assert_int_equal(count_files(cache, ".zst"), 0);
	free(mp);
	key_free(&k);
	store_close(&s);
	rm_rf(cache);
	rm_rf(tree);
	free(cache);
	free(tree);
}

/* Two processes storing one key at once leave one complete entry. */
static void test_concurrent_writers(void **state)
{
	char *cache = scratch_dir(), *tree = built_tree("shared"), *entries;
	pid_t pid[4];
	int i, status;
	struct store s;
	struct entry e;
	struct key k;

	kbc_quiet = 1;
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct store cs;
			int rc = store_open(&cs, cache, NULL, 2) || put_tree_as(&cs, tree, "same");

			_exit(rc ? 1 : 0);
		}
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	entries = xasprintf("%s/entries", cache);
	assert_int_equal(count_files(entries, ".manifest"), 1);
	assert_int_equal(count_files(cache, ".manifest.tmp"), 0);
	free(entries);
	assert_int_equal(store_open(&s, cache, NULL, 2), 0);
	key_for(&k, "same");
	assert_int_equal(store_get(&s, k.hex, &e), 0);
	assert_int_equal(e.n, 9);
	entry_free(&e);
	assert_int_equal(store_verify(&s), 0);
	key_free(&k);
	store_close(&s);
	rm_rf(cache);
	rm_rf(tree);
	free(cache);
	free(tree);
}

static uint64_t du_objects(const char *cache)
{
	struct tree_list l;
	uint64_t n = 0;
	size_t i;

	assert_int_equal(tree_walk(cache, &l), 0);
	for (i = 0; i < l.n; i++)
		if (strstr(l.v[i].path, ".zst"))
			n += l.v[i].size;
	tree_list_free(&l);
	return n;
}

static void set_used(const char *cache, const char *name, time_t t)
{
	struct key k;
	char *mp;
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	key_for(&k, name);
	mp = xasprintf("%s/entries/%s.manifest", cache, k.hex);
	assert_int_equal(utimensat(AT_FDCWD, mp, ts, 0), 0);
	free(mp);
	key_free(&k);
}

static void test_gc_lru(void **state)
{
	char *cache = scratch_dir(), *t1 = built_tree("first"), *t2 = built_tree("second"),
	     *t3 = built_tree("third");
	struct store s;
	struct entry e;
	struct key k1, k2, k3;

	kbc_quiet = 1;
	assert_int_equal(store_open(&s, cache, NULL, 1), 0);
	assert_int_equal(put_tree_as(&s, t1, "1"), 0);
	assert_int_equal(put_tree_as(&s, t2, "2"), 0);
	assert_int_equal(put_tree_as(&s, t3, "3"), 0);
	/* entry 2 is the least recently used, then 1, then 3 */
	set_used(cache, "2", 1000);
	set_used(cache, "1", 2000);
	set_used(cache, "3", 3000);
	key_for(&k1, "1");
	key_for(&k2, "2");
	key_for(&k3, "3");
	/* a limit the objects of two entries fit in: only 2 goes */
	assert_int_equal(store_gc(&s, 10000000), 0);
	assert_int_equal(store_get(&s, k2.hex, &e), 0);
	entry_free(&e);
	assert_int_equal(store_gc(&s, 0), 0);
	assert_int_equal(store_get(&s, k1.hex, &e), 1);
	assert_int_equal(store_get(&s, k2.hex, &e), 1);
	assert_int_equal(store_get(&s, k3.hex, &e), 1);
	assert_int_equal(count_files(cache, ".zst"), 0);
	/* now a limit that keeps exactly the newest */
	assert_int_equal(put_tree_as(&s, t1, "1"), 0);
	assert_int_equal(put_tree_as(&s, t2, "2"), 0);
	set_used(cache, "1", 1000);
	set_used(cache, "2", 2000);
	/* 7 shared objects + "first" + "second" */
	assert_int_equal(count_files(cache, ".zst"), 9);
	/* one byte too many: the least recently used entry goes, and only it */
	assert_int_equal(store_gc(&s, du_objects(cache) - 1), 0);
	assert_int_equal(store_get(&s, k1.hex, &e), 1);
	assert_int_equal(store_get(&s, k2.hex, &e), 0);
	entry_free(&e);
	assert_int_equal(count_files(cache, ".zst"), 8);
	assert_int_equal(store_verify(&s), 0);
	key_free(&k1);
	key_free(&k2);
	key_free(&k3);
	store_close(&s);
	rm_rf(cache);
	rm_rf(t1);
	rm_rf(t2);
	rm_rf(t3);
	free(cache);
	free(t1);
	free(t2);
	free(t3);
}

static void test_rm(void **state)
{
	char *cache = scratch_dir(), *t1 = built_tree("first"), *t2 = built_tree("second");
	struct store s;
	struct entry e;
	struct key k1, k2;
	char prefix[9];

	kbc_quiet = 1;
	assert_int_equal(store_open(&s, cache, NULL, 1), 0);
	assert_int_equal(put_tree_as(&s, t1, "1"), 0);
	assert_int_equal(put_tree_as(&s, t2, "2"), 0);
	key_for(&k1, "1");
	key_for(&k2, "2");
	snprintf(prefix, sizeof(prefix), "%.8s", k1.hex);
	assert_int_equal(store_rm(&s, prefix), 0);
	assert_int_equal(store_get(&s, k1.hex, &e), 1);
	assert_int_equal(store_get(&s, k2.hex, &e), 0);
	entry_free(&e);
	/* the shared objects stay, "first" goes */
	assert_int_equal(count_files(cache, ".zst"), 8);
	assert_int_equal(store_rm(&s, "zzzz"), -1);
	assert_non_null(strstr(kbc_errmsg(), "no such entry"));
	key_free(&k1);
	key_free(&k2);
	store_close(&s);
	rm_rf(cache);
	rm_rf(t1);
	rm_rf(t2);
	free(cache);
	free(t1);
	free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_round_trip_and_dedupe),
		cmocka_unit_test(test_object_checksums),
		cmocka_unit_test(test_entry_round_trip),
		cmocka_unit_test(test_restore_corrupt),
		cmocka_unit_test(test_truncated_manifest),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_gc_lru),
		cmocka_unit_test(test_rm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
