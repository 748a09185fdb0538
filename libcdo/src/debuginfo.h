/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_DEBUGINFO_H
#define CDO_DEBUGINFO_H

/*
 * What the diff takes from an object's DWARF, read once with libdwarf
 * (dwarfread.c) into arrays of our own: the entry sizes of the kernel's
 * special-section structs, the line table, and the code ranges of
 * functions and of the subroutines inlined into them.  Once read, no
 * libdwarf handle is kept, and lookups are plain reads of these arrays,
 * safe from any thread.
 *
 * Addresses are those of dwarfelf.h: in a relocatable object each
 * section has an address of its own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarfelf.h"
#include "error.h"

/* The special-section structs, in the field order of struct cdo_struct_sizes. */
enum di_struct {
	DI_BUG, DI_EX, DI_JUMP, DI_ALT, DI_PARA, DI_ORC, DI_STATIC_CALL, DI_PRINTK_INDEX,
	DI_NSTRUCTS
};

/* The struct's name ("bug_entry") and kpatch-build's variable ("BUG_STRUCT_SIZE"). */
const char *di_struct_name(enum di_struct k);
const char *di_struct_variable(enum di_struct k);

struct di_line {
	uint64_t addr;
	uint32_t line;
	uint32_t file;		/* index into debuginfo.files, UINT32_MAX if none */
	bool end;		/* end of a sequence: covers nothing */
	uint32_t order;		/* position in the table, ties of the sort */
};

/* A range of code: a function, or a subroutine inlined into one. */
struct di_code {
	uint64_t lo, hi;
	const char *name;	/* NULL when unknown */
	uint32_t file, line;	/* where it is declared (file index, 0 line if unknown) */
	uint32_t call_file, call_line;	/* inlined: the call site */
	uint32_t depth;		/* inlined: 1 into the function, 2 into one of those... */
	uint32_t order;		/* position in the unit, ties of the sort */
};

struct debuginfo {
	bool has_info;		/* the object has a .debug_info section */
	const char *unit_name;	/* DW_AT_name of the first unit, or NULL */
	uint32_t sizes[DI_NSTRUCTS];	/* 0: not found */
	char **files;		/* paths as the compiler named them, "./" dropped */
	uint32_t nfiles;
	struct di_line *lines;	/* sorted by address, file order among equals */
	size_t nlines;
	struct di_code *funcs;	/* one per range of each function, sorted by lo */
	size_t nfuncs;
	struct di_code *inlined;	/* sorted by lo */
	size_t ninlined;
	char **strings;		/* names owned by us */
	size_t nstrings, strings_cap;
};

struct di_request {
	uint32_t sizes;		/* bit k: look for struct k */
	bool code;		/* line table, functions, inlined subroutines */
};

/**
 * debuginfo_read() - read what @rq asks from the DWARF of @e
 *
 * An object without .debug_info is not an error: @di->has_info stays
 * false.  Structs are looked for at the top level of every unit; the
 * first complete definition with a size wins, as in kpatch-build's scan.
 *
 * Return: 0, or a negative cdo_status with @eb naming the file.
 */
int debuginfo_read(struct debuginfo *di, const struct delf *e, const struct di_request *rq,
		   struct errbuf *eb);
void debuginfo_free(struct debuginfo *di);

/* The line-table row covering @addr, or NULL. */
const struct di_line *debuginfo_line_at(const struct debuginfo *di, uint64_t addr);

/*
 * Is @v a line @di gives the instruction at @addr, in a section at
 * @base: the line of the row holding it, or the call line of a
 * subroutine inlined around it?  (__LINE__ arguments are one or the
 * other.)
 */
bool debuginfo_is_line(const struct debuginfo *di, uint64_t base, uint64_t addr, uint64_t v);

#endif
