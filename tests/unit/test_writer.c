// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the output writer (writer.c), through the public API.
 *
 * An original/patched pair is compiled with the kernel's flags at test
 * time; the output of cdo_diff()/cdo_write() is read back with our own
 * reader (which validates every index and offset), with readelf, and
 * with `ld -r`, and must not depend on the thread count.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "cdo/cdo.h"
#include "object.h"
#include "objgen.h"

/* The pair's unchanged end: stable() and the caller of all three. */
#define W_TAIL \
	"__attribute__((noinline)) int stable(int x)\n" \
	"{\n" \
	"	return x + 7 + helper_state;\n" \
	"}\n" \
	"\n" \
	"int entry(int x)\n" \
	"{\n" \
	"	return compute(x) + stable(x) + describe(x)[0];\n" \
	"}\n"

static const char orig_src[] =
	"int counter;\n"
	"static int helper_state = 3;\n"
	"\n"
	OG_SRC_CHANGED_ORIG
	"\n"
	W_TAIL;

static const char patched_src[] =
	"int counter;\n"
	"static int helper_state = 3;\n"
	"\n"
	OG_SRC_CHANGED_PATCHED
	"\n"
	W_TAIL;

static const char *const changed[] = { "compute", "describe" };
#define NCHANGED 2
#define FUNC_ENTRY 56	/* struct kpatch_patch_func */

static char tmpdir[PATH_MAX / 2];
static struct og_pair pair;

static int group_setup(void **state)
{
	(void)state;
	if (og_mkdtemp(tmpdir, sizeof(tmpdir), "test_writer"))
		return -1;
	return og_make_pair(tmpdir, "w", orig_src, patched_src, &pair);
}

static int group_teardown(void **state)
{
	(void)state;
	og_rmrf(tmpdir);
	return 0;
}

static struct cdo_ctx *new_ctx(unsigned int threads)
{
	/* parallel_min_bytes 1: even these small objects go through the pool */
	CDO_OPTS(opts, .threads = threads, .parallel_min_bytes = 1, .parent_name = "vmlinux",
		 .parent_symtab = pair.symtab, .symvers = "/dev/null");
	struct cdo_ctx *ctx = cdo_new(&opts);

	assert_non_null(ctx);
	return ctx;
}

/* Diff the pair and write @out; returns the cdo_write() status. */
static int diff_and_write(unsigned int threads, const char *out)
{
	struct cdo_ctx *ctx = new_ctx(threads);
	int err = cdo_diff(ctx, pair.orig, pair.patched);

	if (err)
		print_error("cdo_diff: %s\n", cdo_errmsg(ctx));
	assert_int_equal(err, CDO_OK);
	err = cdo_write(ctx, out);
	if (err)
		print_error("cdo_write: %s\n", cdo_errmsg(ctx));
	cdo_free(ctx);
	return err;
}

static const char *output_path(void)
{
	static char path[PATH_MAX];
	static bool done;

	if (!done) {
		snprintf(path, sizeof(path), "%s/output.o", tmpdir);
		assert_int_equal(diff_and_write(2, path), CDO_OK);
		done = true;
	}
	return path;
}

static void load_ok(struct object *o, const char *path)
{
	struct errbuf eb = { 0 };
	int err;

	memset(o, 0, sizeof(*o));
	err = object_load(o, path, &eb);
	if (err)
		print_error("object_load(%s): %s\n", path, eb.msg);
	assert_int_equal(err, 0);
}

