// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the ELF view (elf.c, cdo/elf.h): what it hands out from a
 * compiled object agrees with the raw file, a caller's buffer may sit at
 * any alignment, failures say what kind they are, and the relocation-offset
 * index finds what a walk over the raw relocations finds.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cdo/elf.h>

#include "objgen.h"

static const char source[] =
	"int counter;\n"
	"static const char *names[] = { \"one\", \"two\", \"three\" };\n"
	"struct op { const char *name; int (*fn)(int); };\n"
	"static int twice(int x) { return 2 * x + counter; }\n"
	"static int thrice(int x) { return 3 * x; }\n"
	"const struct op ops[] = { { \"twice\", twice }, { \"thrice\", thrice }, { 0, 0 } };\n"
	"const char *name(int i) { return names[i % 3]; }\n";

static char tmpdir[PATH_MAX / 2];
static char objpath[PATH_MAX];
static uint8_t *valid;
static size_t valid_size;

static int group_setup(void **state)
{
	(void)state;
	if (og_mkdtemp(tmpdir, sizeof(tmpdir), "test_elf"))
		return -1;
	if (og_compile(tmpdir, "src", "t.c", source, OG_UFLAGS, "t.o"))
		return -1;
	snprintf(objpath, sizeof(objpath), "%s/t.o", tmpdir);
	valid = og_read(objpath, &valid_size);
	return valid ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	free(valid);
	og_rmrf(tmpdir);
	return 0;
}

/* Everything the accessors hand out agrees with the raw file. */
static void check_view(const struct cdo_elf *e)
{
	size_t i, n;

	assert_int_equal(cdo_elf_nsections(e), og_ehdr(valid)->e_shnum);
	assert_int_equal(cdo_elf_header(e)->e_machine, EM_X86_64);
	assert_int_equal(cdo_elf_shstrndx(e), og_ehdr(valid)->e_shstrndx);
	assert_int_equal(cdo_elf_symtab(e), og_find_type(valid, SHT_SYMTAB));
	assert_int_equal(cdo_elf_strtab(e), og_shdr(valid, cdo_elf_symtab(e))->sh_link);
	for (i = 1; i < cdo_elf_nsections(e); i++) {
		const struct cdo_elf_section *s = cdo_elf_section(e, i);

		assert_memory_equal(&s->sh, og_shdr(valid, (unsigned int)i), sizeof(s->sh));
		assert_string_equal(s->name, og_secname(valid, (unsigned int)i));
	}
	n = og_shdr(valid, cdo_elf_symtab(e))->sh_size / sizeof(Elf64_Sym);
	assert_int_equal(cdo_elf_nsymbols(e), n);
	for (i = 0; i < n; i++) {
		const Elf64_Sym *raw = (const Elf64_Sym *)og_secdata(valid, cdo_elf_symtab(e)) + i;

		struct cdo_elf_symbol y;

		cdo_elf_symbol(e, i, &y);
		assert_memory_equal(&y.raw, raw, sizeof(*raw));
		assert_int_equal(y.shndx, raw->st_shndx);
		assert_int_equal(y.value, raw->st_value);
		if (i == (size_t)og_find_sym(valid, "counter")) {
			assert_string_equal(y.name, "counter");
			assert_int_equal(y.size, 4);
		}
	}
}

static void test_open_file(void **state)
{
	struct cdo_elf_error err;
	struct cdo_elf *e;

	(void)state;
	e = cdo_elf_open(objpath, &err);
	assert_non_null(e);
	check_view(e);
	cdo_elf_close(e);
	cdo_elf_close(NULL);
}

/* A caller's buffer at an odd address reads the same (no aligned loads). */
static void test_open_misaligned_buffer(void **state)
{
	uint8_t *buf = malloc(valid_size + 3);
	struct cdo_elf_error err;
	struct cdo_elf *e;
	const unsigned char *image;
	size_t size;

	(void)state;
	assert_non_null(buf);
	memcpy(buf + 3, valid, valid_size);
	e = cdo_elf_open_mem(buf + 3, valid_size, &err);
	assert_non_null(e);
	check_view(e);
	image = cdo_elf_image(e, &size);
	assert_ptr_equal(image, buf + 3);
	assert_int_equal(size, valid_size);
	cdo_elf_close(e);
	free(buf);
}

static void expect_fault(const void *buf, size_t size, enum cdo_elf_fault fault, const char *what)
{
	struct cdo_elf_error err;
	struct cdo_elf *e = cdo_elf_open_mem(buf, size, &err);

	if (e)
		print_error("%s: opened\n", what);
	assert_null(e);
	if (err.fault != fault || !err.msg[0] || strchr(err.msg, '\n'))
		print_error("%s: fault %d, message \"%s\"\n", what, err.fault, err.msg);
	assert_int_equal(err.fault, fault);
	assert_true(err.msg[0] != '\0');
	assert_null(strchr(err.msg, '\n'));
}

