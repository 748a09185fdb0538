// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the debug-info reading: the ELF view (synthetic section
 * addresses, refusing bad input), struct sizes from DWARF 4 and 5, the
 * line table, and the source of a changed function through the API.
 * Objects are compiled at test time with gcc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cdo/cdo.h"
#include "debuginfo.h"
#include "dwarfelf.h"
#include "objgen.h"

static char tmpdir[PATH_MAX];
static struct og_pair pair, nodebug, moved;
static char types5[PATH_MAX], types4[PATH_MAX];

/* The kernel's layouts (x86-64), one object of each so DWARF has them. */
static const char types_src[] =
	"struct bug_entry { int bug_addr_disp, file_disp; unsigned short line, flags; };\n"
	"struct exception_table_entry { int insn, fixup, handler; };\n"
	"struct jump_entry { int code, target; long key; };\n"
	"struct alt_instr { int instr_offset, repl_offset; unsigned short cpuid;\n"
	"	unsigned char instrlen, replacementlen; } __attribute__((packed));\n"
	"struct paravirt_patch_site { unsigned char *instr; unsigned char type, len; };\n"
	"struct orc_entry { short sp_offset, bp_offset; unsigned sp_reg:4, bp_reg:4, type:2,\n"
	"	end:1; } __attribute__((packed));\n"
	"struct static_call_site { int addr, key; };\n"
	"struct pi_entry { const char *fmt, *func, *file; unsigned int line;\n"
	"	const char *level, *subsys_fmt_prefix; } __attribute__((packed));\n"
	"struct bug_entry a; struct exception_table_entry b; struct jump_entry c;\n"
	"struct alt_instr d; struct paravirt_patch_site e; struct orc_entry f;\n"
	"struct static_call_site g; struct pi_entry h;\n"
	"int first(int x) { return x + 1; }\n"
	"int second(int x) { return x * 3; }\n";

/* Line 3 changes; clamp() is inlined into use(). */
static const char pair_orig[] =
	"static inline int clamp(int v)\n"
	"{\n"
	"	return v > 100 ? 100 : v;\n"
	"}\n"
	"\n"
	"int use(int v)\n"
	"{\n"
	"	return clamp(v) + 1;\n"
	"}\n";

static const char pair_patched[] =
	"static inline int clamp(int v)\n"
	"{\n"
	"	return v > 200 ? 200 : v;\n"
	"}\n"
	"\n"
	"int use(int v)\n"
	"{\n"
	"	return clamp(v) + 1;\n"
	"}\n";

/*
 * The branch on line 12 is marked unlikely, and a comment pushes the
 * lines below it down by one: gcc lays the two arms out the other way
 * round, so the code of lines 13, 15 and 18 moves, and the function's
 * tail with it, but only line 12 computes anything new.
 */
static const char moved_orig[] =
	"extern int helper_x(int);\n"
	"extern int helper_y(int);\n"
	"extern int helper_z(int, int);\n"
	"extern int limit;\n"
	"\n"
	"int work(int a, int b, int c)\n"
	"{\n"
	"	int r = helper_z(a, c);\n"
	"	int s = helper_z(b, c);\n"
	"\n"
	"	if (a > b)\n"
	"		r += helper_x(a) * s;\n"
	"	else\n"
	"		r -= helper_y(b) + s;\n"
	"	if (r > limit)\n"
	"		r = limit;\n"
	"	return r + b * c + s;\n"
	"}\n";

static const char moved_patched[] =
	"extern int helper_x(int);\n"
	"extern int helper_y(int);\n"
	"extern int helper_z(int, int);\n"
	"extern int limit;\n"
	"\n"
	"int work(int a, int b, int c)\n"
	"{\n"
	"	int r = helper_z(a, c);\n"
	"	int s = helper_z(b, c);\n"
	"\n"
	"	/* the first arm is rare */\n"
	"	if (__builtin_expect(a > b, 0))\n"
	"		r += helper_x(a) * s;\n"
	"	else\n"
	"		r -= helper_y(b) + s;\n"
	"	if (r > limit)\n"
	"		r = limit;\n"
	"	return r + b * c + s;\n"
	"}\n";

