/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_OBJECT_H
#define CDO_OBJECT_H

/*
 * The object model: one relocatable 64-bit ELF file, read from a private
 * mapping into flat arrays.  Sections are indexed by their ELF index and
 * symbols by their symbol-table index, so every "by index" lookup is an
 * array access; "by name" lookups go through hash indexes built once.
 *
 * Both objects of a diff stay mapped until the diff is released: names and
 * contents point into the mapping, and the output reuses them.  Later
 * stages extend the arrays (new sections and symbols of the output), so
 * elements are always referred to by index, never by pointer.
 */

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "arch.h"
#include "error.h"
#include "hashidx.h"
#include "relidx.h"
#include "symspan.h"

#define NONE UINT32_MAX

/*
 * The largest section alignment accepted: a 2 MiB huge page, far above
 * what kernel objects use (4 KiB page-aligned data).
 */
#define CDO_MAX_SECTION_ALIGN (2u << 20)

/* SHN_LIVEPATCH and SHF_RELA_LIVEPATCH are the kernel's, not glibc's. */
#define CDO_SHN_LIVEPATCH 0xff20

enum status {
	ST_UNKNOWN = 0,
	ST_NEW,
	ST_CHANGED,
	ST_SAME,
};

/* 32 bytes: an object built with -g has close to a million of these */
struct rela {
	uint64_t offset;
	int64_t addend;
	const char *string;	/* target string for SHF_STRINGS targets */
	uint32_t type;
	uint32_t sym;		/* current target; changes when section
				 * symbols are replaced */
};

struct section {
	const char *name;
	Elf64_Shdr sh;
	const uint8_t *data;	/* contents; NULL for NOBITS */
	uint64_t size;		/* bytes of @data (sh_size unless rewritten) */
	uint8_t *owned;		/* set when @data was rewritten and is ours */

	uint32_t index;		/* ELF index (== array position) */
	uint32_t base;		/* rela section: the section it relocates */
	uint32_t rela;		/* other section: its rela section */
	uint32_t secsym;	/* its STT_SECTION symbol */
	uint32_t sym;		/* the bundled function/object symbol */
	uint32_t twin;		/* correlated section of the other object */

	struct rela *relas;	/* rela section: entries in file order */
	uint32_t nrelas;
	uint32_t relas_cap;	/* nonzero when @relas is separately allocated */
	struct rela_index *by_offset;	/* rela section: lazily, see object_relas_by_offset() */

	uint32_t *insn_starts;	/* text: instruction boundaries, lazily */
	uint32_t ninsns;

	uint64_t hash;		/* content hash (normalized for relas) */
	enum status status;
	bool is_rela, is_text, is_strings;
	bool is_debug;		/* .debug_*, .eh_frame, or the rela section of one */
	bool include, ignore, grouped;
	bool created;		/* made by us, not read from the input */
	uint32_t out_index;
};

struct symbol {
	const char *name;
	Elf64_Sym sym;
	uint32_t index;
	uint32_t sec;		/* defining section, or NONE */
	uint32_t twin;
	uint32_t parent;	/* .cold/.part parent function */
	uint32_t first_child, next_sibling;
	uint32_t pfx;		/* __pfx_/__cfi_ prefix symbol */
	uint32_t file;		/* orig: the STT_FILE symbol whose block holds us */
	long parent_block;	/* block in the parent symtab, -1 if unknown */
	uint8_t bind, type;
	enum status status;
	bool include;
	bool has_fentry;
	bool is_pfx;
	bool special_static;	/* per-call-site static, see is_special_static() */
	bool normal_static;	/* static local paired by use, not by name */
	bool created;
	uint8_t strip;		/* SYM_KEEP / SYM_USED / SYM_STRIP (output) */
	uint32_t out_index;
};

enum { SYM_KEEP = 0, SYM_USED, SYM_STRIP };

struct object {
	const char *path;
	const uint8_t *map;
	size_t map_size;
	bool owns_map;		/* @map is our mapping of @path, unmapped on free */
	Elf64_Ehdr ehdr;
	const struct arch_ops *arch;	/* from e_machine: relocation and instruction facts */

	struct section *secs;	/* [0] is the null section */
	uint32_t nsecs, secs_cap;
	struct symbol *syms;	/* [0] is the null symbol */
	uint32_t nsyms, syms_cap;
	uint32_t symtab;	/* index of .symtab */
	uint32_t strtab;	/* its string table */
	uint32_t shstrtab;	/* the section name table */

	struct rela *rela_pool;	/* storage of every input rela */

