// SPDX-License-Identifier: GPL-2.0
/* Telling sources from outputs with the tree's .gitignore rules. */
#include "kbc_test.h"
#include "tree.h"

static const struct tree_file *find(const struct tree_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

static void test_outputs_and_sources(void **state)
{
	char *d = fake_kernel();
	struct tree_list l;

	put(d, "kernel/fork.o", "obj");
	put(d, "kernel/.fork.o.cmd", "cmd");
	put(d, "vmlinux", "elf");
	put(d, "include/generated/autoconf.h", "#define X 1");
	put(d, "drivers/vmlinux", "a source named like an anchored output");
	put(d, "lib/.gitignore", "gen_table\n!keep.o\nbuild/\n");
	put(d, "lib/gen_table", "generated");
	put(d, "lib/keep.o", "negated: a source");
	put(d, "lib/build/x.c", "inside an ignored directory");
	put(d, "lib/build.c", "a file, not the ignored directory");
	put(d, "fix.patch", "never stored");
	put(d, ".git/config", "never walked");
	assert_int_equal(tree_walk(d, &l), 0);
	assert_true(find(&l, "kernel/fork.o")->output);
	assert_true(find(&l, "kernel/.fork.o.cmd")->output);
	assert_true(find(&l, "vmlinux")->output);
	assert_true(find(&l, "include/generated/autoconf.h")->output);
	assert_false(find(&l, "drivers/vmlinux")->output);
	assert_false(find(&l, "kernel/fork.c")->output);
	assert_false(find(&l, ".gitignore")->output);
	assert_true(find(&l, "lib/gen_table")->output);
	assert_false(find(&l, "lib/keep.o")->output);
	assert_true(find(&l, "lib/build/x.c")->output);
	assert_false(find(&l, "lib/build.c")->output);
	assert_null(find(&l, "fix.patch"));
	assert_null(find(&l, ".git/config"));
	/* sorted */
	for (size_t i = 1; i < l.n; i++)
		assert_true(strcmp(l.v[i - 1].path, l.v[i].path) < 0);
	tree_list_free(&l);
	rm_rf(d);
	free(d);
}

/* Debian's linux-source ends its top-level .gitignore with "/" "*". */
static void test_debian_catch_all(void **state)
{
	char *d = fake_kernel();
	struct tree_list l;

	put(d, ".gitignore", ".*\n*.o\n/*\n!/debian/\n");
	put(d, "kernel/fork.o", "obj");
	assert_int_equal(tree_walk(d, &l), 0);
	assert_false(find(&l, "kernel/fork.c")->output);
	assert_false(find(&l, "Makefile")->output);
	assert_true(find(&l, "kernel/fork.o")->output);
	tree_list_free(&l);
	rm_rf(d);
	free(d);
}

static void test_source_hash(void **state)
{
	char *d = fake_kernel();
	struct tree_list l;
	char h1[33], h2[33], h3[33], h4[33];
	uint64_t n;

	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h1, &n), 0);
	tree_list_free(&l);
	/* outputs do not change it */
	put(d, "kernel/fork.o", "obj");
	put(d, ".config", "CONFIG_FOO=y\n");
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h2, &n), 0);
	tree_list_free(&l);
	assert_string_equal(h1, h2);
	/* a source does */
	put(d, "include/linux/sched.h", "#define SCHED 2\n");
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h3, &n), 0);
	tree_list_free(&l);
	assert_string_not_equal(h1, h3);
	/* and so does the executable bit */
	{
		char *p = xasprintf("%s/include/linux/sched.h", d);

		chmod(p, 0755);
		free(p);
	}
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h4, &n), 0);
	tree_list_free(&l);
	assert_string_not_equal(h3, h4);
	rm_rf(d);
	free(d);
}

/*
 * Every kind of rule gives fnmatch()'s answer: suffixes, prefixes and
 * literals are matched without it, so check the edges of each.
 */
