// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the parent symbol table index (parent.c).  Every test
 * runs four times: with normal hash indexes or with every index forced
 * into a single bucket, so that chains of unrelated keys are exercised;
 * each with symtab lines read at fixed places where they can be, and
 * with every line read field by field.
 */
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "parent.h"

static char tmpdir[PATH_MAX / 2];

static int group_setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_parent.XXXXXX", base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* How a test opens its tables: index buckets, and how symtab lines are read. */
struct mode {
	uint32_t buckets;
	unsigned int flags;
};

static uint32_t buckets_of(void **state)
{
	return ((const struct mode *)*state)->buckets;
}

static unsigned int flags_of(void **state)
{
	return ((const struct mode *)*state)->flags;
}

/* Write @text to a file named @name in the test directory; return its path. */
static const char *put_file(const char *name, const char *text)
{
	static char paths[8][PATH_MAX];
	static unsigned int next;
	char *path = paths[next++ % 8];
	FILE *f;

	snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static struct parent *open_ok(void **state, const char *symtab, const char *symvers,
			      const char *pname)
{
	struct errbuf eb = { 0 };
	struct parent *p = NULL;
	const char *st = put_file("symtab", symtab);
	const char *sv = symvers ? put_file("Module.symvers", symvers) : NULL;
	int ret = parent_open_buckets(&p, st, sv, pname, buckets_of(state), flags_of(state), &eb);

	if (ret)
		fail_msg("parent_open: %d %s", ret, eb.msg);
	assert_non_null(p);
	return p;
}

/* Open expecting failure; return the status and leave the message in @eb. */
static int open_fail(void **state, const char *symtab, const char *symvers, struct errbuf *eb)
{
	struct parent *p = (struct parent *)1;
	const char *st = put_file("symtab", symtab);
	const char *sv = symvers ? put_file("Module.symvers", symvers) : NULL;
	int ret;

	memset(eb, 0, sizeof(*eb));
	ret = parent_open_buckets(&p, st, sv, "vmlinux", buckets_of(state), flags_of(state), eb);
	assert_true(ret < 0);
	assert_null(p);
	assert_int_equal(eb->status, ret);
	return ret;
}

static void assert_msg_has(const struct errbuf *eb, const char *needle)
{
	if (!strstr(eb->msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", eb->msg, needle);
}

static long match(const struct parent *p, const char *file, const char *const *names,
		  size_t n, const unsigned char *types, struct errbuf *eb)
{
	struct parent_file_query q = {
		.file_name = file, .local_names = names, .n_locals = n, .local_types = types,
	};

	memset(eb, 0, sizeof(*eb));
	return parent_match_file(p, &q, eb);
}

static long match_ok(const struct parent *p, const char *file, const char *const *names, size_t n)
{
	struct errbuf eb;
	long b = match(p, file, names, n, NULL, &eb);

	if (b < 0)
		fail_msg("match %s: %ld %s", file, b, eb.msg);
	return b;
}

static int lookup(const struct parent *p, long block, const char *name, struct parent_sym *s,
		  struct errbuf *eb)
{
	memset(eb, 0, sizeof(*eb));
	return parent_lookup(p, block, name, s, eb);
}

static void lookup_ok(const struct parent *p, long block, const char *name, struct parent_sym *s)
{
	struct errbuf eb;
	int ret = lookup(p, block, name, s, &eb);

	if (ret != 1)
		fail_msg("lookup %s in block %ld: %d %s", name, block, ret, eb.msg);
}

#define HDR \
	"\n" \
	"Symbol table '.symtab' contains 30 entries:\n" \
	"   Num:    Value          Size Type    Bind   Vis      Ndx Name\n" \
	"     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n"

/*
 * Two FILE blocks named a.c and one b.c, all with a static foo; a NOTYPE
 * local foo before the first FILE; globals, one of them sharing a name
 * with b.c's static helper and one with a.c's counter.
 */
static const char basic_symtab[] =
	HDR
	"     1: ffffffff81000000     0 SECTION LOCAL  DEFAULT    1 .text\n"
	"     2: ffffffff81000500     0 NOTYPE  LOCAL  DEFAULT    1 foo\n"
	"     3: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS a.c\n"
	"     4: ffffffff81002000    32 FUNC    LOCAL  DEFAULT    1 foo\n"
	"     5: ffffffff81003000     8 OBJECT  LOCAL  DEFAULT    3 counter\n"
	"     6: ffffffff81003008     0 NOTYPE  LOCAL  DEFAULT    3 .Lmarker\n"
	"     7: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS b.c\n"
	"     8: ffffffff81001000    16 FUNC    LOCAL  DEFAULT    1 foo\n"
	"     9: ffffffff81001100    16 FUNC    LOCAL  DEFAULT    1 helper\n"
	"    10: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS a.c\n"
	"    11: ffffffff81004000    64 FUNC    LOCAL  DEFAULT    1 foo\n"
	"    12: ffffffff81004100    64 FUNC    LOCAL  DEFAULT    1 other\n"
	"    13: ffffffff81005000 0x186a0 FUNC    GLOBAL DEFAULT    1 big_func\n"
	"    14: ffffffff81006000    10 FUNC    GLOBAL DEFAULT    1 exported_func\n"
	"    15: ffffffff81006100    12 FUNC    GLOBAL DEFAULT    1 helper\n"
	"    16: ffffffff81006200     4 OBJECT  WEAK   DEFAULT    3 weak_obj\n"
	"    17: ffffffff81000100     8 OBJECT  GLOBAL DEFAULT    3 counter\n"
	"    18: 0000000000000000     0 NOTYPE  GLOBAL DEFAULT  UND undefined_sym\n"
	"    19: ffffffff81007000     0 NOTYPE  GLOBAL DEFAULT    1\n"
	"    20: ffffffff81008000    88 FUNC    GLOBAL DEFAULT [<localentry>: 8]     1 ppc_func\n"
	"    21: ffffffff81009000    32 FUNC    GLOBAL DEFAULT [VARIANT_PCS]     1 pcs_func\n"
	"    22: ffffffff8100a000 012 OBJECT  GLOBAL DEFAULT    3 octal_size\n";

static const char basic_symvers[] =
	"0x12345678\texported_func\tvmlinux\tEXPORT_SYMBOL\t\n"
	"0x23456789\tmodule_func\tdrivers/net/foo-bar\tEXPORT_SYMBOL_GPL\t\n"
	"0x3456789a\tvm_only\tvmlinux\tEXPORT_SYMBOL\tSOME_NS\n";

static void test_blocks_and_sympos(void **state)
{
	struct parent *p = open_ok(state, basic_symtab, basic_symvers, "vmlinux");
	static const char *const a1[] = { "foo", "counter" };
	static const char *const b[] = { "helper", "foo" };
	static const char *const a2[] = { "other", "foo", "foo" };
	struct parent_sym s;

	assert_int_equal(parent_block_count(p), 3);
	assert_string_equal(parent_name(p), "vmlinux");
	assert_int_equal(match_ok(p, "a.c", a1, 2), 0);
	assert_int_equal(match_ok(p, "b.c", b, 2), 1);
	assert_int_equal(match_ok(p, "a.c", a2, 3), 2);

	/* LOCAL foo at ...0500, ...1000, ...2000, ...4000 in the whole table */
	lookup_ok(p, 0, "foo", &s);
	assert_int_equal(s.addr, 0xffffffff81002000ull);
	assert_int_equal(s.size, 32);
	assert_int_equal(s.sympos, 3);
	assert_int_equal(s.global, 0);
	assert_int_equal(s.exported, 0);
	assert_int_equal(s.bind, STB_LOCAL);
	assert_int_equal(s.type, STT_FUNC);
	assert_string_equal(s.objname, "vmlinux");

	lookup_ok(p, 1, "foo", &s);
	assert_int_equal(s.addr, 0xffffffff81001000ull);
	assert_int_equal(s.sympos, 2);
	lookup_ok(p, 2, "foo", &s);
	assert_int_equal(s.addr, 0xffffffff81004000ull);
	assert_int_equal(s.sympos, 4);

	/* the global counter has a lower address but does not count */
	lookup_ok(p, 0, "counter", &s);
	assert_int_equal(s.sympos, 1);
	assert_int_equal(s.type, STT_OBJECT);

	/* NOTYPE locals are found too */
	lookup_ok(p, 0, ".Lmarker", &s);
	assert_int_equal(s.addr, 0xffffffff81003008ull);
	assert_int_equal(s.type, STT_NOTYPE);

	parent_close(p);
}

static void test_precedence(void **state)
{
	struct parent *p = open_ok(state, basic_symtab, basic_symvers, "vmlinux");
	struct parent_sym s;
	struct errbuf eb;

	/* local in the block wins over the global of the same name */
	lookup_ok(p, 1, "helper", &s);
	assert_int_equal(s.global, 0);
	assert_int_equal(s.addr, 0xffffffff81001100ull);
	assert_int_equal(s.sympos, 1);

	/* not in this block (or no block): the global */
	lookup_ok(p, 0, "helper", &s);
	assert_int_equal(s.global, 1);
	assert_int_equal(s.exported, 0);
	assert_int_equal(s.sympos, 0);
	assert_int_equal(s.addr, 0xffffffff81006100ull);
	assert_int_equal(s.size, 12);
	assert_int_equal(s.bind, STB_GLOBAL);
	lookup_ok(p, -1, "helper", &s);
	assert_int_equal(s.global, 1);
	lookup_ok(p, -1, "counter", &s);
	assert_int_equal(s.global, 1);
	assert_int_equal(s.addr, 0xffffffff81000100ull);

	/* no block: locals are never found */
	assert_int_equal(lookup(p, -1, "foo", &s, &eb), 0);
	assert_int_equal(lookup(p, -1, "other", &s, &eb), 0);
	assert_null(s.objname);

	/* global and exported: the symtab's data, objname the parent */
	lookup_ok(p, 2, "exported_func", &s);
	assert_int_equal(s.global, 1);
	assert_int_equal(s.exported, 1);
	assert_int_equal(s.addr, 0xffffffff81006000ull);
	assert_string_equal(s.objname, "vmlinux");

	/* weak counts as global */
	lookup_ok(p, -1, "weak_obj", &s);
	assert_int_equal(s.global, 1);
	assert_int_equal(s.bind, STB_WEAK);
	assert_int_equal(s.type, STT_OBJECT);

	/* only in Module.symvers */
	lookup_ok(p, 0, "module_func", &s);
	assert_int_equal(s.global, 1);
	assert_int_equal(s.exported, 1);
	assert_int_equal(s.addr, 0);
	assert_int_equal(s.size, 0);
	assert_int_equal(s.sympos, 0);
	assert_string_equal(s.objname, "foo_bar");
	lookup_ok(p, -1, "vm_only", &s);
	assert_string_equal(s.objname, "vmlinux");
	assert_int_equal(parent_is_exported(p, "vm_only"), 1);
	assert_int_equal(parent_is_exported(p, "helper"), 0);

	/* UND entries are not in the table */
	assert_int_equal(lookup(p, -1, "undefined_sym", &s, &eb), 0);
	assert_int_equal(lookup(p, 0, "nothing_at_all", &s, &eb), 0);
	assert_int_equal(eb.status, CDO_OK);

	/* bad arguments */
	assert_int_equal(lookup(p, 3, "foo", &s, &eb), CDO_ERR_USAGE);
	assert_int_equal(lookup(p, -2, "foo", &s, &eb), CDO_ERR_USAGE);
	assert_int_equal(lookup(p, 0, NULL, &s, &eb), CDO_ERR_USAGE);

	parent_close(p);
}

static void test_size_name_annotations(void **state)
{
	struct parent *p = open_ok(state, basic_symtab, NULL, "vmlinux");
	struct parent_sym s;

	lookup_ok(p, -1, "big_func", &s);
	assert_int_equal(s.size, 100000);
	lookup_ok(p, -1, "octal_size", &s);
	assert_int_equal(s.size, 10);	/* strtoul base 0, as upstream */

	/* a missing name is the empty name */
	lookup_ok(p, -1, "", &s);
	assert_int_equal(s.addr, 0xffffffff81007000ull);
	assert_int_equal(s.type, STT_NOTYPE);

	/* st_other annotations between Vis and Ndx are skipped */
	lookup_ok(p, -1, "ppc_func", &s);
	assert_int_equal(s.addr, 0xffffffff81008000ull);
	assert_int_equal(s.size, 88);
	lookup_ok(p, -1, "pcs_func", &s);
	assert_int_equal(s.size, 32);

	/* no symvers: nothing is exported */
	lookup_ok(p, -1, "exported_func", &s);
	assert_int_equal(s.exported, 0);

	parent_close(p);
}

static void test_duplicates(void **state)
{
	static const char symtab[] =
		HDR
		"     1: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS c.c\n"
		"     2: 0000000000001000     4 OBJECT  LOCAL  DEFAULT    3 x\n"
		"     3: 0000000000002000     4 FUNC    LOCAL  DEFAULT    1 x\n"
		"     4: 0000000000003000     4 FUNC    GLOBAL DEFAULT    1 g\n"
		"     5: 0000000000004000     4 FUNC    WEAK   DEFAULT    1 g\n"
		"     6: 0000000000005000     4 FUNC    GLOBAL DEFAULT    1 twice_exported\n";
	static const char symvers[] =
		"0x1\te\tvmlinux\tEXPORT_SYMBOL\t\n"
		"0x2\te\tfs/ext4/ext4\tEXPORT_SYMBOL\t\n"
		"0x3\ttwice_exported\tvmlinux\tEXPORT_SYMBOL\t\n"
		"0x4\ttwice_exported\tvmlinux\tEXPORT_SYMBOL\t\n";
	static const char *const locals[] = { "x" };
	static const unsigned char types[] = { STT_OBJECT };
	struct parent *p = open_ok(state, symtab, symvers, "vmlinux");
	struct parent_sym s;
	struct errbuf eb;
	long b;

	/* x is FUNC and OBJECT in the table: matching by name or by (type, name) */
	b = match(p, "c.c", locals, 1, NULL, &eb);
	assert_int_equal(b, 0);
	b = match(p, "c.c", locals, 1, types, &eb);
	assert_int_equal(b, CDO_ERR_UNSUPPORTED);	/* the table's FUNC x is missing */

	assert_int_equal(lookup(p, 0, "x", &s, &eb), CDO_ERR_UNSUPPORTED);
	assert_string_equal(eb.msg, "duplicate local symbol found for x");
	assert_int_equal(lookup(p, -1, "g", &s, &eb), CDO_ERR_UNSUPPORTED);
	assert_string_equal(eb.msg, "duplicate global symbol found for g");
	assert_int_equal(lookup(p, -1, "e", &s, &eb), CDO_ERR_UNSUPPORTED);
	assert_string_equal(eb.msg, "duplicate exported symbol found for e");

	/* a global listed twice in symvers is just "exported" */
	lookup_ok(p, -1, "twice_exported", &s);
	assert_int_equal(s.exported, 1);
	assert_int_equal(s.global, 1);

	parent_close(p);
}

static const char match_symtab[] =
	HDR
	"     1: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS m.c\n"
	"     2: 0000000000001000     4 FUNC    LOCAL  DEFAULT    1 f1\n"
	"     3: 0000000000001100     4 OBJECT  LOCAL  DEFAULT    3 v1\n"
	"     4: 0000000000001200     8 OBJECT  LOCAL  DEFAULT    3 __addressable_f1\n"
	"     5: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS m.c\n"
	"     6: 0000000000002000     4 FUNC    LOCAL  DEFAULT    1 f1\n"
	"     7: 0000000000002100     4 OBJECT  LOCAL  DEFAULT    3 v2\n"
	"     8: 0000000000002200     0 NOTYPE  LOCAL  DEFAULT    1 .Lnot_counted\n"
	"     9: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS empty.c\n"
	"    10: 0000000000003000     0 NOTYPE  LOCAL  DEFAULT    1 .Lx\n"
	"    11: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS empty.c\n"
	"    12: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS dup.c\n"
	"    13: 0000000000004000     4 FUNC    LOCAL  DEFAULT    1 d\n"
	"    14: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS dup.c\n"
	"    15: 0000000000005000     4 FUNC    LOCAL  DEFAULT    1 d\n"
	"    16: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS typed.c\n"
	"    17: 0000000000006000     4 OBJECT  LOCAL  DEFAULT    3 t\n"
	"    18: 0000000000006100     4 FUNC    GLOBAL DEFAULT    1 not_a_local\n"
	"    19: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS nolocal.c\n"
	"    20: 0000000000007000     4 FUNC    LOCAL  DEFAULT    1 z\n"
	"    21: 0000000000007100     4 FUNC    GLOBAL DEFAULT    1 last_global\n";

static void test_match_file(void **state)
{
	struct parent *p = open_ok(state, match_symtab, NULL, "fancy_mod");
	static const char *const m_v2[] = { "f1", "v2" };
	static const char *const m_v1_addr[] = { "f1", "v1", "__addressable_f1" };
	static const char *const m_v1[] = { "f1", "v1" };
	static const char *const m_v2_uid[] = { "__UNIQUE_ID_ddebug123", "f1", "v2",
						".L.str.7", "__exitcall_bye" };
	static const char *const m_f1[] = { "f1" };
	static const char *const discarded_only[] = { "__UNIQUE_ID_a1", "__trace_check_x" };
	static const char *const d[] = { "d" };
	static const char *const t[] = { "t" };
	static const unsigned char t_func[] = { STT_FUNC };
	static const unsigned char t_obj[] = { STT_OBJECT };
	static const char *const typed_mix[] = { "t", "helper" };
	static const unsigned char typed_mix_types[] = { STT_OBJECT, STT_NOTYPE };
	static const char *const extra[] = { "d", "extra" };
	struct parent_sym s;
	struct errbuf eb;

	assert_int_equal(match_ok(p, "m.c", m_v2, 2), 1);
	/* the table's maybe-discarded locals still have to be in the object */
	assert_int_equal(match_ok(p, "m.c", m_v1_addr, 3), 0);
	assert_int_equal(match(p, "m.c", m_v1, 2, NULL, &eb), CDO_ERR_UNSUPPORTED);
	assert_string_equal(eb.msg,
		"couldn't find matching m.c local symbols in fancy_mod symbol table");
	/* the object's maybe-discarded locals may be missing from the table */
	assert_int_equal(match_ok(p, "m.c", m_v2_uid, 5), 1);
	assert_int_equal(match(p, "m.c", m_f1, 1, NULL, &eb), CDO_ERR_UNSUPPORTED);

	/* no locals: the first candidate, without a duplicate check */
	assert_int_equal(match_ok(p, "empty.c", NULL, 0), 2);
	assert_int_equal(match_ok(p, "empty.c", discarded_only, 2), 2);

	/* two identical blocks */
	assert_int_equal(match(p, "dup.c", d, 1, NULL, &eb), CDO_ERR_UNSUPPORTED);
	assert_string_equal(eb.msg,
		"found duplicate matches for dup.c local symbols in fancy_mod symbol table");
	assert_int_equal(match(p, "dup.c", NULL, 0, NULL, &eb), CDO_ERR_UNSUPPORTED);
	assert_msg_has(&eb, "couldn't find matching dup.c");
	assert_int_equal(match(p, "dup.c", extra, 2, NULL, &eb), CDO_ERR_UNSUPPORTED);
	assert_msg_has(&eb, "couldn't find matching dup.c");

	/* types */
	assert_int_equal(match(p, "typed.c", t, 1, t_func, &eb), CDO_ERR_UNSUPPORTED);
	assert_int_equal(match(p, "typed.c", t, 1, t_obj, &eb), 6);
	assert_int_equal(match(p, "typed.c", t, 1, NULL, &eb), 6);
	/* non FUNC/OBJECT query entries do not take part */
	assert_int_equal(match(p, "typed.c", typed_mix, 2, typed_mix_types, &eb), 6);

	assert_int_equal(match(p, "nolocal.c", NULL, 0, NULL, &eb), CDO_ERR_UNSUPPORTED);
	assert_int_equal(match(p, "missing.c", NULL, 0, NULL, &eb), CDO_ERR_UNSUPPORTED);
	assert_msg_has(&eb, "couldn't find matching missing.c local symbols in fancy_mod");

	/* the last block runs to the end of the table; globals are not locals */
	lookup_ok(p, 7, "z", &s);
	assert_int_equal(s.addr, 0x7000);
	assert_string_equal(s.objname, "fancy_mod");
	lookup_ok(p, 7, "last_global", &s);
	assert_int_equal(s.global, 1);

	assert_int_equal(match(p, NULL, NULL, 0, NULL, &eb), CDO_ERR_USAGE);
	parent_close(p);
}

/*
 * A zero-size static alone in an empty section (lockdep's __key with
 * lockdep off) is dropped by the linker with its section: a table without
 * it must still match, as measured on real 6.1 objects.
 */
static void test_match_empty_static(void **state)
{
	struct parent *p = open_ok(state, match_symtab, NULL, "vmlinux");
	static const char *const with_key[] = { "f1", "v2", "__key.12" };
	static const unsigned char types[] = { STT_FUNC, STT_OBJECT, STT_OBJECT };
	static const bool empty[] = { false, false, true };
	static const bool none_empty[] = { false, false, false };
	struct parent_file_query q = {
		.file_name = "m.c", .local_names = with_key, .n_locals = 3, .local_types = types,
	};
	struct errbuf eb;

	/* without the flag, the missing __key.12 keeps every m.c block from matching */
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_match_file(p, &q, &eb), CDO_ERR_UNSUPPORTED);
	assert_msg_has(&eb, "couldn't find matching m.c local symbols in vmlinux symbol table");
	q.local_empty = none_empty;
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_match_file(p, &q, &eb), CDO_ERR_UNSUPPORTED);
	/* flagged as empty, it is not required, and the right block is found */
	q.local_empty = empty;
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_match_file(p, &q, &eb), 1);
	/* it still cannot stand in for a table local the object lacks */
	q.n_locals = 1;
	q.local_names = (const char *const[]){ "__key.12" };
	q.local_types = (const unsigned char[]){ STT_OBJECT };
	q.local_empty = (const bool[]){ true };
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_match_file(p, &q, &eb), CDO_ERR_UNSUPPORTED);
	parent_close(p);
}