	struct hidx sec_names;	/* exact section name -> index */
	struct hidx sym_names;	/* exact symbol name -> index */
	struct span_index spans;	/* symbol intervals per section, once prepared */
};

/**
 * object_load() - map and read one relocatable object
 * @obj:  zeroed object to fill
 * @path: file to read
 * @eb:   where a problem is described ("<path>: <problem>")
 *
 * Validates everything later stages rely on: headers, section bounds,
 * string tables, symbol and relocation indexes and offsets.
 *
 * Return: 0, or a negative cdo_status (CDO_ERR_IO, CDO_ERR_MALFORMED,
 * CDO_ERR_UNSUPPORTED, CDO_ERR_NOMEM).
 */
int object_load(struct object *obj, const char *path, struct errbuf *eb);

/**
 * object_load_mem() - object_load() from a caller's buffer
 * @name: what messages call the object
 * @buf:  the object's bytes; must stay valid and unchanged until
 *        object_free(), since names and contents point into it
 */
int object_load_mem(struct object *obj, const char *name, const void *buf, size_t size,
		    struct errbuf *eb);
void object_free(struct object *obj);

/** object_find_section() - first section called @name, or NONE. */
uint32_t object_find_section(const struct object *obj, const char *name);
/** object_find_symbol() - first symbol called @name, or NONE. */
uint32_t object_find_symbol(const struct object *obj, const char *name);

/**
 * object_add_section() - append a section made by us
 * Return: its index, or NONE when out of memory.
 */
uint32_t object_add_section(struct object *obj, const char *name, uint32_t type,
			    uint64_t flags, uint64_t entsize, uint64_t align);
/** object_add_symbol() - append a symbol made by us; NONE on ENOMEM. */
uint32_t object_add_symbol(struct object *obj, const char *name, uint8_t bind,
			   uint8_t type, uint32_t sec);

/**
 * object_relas_by_offset() - the relocation-offset index of rela section @rs
 *
 * Built on first use and kept on the section, as a text section keeps its
 * instruction boundaries: a pool task may build the index of a section it
 * owns.  Valid until the section's relocations change.
 *
 * Return: the index, or NULL when out of memory.
 */
const struct rela_index *object_relas_by_offset(struct object *obj, uint32_t rs);

/**
 * object_relas_changed() - drop the indexes of rela section @rs: every
 * stage that rewrites, filters or reorders a section's relocations calls
 * it (object_add_rela() does).
 */
void object_relas_changed(struct object *obj, uint32_t rs);

/** object_add_rela() - append a relocation to rela section @rs. */
int object_add_rela(struct object *obj, uint32_t rs, uint64_t offset,
		    uint32_t type, uint32_t sym, int64_t addend);

/*
 * object_skips_debug_compare() - is section @i debug info that is never
 * compared?  Debug info goes into the output whole, so its status only
 * matters where a changed section would be refused: inside a section
 * group.  Debug relocations are most of an object built with -g, so not
 * comparing them (nor resolving their strings) is most of the saving.
 */
static inline bool object_skips_debug_compare(const struct object *o, uint32_t i)
{
	const struct section *s = &o->secs[i];

	return s->is_debug && !s->grouped && !(s->is_rela && o->secs[s->base].grouped);
}

/*
 * object_resolve_strings() - point every relocation into a mergeable
 * string section at its string (relocations are compared by it).  Needs
 * the section groups marked, so it runs after loading.
 */
int object_resolve_strings(struct object *o, struct errbuf *eb);

/**
 * section_rela_target_offset() - where a relocation really points
 *
 * The addend of a PC-relative relocation in code is relative to the end
 * of the instruction, not of the relocated field; this returns the offset
 * into the target symbol the instruction refers to, decoding the
 * instruction when needed.
 *
 * Return: 0 and *@off, or a negative cdo_status.
 */
int section_rela_target_offset(struct object *obj, uint32_t rs,
			       const struct rela *r, int64_t *off, struct errbuf *eb);

static inline bool sec_is_rela(const struct section *s)
{
	return s->sh.sh_type == SHT_RELA;
}

static inline const struct section *sym_section(const struct object *o,
						const struct symbol *s)
{
	return s->sec == NONE ? NULL : &o->secs[s->sec];
}

#define for_each_section(o, i) for ((i) = 1; (i) < (o)->nsecs; (i)++)
#define for_each_symbol(o, i) for ((i) = 0; (i) < (o)->nsyms; (i)++)
#define for_each_child(o, s, c) \
	for ((c) = (o)->syms[(s)].first_child; (c) != NONE; (c) = (o)->syms[(c)].next_sibling)

#endif