/* Our own reader accepts the output: every index, offset and string checks out. */
static void test_output_loads(void **state)
{
	struct object o;
	uint32_t i, j;

	(void)state;
	load_ok(&o, output_path());
	assert_int_equal(o.ehdr.e_type, ET_REL);
	assert_int_equal(o.ehdr.e_machine, EM_X86_64);
	for_each_section(&o, i) {
		const struct section *s = &o.secs[i];

		if (!s->is_rela)
			continue;
		assert_true(s->sh.sh_flags & SHF_INFO_LINK);
		assert_int_equal(s->sh.sh_link, o.symtab);
		for (j = 0; j < s->nrelas; j++) {
			assert_true(s->relas[j].sym < o.nsyms);
			assert_int_not_equal(s->relas[j].sym, 0);
		}
	}
	for (i = 0; i < NCHANGED; i++) {
		uint32_t y = object_find_symbol(&o, changed[i]);

		assert_int_not_equal(y, NONE);
		assert_int_equal(o.syms[y].type, STT_FUNC);
		assert_int_not_equal(o.syms[y].sec, NONE);
	}
	assert_int_not_equal(object_find_symbol(&o, "added"), NONE);
	assert_int_equal(object_find_symbol(&o, "stable"), NONE);
	assert_int_equal(object_find_section(&o, ".text.stable"), NONE);
	assert_int_equal(object_find_section(&o, ".text.entry"), NONE);
	object_free(&o);
}

/* Locals first, and .symtab's sh_info is the number of locals. */
static void test_symtab_locals_first(void **state)
{
	struct object o;
	uint32_t i, locals = 0;

	(void)state;
	load_ok(&o, output_path());
	for_each_symbol(&o, i)
		if (o.syms[i].bind == STB_LOCAL)
			locals++;
	assert_int_equal(o.secs[o.symtab].sh.sh_info, locals);
	for_each_symbol(&o, i) {
		if (i < locals)
			assert_int_equal(o.syms[i].bind, STB_LOCAL);
		else
			assert_int_not_equal(o.syms[i].bind, STB_LOCAL);
	}
	assert_int_equal(o.syms[0].sym.st_name, 0);
	assert_int_equal(o.syms[0].sym.st_info, 0);
	object_free(&o);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The relocation of @rs at @offset, or NULL. */
static const struct rela *rela_at(const struct object *o, uint32_t rs, uint64_t offset)
{
	uint32_t j;

	for (j = 0; j < o->secs[rs].nrelas; j++)
		if (o->secs[rs].relas[j].offset == offset)
			return &o->secs[rs].relas[j];
	return NULL;
}

/* A string a relocation points at, for targets in .kpatch.strings. */
static const char *kstring(const struct object *o, const struct rela *r)
{
	const struct symbol *t = &o->syms[r->sym];
	const struct section *s;
	uint64_t at;

	assert_int_not_equal(t->sec, NONE);
	s = &o->secs[t->sec];
	assert_string_equal(s->name, ".kpatch.strings");
	at = t->sym.st_value + (uint64_t)r->addend;
	assert_true(at < s->size);
	assert_non_null(memchr(s->data + at, 0, s->size - at));
	return (const char *)s->data + at;
}

/*
 * .kpatch.funcs has one 56-byte entry per changed function, with a
 * relocation to the function at new_addr (offset 0) and to its name and
 * object name in .kpatch.strings (offsets 40 and 48).
 */
static void test_kpatch_funcs(void **state)
{
	struct object o;
	uint32_t fs, rs, i;
	bool seen[NCHANGED] = { false };

	(void)state;
	load_ok(&o, output_path());
	fs = object_find_section(&o, ".kpatch.funcs");
	assert_int_not_equal(fs, NONE);
	assert_int_equal(o.secs[fs].size, FUNC_ENTRY * NCHANGED);
	rs = o.secs[fs].rela;
	assert_int_not_equal(rs, NONE);
	assert_string_equal(o.secs[rs].name, ".rela.kpatch.funcs");
	assert_int_equal(o.secs[rs].nrelas, 3 * NCHANGED);
	for (i = 0; i < NCHANGED; i++) {
		const struct rela *fn = rela_at(&o, rs, i * FUNC_ENTRY);
		const struct rela *name = rela_at(&o, rs, i * FUNC_ENTRY + 40);
		const struct rela *objname = rela_at(&o, rs, i * FUNC_ENTRY + 48);
		const struct symbol *f;
		unsigned int k;

		assert_non_null(fn);
		assert_non_null(name);
		assert_non_null(objname);
		assert_int_equal(fn->type, R_X86_64_64);
		assert_int_equal(name->type, R_X86_64_64);
		assert_int_equal(objname->type, R_X86_64_64);
		f = &o.syms[fn->sym];
		assert_int_equal(f->type, STT_FUNC);
		assert_int_equal(fn->addend, 0);
		for (k = 0; k < NCHANGED; k++)
			if (!strcmp(f->name, changed[k]))
				break;
		assert_true(k < NCHANGED);
		assert_false(seen[k]);
		seen[k] = true;
		assert_string_equal(kstring(&o, name), f->name);
		assert_string_equal(kstring(&o, objname), "vmlinux");
		/* new_size is the patched function's size */
		assert_int_equal(get64(o.secs[fs].data + i * FUNC_ENTRY + 8), f->sym.st_size);
	}
	object_free(&o);
}

static void test_readelf_clean(void **state)
{
	int st;
	char *out;

	(void)state;
	out = og_capture(&st, "readelf -a -W '%s' 2>&1", output_path());
	assert_non_null(out);
	if (st != 0 || strstr(out, "Warning") || strstr(out, "Error"))
		print_error("%s\n", out);
	assert_int_equal(st, 0);
	assert_null(strstr(out, "Warning"));
	assert_null(strstr(out, "Error"));
	free(out);
}

static void test_ld_relocatable(void **state)
{
	(void)state;
	assert_int_equal(og_sh("ld -r -o '%s/relinked.o' '%s'", tmpdir, output_path()), 0);
}

/* The same inputs give the same bytes, whatever the thread count. */
static void test_thread_count_invariant(void **state)
{
	static const unsigned int threads[] = { 1, 2, 4, 8 };
	uint8_t *first = NULL;
	size_t first_size = 0;
	unsigned int t;

	(void)state;
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		char name[64];
		const char *path;
		uint8_t *b;
		size_t size = 0;

		snprintf(name, sizeof(name), "out-j%u.o", threads[t]);
		path = og_path(tmpdir, name);
		assert_int_equal(diff_and_write(threads[t], path), CDO_OK);
		b = og_read(path, &size);
		assert_non_null(b);
		if (!first) {
			first = b;
			first_size = size;
			continue;
		}
		if (size != first_size || memcmp(b, first, size))
			print_error("output with %u threads differs from 1 thread\n", threads[t]);
		assert_int_equal(size, first_size);
		assert_memory_equal(b, first, size);
		free(b);
	}
	free(first);
}

