// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of prepare.c: the per-object facts later stages rely on,
 * here which functions are .cold/.part children of which.  Every later
 * stage walks from a child to its section and its parent's, so both must
 * be functions defined in the object.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "prepare.h"
#include "objgen.h"

static char tmpdir[PATH_MAX / 2];

static int group_setup(void **state)
{
	(void)state;
	return og_mkdtemp(tmpdir, sizeof(tmpdir), "test_prepare");
}

static int group_teardown(void **state)
{
	(void)state;
	og_rmrf(tmpdir);
	return 0;
}

/* Compile @src, load it and prepare it; the status of prepare_object(). */
static int prepare_source(const char *name, const char *src, struct object *o, struct errbuf *eb)
{
	char out[256];

	snprintf(out, sizeof(out), "%s.o", name);
	assert_int_equal(og_compile(tmpdir, name, "t.c", src, OG_KFLAGS, out), 0);
	memset(o, 0, sizeof(*o));
	memset(eb, 0, sizeof(*eb));
	assert_int_equal(object_load(o, og_path(tmpdir, out), eb), 0);
	return prepare_object(o, eb);
}

/*
 * An undefined function whose name reads like helper's cold part is not
 * a part of helper: it was made helper's child, and the compare stage
 * then read the section of "no section".
 */
static void test_undefined_cold_is_no_child(void **state)
{
	static const char src[] =
		"extern void helper_cold_ext(void) __asm__(\"helper.cold\");\n"
		"__asm__(\".type helper.cold, @function\");\n"
		"static __attribute__((noinline)) int helper(int x) { return x * 3; }\n"
		"int entry(int x) { helper_cold_ext(); return helper(x) + 1; }\n";
	struct object o;
	struct errbuf eb;
	uint32_t helper, cold;

	(void)state;
	assert_int_equal(prepare_source("undef_cold", src, &o, &eb), 0);
	helper = object_find_symbol(&o, "helper");
	cold = object_find_symbol(&o, "helper.cold");
	assert_int_not_equal(helper, NONE);
	assert_int_not_equal(cold, NONE);
	assert_int_equal(o.syms[cold].sec, NONE);
	assert_int_equal(o.syms[helper].first_child, NONE);
	assert_int_equal(o.syms[cold].parent, NONE);
	object_free(&o);
}

/*
 * A defined .cold part whose parent name is a variable has no parent
 * function: upstream's "failed to find parent function" instead of a
 * variable taken for the parent.
 */
static void test_cold_parent_must_be_a_function(void **state)
{
	static const char src[] =
		"__asm__(\".pushsection .text.unlikely.vdata,\\\"ax\\\",@progbits\\n"
		"\t.type vdata.cold, @function\\n"
		"vdata.cold:\\n\tret\\n"
		"\t.size vdata.cold, 1\\n"
		"\t.popsection\");\n"
		"int vdata = 4;\n"
		"int entry(int x) { return x + vdata; }\n";
	struct object o;
	struct errbuf eb;

	(void)state;
	assert_int_equal(prepare_source("var_parent", src, &o, &eb), CDO_ERR_UNSUPPORTED);
	if (!strstr(eb.msg, "failed to find parent function for vdata.cold"))
		fail_msg("unexpected message: %s", eb.msg);
	object_free(&o);
}

/* A real cold part still has its parent. */
static void test_cold_part_found(void **state)
{
	static const char src[] =
		"extern void record_failure(int code, int len);\n"
		"extern __attribute__((cold)) int printk(const char *fmt, ...);\n"
		"int parse(const unsigned char *buf, int len)\n"
		"{\n"
		"\tint i, sum = 0;\n"
		"\tif (__builtin_expect(len < 4, 0)) {\n"
		"\t\tprintk(\"short record: %d bytes\\n\", len);\n"
		"\t\trecord_failure(1, len);\n"
		"\t\treturn -1;\n"
		"\t}\n"
		"\tfor (i = 0; i < len; i++)\n"
		"\t\tsum += buf[i] * (i + 1);\n"
		"\treturn sum;\n"
		"}\n";
	struct object o;
	struct errbuf eb;
	uint32_t parse, cold;

	(void)state;
	assert_int_equal(prepare_source("real_cold", src, &o, &eb), 0);
	parse = object_find_symbol(&o, "parse");
	cold = object_find_symbol(&o, "parse.cold");
	if (cold == NONE)
		skip();	/* this gcc kept the cold path inline */
	assert_int_equal(o.syms[cold].parent, parse);
	assert_int_equal(o.syms[parse].first_child, cold);
	object_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undefined_cold_is_no_child),
		cmocka_unit_test(test_cold_parent_must_be_a_function),
		cmocka_unit_test(test_cold_part_found),
	};

	og_apply_filters();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
