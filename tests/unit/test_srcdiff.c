// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of srcdiff.c: which lines of a changed function its
 * instructions changed on, when the compiler also wrote code it did not
 * change in another way.  Each pair changes one line for real (a
 * constant stored to `flag`) and, elsewhere, writes the same code two
 * ways with inline asm, as gcc does on its own in kernel objects: only
 * the real line may be reported.  Objects are compiled at test time.
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

#include "cdo/cdo.h"
#include "objgen.h"

static char tmpdir[PATH_MAX];

/*
 * The same compares, written with the operands the other way round and
 * the condition swapped (line 6: memory and register, line 8: two
 * registers); line 10 is the real change.
 */
static const char compare_orig[] =
	"int flag;\n"
	"\n"
	"int compare(int *p, int v, int w)\n"
	"{\n"
	"	asm goto(\"cmpl %1, %0\\n\\tjl %l[out]\"\n"
	"		 : : \"m\"(*p), \"r\"(v) : \"cc\" : out);\n"
	"	asm goto(\"cmpl %1, %0\\n\\tjb %l[out]\"\n"
	"		 : : \"r\"(w), \"r\"(v) : \"cc\" : out);\n"
	"	asm volatile(\"\" : : : \"memory\");\n"
	"	flag = 1;\n"
	"	return 0;\n"
	"out:\n"
	"	return 1;\n"
	"}\n";

static const char compare_patched[] =
	"int flag;\n"
	"\n"
	"int compare(int *p, int v, int w)\n"
	"{\n"
	"	asm goto(\"cmpl %0, %1\\n\\tjg %l[out]\"\n"
	"		 : : \"m\"(*p), \"r\"(v) : \"cc\" : out);\n"
	"	asm goto(\"cmpl %0, %1\\n\\tja %l[out]\"\n"
	"		 : : \"r\"(w), \"r\"(v) : \"cc\" : out);\n"
	"	asm volatile(\"\" : : : \"memory\");\n"
	"	flag = 2;\n"
	"	return 0;\n"
	"out:\n"
	"	return 1;\n"
	"}\n";

/*
 * Relocations that differ only in what the compiler chose, on line 7;
 * line 8 is the real change.
 */
#define RELOC_PAIR(name, asm_orig, asm_patched)			\
	static const char name##_orig[] =			\
		"int flag;\n"					\
		"\n"						\
		"int " #name "(int v)\n"			\
		"{\n"						\
		"	int r = v;\n"				\
		"\n"						\
		"	" asm_orig "\n"				\
		"	flag = 1;\n"				\
		"	return r;\n"				\
		"}\n";						\
	static const char name##_patched[] =			\
		"int flag;\n"					\
		"\n"						\
		"int " #name "(int v)\n"			\
		"{\n"						\
		"	int r = v;\n"				\
		"\n"						\
		"	" asm_patched "\n"			\
		"	flag = 2;\n"				\
		"	return r;\n"				\
		"}\n"

/*
 * The register of a retpoline thunk, and the cs prefix that pads a call
 * to an r8-r15 one.
 */
RELOC_PAIR(thunk, "asm volatile(\"call __x86_indirect_thunk_rax\" : : : \"memory\");",
	   "asm volatile(\".byte 0x2e\\n\\tcall __x86_indirect_thunk_r8\" : : : \"memory\");");

/* The label of a constant in a mergeable section, renumbered by one added before it. */
RELOC_PAIR(constant,
	   "asm(\".pushsection .rodata.cst2,\\\"aM\\\",@progbits,2\\n.LCk7: .value 0x1234\\n"
	   ".popsection\\nmovzwl .LCk7(%%rip), %0\" : \"=r\"(r));",
	   "asm(\".pushsection .rodata.cst2,\\\"aM\\\",@progbits,2\\n.LCk8: .value 0x1234\\n"
	   ".popsection\\nmovzwl .LCk8(%%rip), %0\" : \"=r\"(r));");

/* Where a jump lands in another function (a cold part laid out anew). */
RELOC_PAIR(cold,
	   "asm goto(\"testl %0, %0\\n\\tjne cold_part+0x10\" : : \"r\"(v) : \"cc\" : out); out:",
	   "asm goto(\"testl %0, %0\\n\\tjne cold_part+0x24\" : : \"r\"(v) : \"cc\" : out); out:");

/*
 * An immediate equal to its instruction's line is a __LINE__ in the
 * original (line 8), but a comment the patch adds above moves it down:
 * there the instruction, the same, is on line 9 and its 8 no line.
 * Line 12 (11 before) is the real change.
 */