static void test_long_names(void **state)
{
	char name[401], other[360], *symtab;
	static const char *names[1];
	struct parent_sym s;
	struct parent *p;
	size_t n = sizeof(HDR) + 4 * 512;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, "static_", 7);
	memset(other, 'g', 350);
	other[350] = '\0';
	symtab = malloc(n + sizeof(name) + 2 * sizeof(other));
	assert_non_null(symtab);
	snprintf(symtab, n + sizeof(name) + 2 * sizeof(other),
		 HDR
		 "     1: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS %s.c\n"
		 "     2: 0000000000001000     4 FUNC    LOCAL  DEFAULT    1 %s\n"
		 "     3: 0000000000002000   123 FUNC    GLOBAL DEFAULT    1 %s\n",
		 other, name, other);
	p = open_ok(state, symtab, NULL, "vmlinux");
	free(symtab);

	names[0] = name;
	strcat(other, ".c");
	assert_int_equal(match_ok(p, other, names, 1), 0);
	other[strlen(other) - 2] = '\0';
	lookup_ok(p, 0, name, &s);
	assert_int_equal(s.addr, 0x1000);
	assert_int_equal(s.sympos, 1);
	lookup_ok(p, 0, other, &s);
	assert_int_equal(s.size, 123);
	assert_int_equal(s.global, 1);
	/* a prefix of a long name is another name */
	name[300] = '\0';
	assert_int_equal(lookup(p, 0, name, &s, &(struct errbuf){ 0 }), 0);
	parent_close(p);
}

