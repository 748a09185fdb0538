// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for mangled-name rules (names.c).
 *
 * names_mangled_equal() must decide exactly as upstream create-diff-object
 * does, since correlation depends on it.  The test carries its own model
 * of upstream's rules (ref_equal below, written from upstream's
 * description and behaviour, step for step) and checks the library against
 * it on a table of real-world shapes and on random names.  It also checks
 * the property correlation relies on: names that compare equal share a
 * names_mangled_key(), so a hash lookup by key never misses a twin.
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

#include "names.h"

/* ---- the reference model ------------------------------------------------ */

static bool ref_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* "." then only digits (maybe none) to the end */
static bool ref_digit_tail(const char *p)
{
	if (*p != '.')
		return false;
	do
		p++;
	while (ref_isdigit(*p));
	return *p == '\0';
}

/* __UNIQUE_ID_ names: skip the common part, then the counters, then an optional .N */
static bool ref_unique_equal(const char *x, const char *y)
{
	for (; *x == *y; x++, y++)
		if (*x == '\0')
			return true;
	while (ref_isdigit(*x))
		x++;
	while (ref_isdigit(*y))
		y++;
	return (*x == '\0' || ref_digit_tail(x)) && (*y == '\0' || ref_digit_tail(y));
}

static bool ref_equal(const char *x, const char *y)
{
	if (strstr(x, ".str1."))
		return strcmp(x, y) == 0;
	if (strncmp(x, "__UNIQUE_ID_", strlen("__UNIQUE_ID_")) == 0)
		return ref_unique_equal(x, y);
	if (strstr(x, "__UNIQUE_ID_ddebug"))
		return ref_unique_equal(x, y);
	while (*x == *y) {
		if (*x == '\0')
			return true;
		if (x[0] == '.' && ref_isdigit(x[1])) {
			if (!ref_isdigit(y[1]))
				return false;
			/* step over the dot, then over each side's digits */
			x++;
			y++;
			while (ref_isdigit(*x))
				x++;
			while (ref_isdigit(*y))
				y++;
			continue;
		}
		x++;
		y++;
	}
	return (*x == '\0' && ref_digit_tail(y)) || (*y == '\0' && ref_digit_tail(x));
}

/* ---- the table ------------------------------------------------------------ */

struct pair {
	const char *a, *b;
	bool equal;
};