/*
 * Calls inlined from several places: gcc's DWARF 5 gives the abbreviation
 * of those with DW_AT_ranges a DW_AT_call_file of DW_FORM_implicit_const.
 */
static const char calls_src[] =
	"int flag;\n"
	"static inline __attribute__((always_inline)) int h1(int v) { return v * 3 + flag; }\n"
	"static inline __attribute__((always_inline)) int h2(int v) { return h1(v) ^ 5; }\n"
	"int f1(int v) { return h2(v) + h1(v + 1); }\n"
	"int f2(int v) { return h2(v - 1) + h1(v * 2); }\n"
	"int f3(int v) { return h2(v + 7) - h1(v); }\n"
	"int f4(int v) { return h2(v) * h2(v + 1); }\n";
static char calls5[PATH_MAX];

static int build_pair_of(const char *name, const char *flags, const char *orig,
			 const char *patched, struct og_pair *p)
{
	return og_make_pair_as(tmpdir, name, "pair.c", flags, orig, patched, p);
}

static int build_pair(const char *name, const char *flags, struct og_pair *p)
{
	return build_pair_of(name, flags, pair_orig, pair_patched, p);
}

static int group_setup(void **state)
{
	(void)state;
	if (og_mkdtemp(tmpdir, sizeof(tmpdir), "test_dwarf"))
		return -1;
	if (snprintf(types5, sizeof(types5), "%s/types5.o", tmpdir) >= (int)sizeof(types5) ||
	    snprintf(types4, sizeof(types4), "%s/types4.o", tmpdir) >= (int)sizeof(types4))
		return -1;
	if (snprintf(calls5, sizeof(calls5), "%s/calls5.o", tmpdir) >= (int)sizeof(calls5) ||
	    og_compile(tmpdir, "c5", "calls.c", calls_src, "-O2 -gdwarf-5", "calls5.o"))
		return -1;
	if (og_compile(tmpdir, "t5", "types.c", types_src, OG_KFLAGS " -g", "types5.o") ||
	    og_compile(tmpdir, "t4", "types.c", types_src, OG_KFLAGS " -gdwarf-4", "types4.o"))
		return -1;
	if (build_pair("pair", OG_KFLAGS " -g", &pair) ||
	    build_pair("nodebug", OG_KFLAGS, &nodebug) ||
	    build_pair_of("moved", OG_KFLAGS " -g", moved_orig, moved_patched, &moved))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	og_rmrf(tmpdir);
	return 0;
}

static void check_sizes(const char *path)
{
	static const uint32_t want[DI_NSTRUCTS] = { 12, 12, 16, 12, 16, 6, 8, 44 };
	const struct di_request rq = { .sizes = (1u << DI_NSTRUCTS) - 1 };
	struct errbuf eb = { 0 };
	struct debuginfo di;
	struct delf e;
	int k;

	assert_int_equal(delf_open_file(&e, path, &eb), 0);
	assert_int_equal(debuginfo_read(&di, &e, &rq, &eb), 0);
	assert_true(di.has_info);
	for (k = 0; k < DI_NSTRUCTS; k++) {
		if (di.sizes[k] != want[k])
			fail_msg("%s: struct %s: %u, want %u", path, di_struct_name(k), di.sizes[k],
				 want[k]);
	}
	debuginfo_free(&di);
	delf_close(&e);
}

static void test_sizes_dwarf5(void **state)
{
	(void)state;
	check_sizes(types5);
}

static void test_sizes_dwarf4(void **state)
{
	(void)state;
	check_sizes(types4);
}