/* Entries keep 24 bits of name length: the longest name fits, one more byte is refused. */
static void test_name_limit(void **state)
{
	const size_t max = (1u << 24) - 1;
	const char *line = "     1: 0000000000001000     4 FUNC    GLOBAL DEFAULT    1 ";
	size_t hl = strlen(HDR), ll = strlen(line);
	char *symtab = malloc(hl + ll + max + 3);
	struct parent_sym s;
	struct errbuf eb;
	struct parent *p;

	assert_non_null(symtab);
	memcpy(symtab, HDR, hl);
	memcpy(symtab + hl, line, ll);
	memset(symtab + hl + ll, 'x', max);
	strcpy(symtab + hl + ll + max, "\n");
	p = open_ok(state, symtab, NULL, "vmlinux");
	symtab[hl + ll + max] = '\0';
	assert_int_equal(lookup(p, -1, symtab + hl + ll, &s, &eb), 1);
	assert_int_equal(s.addr, 0x1000);
	parent_close(p);

	strcpy(symtab + hl + ll + max, "x\n");
	assert_int_equal(open_fail(state, symtab, NULL, &eb), CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "/symtab:5: symbol name longer than 16777215 bytes");
	free(symtab);
}

static void test_dynsym_skipped(void **state)
{
	static const char symtab[] =
		"\n"
		"Symbol table '.dynsym' contains 7 entries:\n"
		"   Num:    Value          Size Type    Bind   Vis      Ndx Name\n"
		"     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n"
		"     1: 0000000000001000     8 FUNC    GLOBAL DEFAULT    1 shared\n"
		"     2: 0000000000001000     8 TLS     GLOBAL DEFAULT    1 ignored_tls\n"
		/* valid lines, so that a piece starting here parses without error */
		"     3: 0000000000003000     8 FUNC    GLOBAL DEFAULT    1 dyn_only_a\n"
		"     4: 0000000000003008     8 FUNC    GLOBAL DEFAULT    1 dyn_only_b\n"
		"     5: 0000000000003010     8 FUNC    GLOBAL DEFAULT    1 dyn_only_c\n"
		"     6: 0000000000003018     8 FUNC    GLOBAL DEFAULT    1 dyn_only_d\n"
		"\n"
		"Symbol table '.symtab' contains 3 entries:\n"
		"   Num:    Value          Size Type    Bind   Vis      Ndx Name\n"
		"     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n"
		"     1: 0000000000001000     8 FUNC    GLOBAL DEFAULT    1 shared\n"
		"     2: 0000000000000000     0 TLS     GLOBAL DEFAULT  UND und_tls\n";
	struct parent *p = open_ok(state, symtab, "", "vmlinux");
	struct parent_sym s;
	struct errbuf eb;

	lookup_ok(p, -1, "shared", &s);
	assert_int_equal(s.addr, 0x1000);
	assert_int_equal(lookup(p, -1, "ignored_tls", &s, &eb), 0);
	assert_int_equal(lookup(p, -1, "dyn_only_c", &s, &eb), 0);
	assert_int_equal(lookup(p, -1, "dyn_only_d", &s, &eb), 0);
	assert_int_equal(lookup(p, -1, "und_tls", &s, &eb), 0);
	assert_int_equal(parent_block_count(p), 0);
	parent_close(p);
}