static void test_faults(void **state)
{
	uint8_t *b = malloc(valid_size);
	struct cdo_elf_error err;
	Elf64_Shdr *sh;
	int rs;

	(void)state;
	assert_non_null(b);
	assert_null(cdo_elf_open(og_path(tmpdir, "missing.o"), &err));
	assert_int_equal(err.fault, CDO_ELF_IO);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_null(cdo_elf_open(tmpdir, &err));
	assert_int_equal(err.fault, CDO_ELF_IO);
	assert_int_equal(err.sys_errno, EISDIR);

	expect_fault("", 0, CDO_ELF_MALFORMED, "empty");
	expect_fault("hello, world\n", 13, CDO_ELF_MALFORMED, "text");
	memcpy(b, valid, valid_size);
	b[EI_CLASS] = ELFCLASS32;
	expect_fault(b, valid_size, CDO_ELF_UNSUPPORTED, "32-bit");
	memcpy(b, valid, valid_size);
	b[EI_DATA] = ELFDATA2MSB;
	expect_fault(b, valid_size, CDO_ELF_UNSUPPORTED, "big-endian");
	expect_fault(valid, valid_size / 2, CDO_ELF_MALFORMED, "truncated");

	/* a relocation naming a symbol past the table */
	memcpy(b, valid, valid_size);
	rs = og_find_shdr(b, ".rela.data.rel.ro.local");
	if (rs < 0)
		rs = og_find_type(b, SHT_RELA);
	assert_true(rs > 0);
	((Elf64_Rela *)og_secdata(b, (unsigned int)rs))->r_info = ELF64_R_INFO(100000, R_X86_64_64);
	expect_fault(b, valid_size, CDO_ELF_MALFORMED, "relocation symbol");

	/*
	 * An empty relocation section still names the section it applies to:
	 * the index is built from it, so it must be in range.
	 */
	memcpy(b, valid, valid_size);
	sh = og_shdr(b, (unsigned int)rs);
	sh->sh_size = 0;
	sh->sh_info = 60000;
	expect_fault(b, valid_size, CDO_ELF_MALFORMED, "empty relocation section, sh_info");

	/*
	 * Relocations applied to the string table: a writer would carry them
	 * onto the table it rebuilds (found by fuzz_diff).
	 */
	memcpy(b, valid, valid_size);
	og_shdr(b, (unsigned int)rs)->sh_info = og_shdr(b, og_find_type(b, SHT_SYMTAB))->sh_link;
	expect_fault(b, valid_size, CDO_ELF_MALFORMED, "relocations of the string table");
	free(b);
}

/* The index finds, per target section, what a walk over every relocation section finds. */
static void test_reloc_index(void **state)
{
	struct cdo_elf_error err;
	struct cdo_elf *e = cdo_elf_open(objpath, &err);
	size_t t, i, n, checked = 0;

	(void)state;
	assert_non_null(e);
	/* nothing before the index is built */
	assert_null(cdo_elf_reloc_at(e, 1, 0));
	assert_int_equal(cdo_elf_index_relocs(e, &err), 0);
	assert_int_equal(cdo_elf_index_relocs(e, &err), 0);
	for (t = 1; t < cdo_elf_nsections(e); t++) {
		const struct cdo_elf_reloc *v, *in;
		size_t want = 0;

		for (i = 1; i < cdo_elf_nsections(e); i++)
			if (cdo_elf_section(e, i)->sh.sh_info == t)
				want += cdo_elf_nrelocs(e, i);
		n = cdo_elf_relocs_to(e, t, &v);
		assert_int_equal(n, want);
		for (i = 0; i < n; i++) {
			const struct cdo_elf_reloc *at = cdo_elf_reloc_at(e, t, v[i].offset);

			if (i)
				assert_true(v[i - 1].offset <= v[i].offset);
			/* the first at that offset */
			assert_non_null(at);
			assert_true(at->offset == v[i].offset && at <= &v[i]);
			assert_true(at == v || at[-1].offset < at->offset);
			/* a range of one byte holds exactly the relocations at it */
			assert_int_equal(cdo_elf_relocs_in(e, t, v[i].offset, v[i].offset + 1, &in) > 0,
					 1);
			assert_int_equal(in->offset, v[i].offset);
			checked++;
		}
		if (n) {
			assert_int_equal(cdo_elf_relocs_in(e, t, 0, UINT64_MAX, &in), n);
			assert_ptr_equal(in, v);
			assert_int_equal(cdo_elf_relocs_in(e, t, v[n - 1].offset + 1, UINT64_MAX, &in), 0);
			assert_null(in);
		}
	}
	assert_true(checked > 4);
	cdo_elf_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_file),
		cmocka_unit_test(test_open_misaligned_buffer),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_reloc_index),
	};

	og_apply_filters();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