static const struct pair pairs[] = {
	/* gcc clone and static-local numbering */
	{ "foo.constprop.0", "foo.constprop.1", true },
	{ "foo.constprop.0", "foo.constprop.0", true },
	{ "bar.12", "bar.13", true },
	{ "bar.12", "bar.1234", true },
	{ "foo.isra.0", "foo.isra.3", true },
	{ ".text.foo.isra.0", ".text.foo.isra.7", true },
	{ "foo.part.0", "foo.part.1", true },
	{ "foo.isra.0.cold", "foo.isra.1.cold", true },
	{ "foo.isra.0.cold", "foo.isra.1.part", false },
	{ "foo.constprop.0.isra.0", "foo.constprop.2.isra.5", true },
	{ "foo.cold", "foo.cold", true },
	{ "foo.cold.1", "foo.cold", true },
	{ "foo.llvm.123456", "foo.llvm.654321", true },
	{ "static_key.12", "static_key.012", true },
	{ "foo.0", "foo.00", true },
	{ "foo.1a", "foo.22a", true },
	{ "a.b.1", "a.b.22", true },
	{ "foo..1", "foo..2", true },
	{ "foo.12", "foo.1x", false },
	{ "sym.5", "sym.5.cold", false },
	/* string literal sections compare exactly */
	{ ".rodata.str1.1", ".rodata.str1.8", false },
	{ ".rodata.str1.8", ".rodata.str1.1", false },
	{ ".rodata.str1.1", ".rodata.str1.1", true },
	{ ".rodata.str1.1", ".rodata.str1.1.2", false },
	{ ".rodata.str1.1", ".rodata.str1", false },
	{ ".rodata.str2.1", ".rodata.str2.8", true },	/* only ".str1." is special */
	{ ".rodata.str1", ".rodata.str1.8", true },	/* the rule looks at the orig name */
	{ "foo", "foo.str1.1", false },
	{ ".rodata.foo.str1.4", ".rodata.foo.str1.4", true },
	/* __UNIQUE_ID_ */
	{ "__UNIQUE_ID_ddebug1131.186", "__UNIQUE_ID_ddebug1132.187", true },
	{ "__UNIQUE_ID_ddebug1131.186", "__UNIQUE_ID_ddebug1131", true },
	{ "__UNIQUE_ID_ddebug1131", "__UNIQUE_ID_ddebug99", true },
	{ "__UNIQUE_ID_ddebug1131.186", "__UNIQUE_ID_ddebug1132.x", false },
	{ "__UNIQUE_ID_ddebug1", "__UNIQUE_ID_other2", false },
	{ "__UNIQUE_ID_ddebug1x", "__UNIQUE_ID_ddebug2x", false },
	{ "__UNIQUE_ID___addressable_foo123", "__UNIQUE_ID___addressable_foo456", true },
	{ "__UNIQUE_ID_x", "__UNIQUE_ID_x", true },
	{ "__UNIQUE_ID_x1.2", "__UNIQUE_ID_x3.4", true },
	{ "__UNIQUE_ID_a.1", "__UNIQUE_ID_a1", true },
	/* clang's <func>.__UNIQUE_ID_ddebug<n> */
	{ "func.__UNIQUE_ID_ddebug12", "func.__UNIQUE_ID_ddebug13", true },
	{ "func.__UNIQUE_ID_ddebug12", "func.__UNIQUE_ID_ddebug12.5", true },
	{ "func.__UNIQUE_ID_ddebug12", "other.__UNIQUE_ID_ddebug12", false },
	{ "func.__UNIQUE_ID_ddebug12", "func.__UNIQUE_ID_ddebug", true },
	{ "__UNIQUE_ID_ddebug5", "func.__UNIQUE_ID_ddebug5", false },
	/* a trailing .N on one side */
	{ "foo", "foo.123", true },
	{ "foo.123", "foo", true },
	{ "foo.1", "foo.1.2", true },
	{ "foo.1.2", "foo.3", true },
	{ "x", "x.1.2", false },
	{ "x.1.2", "x", false },
	{ "foo.", "foo", true },
	{ "foo", "foo.", true },
	{ "foo.x", "foo.1", false },
	{ "foo.1", "foo.x", false },
	{ "foo.", "foo.1", false },
	/* plain names */
	{ "foo", "foo", true },
	{ "foo", "bar", false },
	{ "foo", "fooo", false },
	{ "foo1", "foo2", false },
	{ "", "", true },
	{ "", ".5", true },
	{ "", "a", false },
};

