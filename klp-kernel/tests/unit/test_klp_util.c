// SPDX-License-Identifier: GPL-2.0
/* Unit tests for klp-util.c and the module name rule of klp-module.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "klp-lib.h"

static void test_json_str(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	klp_json_str(f, "a\"b\\c\n\x01\xc3\xa9");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\\u00c3\\u00a9\"");
	free(buf);
}

static void test_fn_same(void **state)
{
	struct klp_fn_list l = { 0 };
	struct klp_err err;

	(void)state;
	assert_int_equal(klp_fn_add(&l, "vmlinux", "f", 0, NULL, &err), 0);
	assert_int_equal(klp_fn_add(&l, "vmlinux", "f", 1, "p", &err), 0);
	assert_int_equal(klp_fn_add(&l, "mod", "f", 1, "p", &err), 0);
	assert_int_equal(klp_fn_add(&l, "vmlinux", "f", 2, "p", &err), 0);
	assert_int_equal(l.v[0].pos, 1);		/* 0 means the first */
	assert_true(klp_fn_same(&l.v[0], &l.v[1]));
	assert_false(klp_fn_same(&l.v[1], &l.v[2]));
	assert_false(klp_fn_same(&l.v[1], &l.v[3]));
	assert_null(l.v[0].patch);
	assert_string_equal(l.v[1].patch, "p");
	klp_fn_list_free(&l);
	assert_int_equal(l.n, 0);
}

static void test_name_from_path(void **state)
{
	char *n;

	(void)state;
	n = klp_name_from_path("/lib/modules/x/livepatch-fix-1.ko");
	assert_string_equal(n, "livepatch_fix_1");
	free(n);
	n = klp_name_from_path("kpatch-a.ko.xz");
	assert_string_equal(n, "kpatch_a");
	free(n);
	n = klp_name_from_path("plain_name");
	assert_string_equal(n, "plain_name");
	free(n);
}

static void test_join_and_fail(void **state)
{
	char buf[8];
	struct klp_err err;

	(void)state;
	assert_true(klp_join(buf, sizeof(buf), "ab", "cd"));
	assert_string_equal(buf, "ab/cd");
	assert_false(klp_join(buf, sizeof(buf), "abcd", "efgh"));
	assert_int_equal(klp_fail(&err, "%s: %d", "x", 3), -1);
	assert_string_equal(err.msg, "x: 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_fn_same),
		cmocka_unit_test(test_name_from_path),
		cmocka_unit_test(test_join_and_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
