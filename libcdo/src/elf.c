// SPDX-License-Identifier: GPL-2.0
/*
 * The checked, read-only ELF view (cdo/elf.h) every reader of the project
 * sits on.  Every structure is copied out of the image with memcpy(),
 * because nothing in the file promises alignment, and every offset, size
 * and index is checked against the file before it is used.
 *
 * This file depends on libc and its own header only: klp-kernel's tools
 * compile it in as it is (they are also linked statically into a guest's
 * initramfs, without the rest of the library).
 */
#include "cdo/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ELF view reads little-endian objects with host loads; port it for big-endian hosts"
#endif

#define SYM_SIZE	sizeof(Elf64_Sym)
#define RELA_SIZE	sizeof(Elf64_Rela)
#define REL_SIZE	sizeof(Elf64_Rel)

/* The relocations that apply to one section, by offset (cdo_elf_index_relocs()). */
struct reloc_list {
	struct cdo_elf_reloc *v;
	size_t n;
};

struct cdo_elf {
	const unsigned char *map;
	size_t size;
	bool owns_map;			/* @map is our mapping, unmapped on close */
	Elf64_Ehdr eh;
	size_t nsec;			/* including the null section 0 */
	size_t shstrndx;		/* 0 when there are no section names */
	struct cdo_elf_section *sec;
	size_t symtab;			/* index of SHT_SYMTAB, 0 when none */
	size_t strtab;			/* its string table, 0 when none */
	size_t nsym;			/* including the null symbol 0 */
	const unsigned char *symdata;	/* the symbol table's entries */
	const struct cdo_elf_section *xindex;	/* its SHT_SYMTAB_SHNDX, or NULL */
	struct reloc_list *to;		/* per target section, once indexed */
	struct cdo_elf_error *err;	/* while opening */
	char label[32];			/* a section's number, for messages */
};