static const char line_orig[] =
	"int flag;\n"
	"extern void before(void);\n"
	"extern void after(void);\n"
	"\n"
	"int line(int v)\n"
	"{\n"
	"	before();\n"
	"	asm volatile(\"testl $8, %0\" : : \"r\"(v) : \"cc\");\n"
	"	after();\n"
	"	asm volatile(\"\" : : : \"memory\");\n"
	"	flag = 1;\n"
	"	return v;\n"
	"}\n";

static const char line_patched[] =
	"int flag;\n"
	"extern void before(void);\n"
	"extern void after(void);\n"
	"\n"
	"int line(int v)\n"
	"{\n"
	"	/* a comment */\n"
	"	before();\n"
	"	asm volatile(\"testl $8, %0\" : : \"r\"(v) : \"cc\");\n"
	"	after();\n"
	"	asm volatile(\"\" : : : \"memory\");\n"
	"	flag = 2;\n"
	"	return v;\n"
	"}\n";

/*
 * helper() (line 5) is inlined into use(), below the comment the patch
 * adds, which moves use()'s lines down by three; helper()'s one
 * instruction is found twice in use(), so it places no line of its own,
 * and only the declarations say that line 5 stays where it is.  Line 19
 * (16 before) is the real change.
 */
static const char decl_orig[] =
	"int flag;\n"
	"extern void work(int);\n"
	"static inline __attribute__((always_inline)) int helper(int v)\n"
	"{\n"
	"	asm volatile(\"addl %0, %0\" : \"+r\"(v));\n"
	"	return v;\n"
	"}\n"
	"\n"
	"int use(int v)\n"
	"{\n"
	"	int w = v;\n"
	"\n"
	"	work(v);\n"
	"	asm volatile(\"addl %0, %0\" : \"+r\"(w));\n"
	"	work(helper(v));\n"
	"	flag = 1;\n"
	"	return w;\n"
	"}\n";

static const char decl_patched[] =
	"int flag;\n"
	"extern void work(int);\n"
	"static inline __attribute__((always_inline)) int helper(int v)\n"
	"{\n"
	"	asm volatile(\"addl %0, %0\" : \"+r\"(v));\n"
	"	return v;\n"
	"}\n"
	"\n"
	"/*\n"
	" * A comment.\n"
	" */\n"
	"int use(int v)\n"
	"{\n"
	"	int w = v;\n"
	"\n"
	"	work(v);\n"
	"	asm volatile(\"addl %0, %0\" : \"+r\"(w));\n"
	"	work(helper(v));\n"
	"	flag = 2;\n"
	"	return w;\n"
	"}\n";

/*
 * The patch changes only the inlined helper's test (line 6); gcc folds it
 * into the caller's branch, which the line table puts on the first line
 * of the caller's `if` (line 11), not on the helper's lines nor on the
 * line of the call (12), and no code of the helper's own is left.
 */
static const char fold_orig[] =
	"struct reg { int type; int off; };\n"
	"int flag;\n"
	"\n"
	"static inline __attribute__((always_inline)) int is_ptr(const struct reg *r)\n"
	"{\n"
	"	return r->type != 1;\n"
	"}\n"
	"\n"
	"int user(struct reg *r, int v)\n"
	"{\n"
	"	if (v > 3 &&\n"
	"	    is_ptr(r))\n"
	"		return -1;\n"
	"	flag = v;\n"
	"	return 0;\n"
	"}\n";

static const char fold_patched[] =
	"struct reg { int type; int off; };\n"
	"int flag;\n"
	"\n"
	"static inline __attribute__((always_inline)) int is_ptr(const struct reg *r)\n"
	"{\n"
	"	return r->type != 1 && r->type != 0;\n"
	"}\n"
	"\n"
	"int user(struct reg *r, int v)\n"
	"{\n"
	"	if (v > 3 &&\n"
	"	    is_ptr(r))\n"
	"		return -1;\n"
	"	flag = v;\n"
	"	return 0;\n"
	"}\n";

/*
 * The patch marks helper() noinline (gcc's own decision flips the same
 * way when a callee grows past its limits) and changes bump(), which
 * stays inlined: user() calls helper() instead of holding its body.
 */
static const char uninline_orig[] =
	"int flag;\n"
	"\n"
	"static inline __attribute__((always_inline)) int helper(int *p, int v)\n"
	"{\n"
	"	return p[v] * 3 + p[v + 1];\n"
	"}\n"
	"\n"
	"static inline __attribute__((always_inline)) int bump(int v)\n"
	"{\n"
	"	return v + 1;\n"
	"}\n"
	"\n"
	"int user(int *p, int v)\n"
	"{\n"
	"	flag = bump(v);\n"
	"	return helper(p, v);\n"
	"}\n";

