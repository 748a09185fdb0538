// SPDX-License-Identifier: GPL-2.0
/*
 * A small, defensive ELF64 little-endian reader for the tools.  Every
 * structure is copied out of the mapping with memcpy(), because nothing in
 * the file promises alignment, and every offset, size and index is checked
 * against the file before it is used.
 */
#include "common/elfview.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "elfview reads little-endian objects with host loads; port it for big-endian hosts"
#endif

#define SYM_SIZE	sizeof(Elf64_Sym)
#define RELA_SIZE	sizeof(Elf64_Rela)
#define REL_SIZE	sizeof(Elf64_Rel)

static int fail(struct elfview *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct elfview *ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ev->err, sizeof(ev->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Whether [off, off + len) lies inside the file, without overflow. */
static bool in_file(const struct elfview *ev, uint64_t off, uint64_t len)
{
	return off <= ev->size && len <= ev->size - off;
}

static const char *sec_label(const struct elfview *ev, size_t i)
{
	static __thread char buf[64];

	/* Names are checked after the headers, so early messages use numbers. */
	if (ev->sec && ev->sec[i].name && ev->sec[i].name[0])
		return ev->sec[i].name;
	snprintf(buf, sizeof(buf), "#%zu", i);
	return buf;
}

static int read_headers(struct elfview *ev)
{
	const unsigned char *id = ev->map;
	Elf64_Shdr sh0;
	uint64_t shoff;
	size_t i;

	if (ev->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return fail(ev, "not an ELF file");
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(ev, "not a 64-bit ELF file (class %u)", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(ev, "not a little-endian ELF file (data encoding %u)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(ev, "unknown ELF version %u", id[EI_VERSION]);
	if (ev->size < sizeof(Elf64_Ehdr))
		return fail(ev, "file too short for an ELF header (%zu bytes)", ev->size);
	memcpy(&ev->eh, ev->map, sizeof(ev->eh));

	shoff = ev->eh.e_shoff;
	if (shoff == 0) {
		if (ev->eh.e_shnum != 0)
			return fail(ev, "%u section headers at offset 0", ev->eh.e_shnum);
		ev->nsec = 0;
		return 0;
	}
	if (ev->eh.e_shentsize != sizeof(Elf64_Shdr))
		return fail(ev, "section header size %u, expected %zu",
			    ev->eh.e_shentsize, sizeof(Elf64_Shdr));
	if (!in_file(ev, shoff, sizeof(Elf64_Shdr)))
		return fail(ev, "section headers at 0x%llx are beyond the end of the file",
			    (unsigned long long)shoff);
	memcpy(&sh0, ev->map + shoff, sizeof(sh0));

	/* Past SHN_LORESERVE sections the counts move into section 0. */
	ev->nsec = ev->eh.e_shnum ? ev->eh.e_shnum : sh0.sh_size;
	if (ev->nsec == 0)
		return fail(ev, "section header table with no entries");
	if (ev->nsec > (ev->size - shoff) / sizeof(Elf64_Shdr))
		return fail(ev, "%zu section headers do not fit in the file", ev->nsec);
	ev->shstrndx = ev->eh.e_shstrndx;
	if (ev->shstrndx == SHN_XINDEX)
		ev->shstrndx = sh0.sh_link;
	else if (ev->shstrndx >= SHN_LORESERVE)
		return fail(ev, "reserved section name table index 0x%zx", ev->shstrndx);
	if (ev->shstrndx >= ev->nsec)
		return fail(ev, "section name table index %zu out of range (%zu sections)",
			    ev->shstrndx, ev->nsec);

	ev->sec = calloc(ev->nsec, sizeof(*ev->sec));
	if (!ev->sec)
		return fail(ev, "out of memory for %zu sections", ev->nsec);
	for (i = 0; i < ev->nsec; i++) {
		struct elfview_section *s = &ev->sec[i];

		memcpy(&s->sh, ev->map + shoff + i * sizeof(Elf64_Shdr), sizeof(s->sh));
		if (s->sh.sh_type == SHT_NOBITS || s->sh.sh_size == 0 || i == 0)
			continue;
		if (!in_file(ev, s->sh.sh_offset, s->sh.sh_size))
			return fail(ev, "section %zu: data (offset 0x%llx, size 0x%llx) beyond the end of the file",
				    i, (unsigned long long)s->sh.sh_offset,
				    (unsigned long long)s->sh.sh_size);
		s->data = ev->map + s->sh.sh_offset;
	}
	return 0;
}

/*
 * A string table whose last byte is NUL makes every in-range offset a
 * terminated string, so names need only an offset check afterwards.
 */
static int check_strtab(struct elfview *ev, size_t i, const char *what)
{
	const struct elfview_section *s = &ev->sec[i];

	if (s->sh.sh_type == SHT_NOBITS)
		return fail(ev, "%s (section %s) has no data", what, sec_label(ev, i));
	if (s->sh.sh_size && s->data[s->sh.sh_size - 1] != '\0')
		return fail(ev, "%s (section %s) is not NUL-terminated", what, sec_label(ev, i));
	return 0;
}

static int read_names(struct elfview *ev)
{
	const struct elfview_section *str;
	size_t i;

	if (ev->nsec == 0)
		return 0;
	if (ev->shstrndx && check_strtab(ev, ev->shstrndx, "section name table"))
		return -1;
	str = &ev->sec[ev->shstrndx];
	for (i = 0; i < ev->nsec; i++) {
		struct elfview_section *s = &ev->sec[i];

		if (!ev->shstrndx) {
			s->name = "";
			continue;
		}
		if (s->sh.sh_name == 0 && str->sh.sh_size == 0) {
			s->name = "";
			continue;
		}
		if (s->sh.sh_name >= str->sh.sh_size)
			return fail(ev, "section %zu: name offset 0x%x out of range", i, s->sh.sh_name);
		s->name = (const char *)str->data + s->sh.sh_name;
	}
	return 0;
}

static int read_symbols(struct elfview *ev)
{
	const struct elfview_section *st, *str, *xs = NULL;
	size_t i;

	for (i = 1; i < ev->nsec; i++) {
		if (ev->sec[i].sh.sh_type != SHT_SYMTAB)
			continue;
		if (ev->symtab)
			return fail(ev, "more than one symbol table (sections %s and %s)",
				    sec_label(ev, ev->symtab), sec_label(ev, i));
		ev->symtab = i;
	}
	if (!ev->symtab)
		return 0;
	st = &ev->sec[ev->symtab];
	if (st->sh.sh_entsize != SYM_SIZE)
		return fail(ev, "symbol table entry size %llu, expected %zu",
			    (unsigned long long)st->sh.sh_entsize, SYM_SIZE);
	if (st->sh.sh_size % SYM_SIZE)
		return fail(ev, "symbol table size %llu is not a multiple of %zu",
			    (unsigned long long)st->sh.sh_size, SYM_SIZE);
	ev->strtab = st->sh.sh_link;
	if (ev->strtab == 0 || ev->strtab >= ev->nsec)
		return fail(ev, "symbol table links to section %zu, out of range", ev->strtab);
	if (check_strtab(ev, ev->strtab, "symbol name table"))
		return -1;
	str = &ev->sec[ev->strtab];

	for (i = 1; i < ev->nsec; i++) {
		const struct elfview_section *s = &ev->sec[i];

		if (s->sh.sh_type != SHT_SYMTAB_SHNDX || s->sh.sh_link != ev->symtab)
			continue;
		if (xs)
			return fail(ev, "more than one extended section index table");
		xs = s;
	}

	ev->nsym = st->sh.sh_size / SYM_SIZE;
	if (xs && xs->sh.sh_size / sizeof(uint32_t) < ev->nsym)
		return fail(ev, "extended section index table is shorter than the symbol table");
	ev->sym = calloc(ev->nsym ? ev->nsym : 1, sizeof(*ev->sym));
	if (!ev->sym)
		return fail(ev, "out of memory for %zu symbols", ev->nsym);
	for (i = 0; i < ev->nsym; i++) {
		struct elfview_symbol *y = &ev->sym[i];
		Elf64_Sym raw;
		uint32_t shndx;

		memcpy(&raw, st->data + i * SYM_SIZE, sizeof(raw));
		if (raw.st_name && raw.st_name >= str->sh.sh_size)
			return fail(ev, "symbol %zu: name offset 0x%x out of range", i, raw.st_name);
		y->name = raw.st_name ? (const char *)str->data + raw.st_name : "";
		y->value = raw.st_value;
		y->size = raw.st_size;
		y->type = ELF64_ST_TYPE(raw.st_info);
		y->bind = ELF64_ST_BIND(raw.st_info);
		y->other = raw.st_other;
		shndx = raw.st_shndx;
		if (shndx == SHN_XINDEX) {
			if (!xs)
				return fail(ev, "symbol %zu (%s) uses SHN_XINDEX but there is no extended index table",
					    i, y->name);
			memcpy(&shndx, xs->data + i * sizeof(uint32_t), sizeof(shndx));
			if (shndx == 0 || shndx >= ev->nsec)
				return fail(ev, "symbol %zu (%s): extended section index %u out of range",
					    i, y->name, shndx);
		} else if (shndx < SHN_LORESERVE && shndx >= ev->nsec) {
			return fail(ev, "symbol %zu (%s): section index %u out of range",
				    i, y->name, shndx);
		}
		y->shndx = shndx;
	}
	return 0;
}

bool elfview_is_reloc(const struct elfview *ev, size_t i)
{
	uint32_t t = ev->sec[i].sh.sh_type;

	return t == SHT_RELA || t == SHT_REL;
}

size_t elfview_nreloc(const struct elfview *ev, size_t i)
{
	const struct elfview_section *s = &ev->sec[i];

	if (!elfview_is_reloc(ev, i) || !s->data)
		return 0;
	return s->sh.sh_size / (s->sh.sh_type == SHT_RELA ? RELA_SIZE : REL_SIZE);
}

void elfview_reloc(const struct elfview *ev, size_t i, size_t n, struct elfview_reloc *r)
{
	const struct elfview_section *s = &ev->sec[i];

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

static int check_relocs(struct elfview *ev, size_t i)
{
	const struct elfview_section *s = &ev->sec[i];
	size_t esz = s->sh.sh_type == SHT_RELA ? RELA_SIZE : REL_SIZE;
	size_t n, count;

	if (s->sh.sh_size == 0)
		return 0;
	if (!s->data)
		return fail(ev, "relocation section %s has no data", sec_label(ev, i));
	if (s->sh.sh_entsize != esz)
		return fail(ev, "relocation section %s: entry size %llu, expected %zu",
			    sec_label(ev, i), (unsigned long long)s->sh.sh_entsize, esz);
	if (s->sh.sh_size % esz)
		return fail(ev, "relocation section %s: size %llu is not a multiple of %zu",
			    sec_label(ev, i), (unsigned long long)s->sh.sh_size, esz);
	if (!ev->symtab || s->sh.sh_link != ev->symtab)
		return fail(ev, "relocation section %s does not link to the symbol table",
			    sec_label(ev, i));
	if (s->sh.sh_info >= ev->nsec)
		return fail(ev, "relocation section %s applies to section %u, out of range",
			    sec_label(ev, i), s->sh.sh_info);
	count = elfview_nreloc(ev, i);
	for (n = 0; n < count; n++) {
		struct elfview_reloc r;

		elfview_reloc(ev, i, n, &r);
		if (r.sym >= ev->nsym)
			return fail(ev, "relocation section %s: entry %zu refers to symbol %u, out of range",
				    sec_label(ev, i), n, r.sym);
	}
	return 0;
}

size_t elfview_ngroup(const struct elfview *ev, size_t i)
{
	const struct elfview_section *s = &ev->sec[i];

	if (s->sh.sh_type != SHT_GROUP || !s->data)
		return 0;
	return s->sh.sh_size / sizeof(uint32_t);
}

uint32_t elfview_group(const struct elfview *ev, size_t i, size_t n)
{
	uint32_t w;

	memcpy(&w, ev->sec[i].data + n * sizeof(w), sizeof(w));
	return w;
}

static int check_group(struct elfview *ev, size_t i)
{
	const struct elfview_section *s = &ev->sec[i];
	size_t n, count;

	if (s->sh.sh_size % sizeof(uint32_t))
		return fail(ev, "group section %s: size %llu is not a multiple of 4",
			    sec_label(ev, i), (unsigned long long)s->sh.sh_size);
	if (s->sh.sh_size && !s->data)
		return fail(ev, "group section %s has no data", sec_label(ev, i));
	if (!ev->symtab || s->sh.sh_link != ev->symtab)
		return fail(ev, "group section %s does not link to the symbol table",
			    sec_label(ev, i));
	if (s->sh.sh_info >= ev->nsym)
		return fail(ev, "group section %s: signature symbol %u out of range",
			    sec_label(ev, i), s->sh.sh_info);
	count = elfview_ngroup(ev, i);
	for (n = 1; n < count; n++) {
		uint32_t m = elfview_group(ev, i, n);

		if (m == 0 || m >= ev->nsec)
			return fail(ev, "group section %s: member %zu is section %u, out of range",
				    sec_label(ev, i), n, m);
	}
	return 0;
}

int elfview_open(struct elfview *ev, const char *path)
{
	struct stat st;
	size_t i;
	int fd;

	memset(ev, 0, sizeof(*ev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(ev, "%s", strerror(errno));
	if (fstat(fd, &st)) {
		fail(ev, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(ev, "not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		return fail(ev, "empty file");
	}
	ev->size = (size_t)st.st_size;
	ev->map = mmap(NULL, ev->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (ev->map == MAP_FAILED) {
		ev->map = NULL;
		return fail(ev, "cannot map: %s", strerror(errno));
	}

	if (read_headers(ev) || read_names(ev) || read_symbols(ev))
		goto err;
	for (i = 1; i < ev->nsec; i++) {
		if (elfview_is_reloc(ev, i) && check_relocs(ev, i))
			goto err;
		if (ev->sec[i].sh.sh_type == SHT_GROUP && check_group(ev, i))
			goto err;
	}
	return 0;
err:
	{
		char keep[sizeof(ev->err)];

		memcpy(keep, ev->err, sizeof(keep));
		elfview_close(ev);
		memcpy(ev->err, keep, sizeof(keep));
	}
	return -1;
}

void elfview_close(struct elfview *ev)
{
	if (ev->map)
		munmap(ev->map, ev->size);
	free(ev->sec);
	free(ev->sym);
	memset(ev, 0, sizeof(*ev));
}
