// SPDX-License-Identifier: GPL-2.0
/* The special-section entry sizes kept beside an entry. */
#include "kbc_test.h"
#include "sizes.h"

static const char whole[] =
	"bug_entry 12\nexception_table_entry 12\njump_entry 16\nalt_instr 12\n"
	"paravirt_patch_site 16\norc_entry 6\nstatic_call_site 8\npi_entry 44\n";

/* A whole file is used as it is: the tree (here without objects) is not read. */
static void test_kept_used(void **state)
{
	char *d = fake_kernel(), *kept = xasprintf("%s/derived/struct-sizes", d);
	struct cdo_struct_sizes s;

	put(d, "derived/struct-sizes", whole);
	sizes_from_build_kept(d, kept, &s);
	assert_int_equal(s.bug, 12);
	assert_int_equal(s.jump, 16);
	assert_int_equal(s.orc, 6);
	assert_int_equal(s.printk_index, 44);
	free(kept);
	rm_rf(d);
	free(d);
}

/* Anything else is found again from the tree and written back. */
static void test_kept_damaged(void **state)
{
	static const char *const bad[] = {
		"bug_entry 12\n",					/* truncated */
		"jump_entry 16\nbug_entry 12\n",			/* out of order */
		"bug_entry twelve\n",					/* not a number */
		"",							/* empty */
	};
	char *d = fake_kernel(), *kept = xasprintf("%s/derived/struct-sizes", d), *text;
	struct cdo_struct_sizes s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(d, "derived/struct-sizes", bad[i]);
		sizes_from_build_kept(d, kept, &s);
		/* the fake tree has none of the objects: every size is unknown */
		assert_int_equal(s.bug, 0);
		assert_int_equal(s.jump, 0);
		text = read_file(kept, NULL);
		assert_non_null(text);
		assert_non_null(strstr(text, "bug_entry 0\n"));
		assert_non_null(strstr(text, "pi_entry 0\n"));
		free(text);
	}
	free(kept);
	rm_rf(d);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_used),
		cmocka_unit_test(test_kept_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