static const char uninline_patched[] =
	"int flag;\n"
	"\n"
	"static __attribute__((noinline)) int helper(int *p, int v)\n"
	"{\n"
	"	return p[v] * 3 + p[v + 1];\n"
	"}\n"
	"\n"
	"static inline __attribute__((always_inline)) int bump(int v)\n"
	"{\n"
	"	return v + 2;\n"
	"}\n"
	"\n"
	"int user(int *p, int v)\n"
	"{\n"
	"	flag = bump(v);\n"
	"	return helper(p, v);\n"
	"}\n";

/*
 * The patch deletes the tail of tail_fn() (lines 9-12), below every line
 * both versions share: its dropped code must stay on tail_fn()'s lines
 * (4-8 in the patched file), not land on next_fn() below.
 */
static const char tail_orig[] =
	"int flag, other;\n"
	"extern void note(int);\n"
	"\n"
	"void tail_fn(int v)\n"
	"{\n"
	"	note(v);\n"
	"	flag = v;\n"
	"	if (v > 2) {\n"
	"		other = v * 5;\n"
	"		note(other);\n"
	"		flag = 7;\n"
	"	}\n"
	"}\n"
	"\n"
	"int next_fn(int v)\n"
	"{\n"
	"	return v * 9;\n"
	"}\n";

static const char tail_patched[] =
	"int flag, other;\n"
	"extern void note(int);\n"
	"\n"
	"void tail_fn(int v)\n"
	"{\n"
	"	note(v);\n"
	"	flag = v;\n"
	"}\n"
	"\n"
	"int next_fn(int v)\n"
	"{\n"
	"	return v * 9;\n"
	"}\n";

static int build(const char *name, const char *orig, const char *patched, struct og_pair *p)
{
	return og_make_pair_as(tmpdir, name, "pair.c", OG_KFLAGS " -g", orig, patched, p);
}

static int group_setup(void **state)
{
	(void)state;
	return og_mkdtemp(tmpdir, sizeof(tmpdir), "test_srcdiff");
}

static int group_teardown(void **state)
{
	(void)state;
	og_rmrf(tmpdir);
	return 0;
}

/*
 * Diff the pair with CDO_DWARF_SOURCE: the source of changed function
 * @fn, on *@ctx (the caller frees it).
 */
static const struct cdo_source *diff_source(const char *name, const char *orig,
					    const char *patched, const char *fn,
					    struct cdo_ctx **ctx)
{
	const struct cdo_item *it = NULL;
	struct og_pair p;
	size_t i;

	assert_int_equal(build(name, orig, patched, &p), 0);
	{
		CDO_OPTS(opts, .threads = 2, .parent_name = "vmlinux", .parent_symtab = p.symtab,
			 .dwarf = CDO_DWARF_SOURCE);

		*ctx = cdo_new(&opts);
	}
	assert_non_null(*ctx);
	assert_int_equal(cdo_diff(*ctx, p.orig, p.patched), CDO_OK);
	for (i = 0; i < cdo_result_count(*ctx, CDO_ITEM_CHANGED_FUNC); i++)
		if (!strcmp(cdo_result_item(*ctx, CDO_ITEM_CHANGED_FUNC, i)->name, fn))
			it = cdo_result_item(*ctx, CDO_ITEM_CHANGED_FUNC, i);
	assert_non_null(it);
	assert_non_null(it->source);
	return it->source;
}

/*
 * Diff the pair; the source of changed function @fn, whose only changed
 * line must be @want.  With @call, the line must call it through
 * inlining (cdo_source.calls, at depth 1, declared on line @call_decl of
 * the same file).
 */
static void check_line_calls(const char *name, const char *orig, const char *patched,
			     const char *fn, uint32_t want, const char *call, uint32_t call_decl)
{
	const struct cdo_source *src;
	struct cdo_ctx *ctx;
	size_t k;
	bool found = false;

	src = diff_source(name, orig, patched, fn, &ctx);
	for (k = 0; k < src->n_changed_lines; k++)
		if (src->changed_lines[k] != want)
			fail_msg("%s: line %u reported changed, only %u changed", name,
				 src->changed_lines[k], want);
	assert_int_equal(src->n_changed_lines, 1);
	assert_int_equal(src->changed_lines[0], want);
	for (k = 0; k < src->n_calls; k++) {
		assert_int_equal(src->calls[k].line, want);
		/* a DWARF 5 decl_file is often an implicit_const: read it too */
		found |= src->calls[k].depth == 1 && call && !strcmp(src->calls[k].name, call) &&
			 src->calls[k].decl_line == call_decl &&
			 !strcmp(src->calls[k].file, src->file);
	}
	if (call && !found)
		fail_msg("%s: line %u does not name %s (%s:%u) among its %zu inlined calls", name,
			 want, call, src->file, call_decl, src->n_calls);
	cdo_free(ctx);
}