static void test_rule_kinds(void **state)
{
	static const struct {
		const char *path;
		bool output;
	} want[] = {
		{ "a/x.o", true },		/* suffix "*.o" */
		{ "a/.o", true },		/* '*' matches nothing, even before a dot */
		{ "a/o", false },
		{ "a/x.oo", false },
		{ "a/cscope.out", true },	/* prefix "cscope.*" */
		{ "a/cscope.", true },
		{ "a/cscope", false },
		{ "a/tags", true },		/* literal */
		{ "a/tagsx", false },
		{ "a/x.tab.c", true },		/* "*.tab.[ch]": fnmatch */
		{ "a/x.tab.s", false },
		{ "a/k1z", true },		/* "k?z" */
		{ "a/kz", false },
		{ "gen/x.c", true },		/* anchored literal "/gen" at the root */
		{ "a/gen/x.c", false },
		{ "b/deep/out.txt", true },	/* b/.gitignore: anchored, "*.txt" below deep */
		{ "b/deep/more/out.txt", false },
		{ "b/keep.o", false },		/* b/.gitignore: "!keep.o" */
	};
	char *d = fake_kernel();
	struct tree_list l;
	size_t i;

	put(d, ".gitignore", ".*\n!.gitignore\n*.o\ncscope.*\ntags\n*.tab.[ch]\nk?z\n/gen\n");
	put(d, "b/.gitignore", "deep/*.txt\n!keep.o\n");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		put(d, want[i].path, "x");
	assert_int_equal(tree_walk(d, &l), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct tree_file *f = find(&l, want[i].path);

		assert_non_null(f);
		if (f->output != want[i].output)
			fail_msg("%s: output %d, expected %d", want[i].path, f->output, want[i].output);
	}
	tree_list_free(&l);
	rm_rf(d);
	free(d);
}

/*
 * The top-level directories are walked in parallel: many of them, with
 * their own rules and an ignored one, give one sorted list with each
 * directory's rules applied to it alone.
 */
static void test_parallel_walk(void **state)
{
	char *d = fake_kernel();
	struct tree_list l;
	char p[64];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "d%02d/.gitignore", i);
		put(d, p, i % 2 ? "odd.txt\n" : "even.txt\n");
		snprintf(p, sizeof(p), "d%02d/sub/odd.txt", i);
		put(d, p, "x");
		snprintf(p, sizeof(p), "d%02d/sub/even.txt", i);
		put(d, p, "x");
	}
	put(d, "include/generated/x.h", "x");
	assert_int_equal(tree_walk(d, &l), 0);
	for (i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "d%02d/sub/odd.txt", i);
		assert_int_equal(find(&l, p)->output, i % 2);
		snprintf(p, sizeof(p), "d%02d/sub/even.txt", i);
		assert_int_equal(find(&l, p)->output, !(i % 2));
	}
	assert_true(find(&l, "include/generated/x.h")->output);
	assert_false(find(&l, "include/linux/sched.h")->output);
	assert_int_equal(l.n, 40 * 3 + 7);
	for (size_t k = 1; k < l.n; k++)
		assert_true(strcmp(l.v[k - 1].path, l.v[k].path) < 0);
	tree_list_free(&l);
	rm_rf(d);
	free(d);
}

static ino_t stat_cache_ino(const char *d)
{
	char *p = xasprintf("%s/.kbuild-cache-stat", d);
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	free(p);
	return st.st_ino;
}

/*
 * The stat cache is rewritten only when it would change: a run that finds
 * every file as recorded leaves it alone, a changed file rewrites it, and
 * the hash is the same whether files were read or taken from the cache.
 */
static void test_stat_cache_kept(void **state)
{
	char *d = fake_kernel();
	struct tree_list l;
	char h1[33], h2[33], h3[33], h4[33];
	uint64_t n;
	ino_t ino;

	/* files changed within a second of the cache's writing are read again */
	sleep(2);
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h1, &n), 0);
	tree_list_free(&l);
	ino = stat_cache_ino(d);
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h2, &n), 0);
	tree_list_free(&l);
	assert_string_equal(h1, h2);
	assert_true(stat_cache_ino(d) == ino);
	put(d, "kernel/fork.c", "int fork_me(void) { return 2; }\n");
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h3, &n), 0);
	tree_list_free(&l);
	assert_string_not_equal(h1, h3);
	assert_true(stat_cache_ino(d) != ino);
	/* without the cache: the same hash */
	{
		char *p = xasprintf("%s/.kbuild-cache-stat", d);

		unlink(p);
		free(p);
	}
	assert_int_equal(tree_walk(d, &l), 0);
	assert_int_equal(tree_source_hash(d, &l, h4, &n), 0);
	tree_list_free(&l);
	assert_string_equal(h3, h4);
	rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs_and_sources),
		cmocka_unit_test(test_debian_catch_all),
		cmocka_unit_test(test_source_hash),
		cmocka_unit_test(test_rule_kinds),
		cmocka_unit_test(test_parallel_walk),
		cmocka_unit_test(test_stat_cache_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