/* Two functions of an -ffunction-sections object get addresses of their own. */
static void test_synthetic_addresses(void **state)
{
	const struct di_request rq = { .code = true };
	struct errbuf eb = { 0 };
	struct debuginfo di;
	struct delf e;
	size_t k, found = 0;
	uint64_t a[2] = { 0, 0 };

	(void)state;
	assert_int_equal(delf_open_file(&e, types5, &eb), 0);
	assert_int_equal(debuginfo_read(&di, &e, &rq, &eb), 0);
	for (k = 0; k < di.nfuncs; k++) {
		if (di.funcs[k].name && !strcmp(di.funcs[k].name, "first"))
			a[0] = di.funcs[k].lo, found++;
		if (di.funcs[k].name && !strcmp(di.funcs[k].name, "second"))
			a[1] = di.funcs[k].lo, found++;
	}
	assert_int_equal(found, 2);
	assert_true(a[0] && a[1] && a[0] != a[1]);
	/* each function's start has a line: 15 and 16 of types.c */
	assert_non_null(debuginfo_line_at(&di, a[0]));
	assert_int_equal(debuginfo_line_at(&di, a[0])->line, 15);
	assert_int_equal(debuginfo_line_at(&di, a[1])->line, 16);
	assert_string_equal(di.files[debuginfo_line_at(&di, a[0])->file], "types.c");
	debuginfo_free(&di);
	delf_close(&e);
}

/* Every inlined call has its call site's file, whatever the form. */
static void test_implicit_const_call_file(void **state)
{
	const struct di_request rq = { .code = true };
	struct errbuf eb = { 0 };
	struct debuginfo di;
	struct delf e;
	size_t k, lines = 0;

	(void)state;
	assert_int_equal(delf_open_file(&e, calls5, &eb), 0);
	assert_int_equal(debuginfo_read(&di, &e, &rq, &eb), 0);
	assert_true(di.ninlined > 0);
	for (k = 0; k < di.ninlined; k++) {
		const struct di_code *c = &di.inlined[k];

		if (c->call_file >= di.nfiles || c->file >= di.nfiles)
			fail_msg("inlined %s at line %u: call file %u, declared in file %u of %u",
				 c->name ? c->name : "?", c->call_line, c->call_file, c->file,
				 di.nfiles);
		assert_string_equal(di.files[c->call_file], "calls.c");
		assert_string_equal(di.files[c->file], "calls.c");
		lines += c->call_line >= 3 && c->call_line <= 7;
	}
	assert_int_equal(lines, di.ninlined);
	debuginfo_free(&di);
	delf_close(&e);
}

static void test_bad_elf(void **state)
{
	unsigned char elf32[64] = { 0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1 };
	struct errbuf eb = { 0 };
	struct delf e;
	uint8_t *b;
	size_t n = 0;

	(void)state;
	assert_int_equal(delf_open_mem(&e, "elf32.o", elf32, sizeof(elf32), &eb),
			 CDO_ERR_UNSUPPORTED);
	/* the shared ELF view's words, after the file's name */
	assert_string_equal(eb.msg, "elf32.o: not a 64-bit ELF file (class 1)");
	err_clear(&eb);
	assert_int_equal(delf_open_mem(&e, "short.o", elf32, 3, &eb), CDO_ERR_MALFORMED);
	assert_non_null(strstr(eb.msg, "short.o: "));
	/* a section running past the end of the file */
	b = og_read(types5, &n);
	assert_non_null(b);
	err_clear(&eb);
	assert_int_equal(delf_open_mem(&e, "cut.o", b, n / 2, &eb), CDO_ERR_MALFORMED);
	assert_non_null(strstr(eb.msg, "cut.o: "));
	free(b);
}

static struct cdo_ctx *ctx_for(const struct og_pair *p, unsigned int dwarf)
{
	CDO_OPTS(opts, .threads = 2, .parent_name = "vmlinux", .parent_symtab = p->symtab,
		 .dwarf = dwarf);
	struct cdo_ctx *ctx = cdo_new(&opts);

