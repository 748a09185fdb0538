// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for klp-sysfs.c: reading a livepatch sysfs tree and kallsyms
 * written to a scratch folder, and the conflict rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "klp-lib.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/klp-sysfs-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return -1;
	dir("lp");
	dir("lp/b");
	put("lp/b/enabled", "1\n");
	put("lp/b/transition", "0\n");
	put("lp/b/stack_order", "2\n");
	dir("lp/b/vmlinux");
	dir("lp/b/vmlinux/f,1");
	put("lp/b/vmlinux/f,1/active", "1\n");
	dir("lp/b/vmlinux/not-a-function");
	dir("lp/a");
	put("lp/a/enabled", "1\n");
	dir("lp/a/vmlinux");
	dir("lp/a/vmlinux/f,1");
	dir("lp/a/vmlinux/g,2");
	dir("lp/leaving");
	put("lp/leaving/enabled", "0\n");
	put("lp/leaving/transition", "1\n");
	dir("lp/leaving/vmlinux");
	dir("lp/leaving/vmlinux/h,1");
	put("lp/conflict_policy", "deny\n");	/* a file at the root is no patch */
	put("kallsyms", "ffffffff81000000 T f\nffffffff81000000 t f_alias\n"
	    "ffffffff81000100 t g\nffffffff81000200 t g\nffffffff81000300 D data\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) ? -1 : 0;
}

static void test_read_tree(void **state)
{
	const struct klp_patch_info *p;
	struct klp_sysfs s;
	struct klp_err err;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/lp", root);
	assert_int_equal(klp_sysfs_read(path, &s, &err), 0);
	assert_int_equal(s.np, 3);
	/* byte order, whatever the file system returns */
	assert_string_equal(s.p[0].name, "a");
	assert_string_equal(s.p[1].name, "b");
	p = klp_sysfs_patch(&s, "b");
	assert_non_null(p);
	assert_int_equal(p->stack_order, 2);
	assert_int_equal(p->transition, 0);
	assert_int_equal(klp_sysfs_patch(&s, "a")->stack_order, KLP_UNKNOWN);
	assert_int_equal(s.funcs.n, 4);
	assert_string_equal(s.funcs.v[0].name, "f");
	assert_string_equal(s.funcs.v[0].patch, "a");
	assert_int_equal(s.funcs.v[0].active, KLP_UNKNOWN);
	assert_int_equal(s.funcs.v[2].active, 1);
	klp_sysfs_free(&s);
}

static void test_missing_tree(void **state)
{
	struct klp_sysfs s;
	struct klp_err err;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/none", root);
	assert_int_equal(klp_sysfs_read(path, &s, &err), -1);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	assert_non_null(strstr(err.msg, path));
}

static void test_conflicts_and_aliases(void **state)
{
	struct klp_fn_list mine = { 0 }, active = { 0 };
	struct klp_conflict *c = NULL;
	struct klp_ksyms ks;
	struct klp_sysfs s;
	struct klp_err err;
	char path[512];
	long n;

	(void)state;
	snprintf(path, sizeof(path), "%s/lp", root);
	assert_int_equal(klp_sysfs_read(path, &s, &err), 0);
	/* the patch being disabled does not count, nor the patch itself */
	assert_int_equal(klp_sysfs_active(&s, "b", &active, &err), 0);
	assert_int_equal(active.n, 2);
	snprintf(path, sizeof(path), "%s/kallsyms", root);
	assert_int_equal(klp_ksyms_read(path, &ks, &err), 0);
	assert_true(ks.usable);
	assert_int_equal(klp_fn_add(&mine, "vmlinux", "f_alias", 0, NULL, &err), 0);
	assert_int_equal(klp_fn_add(&mine, "vmlinux", "g", 2, NULL, &err), 0);
	assert_int_equal(klp_fn_add(&mine, "vmlinux", "g", 1, NULL, &err), 0);
	assert_int_equal(klp_fn_add(&mine, "vmlinux", "h", 1, NULL, &err), 0);
	n = klp_find_conflicts(&mine, &active, &ks, &c, &err);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].mine, 0);		/* f_alias is f */
	assert_true(c[0].alias);
	assert_int_equal(c[1].mine, 1);		/* g,2 by name; g,1 is another g */
	assert_false(c[1].alias);
	assert_int_equal(klp_ksym_addr(&ks, &mine.v[2]), 0xffffffff81000100ULL);
	free(c);
	klp_fn_list_free(&mine);
	klp_fn_list_free(&active);
	klp_ksyms_free(&ks);
	klp_sysfs_free(&s);
}

static void test_kallsyms_without_addresses(void **state)
{
	struct klp_ksyms ks;
	struct klp_err err;
	struct klp_fn f = { .obj = "vmlinux", .name = "f", .pos = 1 };

	(void)state;
	put("kallsyms0", "0000000000000000 T f\n");
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/kallsyms0", root);
		assert_int_equal(klp_ksyms_read(path, &ks, &err), 0);
	}
	assert_false(ks.usable);		/* not root: every address is 0 */
	assert_int_equal(klp_ksym_addr(&ks, &f), 0);
	klp_ksyms_free(&ks);
	assert_int_equal(klp_ksyms_read("/nonexistent/kallsyms", &ks, &err), 0);
	assert_false(ks.usable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_missing_tree),
		cmocka_unit_test(test_conflicts_and_aliases),
		cmocka_unit_test(test_kallsyms_without_addresses),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
