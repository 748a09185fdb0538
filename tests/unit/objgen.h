/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the unit tests that need real object files.  Objects
 * are compiled from C sources at test time (gcc is a build dependency),
 * so nothing binary is committed and nothing goes stale.
 *
 * Every test_*.c is linked on its own against libcdo.a, so this header
 * holds only static inline functions: unused ones cost nothing and do not
 * trip -Wunused-function.
 */
#ifndef CDO_TESTS_OBJGEN_H
#define CDO_TESTS_OBJGEN_H

#include <elf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The flags kpatch-build's kernel build uses that shape x86-64 objects. */
#define OG_KFLAGS "-O2 -ffunction-sections -fdata-sections -pg -mfentry -mrecord-mcount " \
	"-mcmodel=kernel -mno-red-zone -fno-PIE -fno-asynchronous-unwind-tables " \
	"-fno-common -fno-stack-protector -fcf-protection=none -fno-jump-tables"

/* Plain user-space flags; -fPIE makes data references RIP-relative (PC32). */
#define OG_UFLAGS "-O2 -ffunction-sections -fdata-sections -fPIE"

/* Create a fresh directory under $TMPDIR (or /tmp); 0 on success. */
static inline int og_mkdtemp(char *buf, size_t n, const char *tag)
{
	const char *base = getenv("TMPDIR");

	if (snprintf(buf, n, "%s/cdo-%s.XXXXXX", base && *base ? base : "/tmp", tag) >= (int)n)
		return -1;
	return mkdtemp(buf) ? 0 : -1;
}

/* "<dir>/<name>" in one of a few rotating static buffers. */
static inline const char *og_path(const char *dir, const char *name)
{
	static char bufs[16][PATH_MAX];
	static unsigned int next;
	char *b = bufs[next++ % 16];
	char tmp[PATH_MAX];

	/* @dir may itself be an earlier result: build aside, then copy */
	if (snprintf(tmp, sizeof(tmp), "%s/%s", dir, name) >= (int)sizeof(tmp))
		abort();
	memcpy(b, tmp, sizeof(tmp));
	return b;
}

static inline int og_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, n, f) == n;
	ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}

static inline int og_write_text(const char *path, const char *text)
{
	return og_write(path, text, strlen(text));
}

/* The whole file in a malloc'd buffer (NUL-terminated), or NULL. */
static inline uint8_t *og_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (!got)
			break;
	}
	fclose(f);
	buf[len] = 0;
	if (size)
		*size = len;
	return buf;
}

static inline bool og_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Run a shell command built printf-style; returns its exit status (-1 on signal). */
static inline int og_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int og_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* A command's stdout in a malloc'd string (NULL on failure); *status its exit status. */
static inline char *og_capture(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline char *og_capture(int *status, const char *fmt, ...)
{
	char cmd[8192];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(NULL);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				pclose(p);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len - 1, p);
		len += got;
		if (!got)
			break;
	}
	buf[len] = '\0';
	st = pclose(p);
	if (status)
		*status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
	return buf;
}

/*
 * Compile @src as <dir>/<sub>/<file> into <dir>/<out>.  Compiling each
 * variant from a file of the same name in its own folder keeps __FILE__,
 * the STT_FILE symbol and string contents equal between orig and patched,
 * as when kpatch-build rebuilds one source file.
 */
static inline int og_compile(const char *dir, const char *sub, const char *file,
			     const char *src, const char *flags, const char *out)
{
	char d[PATH_MAX];

	if (snprintf(d, sizeof(d), "%s/%s", dir, sub) >= (int)sizeof(d))
		return -1;
	if (mkdir(d, 0755) && !og_exists(d))
		return -1;
	if (og_write_text(og_path(d, file), src))
		return -1;
	return og_sh("cd '%s' && gcc %s -c '%s' -o '%s/%s' >'%s/gcc.log' 2>&1 || "
		     "{ cat '%s/gcc.log' >&2; exit 1; }",
		     d, flags, file, dir, out, d, d);
}

/*
 * An original/patched pair built with the kernel flags, plus the parent
 * symbol table kpatch's unit tests use: the original object's own
 * `readelf -s --wide`, so every symbol of orig.o "exists in vmlinux".
 */
struct og_pair {
	char dir[PATH_MAX];
	char orig[PATH_MAX];
	char patched[PATH_MAX];
	char symtab[PATH_MAX];
};

/*
 * The pair @name under @top, each side compiled from @file (the name the
 * debug info records) with @flags.
 */
static inline int og_make_pair_as(const char *top, const char *name, const char *file,
				  const char *flags, const char *orig_src,
				  const char *patched_src, struct og_pair *p)
{
	if (snprintf(p->dir, sizeof(p->dir), "%s/%s", top, name) >= (int)sizeof(p->dir))
		return -1;
	if (mkdir(p->dir, 0755) && !og_exists(p->dir))
		return -1;
	if (snprintf(p->orig, sizeof(p->orig), "%s/orig.o", p->dir) >= (int)sizeof(p->orig) ||
	    snprintf(p->patched, sizeof(p->patched), "%s/patched.o", p->dir) >= (int)sizeof(p->patched) ||
	    snprintf(p->symtab, sizeof(p->symtab), "%s/%s.symtab", p->dir, name) >= (int)sizeof(p->symtab))
		return -1;
	if (og_compile(p->dir, "orig", file, orig_src, flags, "orig.o") ||
	    og_compile(p->dir, "patched", file, patched_src, flags, "patched.o"))
		return -1;
	return og_sh("readelf -s --wide '%s' > '%s'", p->orig, p->symtab) ? -1 : 0;
}