	assert_non_null(ctx);
	assert_int_equal(cdo_diff(ctx, p->orig, p->patched), CDO_OK);
	return ctx;
}

static const struct cdo_item *item(struct cdo_ctx *ctx, const char *name)
{
	size_t i;

	for (i = 0; i < cdo_result_count(ctx, CDO_ITEM_CHANGED_FUNC); i++)
		if (!strcmp(cdo_result_item(ctx, CDO_ITEM_CHANGED_FUNC, i)->name, name))
			return cdo_result_item(ctx, CDO_ITEM_CHANGED_FUNC, i);
	return NULL;
}

static void test_source_of_change(void **state)
{
	struct cdo_ctx *ctx = ctx_for(&pair, CDO_DWARF_SOURCE);
	const struct cdo_item *it = item(ctx, "use");
	const struct cdo_source *src;

	(void)state;
	assert_non_null(it);
	src = it->source;
	assert_non_null(src);
	assert_string_equal(src->file, "pair.c");
	assert_int_equal(src->first_line, 6);
	assert_int_equal(src->last_line, 9);
	/* the changed constant is on line 3, in clamp() inlined at line 8 */
	assert_int_equal(src->n_changed_lines, 1);
	assert_int_equal(src->changed_lines[0], 3);
	assert_int_equal(src->n_inlined, 1);
	assert_string_equal(src->inlined[0].name, "clamp");
	assert_string_equal(src->inlined[0].file, "pair.c");
	assert_int_equal(src->inlined[0].line, 1);
	assert_int_equal(src->inlined[0].call_line, 8);
	cdo_free(ctx);
}

/*
 * Each line's instructions are compared as a whole, wherever they sit,
 * with the original's lines taken past the comment the patch adds: the
 * arms that swapped places and the tail that moved are no change.
 */
static void test_moved_code(void **state)
{
	struct cdo_ctx *ctx = ctx_for(&moved, CDO_DWARF_SOURCE);
	const struct cdo_item *it = item(ctx, "work");
	const struct cdo_source *src;

	(void)state;
	assert_non_null(it);
	src = it->source;
	assert_non_null(src);
	assert_int_equal(src->first_line, 6);
	assert_int_equal(src->n_changed_lines, 1);
	assert_int_equal(src->changed_lines[0], 12);
	assert_int_equal(src->n_inlined, 0);
	cdo_free(ctx);
}

/* Not asked, or no debug info: no source, and the same result. */
static void test_no_source(void **state)
{
	struct cdo_ctx *ctx = ctx_for(&pair, 0);
	const struct cdo_struct_size *sz;

	(void)state;
	assert_non_null(item(ctx, "use"));
	assert_null(item(ctx, "use")->source);
	assert_int_equal(cdo_result_struct_sizes(ctx, &sz), DI_NSTRUCTS);
	assert_string_equal(sz[0].type, "bug_entry");
	assert_string_equal(sz[0].variable, "BUG_STRUCT_SIZE");
	assert_int_equal(sz[0].origin, CDO_SIZE_UNKNOWN);
	cdo_free(ctx);
	ctx = ctx_for(&nodebug, CDO_DWARF_SOURCE);
	assert_non_null(item(ctx, "use"));
	assert_null(item(ctx, "use")->source);
	cdo_free(ctx);
	assert_int_equal(cdo_result_struct_sizes(NULL, &sz), 0);
	assert_null(sz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_dwarf5),
		cmocka_unit_test(test_sizes_dwarf4),
		cmocka_unit_test(test_synthetic_addresses),
		cmocka_unit_test(test_implicit_const_call_file),
		cmocka_unit_test(test_bad_elf),
		cmocka_unit_test(test_source_of_change),
		cmocka_unit_test(test_moved_code),
		cmocka_unit_test(test_no_source),
	};

	og_apply_filters();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