static void test_symvers_columns(void **state)
{
	/* 5.4-style: namespace before the module; first line is a module's */
	static const char ns_before[] =
		"0x00000001\tmod_first\t\tdrivers/scsi/my-driver\tEXPORT_SYMBOL\n"
		"0x00000002\tkern_sym\tMY_NS\tvmlinux\tEXPORT_SYMBOL_GPL\n"
		"0x00000003\tmod_sym\tMY_NS\t/abs/path/to/ext-mod\tEXPORT_SYMBOL\n";
	/* old style; a symbol named vmlinux* on the deciding line: last column wins */
	static const char old_style[] =
		"0x00000001\tvmlinux_probe\tvmlinux\tEXPORT_SYMBOL\n"
		"0x00000002\tm\tnet/foo/a-b-c\tEXPORT_SYMBOL\n";
	/*
	 * Upstream's quirk, replicated: a module symbol named vmlinux* on the
	 * first line makes column 1 the module column.
	 */
	static const char quirk[] =
		"0x00000001\tvmlinux_helper\tfs/ext4/ext4\tEXPORT_SYMBOL\t\n"
		"0x00000002\tkern_sym\tvmlinux\tEXPORT_SYMBOL\t\n";
	struct parent_sym s;
	struct parent *p;

	p = open_ok(state, basic_symtab, ns_before, "vmlinux");
	lookup_ok(p, -1, "mod_first", &s);
	assert_string_equal(s.objname, "my_driver");
	lookup_ok(p, -1, "kern_sym", &s);
	assert_string_equal(s.objname, "vmlinux");
	lookup_ok(p, -1, "mod_sym", &s);
	assert_string_equal(s.objname, "ext_mod");
	parent_close(p);

	p = open_ok(state, basic_symtab, old_style, "vmlinux");
	lookup_ok(p, -1, "vmlinux_probe", &s);
	assert_string_equal(s.objname, "vmlinux");
	lookup_ok(p, -1, "m", &s);
	assert_string_equal(s.objname, "a_b_c");
	parent_close(p);

	p = open_ok(state, basic_symtab, quirk, "vmlinux");
	lookup_ok(p, -1, "vmlinux_helper", &s);
	assert_string_equal(s.objname, "vmlinux_helper");
	lookup_ok(p, -1, "kern_sym", &s);
	assert_string_equal(s.objname, "kern_sym");
	parent_close(p);

	/* a module parent: exports from itself are klp-relocated, objname module */
	p = open_ok(state, basic_symtab, basic_symvers, "foo_bar");
	lookup_ok(p, -1, "exported_func", &s);
	assert_string_equal(s.objname, "foo_bar");
	assert_int_equal(s.exported, 1);
	parent_close(p);

	/* blank lines are skipped */
	p = open_ok(state, basic_symtab, "\n0x1\tkern_sym\tvmlinux\tEXPORT_SYMBOL\n\n", "vmlinux");
	lookup_ok(p, -1, "kern_sym", &s);
	assert_string_equal(s.objname, "vmlinux");
	parent_close(p);
}