static inline int og_make_pair(const char *top, const char *name, const char *orig_src,
			       const char *patched_src, struct og_pair *p)
{
	char file[256];

	if (snprintf(file, sizeof(file), "%s.c", name) >= (int)sizeof(file))
		return -1;
	return og_make_pair_as(top, name, file, OG_KFLAGS, orig_src, patched_src, p);
}

static inline void og_rmrf(const char *dir)
{
	if (dir && *dir)
		(void)og_sh("rm -rf '%s'", dir);
}

/* Count the entries of a directory whose name starts with @prefix. */
static inline int og_count_prefix(const char *dir, const char *prefix)
{
	int st;
	char *out = og_capture(&st, "ls -A '%s' 2>/dev/null | grep -c '^%s' || true", dir, prefix);
	int n = out ? atoi(out) : -1;

	free(out);
	return n;
}

/*
 * CDO_TEST_FILTER / CDO_TEST_SKIP: glob patterns of test names to run or
 * to skip, to rerun one case or step past one that aborts the binary
 * under a sanitizer.  Needs <cmocka.h> included before this header.
 */
#ifdef CMOCKA_H_
static inline void og_apply_filters(void)
{
	if (getenv("CDO_TEST_FILTER"))
		cmocka_set_test_filter(getenv("CDO_TEST_FILTER"));
	if (getenv("CDO_TEST_SKIP"))
		cmocka_set_skip_filter(getenv("CDO_TEST_SKIP"));
}
#endif

/* ---- the sources of a small pair ------------------------------------ */

/*
 * The functions of the small pair the API and writer tests diff: the
 * patched compute() calls a new added(), describe() returns another
 * string.  String literals, so that each test puts its own file together
 * around them by concatenation; both use "int counter;".
 */
#define OG_SRC_CHANGED_ORIG \
	"__attribute__((noinline)) int compute(int x)\n" \
	"{\n" \
	"	return x * 4 + counter;\n" \
	"}\n" \
	"\n" \
	"__attribute__((noinline)) const char *describe(int x)\n" \
	"{\n" \
	"	return x > 0 ? \"positive\" : \"other\";\n" \
	"}\n"

#define OG_SRC_CHANGED_PATCHED \
	"static __attribute__((noinline)) int added(int x)\n" \
	"{\n" \
	"	return x * 3 + counter;\n" \
	"}\n" \
	"\n" \
	"__attribute__((noinline)) int compute(int x)\n" \
	"{\n" \
	"	return x * 8 - 1 + added(x);\n" \
	"}\n" \
	"\n" \
	"__attribute__((noinline)) const char *describe(int x)\n" \
	"{\n" \
	"	return x > 0 ? \"strictly positive\" : \"other\";\n" \
	"}\n"

/* ---- raw ELF access to an in-memory copy of an object ---------------- */

static inline Elf64_Ehdr *og_ehdr(uint8_t *b)
{
	return (Elf64_Ehdr *)b;
}

static inline Elf64_Shdr *og_shdr(uint8_t *b, unsigned int i)
{
	return (Elf64_Shdr *)(b + og_ehdr(b)->e_shoff) + i;
}

static inline const char *og_secname(uint8_t *b, unsigned int i)
{
	const Elf64_Shdr *ss = og_shdr(b, og_ehdr(b)->e_shstrndx);

	return (const char *)b + ss->sh_offset + og_shdr(b, i)->sh_name;
}

/* Index of the first section called @name, or -1. */
static inline int og_find_shdr(uint8_t *b, const char *name)
{
	unsigned int i;

	for (i = 1; i < og_ehdr(b)->e_shnum; i++)
		if (!strcmp(og_secname(b, i), name))
			return (int)i;
	return -1;
}

/* Index of the first section of type @type, or -1. */
static inline int og_find_type(uint8_t *b, uint32_t type)
{
	unsigned int i;

	for (i = 1; i < og_ehdr(b)->e_shnum; i++)
		if (og_shdr(b, i)->sh_type == type)
			return (int)i;
	return -1;
}

static inline void *og_secdata(uint8_t *b, unsigned int i)
{
	return b + og_shdr(b, i)->sh_offset;
}

/* Index of the symbol called @name in the object's .symtab, or -1. */
static inline int og_find_sym(uint8_t *b, const char *name)
{
	int st = og_find_type(b, SHT_SYMTAB);
	const Elf64_Shdr *sh, *str;
	const Elf64_Sym *syms;
	unsigned int i, n;

	if (st < 0)
		return -1;
	sh = og_shdr(b, (unsigned int)st);
	str = og_shdr(b, sh->sh_link);
	syms = og_secdata(b, (unsigned int)st);
	n = (unsigned int)(sh->sh_size / sizeof(Elf64_Sym));
	for (i = 1; i < n; i++)
		if (!strcmp((const char *)b + str->sh_offset + syms[i].st_name, name))
			return (int)i;
	return -1;
}

static inline Elf64_Sym *og_sym(uint8_t *b, unsigned int i)
{
	int st = og_find_type(b, SHT_SYMTAB);

	return (Elf64_Sym *)og_secdata(b, (unsigned int)st) + i;
}

#endif
