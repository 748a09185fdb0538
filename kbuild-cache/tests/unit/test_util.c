// SPDX-License-Identifier: GPL-2.0
/* Whole-file helpers: copying. */
#include "kbc_test.h"

static void test_copy_file(void **state)
{
	char *d = scratch_dir(), *from = xasprintf("%s/a", d), *to = xasprintf("%s/sub/b", d);
	char *data = xmalloc(300000), *back;
	size_t i, len;

	for (i = 0; i < 300000; i++)
		data[i] = (char)(i * 7 + i / 1000);
	assert_int_equal(write_file_atomic(from, data, 300000), 0);
	assert_int_equal(mkdir_parent(to), 0);
	assert_int_equal(copy_file(from, to), 0);
	back = read_file(to, &len);
	assert_non_null(back);
	assert_int_equal(len, 300000);
	assert_memory_equal(back, data, 300000);
	free(back);
	/* over an existing file, whole */
	assert_int_equal(write_file_atomic(from, "short", 5), 0);
	assert_int_equal(copy_file(from, to), 0);
	back = read_file(to, &len);
	assert_int_equal(len, 5);
	free(back);
	/* a missing source: an error naming it, the destination untouched */
	unlink(from);
	assert_int_equal(copy_file(from, to), -1);
	assert_non_null(strstr(kbc_errmsg(), "/a"));
	assert_true(is_file(to));
	free(data);
	free(from);
	free(to);
	rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
