/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_PARENT_H
#define CDO_PARENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

/*
 * The parent index: the symbol table of the object being patched (the
 * text of `readelf -s --wide vmlinux` or of a module) and Module.symvers,
 * parsed once and indexed so that every question the diff engine asks is
 * answered in O(1) or O(log n).
 *
 * Symtab format.  Lines whose first token is "<digits>:" are symbol
 * entries and must read
 *
 *	Num: Value Size Type Bind Vis [ "[...]" annotations ] Ndx [Name]
 *
 * Value is hex; Size is read like strtoul(base 0) (readelf prints large
 * sizes as 0x...).  A missing name is the empty name; anything after the
 * name is ignored.  Bracketed annotations after Vis (ppc64le
 * "[<localentry>: 8]", which kpatch-build strips with sed before calling
 * create-diff-object) are skipped.  Every other line is ignored, and so is
 * everything between a "Symbol table '.dynsym'" header and the next
 * "Symbol table '.symtab'" header.  UND and SECTION entries are dropped.
 * Bind must be LOCAL, GLOBAL or WEAK and Type NOTYPE, OBJECT, FUNC or FILE
 * (others, e.g. TLS, fail with CDO_ERR_UNSUPPORTED naming path:line, as
 * upstream fails).  Syntax errors fail with CDO_ERR_MALFORMED
 * "<path>:<line>: <problem>".  Lines have no length limit; a name longer
 * than 16,777,215 bytes is CDO_ERR_MALFORMED.
 *
 * Module.symvers.  Tab-separated; the symbol is field 1 (0-based).  The
 * module field is the one found on the first line that has a field (after
 * a tab) starting with "vmlinux"; on that line the last such field wins.
 * That field number is then used for every line, before and after.  A
 * non-empty file without such a line is CDO_ERR_MALFORMED.  Empty lines
 * are skipped; a line without a non-empty name or module field is
 * CDO_ERR_MALFORMED (upstream would crash on it later).  Fields end at a
 * tab or at the end of the line (upstream keeps the newline in the last
 * field).  The module is reduced to its basename with '-' turned into '_'.
 *
 * A FILE block is one FILE entry of the table and every entry after it up
 * to the next FILE entry; blocks are numbered from 0 in table order.
 *
 * Thread safety: a struct parent is immutable after parent_open() and may
 * be queried from any number of threads at once.
 */
struct parent;

/**
 * parent_open() - parse and index a parent symbol table and Module.symvers
 * @out:          the new index on success, NULL otherwise
 * @symtab_path:  `readelf -s --wide` text of the parent (required)
 * @symvers_path: Module.symvers, or NULL (no exports); "/dev/null" and
 *                empty files give no exports either
 * @parent_name:  "vmlinux" or the module name; the objname of everything
 *                found in the symtab
 * @eb:           error buffer
 *
 * Return: CDO_OK, or CDO_ERR_IO, CDO_ERR_MALFORMED, CDO_ERR_UNSUPPORTED,
 * CDO_ERR_NOMEM, CDO_ERR_USAGE with @eb set.
 */
int parent_open(struct parent **out, const char *symtab_path, const char *symvers_path,
		const char *parent_name, struct errbuf *eb);

/* For tests: read every symtab line field by field, never at fixed places. */
#define PARENT_OPEN_GENERIC_LINES 1u

/*
 * parent_open_buckets() - parent_open() with every hash index (and the
 * per-query index of parent_match_file()) sized to @buckets buckets (0:
 * as parent_open()) and PARENT_OPEN_* @flags.  For tests only: 1 bucket
 * puts every key into one chain.
 */
int parent_open_buckets(struct parent **out, const char *symtab_path, const char *symvers_path,
			const char *parent_name, uint32_t buckets, unsigned int flags,
			struct errbuf *eb);

/** parent_close() - free the index; NULL is accepted. */
void parent_close(struct parent *p);

/** parent_name() - the @parent_name given to parent_open(). */
const char *parent_name(const struct parent *p);

/** parent_block_count() - number of FILE blocks in the symtab. */
long parent_block_count(const struct parent *p);

/**
 * struct parent_file_query - one FILE symbol of the object being diffed
 * @file_name:   the FILE symbol's name
 * @local_names: every LOCAL STT_FUNC and STT_OBJECT symbol that follows
 *               the FILE symbol in the object's symbol table, up to the
 *               next FILE symbol, including "maybe discarded" ones (they
 *               are filtered here); order and repeats do not matter
 * @n_locals:    entries in @local_names
 * @local_types: STT_FUNC or STT_OBJECT for each name.  Upstream compares
 *               (type, name) pairs; give the types for exact behaviour.
 *               NULL compares names only.
 * @local_empty: for each name, whether it is a zero-size symbol alone in
 *               an empty section (lockdep's `static struct lock_class_key
 *               __key` with lockdep off, in .bss.__key.N with
 *               -fdata-sections).  The linker drops such a section with
 *               its symbol, so the table may lack it: like a "maybe
 *               discarded" name, it is not required.  NULL: none is.
 * @work:        NULL, or the table entries the matching may still visit,
 *               decreased by each query.  A caller making many queries
 *               bounds their total: a query that runs out fails.
 */