static void test_table(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair *p = &pairs[i];
		bool ref = ref_equal(p->a, p->b);
		bool got = names_mangled_equal(p->a, p->b);

		if (ref != p->equal) {
			/* the table itself disagrees with the model of upstream */
			print_error("table row %zu (\"%s\", \"%s\") expects %d, model says %d\n",
				    i, p->a, p->b, p->equal, ref);
			bad++;
		}
		if (got != p->equal) {
			print_error("names_mangled_equal(\"%s\", \"%s\") = %d, expected %d\n",
				    p->a, p->b, got, p->equal);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/*
 * Equal names must share a key.
 *
 * KNOWN LIBRARY BUG (reported to the lead): names_mangled_key() breaks this
 * for two shapes, so correlation's hash lookup misses twins upstream finds:
 *   - a non-__UNIQUE_ID_ name ending in '.' against the same name plus
 *     ".<digits>": equal("foo.", "foo..1") but the key drops the final '.'
 *     of "foo." and keeps the middle '.' of "foo..1";
 *   - __UNIQUE_ID_ names where the common part ends in ".<digits>" or '.':
 *     equal("__UNIQUE_ID_a1.5", "__UNIQUE_ID_a1.5.7") but the key strips
 *     only one ".N" and then trailing digits ("__UNIQUE_ID_a" vs
 *     "__UNIQUE_ID_a1.").
 * The rows below stay failing until names.c is fixed.
 */
static void test_equal_implies_same_key_table(void **state)
{
	static const struct pair known[] = {
		{ "foo.", "foo..1", true },
		{ "foo..1", "foo.", true },
		{ "__UNIQUE_ID_a1.5", "__UNIQUE_ID_a1.5.7", true },
		{ "__UNIQUE_ID_a1.5.7", "__UNIQUE_ID_a1.5", true },
		{ "__UNIQUE_ID_a..", "__UNIQUE_ID_a.", true },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair *p = &pairs[i];

		if (!names_mangled_equal(p->a, p->b))
			continue;
		if (names_mangled_key(p->a) != names_mangled_key(p->b)) {
			print_error("equal but different keys: \"%s\" \"%s\"\n", p->a, p->b);
			bad++;
		}
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct pair *p = &known[i];

		assert_true(ref_equal(p->a, p->b));
		assert_true(names_mangled_equal(p->a, p->b));
		if (names_mangled_key(p->a) != names_mangled_key(p->b)) {
			print_error("equal but different keys: \"%s\" \"%s\"\n", p->a, p->b);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* ---- random names ---------------------------------------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 33) % n;
}

static const char *const fragments[] = {
	".", ".", "0", "1", "7", "12", "a", "b", "x", "__UNIQUE_ID_", "__UNIQUE_ID_ddebug",
	".str1.", ".str1.1", ".constprop.", ".isra.", ".cold", "_",
};

static void random_name(char *buf, size_t cap)
{
	uint32_t parts = rng(7);
	size_t len = 0;

	buf[0] = '\0';
	if (rng(4) == 0) {
		strcpy(buf, rng(2) ? "__UNIQUE_ID_" : "f.__UNIQUE_ID_ddebug");
		len = strlen(buf);
	}
	while (parts--) {
		const char *f = fragments[rng(sizeof(fragments) / sizeof(fragments[0]))];

		if (len + strlen(f) + 1 > cap)
			break;
		strcpy(buf + len, f);
		len += strlen(f);
	}
}

/*
 * A name like @src with its numbering shuffled: digit runs rewritten,
 * ".N" tails added or dropped, so that many pairs compare equal.
 */
static void mutate(const char *src, char *buf, size_t cap)
{
	size_t len = 0, i;

	for (i = 0; src[i] && len + 8 < cap; i++) {
		if (ref_isdigit(src[i]) && rng(2)) {
			while (ref_isdigit(src[i + 1]))
				i++;
			len += (size_t)snprintf(buf + len, cap - len, "%u", rng(3) ? rng(20) : rng(2000));
			continue;
		}
		buf[len++] = src[i];
	}
	buf[len] = '\0';
	switch (rng(6)) {
	case 0:
		if (len + 8 < cap)
			snprintf(buf + len, cap - len, ".%u", rng(100));
		break;
	case 1:
		if (len + 2 < cap)
			strcpy(buf + len, ".");
		break;
	case 2:
		/* drop a trailing ".N" */
		while (len && ref_isdigit(buf[len - 1]))
			len--;
		if (len && buf[len - 1] == '.')
			buf[len - 1] = '\0';
		break;
	default:
		break;
	}
}

/*
 * Random pairs: the library agrees with the model, and equal names share
 * a key.  The key part fails until the names_mangled_key() bug described
 * above is fixed; the first counterexamples are printed.
 */
static void test_random_against_model(void **state)
{
	char a[96], b[96];
	int disagree = 0, keybad = 0, equal = 0;
	long i;

	(void)state;
	for (i = 0; i < 400000; i++) {
		bool ref, got;

		random_name(a, sizeof(a));
		if (rng(4))
			mutate(a, b, sizeof(b));
		else
			random_name(b, sizeof(b));
		ref = ref_equal(a, b);
		got = names_mangled_equal(a, b);
		if (ref != got && disagree++ < 10)
			print_error("equal(\"%s\", \"%s\") = %d, upstream model says %d\n", a, b, got, ref);
		if (got) {
			equal++;
			if (names_mangled_key(a) != names_mangled_key(b) && keybad++ < 10)
				print_error("equal(\"%s\", \"%s\") but keys differ\n", a, b);
		}
	}
	/* the generator must actually produce equal pairs to test the key */
	assert_true(equal > 50000);
	assert_int_equal(disagree, 0);
	assert_int_equal(keybad, 0);
}

/* Keys of long names (past any internal stack buffer) follow the same rule. */
static void test_long_names(void **state)
{
	char a[2000], b[2000];
	size_t i;

	(void)state;
	for (i = 0; i < 1500; i++)
		a[i] = (char)('a' + i % 26);
	strcpy(a + 1500, ".constprop.0");
	strcpy(b, a);
	strcpy(b + 1500, ".constprop.99");
	assert_true(names_mangled_equal(a, b));
	assert_true(names_mangled_key(a) == names_mangled_key(b));
	b[10] = '#';
	assert_false(names_mangled_equal(a, b));
	/* one side long, one short */
	assert_false(names_mangled_equal(a, "abc"));
	assert_false(names_mangled_equal("abc", a));
}

/* Different names should mostly get different keys, or the index degrades. */
static void test_key_spreads(void **state)
{
	(void)state;
	assert_true(names_mangled_key("foo") != names_mangled_key("bar"));
	assert_true(names_mangled_key("foo.cold") != names_mangled_key("foo"));
	assert_true(names_mangled_key("foo.constprop.0") != names_mangled_key("foo.isra.0"));
	assert_true(names_mangled_key("__UNIQUE_ID_ddebug1") != names_mangled_key("__UNIQUE_ID_other1"));
}

/* ---- predicates -------------------------------------------------------------- */

static void test_ubsan(void **state)
{
	(void)state;
	assert_true(names_is_ubsan(".data.rel.local..Lubsan_data12"));
	assert_true(names_is_ubsan(".data..Lubsan_type3"));
	assert_true(names_is_ubsan(".Lubsan_data7"));
	assert_true(names_is_ubsan(".data..Lubsan_data1"));
	assert_true(names_is_ubsan(".rela.data..Lubsan_data1"));
	assert_true(names_is_ubsan(".rela.data.rel.local..Lubsan_data1"));
	assert_false(names_is_ubsan(".data"));
	assert_false(names_is_ubsan(".data.Lubsan_data1"));
	assert_false(names_is_ubsan("Lubsan_data"));
	assert_false(names_is_ubsan(""));
	assert_false(names_is_ubsan(".data..Lubsan"));
}

static void test_string_literal_section(void **state)
{
	(void)state;
	assert_true(names_is_string_literal_section(".rodata.str1.1"));
	assert_true(names_is_string_literal_section(".rodata.str1.8"));
	assert_true(names_is_string_literal_section(".rodata.foo.str1.1"));
	assert_true(names_is_string_literal_section(".rodata.cst16.str"));
	assert_false(names_is_string_literal_section(".rodata"));
	assert_false(names_is_string_literal_section(".rodata.foo"));
	assert_false(names_is_string_literal_section(".data.str1.1"));
	assert_false(names_is_string_literal_section("rodata.str1.1"));
	assert_false(names_is_string_literal_section(""));
}

static void test_clang_unnamed_data(void **state)
{
	(void)state;
	assert_true(names_is_clang_unnamed_data(".data..L__unnamed_1"));
	assert_true(names_is_clang_unnamed_data(".data.__unnamed_12"));
	assert_false(names_is_clang_unnamed_data(".data"));
	assert_false(names_is_clang_unnamed_data(".rodata..L__unnamed_1"));
	assert_false(names_is_clang_unnamed_data("__unnamed_1"));
}

static void test_debug_section(void **state)
{
	(void)state;
	assert_true(names_is_debug_section(".debug_info"));
	assert_true(names_is_debug_section(".debug_line"));
	assert_true(names_is_debug_section(".debug_str"));
	assert_true(names_is_debug_section(".eh_frame"));
	assert_false(names_is_debug_section(".rela.debug_info"));
	assert_false(names_is_debug_section(".debug"));
	assert_false(names_is_debug_section(".text"));
	assert_false(names_is_debug_section(""));
}

static void test_has_prefix(void **state)
{
	(void)state;
	assert_true(has_prefix(".text.foo", ".text."));
	assert_true(has_prefix(".text.", ".text."));
	assert_false(has_prefix(".text", ".text."));
	assert_true(has_prefix("anything", ""));
	assert_false(has_prefix("", "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_equal_implies_same_key_table),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_key_spreads),
		cmocka_unit_test(test_ubsan),
		cmocka_unit_test(test_string_literal_section),
		cmocka_unit_test(test_clang_unnamed_data),
		cmocka_unit_test(test_debug_section),
		cmocka_unit_test(test_has_prefix),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