static void test_symvers_empty(void **state)
{
	struct errbuf eb = { 0 };
	struct parent_sym s;
	struct parent *p;

	p = open_ok(state, basic_symtab, "", "vmlinux");
	assert_int_equal(lookup(p, -1, "module_func", &s, &eb), 0);
	parent_close(p);

	p = open_ok(state, basic_symtab, "\n\n", "vmlinux");
	assert_int_equal(lookup(p, -1, "module_func", &s, &eb), 0);
	parent_close(p);

	assert_int_equal(parent_open_buckets(&p, put_file("symtab", basic_symtab), "/dev/null",
					     "vmlinux", buckets_of(state), flags_of(state), &eb), 0);
	assert_int_equal(lookup(p, -1, "module_func", &s, &eb), 0);
	lookup_ok(p, -1, "exported_func", &s);
	assert_int_equal(s.exported, 0);
	parent_close(p);

	/* an empty symtab is a valid, empty table */
	p = open_ok(state, "", NULL, "vmlinux");
	assert_int_equal(parent_block_count(p), 0);
	assert_int_equal(lookup(p, -1, "x", &s, &eb), 0);
	parent_close(p);
}

static void test_symvers_malformed(void **state)
{
	struct errbuf eb;

	assert_int_equal(open_fail(state, basic_symtab,
				   "0x1\tsym\tfs/ext4/ext4\tEXPORT_SYMBOL\n", &eb),
			 CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "Module.symvers: invalid format");

	assert_int_equal(open_fail(state, basic_symtab,
				   "0x1\tsym\tvmlinux\tEXPORT_SYMBOL\n"
				   "0x2\tbroken\n", &eb),
			 CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "Module.symvers:2: missing module field");

	assert_int_equal(open_fail(state, basic_symtab,
				   "0x1\tsym\tvmlinux\tEXPORT_SYMBOL\n"
				   "0x2\t\tvmlinux\tEXPORT_SYMBOL\n", &eb),
			 CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "Module.symvers:2: missing symbol name field");
}