static int fail_as(struct cdo_elf *e, enum cdo_elf_fault fault, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_as(struct cdo_elf *e, enum cdo_elf_fault fault, const char *fmt, ...)
{
	va_list ap;

	e->err->fault = fault;
	va_start(ap, fmt);
	vsnprintf(e->err->msg, sizeof(e->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

#define fail(e, ...) fail_as(e, CDO_ELF_MALFORMED, __VA_ARGS__)

/* Whether [off, off + len) lies inside the file, without overflow. */
static bool in_file(const struct cdo_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

static const char *sec_label(struct cdo_elf *e, size_t i)
{
	/* Names are checked after the headers, so early messages use numbers. */
	if (e->sec && e->sec[i].name && e->sec[i].name[0])
		return e->sec[i].name;
	snprintf(e->label, sizeof(e->label), "#%zu", i);
	return e->label;
}

static int read_headers(struct cdo_elf *e)
{
	const unsigned char *id = e->map;
	Elf64_Shdr sh0;
	uint64_t shoff;
	size_t i;

	if (e->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return fail(e, "not an ELF file");
	if (id[EI_CLASS] != ELFCLASS64)
		return fail_as(e, CDO_ELF_UNSUPPORTED, "not a 64-bit ELF file (class %u)",
			       id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail_as(e, CDO_ELF_UNSUPPORTED,
			       "not a little-endian ELF file (data encoding %u)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(e, "unknown ELF version %u", id[EI_VERSION]);
	if (e->size < sizeof(Elf64_Ehdr))
		return fail(e, "file too short for an ELF header (%zu bytes)", e->size);
	memcpy(&e->eh, e->map, sizeof(e->eh));

	shoff = e->eh.e_shoff;
	if (shoff == 0) {
		if (e->eh.e_shnum != 0)
			return fail(e, "%u section headers at offset 0", e->eh.e_shnum);
		e->nsec = 0;
		return 0;
	}
	if (e->eh.e_shentsize != sizeof(Elf64_Shdr))
		return fail(e, "section header size %u, expected %zu",
			    e->eh.e_shentsize, sizeof(Elf64_Shdr));
	if (!in_file(e, shoff, sizeof(Elf64_Shdr)))
		return fail(e, "section headers at 0x%llx are beyond the end of the file",
			    (unsigned long long)shoff);
	memcpy(&sh0, e->map + shoff, sizeof(sh0));

	/* Past SHN_LORESERVE sections the counts move into section 0. */
	e->nsec = e->eh.e_shnum ? e->eh.e_shnum : sh0.sh_size;
	if (e->nsec == 0)
		return fail(e, "section header table with no entries");
	if (e->nsec > (e->size - shoff) / sizeof(Elf64_Shdr))
		return fail(e, "%zu section headers do not fit in the file", e->nsec);
	e->shstrndx = e->eh.e_shstrndx;
	if (e->shstrndx == SHN_XINDEX)
		e->shstrndx = sh0.sh_link;
	else if (e->shstrndx >= SHN_LORESERVE)
		return fail(e, "reserved section name table index 0x%zx", e->shstrndx);
	if (e->shstrndx >= e->nsec)
		return fail(e, "section name table index %zu out of range (%zu sections)",
			    e->shstrndx, e->nsec);

	e->sec = calloc(e->nsec, sizeof(*e->sec));
	if (!e->sec)
		return fail_as(e, CDO_ELF_NOMEM, "out of memory for %zu sections", e->nsec);
	for (i = 0; i < e->nsec; i++) {
		struct cdo_elf_section *s = &e->sec[i];

		memcpy(&s->sh, e->map + shoff + i * sizeof(Elf64_Shdr), sizeof(s->sh));
		if (s->sh.sh_type == SHT_NOBITS || s->sh.sh_size == 0 || i == 0)
			continue;
		if (!in_file(e, s->sh.sh_offset, s->sh.sh_size))
			return fail(e, "section %zu: data (offset 0x%llx, size 0x%llx) beyond the end of the file",
				    i, (unsigned long long)s->sh.sh_offset,
				    (unsigned long long)s->sh.sh_size);
		s->data = e->map + s->sh.sh_offset;
	}
	return 0;
}

/*
 * A string table whose last byte is NUL makes every in-range offset a
 * terminated string, so names need only an offset check afterwards.
 */
static int check_strtab(struct cdo_elf *e, size_t i, const char *what)
{
	const struct cdo_elf_section *s = &e->sec[i];

	if (s->sh.sh_type == SHT_NOBITS)
		return fail(e, "%s (section %s) has no data", what, sec_label(e, i));
	if (s->sh.sh_size && s->data[s->sh.sh_size - 1] != '\0')
		return fail(e, "%s (section %s) is not NUL-terminated", what, sec_label(e, i));
	return 0;
}

static int read_names(struct cdo_elf *e)
{
	const struct cdo_elf_section *str;
	size_t i;

	if (e->nsec == 0)
		return 0;
	if (e->shstrndx && check_strtab(e, e->shstrndx, "section name table"))
		return -1;
	str = &e->sec[e->shstrndx];
	for (i = 0; i < e->nsec; i++) {
		struct cdo_elf_section *s = &e->sec[i];

		if (!e->shstrndx) {
			s->name = "";
			continue;
		}
		if (s->sh.sh_name == 0 && str->sh.sh_size == 0) {
			s->name = "";
			continue;
		}
		if (s->sh.sh_name >= str->sh.sh_size)
			return fail(e, "section %zu: name offset 0x%x out of range", i, s->sh.sh_name);
		s->name = (const char *)str->data + s->sh.sh_name;
	}
	return 0;
}

/*
 * Symbol @i as the table has it, with its name and SHN_XINDEX resolved;
 * only offsets read_symbols() checked are followed (a name is taken once
 * its offset is in range, an extended index once the table exists).
 */
static void decode_symbol(const struct cdo_elf *e, size_t i, struct cdo_elf_symbol *y)
{
	const struct cdo_elf_section *str = &e->sec[e->strtab];

	memcpy(&y->raw, e->symdata + i * SYM_SIZE, sizeof(y->raw));
	y->name = y->raw.st_name && y->raw.st_name < str->sh.sh_size ?
		  (const char *)str->data + y->raw.st_name : "";
	y->value = y->raw.st_value;
	y->size = y->raw.st_size;
	y->type = ELF64_ST_TYPE(y->raw.st_info);
	y->bind = ELF64_ST_BIND(y->raw.st_info);
	y->other = y->raw.st_other;
	y->shndx = y->raw.st_shndx;
	if (y->shndx == SHN_XINDEX && e->xindex)
		memcpy(&y->shndx, e->xindex->data + i * sizeof(uint32_t), sizeof(y->shndx));
}

static int read_symbols(struct cdo_elf *e)
{
	const struct cdo_elf_section *st, *str, *xs = NULL;
	size_t i;

	for (i = 1; i < e->nsec; i++) {
		if (e->sec[i].sh.sh_type != SHT_SYMTAB)
			continue;
		if (e->symtab)
			return fail(e, "more than one symbol table (sections %s and %s)",
				    e->sec[e->symtab].name, sec_label(e, i));
		e->symtab = i;
	}
	if (!e->symtab)
		return 0;
	st = &e->sec[e->symtab];
	if (st->sh.sh_entsize != SYM_SIZE)
		return fail(e, "symbol table entry size %llu, expected %zu",
			    (unsigned long long)st->sh.sh_entsize, SYM_SIZE);
	if (st->sh.sh_size % SYM_SIZE)
		return fail(e, "symbol table size %llu is not a multiple of %zu",
			    (unsigned long long)st->sh.sh_size, SYM_SIZE);
	e->strtab = st->sh.sh_link;
	if (e->strtab == 0 || e->strtab >= e->nsec)
		return fail(e, "symbol table links to section %zu, out of range", e->strtab);
	if (check_strtab(e, e->strtab, "symbol name table"))
		return -1;
	str = &e->sec[e->strtab];

	for (i = 1; i < e->nsec; i++) {
		const struct cdo_elf_section *s = &e->sec[i];

		if (s->sh.sh_type != SHT_SYMTAB_SHNDX || s->sh.sh_link != e->symtab)
			continue;
		if (xs)
			return fail(e, "more than one extended section index table");
		xs = s;
	}

	e->nsym = st->sh.sh_size / SYM_SIZE;
	if (xs && xs->sh.sh_size / sizeof(uint32_t) < e->nsym)
		return fail(e, "extended section index table is shorter than the symbol table");
	e->symdata = st->data;
	e->xindex = xs;
	/* checked here, decoded again by each cdo_elf_symbol() */
	for (i = 0; i < e->nsym; i++) {
		struct cdo_elf_symbol y;

		decode_symbol(e, i, &y);
		if (y.raw.st_name && y.raw.st_name >= str->sh.sh_size)
			return fail(e, "symbol %zu: name offset 0x%x out of range", i, y.raw.st_name);
		if (y.raw.st_shndx == SHN_XINDEX) {
			if (!xs)
				return fail(e, "symbol %zu uses SHN_XINDEX but there is no extended index table",
					    i);
			if (y.shndx == 0 || y.shndx >= e->nsec)
				return fail(e, "symbol %zu: extended section index %u out of range",
					    i, y.shndx);
		} else if (y.shndx < SHN_LORESERVE && y.shndx >= e->nsec) {
			return fail(e, "symbol %zu: section index %u out of range", i, y.shndx);
		}
	}
	return 0;
}

static bool is_reloc(const struct cdo_elf *e, size_t i)
{
	uint32_t t = e->sec[i].sh.sh_type;

	return t == SHT_RELA || t == SHT_REL;
}

size_t cdo_elf_nrelocs(const struct cdo_elf *e, size_t i)
{
	const struct cdo_elf_section *s = &e->sec[i];

	if (!is_reloc(e, i) || !s->data)
		return 0;
	return s->sh.sh_size / (s->sh.sh_type == SHT_RELA ? RELA_SIZE : REL_SIZE);
}

void cdo_elf_reloc(const struct cdo_elf *e, size_t i, size_t n, struct cdo_elf_reloc *r)
{
	const struct cdo_elf_section *s = &e->sec[i];

	if (s->sh.sh_type == SHT_RELA) {
		Elf64_Rela raw;

		memcpy(&raw, s->data + n * RELA_SIZE, sizeof(raw));
		r->offset = raw.r_offset;
		r->addend = raw.r_addend;
		r->type = ELF64_R_TYPE(raw.r_info);
		r->sym = ELF64_R_SYM(raw.r_info);
	} else {
		Elf64_Rel raw;

		memcpy(&raw, s->data + n * REL_SIZE, sizeof(raw));
		r->offset = raw.r_offset;
		r->addend = 0;
		r->type = ELF64_R_TYPE(raw.r_info);
		r->sym = ELF64_R_SYM(raw.r_info);
	}
}

/*
 * Can relocations apply to a section of @type?  Not to ELF's own tables:
 * a writer would carry them onto a table it rebuilds (a fuzzed
 * .rela__dyndbg applied to .strtab).  A NOBITS section is the diff's to
 * refuse: its type differs from its twin's, as upstream says.
 */
static bool holds_relocatable_data(uint32_t type)
{
	switch (type) {
	case SHT_NULL:
	case SHT_SYMTAB:
	case SHT_STRTAB:
	case SHT_RELA:
	case SHT_REL:
	case SHT_GROUP:
	case SHT_SYMTAB_SHNDX:
	case SHT_DYNSYM:
	case SHT_HASH:
	case SHT_DYNAMIC:
		return false;
	default:
		return true;
	}
}

static int check_relocs(struct cdo_elf *e, size_t i)
{
	const struct cdo_elf_section *s = &e->sec[i];
	size_t esz = s->sh.sh_type == SHT_RELA ? RELA_SIZE : REL_SIZE;
	size_t n, count;

	/* checked even when empty: readers index by it (cdo_elf_index_relocs()) */
	if (s->sh.sh_info >= e->nsec)
		return fail(e, "relocation section %s applies to section %u, out of range",
			    sec_label(e, i), s->sh.sh_info);
	/* 0: a dynamic object's relocations apply to no one section */
	if (s->sh.sh_info && !holds_relocatable_data(e->sec[s->sh.sh_info].sh.sh_type)) {
		const char *to = e->sec[s->sh.sh_info].name;

		return fail(e, "relocation section %s applies to section %u (%s), an ELF table, not data",
			    sec_label(e, i), s->sh.sh_info, to && *to ? to : "unnamed");
	}
	if (s->sh.sh_size == 0)
		return 0;
	if (!s->data)
		return fail(e, "relocation section %s has no data", sec_label(e, i));
	if (s->sh.sh_entsize != esz)
		return fail(e, "relocation section %s: entry size %llu, expected %zu",
			    sec_label(e, i), (unsigned long long)s->sh.sh_entsize, esz);
	if (s->sh.sh_size % esz)
		return fail(e, "relocation section %s: size %llu is not a multiple of %zu",
			    sec_label(e, i), (unsigned long long)s->sh.sh_size, esz);
	if (!e->symtab || s->sh.sh_link != e->symtab)
		return fail(e, "relocation section %s does not link to the symbol table",
			    sec_label(e, i));
	count = cdo_elf_nrelocs(e, i);
	if (s->sh.sh_type == SHT_RELA) {
		/* the one pass over every relocation: keep it a plain loop */
		for (n = 0; n < count; n++) {
			Elf64_Rela raw;

			memcpy(&raw, s->data + n * RELA_SIZE, sizeof(raw));
			if (ELF64_R_SYM(raw.r_info) >= e->nsym)
				break;
		}
	} else {
		for (n = 0; n < count; n++) {
			Elf64_Rel raw;

			memcpy(&raw, s->data + n * REL_SIZE, sizeof(raw));
			if (ELF64_R_SYM(raw.r_info) >= e->nsym)
				break;
		}
	}
	if (n < count) {
		struct cdo_elf_reloc r;

		cdo_elf_reloc(e, i, n, &r);
		return fail(e, "relocation section %s: entry %zu refers to symbol %u, out of range",
			    sec_label(e, i), n, r.sym);
	}
	return 0;
}

size_t cdo_elf_ngroup(const struct cdo_elf *e, size_t i)
{
	const struct cdo_elf_section *s = &e->sec[i];

	if (s->sh.sh_type != SHT_GROUP || !s->data)
		return 0;
	return s->sh.sh_size / sizeof(uint32_t);
}

uint32_t cdo_elf_group(const struct cdo_elf *e, size_t i, size_t n)
{
	uint32_t w;

	memcpy(&w, e->sec[i].data + n * sizeof(w), sizeof(w));
	return w;
}

static int check_group(struct cdo_elf *e, size_t i)
{
	const struct cdo_elf_section *s = &e->sec[i];
	size_t n, count;

	if (s->sh.sh_size % sizeof(uint32_t))
		return fail(e, "group section %s: size %llu is not a multiple of 4",
			    sec_label(e, i), (unsigned long long)s->sh.sh_size);
	if (s->sh.sh_size && !s->data)
		return fail(e, "group section %s has no data", sec_label(e, i));
	if (!e->symtab || s->sh.sh_link != e->symtab)
		return fail(e, "group section %s does not link to the symbol table",
			    sec_label(e, i));
	if (s->sh.sh_info >= e->nsym)
		return fail(e, "group section %s: signature symbol %u out of range",
			    sec_label(e, i), s->sh.sh_info);
	count = cdo_elf_ngroup(e, i);
	for (n = 1; n < count; n++) {
		uint32_t m = cdo_elf_group(e, i, n);

		if (m == 0 || m >= e->nsec)
			return fail(e, "group section %s: member %zu is section %u, out of range",
				    sec_label(e, i), n, m);
	}
	return 0;
}

static void release(struct cdo_elf *e)
{
	size_t i;

	if (e->to) {
		for (i = 0; i < e->nsec; i++)
			free(e->to[i].v);
		free(e->to);
	}
	if (e->map && e->owns_map)
		munmap((void *)e->map, e->size);
	free(e->sec);
	free(e);
}

/* Check everything of the image in @e; on failure @e is released. */
static struct cdo_elf *check_image(struct cdo_elf *e)
{
	size_t i;

	if (read_headers(e) || read_names(e) || read_symbols(e))
		goto err;
	for (i = 1; i < e->nsec; i++) {
		if (is_reloc(e, i) && check_relocs(e, i))
			goto err;
		if (e->sec[i].sh.sh_type == SHT_GROUP && check_group(e, i))
			goto err;
	}
	e->err = NULL;
	return e;
err:
	release(e);
	return NULL;
}

static struct cdo_elf *new_view(struct cdo_elf_error *err)
{
	struct cdo_elf *e;

	memset(err, 0, sizeof(*err));
	e = calloc(1, sizeof(*e));
	if (!e) {
		err->fault = CDO_ELF_NOMEM;
		err->sys_errno = ENOMEM;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	e->err = err;
	return e;
}

static struct cdo_elf *io_fail(struct cdo_elf *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct cdo_elf *io_fail(struct cdo_elf *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->err->fault = CDO_ELF_IO;
	e->err->sys_errno = errnum;
	va_start(ap, fmt);
	vsnprintf(e->err->msg, sizeof(e->err->msg), fmt, ap);
	va_end(ap);
	release(e);
	return NULL;
}

struct cdo_elf *cdo_elf_open(const char *path, struct cdo_elf_error *err)
{
	struct cdo_elf *e = new_view(err);
	struct stat st;
	void *map;
	int fd, errnum;

	if (!e)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(e, errno, "%s", strerror(errno));
	if (fstat(fd, &st)) {
		errnum = errno;
		close(fd);
		return io_fail(e, errnum, "%s", strerror(errnum));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return io_fail(e, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		fail(e, "empty file");
		release(e);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	errnum = errno;
	close(fd);
	if (map == MAP_FAILED)
		return io_fail(e, errnum, "cannot map: %s", strerror(errnum));
	e->map = map;
	e->size = (size_t)st.st_size;
	e->owns_map = true;
	return check_image(e);
}

struct cdo_elf *cdo_elf_open_mem(const void *buf, size_t size, struct cdo_elf_error *err)
{
	struct cdo_elf *e = new_view(err);

	if (!e)
		return NULL;
	if (!buf && size) {
		fail(e, "no buffer");
		release(e);
		return NULL;
	}
	e->map = buf ? buf : (const unsigned char *)"";
	e->size = size;
	return check_image(e);
}

void cdo_elf_close(struct cdo_elf *e)
{
	if (e)
		release(e);
}

const Elf64_Ehdr *cdo_elf_header(const struct cdo_elf *e)
{
	return &e->eh;
}

const unsigned char *cdo_elf_image(const struct cdo_elf *e, size_t *size)
{
	*size = e->size;
	return e->map;
}

size_t cdo_elf_nsections(const struct cdo_elf *e)
{
	return e->nsec;
}

const struct cdo_elf_section *cdo_elf_section(const struct cdo_elf *e, size_t i)
{
	return &e->sec[i];
}

size_t cdo_elf_shstrndx(const struct cdo_elf *e)
{
	return e->shstrndx;
}

size_t cdo_elf_symtab(const struct cdo_elf *e)
{
	return e->symtab;
}

size_t cdo_elf_strtab(const struct cdo_elf *e)
{
	return e->strtab;
}

size_t cdo_elf_nsymbols(const struct cdo_elf *e)
{
	return e->nsym;
}

void cdo_elf_symbol(const struct cdo_elf *e, size_t i, struct cdo_elf_symbol *y)
{
	decode_symbol(e, i, y);
}

/* Offset order; relocations at one offset keep their order of collection. */
static void sort_by_offset(struct cdo_elf_reloc *v, size_t n, struct cdo_elf_reloc *tmp)
{
	size_t width, lo;

	/* a bottom-up merge sort: stable, and no comparison callback */
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi)
				tmp[k++] = v[b].offset < v[a].offset ? v[b++] : v[a++];
			while (a < mid)
				tmp[k++] = v[a++];
			while (b < hi)
				tmp[k++] = v[b++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

int cdo_elf_index_relocs(struct cdo_elf *e, struct cdo_elf_error *err)
{
	struct cdo_elf_reloc *tmp = NULL;
	size_t i, n, longest = 0;

	if (e->to || !e->nsec)
		return 0;
	memset(err, 0, sizeof(*err));
	e->to = calloc(e->nsec, sizeof(*e->to));
	if (!e->to)
		goto nomem;
	/* sized first, so each list is allocated once */
	for (i = 1; i < e->nsec; i++)
		if (e->sec[i].sh.sh_info && cdo_elf_nrelocs(e, i))
			e->to[e->sec[i].sh.sh_info].n += cdo_elf_nrelocs(e, i);
	for (i = 1; i < e->nsec; i++) {
		struct reloc_list *l = &e->to[i];

		if (!l->n)
			continue;
		l->v = malloc(l->n * sizeof(*l->v));
		if (!l->v)
			goto nomem;
		if (l->n > longest)
			longest = l->n;
		l->n = 0;
	}
	for (i = 1; i < e->nsec; i++) {
		size_t count = cdo_elf_nrelocs(e, i);
		struct reloc_list *l;

		if (!e->sec[i].sh.sh_info || !count)
			continue;
		l = &e->to[e->sec[i].sh.sh_info];
		for (n = 0; n < count; n++)
			cdo_elf_reloc(e, i, n, &l->v[l->n++]);
	}
	tmp = malloc((longest ? longest : 1) * sizeof(*tmp));
	if (!tmp)
		goto nomem;
	for (i = 1; i < e->nsec; i++)
		sort_by_offset(e->to[i].v, e->to[i].n, tmp);
	free(tmp);
	return 0;
nomem:
	if (e->to) {
		for (i = 0; i < e->nsec; i++)
			free(e->to[i].v);
		free(e->to);
		e->to = NULL;
	}
	err->fault = CDO_ELF_NOMEM;
	err->sys_errno = ENOMEM;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -1;
}

size_t cdo_elf_relocs_to(const struct cdo_elf *e, size_t target, const struct cdo_elf_reloc **v)
{
	if (!e->to || target >= e->nsec || !e->to[target].n) {
		*v = NULL;
		return 0;
	}
	*v = e->to[target].v;
	return e->to[target].n;
}

/* The first of @n relocations ordered by offset that is at or after @offset. */
static size_t lower_bound(const struct cdo_elf_reloc *v, size_t n, uint64_t offset)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t cdo_elf_relocs_in(const struct cdo_elf *e, size_t target, uint64_t lo, uint64_t hi,
			 const struct cdo_elf_reloc **v)
{
	const struct cdo_elf_reloc *all;
	size_t n = cdo_elf_relocs_to(e, target, &all), first, end;

	*v = NULL;
	if (lo >= hi || !n)
		return 0;
	first = lower_bound(all, n, lo);
	end = lower_bound(all, n, hi);
	if (first == end)
		return 0;
	*v = all + first;
	return end - first;
}

const struct cdo_elf_reloc *cdo_elf_reloc_at(const struct cdo_elf *e, size_t target,
					     uint64_t offset)
{
	const struct cdo_elf_reloc *v;
	size_t n = cdo_elf_relocs_to(e, target, &v), k = lower_bound(v, n, offset);

	return k < n && v[k].offset == offset ? &v[k] : NULL;
}
