// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the string-table builder (strtab.c): each distinct
 * string is stored once, at the offset of its first use, and the table
 * refuses more distinct strings than it was sized for.
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

#include "strtab.h"

static void test_offsets_in_first_use_order(void **state)
{
	struct strtab_builder b;

	(void)state;
	assert_int_equal(strtab_init(&b, 4), 0);
	assert_int_equal(strtab_offset(&b, "vmlinux"), 0);
	assert_int_equal(strtab_offset(&b, "foo"), 8);
	assert_int_equal(strtab_offset(&b, ""), 12);
	assert_int_equal(strtab_offset(&b, "vmlinux"), 0);
	assert_int_equal(strtab_offset(&b, "foo"), 8);
	assert_int_equal(strtab_offset(&b, ""), 12);
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.buf, "vmlinux\0foo\0", 13);
	strtab_free(&b);
}

/* A suffix of a stored string is a string of its own, not a tail share. */
static void test_no_suffix_sharing(void **state)
{
	struct strtab_builder b;

	(void)state;
	assert_int_equal(strtab_init(&b, 2), 0);
	assert_int_equal(strtab_offset(&b, "do_fork"), 0);
	assert_int_equal(strtab_offset(&b, "fork"), 8);
	assert_int_equal(b.len, 13);
	strtab_free(&b);
}

static void test_capacity(void **state)
{
	struct strtab_builder b;
	char name[16];
	uint32_t i;

	(void)state;
	assert_int_equal(strtab_init(&b, 3), 0);
	/* room for the count asked for (and one spare), then a refusal */
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		assert_true(strtab_offset(&b, name) >= 0);
	}
	assert_int_equal(strtab_offset(&b, "one-too-many"), -1);
	/* strings already there are still found */
	assert_int_equal(strtab_offset(&b, "s0"), 0);
	strtab_free(&b);
}

/* Enough strings to grow the buffer many times; every offset stays right. */
static void test_growth(void **state)
{
	enum { N = 5000 };
	struct strtab_builder b;
	int64_t *off = malloc(sizeof(*off) * N);
	char name[32];
	uint32_t i;

	(void)state;
	assert_non_null(off);
	assert_int_equal(strtab_init(&b, N), 0);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "symbol_%u", i);
		off[i] = strtab_offset(&b, name);
		assert_true(off[i] >= 0);
	}
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "symbol_%u", i);
		assert_int_equal(strtab_offset(&b, name), off[i]);
		assert_string_equal(b.buf + off[i], name);
	}
	strtab_free(&b);
	free(off);
}

static void test_free_zeroed(void **state)
{
	struct strtab_builder b;

	(void)state;
	memset(&b, 0, sizeof(b));
	strtab_free(&b);
	strtab_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_in_first_use_order),
		cmocka_unit_test(test_no_suffix_sharing),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_free_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