static void test_symtab_malformed(void **state)
{
	struct errbuf eb;
	struct parent *p = NULL;

	assert_int_equal(open_fail(state, HDR
		"     1: ffffffffzz000000     0 FUNC    LOCAL  DEFAULT    1 f\n", NULL, &eb),
		CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "/symtab:5: bad symbol value 'ffffffffzz000000'");

	/* every byte of the Value column is checked: the neighbours of 0-9, a-f, A-F */
	{
		static const char bad[] = "/:@G`g\x80\xff";
		char text[512], want[64];
		size_t i;

		for (i = 0; i < sizeof(bad) - 1; i++) {
			char value[17] = "ffffffff81000000";

			value[7 + i % 9] = bad[i];
			snprintf(text, sizeof(text), HDR
				 "     1: %s     4 FUNC    GLOBAL DEFAULT    1 fn_with_a_long_name\n",
				 value);
			assert_int_equal(open_fail(state, text, NULL, &eb), CDO_ERR_MALFORMED);
			snprintf(want, sizeof(want), "/symtab:5: bad symbol value");
			assert_msg_has(&eb, want);
		}
	}
	{
		struct parent_sym s;

		p = open_ok(state, HDR
			"     1: FFFFFFFF8100ABcd     4 FUNC    GLOBAL DEFAULT    1 fn_with_a_long_name\n"
			"     2: 0123456789abcdef     4 FUNC    GLOBAL DEFAULT    1 fn_with_another_name\n",
			NULL, "vmlinux");
		lookup_ok(p, -1, "fn_with_a_long_name", &s);
		assert_true(s.addr == 0xffffffff8100abcdull);
		lookup_ok(p, -1, "fn_with_another_name", &s);
		assert_true(s.addr == 0x0123456789abcdefull);
		parent_close(p);
		p = NULL;
	}

	assert_int_equal(open_fail(state, HDR
		"     1: ffffffffff000000 0x1g FUNC    LOCAL  DEFAULT    1 f\n", NULL, &eb),
		CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "/symtab:5: bad symbol size '0x1g'");

	assert_int_equal(open_fail(state, HDR
		"     1: ffffffffff000000 12ab FUNC    LOCAL  DEFAULT    1 f\n", NULL, &eb),
		CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "bad symbol size '12ab'");

	assert_int_equal(open_fail(state, HDR
		"     1: 0000000000001000    16 FUNC    LOCAL  DEFAULT    1 fine\n"
		"     2: 0000000000001000    16 FUNC    LOCAL", NULL, &eb),
		CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "/symtab:6: truncated symbol line");

	assert_int_equal(open_fail(state, HDR "    1:\n", NULL, &eb), CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "/symtab:5: truncated symbol line");

	assert_int_equal(open_fail(state, HDR
		"     1: 0000000000001000    16 FUNC    GLOBAL DEFAULT [<localentry>: 8  1 f\n",
		NULL, &eb), CDO_ERR_MALFORMED);
	assert_msg_has(&eb, "/symtab:5: unterminated");

	assert_int_equal(open_fail(state, HDR
		"     1: 00000000000010000    16 FUNC    LOCAL  DEFAULT    1 too_wide\n", NULL, &eb),
		CDO_ERR_MALFORMED);

	/* well-formed but not something upstream accepts */
	assert_int_equal(open_fail(state, HDR
		"     1: 0000000000000010     8 TLS     GLOBAL DEFAULT   20 tls_var\n", NULL, &eb),
		CDO_ERR_UNSUPPORTED);
	assert_msg_has(&eb, "/symtab:5: unknown symbol type TLS");
	assert_int_equal(open_fail(state, HDR
		"     1: 0000000000000010     8 OBJECT  UNIQUE DEFAULT   20 u\n", NULL, &eb),
		CDO_ERR_UNSUPPORTED);
	assert_msg_has(&eb, "/symtab:5: unknown symbol bind UNIQUE");

	/* unreadable */
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_open(&p, "/nonexistent/symtab", NULL, "vmlinux", &eb),
			 CDO_ERR_IO);
	assert_null(p);
	assert_msg_has(&eb, "/nonexistent/symtab: ");
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_open(&p, put_file("symtab", basic_symtab), "/nonexistent/sv",
				     "vmlinux", &eb), CDO_ERR_IO);
	assert_null(p);
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_open(&p, NULL, NULL, "vmlinux", &eb), CDO_ERR_USAGE);
	parent_close(NULL);
}

/* Many same-named statics in many same-named files, to stress chains. */
static void test_many_statics(void **state)
{
	enum { FILES = 200 };
	size_t cap = FILES * 3 * 100 + 512, len;
	char *symtab = malloc(cap), local[32];
	const char *names[2];
	struct parent_sym s;
	struct parent *p;
	int i, line = 1;

	assert_non_null(symtab);
	len = (size_t)snprintf(symtab, cap, HDR);
	/* file i has statics "dup" (at a descending address) and "only_<i>" */
	for (i = 0; i < FILES; i++) {
		len += (size_t)snprintf(symtab + len, cap - len,
			"%6d: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS same.c\n"
			"%6d: %016x     4 FUNC    LOCAL  DEFAULT    1 dup\n"
			"%6d: %016x     4 OBJECT  LOCAL  DEFAULT    3 only_%d\n",
			line, line + 1, 0x100000 - i * 0x10, line + 2, 0x200000 + i, i);
		line += 3;
	}
	p = open_ok(state, symtab, NULL, "vmlinux");
	free(symtab);

	names[0] = "dup";
	names[1] = local;
	for (i = 0; i < FILES; i++) {
		snprintf(local, sizeof(local), "only_%d", i);
		assert_int_equal(match_ok(p, "same.c", names, 2), i);
		lookup_ok(p, i, "dup", &s);
		/* addresses descend with i, so the last file's dup is first */
		assert_int_equal(s.sympos, FILES - i);
		lookup_ok(p, i, local, &s);
		assert_int_equal(s.sympos, 1);
	}
	parent_close(p);
}

/*
 * Differential test: random tables full of repeated names, compared with
 * a plain linear-scan model of the lookup rules written from the spec.
 */
struct model_sym {
	uint64_t addr, size;
	int type, bind;
	char name[24];
};

struct model_exp {
	char name[24];
	char objname[24];
};

static uint64_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rnd_state >> 33) % n;
}

static const char *const pool[] = {
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
	"__UNIQUE_ID_u0", "__addressable_a1", "e0", "e1",
};

static bool model_discarded(const char *n)
{
	return strstr(n, "__UNIQUE_ID_") || strstr(n, "__addressable_");
}

static bool model_is_fo(int type)
{
	return type == STT_FUNC || type == STT_OBJECT;
}

/* Is (type, name) LOCAL in the table block starting after FILE entry @f? */
static bool model_block_has(const struct model_sym *t, int n, int f, int type,
			    const char *name, bool skip_discarded)
{
	int i;

	for (i = f + 1; i < n && t[i].type != STT_FILE; i++) {
		if (t[i].bind != STB_LOCAL || (skip_discarded && model_discarded(t[i].name)))
			continue;
		if (t[i].type == type && !strcmp(t[i].name, name))
			return true;
	}
	return false;
}

#define MODEL_DUP (-100)