static void check_only_line(const char *name, const char *orig, const char *patched,
			    const char *fn, uint32_t want)
{
	check_line_calls(name, orig, patched, fn, want, NULL, 0);
}

static void test_compare_order(void **state)
{
	(void)state;
	check_only_line("compare", compare_orig, compare_patched, "compare", 10);
}

static void test_thunk_register(void **state)
{
	(void)state;
	check_only_line("thunk", thunk_orig, thunk_patched, "thunk", 8);
}

static void test_merged_constant(void **state)
{
	(void)state;
	check_only_line("constant", constant_orig, constant_patched, "constant", 8);
}

static void test_jump_to_cold_part(void **state)
{
	(void)state;
	check_only_line("cold", cold_orig, cold_patched, "cold", 8);
}

static void test_line_in_one_version(void **state)
{
	(void)state;
	check_only_line("line", line_orig, line_patched, "line", 12);
}

static void test_declarations_anchor(void **state)
{
	(void)state;
	check_only_line("decl", decl_orig, decl_patched, "use", 19);
}

static void test_folded_callee_result(void **state)
{
	(void)state;
	check_line_calls("fold", fold_orig, fold_patched, "user", 11, "is_ptr", 4);
}

/*
 * Diff the pair; changed function @fn must list @callee among its changed
 * inlined callees with @want, and bump() (changed, inlined in both) as
 * CDO_INLINING_SAME.
 */
static void check_inlining(const char *name, const char *orig, const char *patched,
			   const char *fn, const char *callee, enum cdo_inlining want)
{
	const struct cdo_source *src;
	struct cdo_ctx *ctx;
	size_t k;
	int seen = 0;

	src = diff_source(name, orig, patched, fn, &ctx);
	for (k = 0; k < src->n_inlined; k++) {
		const struct cdo_inlined *in = &src->inlined[k];

		if (!strcmp(in->name, callee)) {
			if (in->inlining != want)
				fail_msg("%s: %s is %d, not %d", name, callee, in->inlining, want);
			seen |= 1;
		} else if (!strcmp(in->name, "bump")) {
			assert_int_equal(in->inlining, CDO_INLINING_SAME);
			seen |= 2;
		}
	}
	if (seen != 3)
		fail_msg("%s: %s or bump missing from %zu inlined callees", name, callee,
			 src->n_inlined);
	cdo_free(ctx);
}

static void test_deleted_tail_stays_in_body(void **state)
{
	const struct cdo_source *src;
	struct cdo_ctx *ctx;
	size_t k;

	(void)state;
	src = diff_source("tail", tail_orig, tail_patched, "tail_fn", &ctx);
	assert_true(src->n_changed_lines > 0);
	for (k = 0; k < src->n_changed_lines; k++)
		if (src->changed_lines[k] < 4 || src->changed_lines[k] > 8)
			fail_msg("tail: line %u reported, outside tail_fn() (lines 4-8)",
				 src->changed_lines[k]);
	cdo_free(ctx);
}

static void test_uninlined_callee(void **state)
{
	(void)state;
	check_inlining("uninline", uninline_orig, uninline_patched, "user", "helper",
		       CDO_INLINING_UNINLINED);
}

static void test_newly_inlined_callee(void **state)
{
	(void)state;
	check_inlining("newly", uninline_patched, uninline_orig, "user", "helper",
		       CDO_INLINING_NEWLY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_order),
		cmocka_unit_test(test_thunk_register),
		cmocka_unit_test(test_merged_constant),
		cmocka_unit_test(test_jump_to_cold_part),
		cmocka_unit_test(test_line_in_one_version),
		cmocka_unit_test(test_declarations_anchor),
		cmocka_unit_test(test_folded_callee_result),
		cmocka_unit_test(test_deleted_tail_stays_in_body),
		cmocka_unit_test(test_uninlined_callee),
		cmocka_unit_test(test_newly_inlined_callee),
	};

	og_apply_filters();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
