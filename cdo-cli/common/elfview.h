/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elfview: a read-only view of one ELF64 little-endian relocatable object,
 * for the command-line tools.  It maps the file and checks, once at open,
 * every header, offset, size, index and string that the accessors below
 * hand out, so callers can use them without further bounds checks.  It
 * does not use libelf, so the tools need nothing beyond libc at run time.
 *
 * Life cycle:
 *
 *	struct elfview ev;
 *	if (elfview_open(&ev, path))
 *		fprintf(stderr, "tool: %s: %s\n", path, ev.err);
 *	...
 *	elfview_close(&ev);
 *
 * elfview_close() is safe after a failed open, and twice.
 */
#ifndef CDO_CLI_ELFVIEW_H
#define CDO_CLI_ELFVIEW_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfview_section {
	Elf64_Shdr sh;
	const char *name;		/* never NULL; "" when unnamed */
	const unsigned char *data;	/* NULL for SHT_NOBITS or size 0 */
};

struct elfview_symbol {
	const char *name;		/* never NULL; "" when st_name is 0 */
	uint64_t value;
	uint64_t size;
	/*
	 * The section index with SHN_XINDEX already resolved: either a valid
	 * index below nsec, or a reserved value (SHN_UNDEF, SHN_ABS,
	 * SHN_COMMON, SHN_LIVEPATCH 0xff20, ...) at or above SHN_LORESERVE.
	 */
	uint32_t shndx;
	unsigned char type;
	unsigned char bind;
	unsigned char other;
};

struct elfview_reloc {
	uint64_t offset;
	int64_t addend;			/* 0 for SHT_REL */
	uint32_t type;
	uint32_t sym;			/* checked: below nsym */
};

struct elfview {
	unsigned char *map;
	size_t size;
	Elf64_Ehdr eh;
	size_t nsec;			/* including the null section 0 */
	size_t shstrndx;		/* 0 when there are no section names */
	struct elfview_section *sec;
	size_t symtab;			/* index of SHT_SYMTAB, 0 when none */
	size_t strtab;			/* its string table, 0 when none */
	size_t nsym;			/* including the null symbol 0 */
	struct elfview_symbol *sym;
	char err[256];			/* the problem, after a failed open */
};

/**
 * elfview_open() - map and check @path
 * @ev:   the view to fill; its previous contents are ignored
 * @path: the file
 *
 * Return: 0, or -1 with a one-line description of the problem in @ev->err
 * (without the file name) and nothing left mapped or allocated.
 */
int elfview_open(struct elfview *ev, const char *path);
void elfview_close(struct elfview *ev);

/** elfview_is_reloc() - whether section @i is SHT_REL or SHT_RELA. */
bool elfview_is_reloc(const struct elfview *ev, size_t i);

/** elfview_nreloc() - the number of relocations in section @i (0 if none). */
size_t elfview_nreloc(const struct elfview *ev, size_t i);

/** elfview_reloc() - relocation @n of section @i; both must be in range. */
void elfview_reloc(const struct elfview *ev, size_t i, size_t n,
		   struct elfview_reloc *r);

/**
 * elfview_ngroup() - the number of 32-bit words of SHT_GROUP section @i:
 * the flag word plus one per member (0 when @i is not a group).
 */
size_t elfview_ngroup(const struct elfview *ev, size_t i);

/**
 * elfview_group() - member @n of group section @i: 0 for the flag word,
 * then the member section indexes (checked: below nsec).
 */
uint32_t elfview_group(const struct elfview *ev, size_t i, size_t n);

#endif