static long model_match(const struct model_sym *t, int n, const char *file,
			const char *const *names, const unsigned char *types, size_t nq)
{
	long found = -1, block = -1;
	bool has_locals = false;
	size_t k;
	int f, i;

	for (k = 0; k < nq; k++)
		has_locals |= !model_discarded(names[k]);
	for (f = 0; f < n; f++) {
		bool ok = true;

		if (t[f].type != STT_FILE)
			continue;
		block++;
		if (strcmp(t[f].name, file))
			continue;
		for (i = f + 1; ok && i < n && t[i].type != STT_FILE; i++) {
			if (t[i].bind != STB_LOCAL || !model_is_fo(t[i].type))
				continue;
			ok = false;
			for (k = 0; k < nq; k++)
				if (types[k] == t[i].type && !strcmp(names[k], t[i].name))
					ok = true;
		}
		for (k = 0; ok && k < nq; k++)
			if (!model_discarded(names[k]))
				ok = model_block_has(t, n, f, types[k], names[k], true);
		if (!ok)
			continue;
		if (found >= 0)
			return MODEL_DUP;
		found = block;
		if (!has_locals)
			break;
	}
	return found >= 0 ? found : CDO_ERR_UNSUPPORTED;
}

static int model_lookup(const struct model_sym *t, int n, const struct model_exp *x, int nx,
			long block, const char *name, struct parent_sym *out)
{
	const struct model_sym *hit = NULL;
	long b = -1;
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; block >= 0 && i < n; i++) {
		if (t[i].type == STT_FILE) {
			if (b == block)
				break;
			b++;
			continue;
		}
		if (b != block || t[i].bind != STB_LOCAL || strcmp(t[i].name, name))
			continue;
		if (hit)
			return CDO_ERR_UNSUPPORTED;
		hit = &t[i];
	}
	if (block >= 0 && hit) {
		out->addr = hit->addr;
		out->size = hit->size;
		for (i = 0; i < n; i++)
			out->sympos += t[i].bind == STB_LOCAL && !strcmp(t[i].name, name) &&
				       t[i].addr <= hit->addr;
		out->objname = "vmlinux";
		out->bind = STB_LOCAL;
		out->type = hit->type;
		return 1;
	}
	hit = NULL;
	for (i = 0; i < n; i++) {
		if (t[i].bind == STB_LOCAL || strcmp(t[i].name, name))
			continue;
		if (hit)
			return CDO_ERR_UNSUPPORTED;
		hit = &t[i];
	}
	if (hit) {
		out->addr = hit->addr;
		out->size = hit->size;
		out->global = 1;
		for (i = 0; i < nx; i++)
			out->exported |= !strcmp(x[i].name, name);
		out->objname = "vmlinux";
		out->bind = hit->bind;
		out->type = hit->type;
		return 1;
	}
	for (i = 0; i < nx; i++) {
		if (strcmp(x[i].name, name))
			continue;
		if (out->objname)
			return CDO_ERR_UNSUPPORTED;
		out->objname = x[i].objname;
	}
	if (!out->objname)
		return 0;
	out->global = out->exported = 1;
	out->bind = STB_GLOBAL;
	return 1;
}

static void test_random_vs_model(void **state)
{
	enum { ROUNDS = 40, N = 160, NX = 5 };
	static const char *const files[] = { "f0.c", "f1.c", "f2.c" };
	static const char *const mods[] = { "vmlinux", "drivers/x/my-mod", "vmlinux" };
	static const char *const tnames[] = { "NOTYPE", "OBJECT", "FUNC" };
	static const char *const bnames[] = { "LOCAL", "GLOBAL", "WEAK" };
	static struct model_sym t[N];
	static struct model_exp x[NX];
	static char symtab[N * 100 + 256], symvers[NX * 64];
	int round;

	rnd_state = 42;
	for (round = 0; round < ROUNDS; round++) {
		int i, nblocks = 0, q;
		size_t len;
		struct parent *p;

		len = (size_t)snprintf(symtab, sizeof(symtab), HDR);
		for (i = 0; i < N; i++) {
			if (rnd(8) == 0) {
				t[i] = (struct model_sym){ .type = STT_FILE, .bind = STB_LOCAL };
				strcpy(t[i].name, files[rnd(3)]);
				nblocks++;
			} else {
				t[i].type = (int)rnd(3);
				t[i].bind = rnd(8) ? STB_LOCAL : (int)rnd(2) + STB_GLOBAL;
				/* few addresses, so ties and reordering are common */
				t[i].addr = 0x1000 + rnd(16) * 0x10;
				t[i].size = rnd(3) ? rnd(100) : 0x100000 + rnd(100);
				/* e0 and e1 are left to Module.symvers */
				strcpy(t[i].name, pool[rnd(10)]);
			}
			len += (size_t)snprintf(symtab + len, sizeof(symtab) - len,
				t[i].size >= 0x100000 ?
				"%6d: %016llx 0x%llx %-7s %-6s DEFAULT  %3s %s\n" :
				"%6d: %016llx %5llu %-7s %-6s DEFAULT  %3s %s\n",
				i + 1, (unsigned long long)t[i].addr, (unsigned long long)t[i].size,
				t[i].type == STT_FILE ? "FILE" : tnames[t[i].type],
				bnames[t[i].bind], t[i].type == STT_FILE ? "ABS" : "1", t[i].name);
		}
		len = 0;
		for (i = 0; i < NX; i++) {
			const char *mod = mods[i ? rnd(3) : 0];

			strcpy(x[i].name, pool[4 + rnd(8)]);
			strcpy(x[i].objname, strcmp(mod, "vmlinux") ? "my_mod" : "vmlinux");
			len += (size_t)snprintf(symvers + len, sizeof(symvers) - len,
						"0x%08x\t%s\t%s\tEXPORT_SYMBOL\t\n", i, x[i].name, mod);
		}
		p = open_ok(state, symtab, symvers, "vmlinux");

		for (q = 0; q < 60; q++) {
			const char *names[N + 2];
			unsigned char types[N + 2];
			size_t nq = 0;
			const char *file = files[rnd(3)];
			struct parent_sym got, want;
			struct errbuf eb;
			long b = -1, mb;
			int f = -1, r, mr;

			/* take the locals of a random block of that name, then perturb */
			for (i = 0; i < N; i++) {
				if (t[i].type == STT_FILE) {
					b++;
					if (!strcmp(t[i].name, file) && (f < 0 || rnd(2)))
						f = i;
				}
			}
			for (i = f + 1; f >= 0 && i < N && t[i].type != STT_FILE; i++) {
				if (t[i].bind == STB_LOCAL && model_is_fo(t[i].type) && rnd(10)) {
					names[nq] = t[i].name;
					types[nq++] = (unsigned char)t[i].type;
				}
			}
			if (rnd(4) == 0) {
				names[nq] = pool[rnd(sizeof(pool) / sizeof(pool[0]))];
				types[nq++] = rnd(2) ? STT_FUNC : STT_OBJECT;
			}
			mb = model_match(t, N, file, names, types, nq);
			b = match(p, file, names, nq, types, &eb);
			if (mb == MODEL_DUP) {
				assert_int_equal(b, CDO_ERR_UNSUPPORTED);
				assert_msg_has(&eb, "found duplicate matches");
				mb = b;
			} else if (mb < 0) {
				assert_msg_has(&eb, "couldn't find matching");
			}
			if (b != mb)
				fail_msg("round %d: match %s: got %ld want %ld (%s)", round, file, b, mb,
					 eb.msg);

			/* look names up in the matched block, or a random one */
			if (b < 0)
				b = nblocks ? (long)rnd((uint32_t)nblocks + 1) - 1 : -1;
			for (i = 0; i < (int)(sizeof(pool) / sizeof(pool[0])); i++) {
				mr = model_lookup(t, N, x, NX, b, pool[i], &want);
				r = lookup(p, b, pool[i], &got, &eb);
				if (r != mr)
					fail_msg("round %d: lookup %s in %ld: got %d want %d (%s)", round,
						 pool[i], b, r, mr, eb.msg);
				if (r != 1)
					continue;
				assert_int_equal(got.addr, want.addr);
				assert_int_equal(got.size, want.size);
				assert_int_equal(got.sympos, want.sympos);
				assert_int_equal(got.global, want.global);
				assert_int_equal(got.exported, want.exported);
				assert_int_equal(got.bind, want.bind);
				assert_int_equal(got.type, want.type);
				assert_string_equal(got.objname, want.objname);
			}
		}
		parent_close(p);
	}
}