/* Writing the same diff twice gives the same file. */
static void test_write_twice(void **state)
{
	struct cdo_ctx *ctx = new_ctx(2);
	const char *a = og_path(tmpdir, "twice-a.o");
	const char *b = og_path(tmpdir, "twice-b.o");
	uint8_t *da, *db;
	size_t na, nb;

	(void)state;
	assert_int_equal(cdo_diff(ctx, pair.orig, pair.patched), CDO_OK);
	assert_int_equal(cdo_write(ctx, a), CDO_OK);
	assert_int_equal(cdo_write(ctx, b), CDO_OK);
	cdo_free(ctx);
	da = og_read(a, &na);
	db = og_read(b, &nb);
	assert_non_null(da);
	assert_non_null(db);
	assert_int_equal(na, nb);
	assert_memory_equal(da, db, na);
	free(da);
	free(db);
}

/* A new file gets 0664 less the umask, as upstream's creat() gives. */
static void test_file_mode(void **state)
{
	struct stat st;
	mode_t mask = umask(022);

	(void)state;
	umask(mask);
	assert_int_equal(stat(output_path(), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0664 & ~mask);
}

static void test_write_into_missing_dir(void **state)
{
	struct cdo_ctx *ctx = new_ctx(1);
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-dir/out.o", tmpdir);
	assert_int_equal(cdo_diff(ctx, pair.orig, pair.patched), CDO_OK);
	assert_int_equal(cdo_write(ctx, path), CDO_ERR_IO);
	assert_non_null(strstr(cdo_errmsg(ctx), path));
	assert_false(og_exists(path));
	assert_int_equal(og_count_prefix(tmpdir, "no-such-dir"), 0);
	cdo_free(ctx);
}

/*
 * The final rename fails (the target is a non-empty directory) after the
 * temporary file was written: it must be removed again.
 */
static void test_failed_rename_leaves_nothing(void **state)
{
	struct cdo_ctx *ctx = new_ctx(1);
	char dir[PATH_MAX];
	const char *path;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/rename", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	path = og_path(dir, "out.o");
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(og_write_text(og_path(path, "keep"), "x"), 0);
	assert_int_equal(cdo_diff(ctx, pair.orig, pair.patched), CDO_OK);
	assert_int_equal(cdo_write(ctx, path), CDO_ERR_IO);
	assert_non_null(strstr(cdo_errmsg(ctx), path));
	assert_int_equal(og_count_prefix(dir, "out.o.tmp"), 0);
	assert_true(og_exists(og_path(path, "keep")));
	cdo_free(ctx);
}

/* A successful write replaces an existing file in one step. */
static void test_replaces_existing(void **state)
{
	const char *path = og_path(tmpdir, "existing.o");
	uint8_t *b;
	size_t n;

	(void)state;
	assert_int_equal(og_write_text(path, "stale"), 0);
	assert_int_equal(diff_and_write(1, path), CDO_OK);
	b = og_read(path, &n);
	assert_non_null(b);
	assert_true(n > 64);
	assert_memory_equal(b, ELFMAG, SELFMAG);
	free(b);
	assert_int_equal(og_count_prefix(tmpdir, "existing.o.tmp"), 0);
}

static void test_write_without_diff(void **state)
{
	struct cdo_ctx *ctx = new_ctx(1);
	const char *path = og_path(tmpdir, "nodiff.o");

	(void)state;
	assert_int_equal(cdo_write(ctx, path), CDO_ERR_STATE);
	assert_true(strlen(cdo_errmsg(ctx)) > 0);
	assert_false(og_exists(path));
	/* after a failed diff, too */
	assert_int_equal(cdo_diff(ctx, pair.orig, og_path(tmpdir, "missing.o")), CDO_ERR_IO);
	assert_int_equal(cdo_write(ctx, path), CDO_ERR_STATE);
	assert_false(og_exists(path));
	cdo_free(ctx);
}

static void test_no_change(void **state)
{
	struct cdo_ctx *ctx = new_ctx(2);
	const char *path = og_path(tmpdir, "nochange.o");

	(void)state;
	assert_int_equal(cdo_diff(ctx, pair.orig, pair.orig), CDO_ERR_NOCHANGE);
	assert_int_equal(cdo_result_count(ctx, CDO_ITEM_CHANGED_FUNC), 0);
	assert_int_equal(cdo_write(ctx, path), CDO_ERR_STATE);
	assert_false(og_exists(path));
	assert_int_equal(og_count_prefix(tmpdir, "nochange.o"), 0);
	cdo_free(ctx);
}

static void test_write_null_path(void **state)
{
	struct cdo_ctx *ctx = new_ctx(1);

	(void)state;
	assert_int_equal(cdo_write(NULL, "x"), CDO_ERR_USAGE);
	assert_int_equal(cdo_diff(ctx, pair.orig, pair.patched), CDO_OK);
	assert_int_equal(cdo_write(ctx, NULL), CDO_ERR_USAGE);
	cdo_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_loads),
		cmocka_unit_test(test_symtab_locals_first),
		cmocka_unit_test(test_kpatch_funcs),
		cmocka_unit_test(test_readelf_clean),
		cmocka_unit_test(test_ld_relocatable),
		cmocka_unit_test(test_thread_count_invariant),
		cmocka_unit_test(test_write_twice),
		cmocka_unit_test(test_file_mode),
		cmocka_unit_test(test_write_into_missing_dir),
		cmocka_unit_test(test_failed_rename_leaves_nothing),
		cmocka_unit_test(test_replaces_existing),
		cmocka_unit_test(test_write_without_diff),
		cmocka_unit_test(test_no_change),
		cmocka_unit_test(test_write_null_path),
	};

	og_apply_filters();
	return cmocka_run_group_tests_name("writer", tests, group_setup, group_teardown);
}