struct parent_file_query {
	const char *file_name;
	const char *const *local_names;
	size_t n_locals;
	const unsigned char *local_types;
	const bool *local_empty;
	uint64_t *work;
};

/**
 * parent_entry_count() - entries of the symtab (for sizing @work budgets)
 */
size_t parent_entry_count(const struct parent *p);

/**
 * parent_match_file() - find the symtab FILE block an object FILE came from
 * @p:  the parent index
 * @q:  the object's FILE symbol and its locals
 * @eb: error buffer
 *
 * A candidate is a block whose FILE entry has @q->file_name.  It matches
 * when every LOCAL FUNC/OBJECT of the block is among the query's locals,
 * and every query local that is not "maybe discarded" at link time
 * (__exitcall_*, __brk_reservation_fn_*, __func_stack_frame_non_standard_*,
 * __trace_check*, *__addressable_*, *__UNIQUE_ID_*, .L.str*, .L__const*,
 * ubsan data) is a LOCAL of the same type (and name) in the block.
 * Exactly one candidate must match; but when the query has no locals
 * other than maybe-discarded ones, the first matching candidate is taken.
 *
 * Upstream makes this check for every FILE symbol of the original object
 * when it opens the table, failing the run on the first mismatch even if
 * no lookup ever needs it; callers should do the same.  Queries are
 * independent and may run in parallel.
 *
 * Return: the block number (>= 0), or CDO_ERR_UNSUPPORTED ("couldn't find
 * matching %s local symbols in %s symbol table", "found duplicate matches
 * for %s local symbols in %s symbol table"), CDO_ERR_NOMEM or
 * CDO_ERR_USAGE with @eb set.
 */
long parent_match_file(const struct parent *p, const struct parent_file_query *q,
		       struct errbuf *eb);

/**
 * struct parent_sym - what parent_lookup() found
 * @addr:     address in the symtab; 0 for an export found only in
 *            Module.symvers (resolved at run time)
 * @size:     size in the symtab; 0 for an export-only result
 * @sympos:   for a local: 1-based position, by address, among the LOCAL
 *            symbols of that name in the whole table; 0 otherwise
 * @global:   found as GLOBAL/WEAK in the symtab, or only in Module.symvers
 * @exported: the name is in Module.symvers
 * @objname:  for a symtab result the parent name; for an export-only
 *            result the module from Module.symvers ("vmlinux" for the
 *            kernel).  Owned by the parent index.
 * @bind:     STB_LOCAL/STB_GLOBAL/STB_WEAK as parsed; STB_GLOBAL for an
 *            export-only result
 * @type:     STT_* as parsed; STT_NOTYPE for an export-only result
 *
 * How create-diff-object's decisions map onto these fields (upstream
 * lookup_symbol() returning false is parent_lookup() returning 0):
 *
 *   changed function -> .kpatch.funcs entry:
 *	not found                          -> "can't find symbol '%s' in symbol table"
 *	object symbol LOCAL && @global     -> "can't find local symbol '%s' in symbol table"
 *	old_addr = @addr, old_size = @size, sympos = @sympos
 *
 *   does an undefined symbol's relocation need a klp relocation:
 *	not found                          -> no (defined elsewhere in the patch module)
 *	object symbol LOCAL && @global     -> error "can't find local symbol ..."
 *	object symbol LOCAL                -> yes
 *	@exported && ppc localentry-bundled-> yes
 *	@exported && @objname == "vmlinux" -> no
 *	@exported                          -> yes (exported by a module)
 *	@global                            -> yes (unexported global)
 *	else                               -> no
 *
 *   .kpatch.symbols / .kpatch.relocations entry of a klp relocation:
 *	src = @addr if the parent is vmlinux, else 0; sympos = @sympos;
 *	objname = @objname; external = parent is not vmlinux && @exported
 *	(type and bind come from the object's own symbol, not from here)
 *
 *   jump label / static call key "defined in a module":
 *	found && @objname != "vmlinux"
 */
struct parent_sym {
	uint64_t addr, size, sympos;
	int global;
	int exported;
	const char *objname;
	int bind, type;
};

/**
 * parent_lookup() - resolve a symbol like upstream's lookup_symbol()
 * @p:          the parent index
 * @file_block: the block parent_match_file() returned for the FILE symbol
 *              the object symbol belongs to, or -1 when it has none
 * @name:       the symbol name
 * @out:        the result; zeroed when nothing is found
 * @eb:         error buffer
 *
 * In order: a LOCAL of that name in @file_block (two or more: "duplicate
 * local symbol found for %s"); else a GLOBAL/WEAK in the whole table (two
 * or more: "duplicate global symbol found for %s"), @exported telling
 * whether Module.symvers lists the name; else a Module.symvers entry (two
 * or more: "duplicate exported symbol found for %s").
 *
 * Return: 1 found, 0 not found, or CDO_ERR_UNSUPPORTED (duplicates) or
 * CDO_ERR_USAGE (bad block or NULL name) with @eb set.
 */
int parent_lookup(const struct parent *p, long file_block, const char *name,
		  struct parent_sym *out, struct errbuf *eb);

/** parent_is_exported() - is @name listed in Module.symvers? */
int parent_is_exported(const struct parent *p, const char *name);

#endif
