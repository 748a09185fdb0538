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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outputs_and_sources),
		cmocka_unit_test(test_debian_catch_all),
		cmocka_unit_test(test_source_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
