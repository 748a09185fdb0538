/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cdo/elf.h - the checked, read-only ELF view that every reader of the
 * project sits on: libcdo's object model, cdo-objcmp, and klp-conflicts
 * and klpctl (which read livepatch modules).
 *
 * A view maps one ELF64 little-endian file (or wraps a caller's buffer)
 * and checks, once when it is opened, every header, offset, size, index
 * and string the accessors below hand out, so callers use them without
 * further bounds checks.  Structures are copied out of the image with
 * memcpy(), so neither the file's offsets nor the caller's buffer need any
 * alignment.  It needs nothing beyond libc (no libelf, whose Debian build
 * is not thread-safe), keeps no global state and never prints.
 *
 * What a view accepts is what any ELF64 little-endian file may be: it
 * says nothing about machines or file types (a reader that needs a
 * relocatable x86-64 object checks cdo_elf_header() itself).
 *
 * Life cycle:
 *
 *	struct cdo_elf_error err;
 *	struct cdo_elf *e = cdo_elf_open(path, &err);
 *	if (!e)
 *		fprintf(stderr, "tool: %s: %s\n", path, err.msg);
 *	...
 *	cdo_elf_close(e);
 *
 * A view is not changed by its accessors, so several threads may read one
 * view at once; cdo_elf_index_relocs() is the one call that changes it.
 */
#ifndef CDO_ELF_H
#define CDO_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef CDO_API
#if defined(__GNUC__) && defined(CDO_BUILDING_LIBRARY)
#define CDO_API __attribute__((visibility("default")))
#else
#define CDO_API
#endif
#endif

struct cdo_elf;

/**
 * enum cdo_elf_fault - why a view could not be opened
 * @CDO_ELF_IO:          the file could not be opened, read or mapped
 *                       (the errno is in cdo_elf_error.sys_errno)
 * @CDO_ELF_MALFORMED:   a header, offset, size, index or string is wrong
 * @CDO_ELF_UNSUPPORTED: a valid ELF file of a kind a view does not read
 *                       (32-bit, big-endian)
 * @CDO_ELF_NOMEM:       out of memory
 */
enum cdo_elf_fault {
	CDO_ELF_IO = 1,
	CDO_ELF_MALFORMED = 2,
	CDO_ELF_UNSUPPORTED = 3,
	CDO_ELF_NOMEM = 4,
};

/** struct cdo_elf_error - the problem, after a failed open */
struct cdo_elf_error {
	enum cdo_elf_fault fault;
	int sys_errno;		/* with CDO_ELF_IO, else 0 */
	char msg[256];		/* one line, without the file name */
};

struct cdo_elf_section {
	Elf64_Shdr sh;
	const char *name;		/* never NULL; "" when unnamed */
	const unsigned char *data;	/* NULL for SHT_NOBITS, size 0, and section 0 */
};

struct cdo_elf_symbol {
	Elf64_Sym raw;			/* as in the file (st_shndx unresolved) */
	const char *name;		/* never NULL; "" when st_name is 0 */
	uint64_t value;
	uint64_t size;
	/*
	 * The section index with SHN_XINDEX already resolved: either a valid
	 * index below cdo_elf_nsections(), or a reserved value (SHN_UNDEF,
	 * SHN_ABS, SHN_COMMON, SHN_LIVEPATCH 0xff20, ...) at or above
	 * SHN_LORESERVE.
	 */
	uint32_t shndx;
	unsigned char type;
	unsigned char bind;
	unsigned char other;
};

struct cdo_elf_reloc {
	uint64_t offset;
	int64_t addend;			/* 0 for SHT_REL */
	uint32_t type;
	uint32_t sym;			/* checked: below cdo_elf_nsymbols() */
};

/**
 * cdo_elf_open() - map and check @path
 * @path: the file
 * @err:  where the problem is described when the open fails
 *
 * Return: the view, or NULL with @err filled and nothing left mapped or
 * allocated.
 */
CDO_API struct cdo_elf *cdo_elf_open(const char *path, struct cdo_elf_error *err);

/**
 * cdo_elf_open_mem() - cdo_elf_open() of a caller's buffer
 * @buf:  the file's bytes; they must stay valid and unchanged until
 *        cdo_elf_close(), since names and contents point into them
 * @size: their number
 */
CDO_API struct cdo_elf *cdo_elf_open_mem(const void *buf, size_t size,
					 struct cdo_elf_error *err);

/** cdo_elf_close() - unmap and free; NULL is fine. */
CDO_API void cdo_elf_close(struct cdo_elf *e);

/** cdo_elf_header() - the ELF header (a copy, aligned). */
CDO_API const Elf64_Ehdr *cdo_elf_header(const struct cdo_elf *e);

/** cdo_elf_image() - the file's bytes and their number, as mapped. */
CDO_API const unsigned char *cdo_elf_image(const struct cdo_elf *e, size_t *size);

/**
 * cdo_elf_nsections() - the number of sections, the null section 0
 * included (extended numbering resolved); 0 for a file without sections.
 */
CDO_API size_t cdo_elf_nsections(const struct cdo_elf *e);

/** cdo_elf_section() - section @i, which must be below cdo_elf_nsections(). */
CDO_API const struct cdo_elf_section *cdo_elf_section(const struct cdo_elf *e, size_t i);

/** cdo_elf_shstrndx() - the section name table's index; 0 when there is none. */
CDO_API size_t cdo_elf_shstrndx(const struct cdo_elf *e);

/** cdo_elf_symtab() - the index of the (only) SHT_SYMTAB; 0 when there is none. */
CDO_API size_t cdo_elf_symtab(const struct cdo_elf *e);

/** cdo_elf_strtab() - the symbol table's string table; 0 when there is none. */
CDO_API size_t cdo_elf_strtab(const struct cdo_elf *e);

/** cdo_elf_nsymbols() - symbols, the null symbol 0 included; 0 without a table. */
CDO_API size_t cdo_elf_nsymbols(const struct cdo_elf *e);

/**
 * cdo_elf_symbol() - symbol @i (below cdo_elf_nsymbols()), decoded into @y
 *
 * Decoded on each call from the checked table: a view keeps no copy of
 * the symbols, since its readers keep their own (libcdo's object model
 * copies every one) or look at few.  @y->name points into the image.
 */
CDO_API void cdo_elf_symbol(const struct cdo_elf *e, size_t i, struct cdo_elf_symbol *y);

/** cdo_elf_nrelocs() - the entries of section @i if it is SHT_REL or SHT_RELA, else 0. */
CDO_API size_t cdo_elf_nrelocs(const struct cdo_elf *e, size_t i);

/**
 * cdo_elf_reloc() - entry @n of relocation section @i (both in range),
 * decoded into @r.  A relocation section's sh_info (the section it
 * applies to) is checked to be below cdo_elf_nsections().
 */
CDO_API void cdo_elf_reloc(const struct cdo_elf *e, size_t i, size_t n,
			   struct cdo_elf_reloc *r);

/**
 * cdo_elf_ngroup() - the 32-bit words of SHT_GROUP section @i: the flag
 * word plus one per member (0 when @i is not a group).
 */
CDO_API size_t cdo_elf_ngroup(const struct cdo_elf *e, size_t i);

/**
 * cdo_elf_group() - word @n of group section @i: the flags for 0, then the
 * member section indexes (checked: nonzero and below cdo_elf_nsections()).
 */
CDO_API uint32_t cdo_elf_group(const struct cdo_elf *e, size_t i, size_t n);

/**
 * cdo_elf_index_relocs() - build the relocation-offset index of the view
 * @err: where a failure is described (only CDO_ELF_NOMEM)
 *
 * Collects, for every section, the relocations that apply to it (from
 * every SHT_REL/SHT_RELA section whose sh_info names it, sh_info 0
 * excepted) ordered by offset, relocations at one offset in file order.
 * Needed once before cdo_elf_relocs_to(), cdo_elf_relocs_in() and
 * cdo_elf_reloc_at(); a
 * second call does nothing.
 *
 * Return: 0, or -1 with @err filled.
 */
CDO_API int cdo_elf_index_relocs(struct cdo_elf *e, struct cdo_elf_error *err);

/**
 * cdo_elf_relocs_to() - the relocations that apply to section @target
 * @v: set to the first, ordered by offset (NULL when there are none)
 *
 * Return: their number.
 */
CDO_API size_t cdo_elf_relocs_to(const struct cdo_elf *e, size_t target,
				 const struct cdo_elf_reloc **v);

/**
 * cdo_elf_relocs_in() - the relocations that apply to section @target at
 * offsets in [@lo, @hi), found by binary search of the index
 * @v: set to the first, ordered by offset (NULL when there are none)
 *
 * Return: their number.
 */
CDO_API size_t cdo_elf_relocs_in(const struct cdo_elf *e, size_t target, uint64_t lo,
				 uint64_t hi, const struct cdo_elf_reloc **v);

/**
 * cdo_elf_reloc_at() - the first relocation that applies to @target at
 * exactly @offset (binary search of the index), or NULL.
 */
CDO_API const struct cdo_elf_reloc *cdo_elf_reloc_at(const struct cdo_elf *e, size_t target,
						     uint64_t offset);

#ifdef __cplusplus
}
#endif

#endif