/*
 * A FILE entry opens a block whatever its binding; indexing once recorded
 * the start of LOCAL ones only, and matching read an unset start (a heap
 * overflow found by fuzz_diff).
 */
static const char global_file_symtab[] =
	HDR
	"     1: 0000000000000000     0 FILE    GLOBAL DEFAULT  ABS g.c\n"
	"     2: 0000000000001000     4 FUNC    LOCAL  DEFAULT    1 gf\n"
	"     3: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS m.c\n"
	"     4: 0000000000002000     4 FUNC    LOCAL  DEFAULT    1 mf\n"
	"     5: 0000000000000000     0 FILE    WEAK   DEFAULT  ABS w.c\n";

static void test_global_file_block(void **state)
{
	struct parent *p = open_ok(state, global_file_symtab, NULL, "vmlinux");
	static const char *const gf[] = { "gf" };
	static const char *const mf[] = { "mf" };
	struct parent_sym s;

	assert_int_equal(parent_block_count(p), 3);
	assert_int_equal(match_ok(p, "g.c", gf, 1), 0);
	assert_int_equal(match_ok(p, "m.c", mf, 1), 1);
	assert_int_equal(match_ok(p, "w.c", NULL, 0), 2);
	lookup_ok(p, 0, "gf", &s);
	assert_int_equal(s.addr, 0x1000);
	parent_close(p);
}

/* Repeated query locals count once: the match counts distinct locals. */
static void test_match_repeated_locals(void **state)
{
	struct parent *p = open_ok(state, match_symtab, NULL, "vmlinux");
	static const char *const twice[] = { "f1", "v2", "f1", "v2", "v2" };

	assert_int_equal(match_ok(p, "m.c", twice, 5), 1);
	parent_close(p);
}

/*
 * Many blocks of one file name: each query walks them all, so the caller's
 * budget bounds the total and a query past it fails instead of running on.
 */
static void test_match_work_budget(void **state)
{
	static const char *const x[] = { "x" };
	size_t cap = 4096 + 200 * 160, len;
	char *text = malloc(cap);
	struct parent_file_query q = { .file_name = "a.c", .local_names = x, .n_locals = 1 };
	struct errbuf eb;
	struct parent *p;
	uint64_t work;
	int i;

	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "%s", HDR);
	for (i = 0; i < 200; i++)
		len += (size_t)snprintf(text + len, cap - len,
			"%6d: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS a.c\n"
			"%6d: %016x     4 FUNC    LOCAL  DEFAULT    1 %s\n",
			2 * i + 1, 2 * i + 2, 0x1000 + i * 16, i == 150 ? "x" : "y");
	p = open_ok(state, text, NULL, "vmlinux");
	free(text);

	work = 1000;
	q.work = &work;
	memset(&eb, 0, sizeof(eb));
	assert_int_equal(parent_match_file(p, &q, &eb), 150);
	assert_true(work < 1000);

	work = 100;
	memset(&eb, 0, sizeof(eb));
	assert_true(parent_match_file(p, &q, &eb) < 0);
	assert_msg_has(&eb, "too many a.c FILE blocks");
	parent_close(p);
}

/*
 * Pieces cut a symtab of a few lines between almost every line, so FILE
 * blocks, errors and .dynsym headers fall on every side of a cut.
 */
static const struct mode normal = { 0, 0 }, one_bucket = { 1, 0 },
			 generic = { 0, PARENT_OPEN_GENERIC_LINES },
			 generic_one_bucket = { 1, PARENT_OPEN_GENERIC_LINES };

#define ALL_MODES(fn) \
	cmocka_unit_test_prestate(fn, (void *)&normal), \
	cmocka_unit_test_prestate(fn, (void *)&one_bucket), \
	cmocka_unit_test_prestate(fn, (void *)&generic), \
	cmocka_unit_test_prestate(fn, (void *)&generic_one_bucket)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ALL_MODES(test_blocks_and_sympos),
		ALL_MODES(test_precedence),
		ALL_MODES(test_size_name_annotations),
		ALL_MODES(test_duplicates),
		ALL_MODES(test_match_file),
		ALL_MODES(test_match_empty_static),
		ALL_MODES(test_long_names),
		ALL_MODES(test_name_limit),
		ALL_MODES(test_dynsym_skipped),
		ALL_MODES(test_symvers_columns),
		ALL_MODES(test_symvers_empty),
		ALL_MODES(test_symvers_malformed),
		ALL_MODES(test_symtab_malformed),
		ALL_MODES(test_many_statics),
		ALL_MODES(test_random_vs_model),
		ALL_MODES(test_global_file_block),
		ALL_MODES(test_match_repeated_locals),
		ALL_MODES(test_match_work_budget),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
