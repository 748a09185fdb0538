/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libcdo: diff an original and a patched kernel object file and write the
 * object that kpatch-build links into a livepatch module.
 *
 * Life cycle:
 *
 *	CDO_OPTS(opts, .threads = 4, .parent_name = "vmlinux", ...);
 *	struct cdo_ctx *ctx = cdo_new(&opts);
 *	int err = cdo_diff(ctx, "orig/fs/foo.o", "patched/fs/foo.o");
 *	if (!err)
 *		err = cdo_write(ctx, "output/fs/foo.o");
 *	if (err)
 *		fprintf(stderr, "%s\n", cdo_errmsg(ctx));
 *	cdo_free(ctx);
 *
 * In C++ (which needs C++20 for designated initializers), name the fields
 * of CDO_OPTS() in the order struct cdo_opts declares them.
 *
 * A context may run any number of diffs one after another (the parent
 * symbol table and thread pool are kept between them); each cdo_diff()
 * replaces the previous result.  Different contexts may be used from
 * different threads at once; one context must not be.
 *
 * The library never exits, never prints unless given a log callback, keeps
 * no global mutable state, and reports errors as negative cdo_status
 * values with a message kept in the context.
 *
 * Lifetime of what the library hands out:
 *  - strings of result items (struct cdo_item) and the items themselves:
 *    owned by the context, valid until the next cdo_diff() or cdo_free()
 *    on it (cdo_write() does not touch them).  They are copies: changing,
 *    truncating or removing the input files does not affect them.
 *  - cdo_errmsg(): valid until the next call taking that context.
 *  - cdo_status_str(), cdo_item_kind_str(), cdo_version(): static.
 */
#ifndef CDO_CDO_H
#define CDO_CDO_H

#include <stddef.h>
#include <stdint.h>

#include <cdo/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(CDO_BUILDING_LIBRARY)
#define CDO_API __attribute__((visibility("default")))
#else
#define CDO_API
#endif

/*
 * Compile-time version (cdo/version.h, generated from the VERSION file):
 * CDO_VERSION_MAJOR, CDO_VERSION_MINOR, CDO_VERSION_PATCH and
 * CDO_VERSION_STRING.  cdo_version() gives the run-time library's.
 */
#define CDO_VERSION_NUMBER \
	(CDO_VERSION_MAJOR * 10000 + CDO_VERSION_MINOR * 100 + CDO_VERSION_PATCH)
#define CDO_VERSION_AT_LEAST(major, minor, patch) \
	(CDO_VERSION_NUMBER >= (major) * 10000 + (minor) * 100 + (patch))

/**
 * enum cdo_status - result of a libcdo call
 *
 * Every call returning int returns CDO_OK or one of these, all in
 * -(CDO_ERR_BASE + 1) .. -(CDO_ERR_BASE + 99), so they never collide with
 * a negative errno value.  The errno behind CDO_ERR_IO (and ENOMEM behind
 * CDO_ERR_NOMEM) is returned by cdo_errno().
 *
 * @CDO_OK:            success
 * @CDO_ERR_USAGE:     the caller passed invalid arguments or options
 * @CDO_ERR_IO:        a file could not be opened, read or written
 * @CDO_ERR_MALFORMED: an input file is not a well-formed object, symbol
 *                     table or Module.symvers
 * @CDO_ERR_UNSUPPORTED: well-formed input that cannot be turned into a
 *                     patch (create-diff-object's exit status 1)
 * @CDO_ERR_DIFF:      an unreconcilable difference between the objects
 *                     (create-diff-object's exit status 2)
 * @CDO_ERR_NOCHANGE:  no functional change: nothing to write (exit 3)
 * @CDO_ERR_NOMEM:     out of memory
 * @CDO_ERR_STATE:     the call is not valid in the context's state, for
 *                     example cdo_write() without a successful cdo_diff()
 */
#define CDO_ERR_BASE 4000

enum cdo_status {
	CDO_OK = 0,
	CDO_ERR_USAGE = -(CDO_ERR_BASE + 1),
	CDO_ERR_IO = -(CDO_ERR_BASE + 2),
	CDO_ERR_MALFORMED = -(CDO_ERR_BASE + 3),
	CDO_ERR_UNSUPPORTED = -(CDO_ERR_BASE + 4),
	CDO_ERR_DIFF = -(CDO_ERR_BASE + 5),
	CDO_ERR_NOCHANGE = -(CDO_ERR_BASE + 6),
	CDO_ERR_NOMEM = -(CDO_ERR_BASE + 7),
	CDO_ERR_STATE = -(CDO_ERR_BASE + 8),
};

/**
 * enum cdo_log_level - what a log line is, and how much to log
 * @CDO_LOG_DEFAULT: only as cdo_opts.log_level: not set, meaning
 *                 CDO_LOG_INFO; never passed to the callback
 * @CDO_LOG_ERROR: an error detail that precedes a failing return;
 *                 create-diff-object prints these to stderr
 * @CDO_LOG_INFO:  a user-facing line (changed/new function, notices);
 *                 create-diff-object prints these to stdout
 * @CDO_LOG_DEBUG: the decisions behind a result: which sections and
 *                 symbols were paired, why a section counts as changed,
 *                 why something was included (create-diff-object -d)
 *
 * A callback gets the lines of its level and every less verbose one.
 */
enum cdo_log_level {
	CDO_LOG_DEFAULT = 0,
	CDO_LOG_ERROR = 1,
	CDO_LOG_INFO = 2,
	CDO_LOG_DEBUG = 3,
};

typedef void (*cdo_log_fn)(void *user, enum cdo_log_level level, const char *msg);

/**
 * struct cdo_struct_sizes - sizes of the kernel's special-section entries
 *
 * Zero means "not known".  A size is needed only when the matching section
 * is present in the patched object; a missing one is then an error, except
 * @orc, whose absence skips ORC regeneration.
 */
struct cdo_struct_sizes {
	uint32_t bug;		/* struct bug_entry: __bug_table */
	uint32_t ex;		/* struct exception_table_entry: __ex_table */
	uint32_t jump;		/* struct jump_entry: __jump_table */
	uint32_t alt;		/* struct alt_instr: .altinstructions */
	uint32_t para;		/* struct paravirt_patch_site: .parainstructions */
	uint32_t orc;		/* struct orc_entry: .orc_unwind */
	uint32_t static_call;	/* struct static_call_site: .static_call_sites */
	uint32_t printk_index;	/* struct pi_entry: .printk_index */
};

/**
 * struct cdo_opts - options for cdo_new()
 * @sz:            sizeof(struct cdo_opts); set by CDO_OPTS()
 * @threads:       worker threads; 0 = number of online CPUs
 * @log:           log callback, or NULL for silence
 * @log_user:      passed to @log
 * @log_level:     the most verbose level passed to @log; CDO_LOG_DEFAULT
 *                 (0) means CDO_LOG_INFO
 * @display_name:  name used in messages for the object being diffed
 *                 (kpatch-build shows the path below orig/); NULL = the
 *                 original file's path after its first '/'
 * @parent_name:   "vmlinux" or the module name the object belongs to
 * @parent_symtab: `readelf -s --wide` output of the parent, or NULL
 * @symvers:       Module.symvers, or NULL
 * @klp_arch:      the kernel uses .klp.arch sections (create-diff-object -a)
 * @sizes:         special-section entry sizes
 * @parallel_min_bytes: inputs smaller than this (orig + patched + parent
 *                 symtab, in bytes) are diffed on the calling thread
 *                 only; 0 means the default of 1 MiB, 1 always uses the
 *                 pool
 * @debuginfo:     a file with debug info (vmlinux, a module) in which to
 *                 look for the special-section structs the objects' own
 *                 debug info lacks; NULL for none
 * @dwarf:         enum cdo_dwarf_flags: what to take from the debug info
 *
 * New fields are only ever appended; the library reads only the first
 * @sz bytes, so callers built against an older header keep working.  A
 * caller built against a newer header may pass a larger @sz as long as
 * every byte this library does not know is zero (a new option left at its
 * default); a non-zero one makes cdo_new() fail with E2BIG, as libbpf's
 * OPTS_VALID() and the kernel's copy_struct_from_user() do, rather than
 * silently ignore an option the caller asked for.
 */
struct cdo_opts {
	size_t sz;
	unsigned int threads;
	cdo_log_fn log;
	void *log_user;
	enum cdo_log_level log_level;
	const char *display_name;
	const char *parent_name;
	const char *parent_symtab;
	const char *symvers;
	int klp_arch;
	struct cdo_struct_sizes sizes;
	uint64_t parallel_min_bytes;
	const char *debuginfo;
	unsigned int dwarf;
};

/**
 * enum cdo_dwarf_flags - what libcdo takes from the objects' DWARF
 * @CDO_DWARF_NO_SIZES:   never read struct sizes from debug info: a size
 *                        not given in cdo_opts.sizes is an error, as with
 *                        upstream's create-diff-object.  By default a
 *                        size not given is read from the debug info of the
 *                        patched object, then the original, then
 *                        cdo_opts.debuginfo, when its section is present.
 * @CDO_DWARF_SOURCE:     give each changed and new function its source
 *                        (struct cdo_item.source): file, lines, changed
 *                        lines, inlined callees whose code changed
 * @CDO_DWARF_LINE_ONLY:  recognise a __LINE__-only change through the line
 *                        tables as well: a function whose differing
 *                        instructions differ only in an immediate that,
 *                        in each object, is the line the line table gives
 *                        the instruction (or the call line of a subroutine
 *                        inlined there) is not changed, whatever the
 *                        immediate is passed to.  By default only
 *                        upstream's rule applies (a line loaded into the
 *                        second or third argument register of a WARN,
 *                        might_sleep or printk style call).  Objects
 *                        without debug info keep upstream's rule.
 *
 * Debug info is read only when a flag or a missing size asks for it,
 * once per object.
 */
enum cdo_dwarf_flags {
	CDO_DWARF_NO_SIZES = 1u << 0,
	CDO_DWARF_SOURCE = 1u << 1,
	CDO_DWARF_LINE_ONLY = 1u << 2,
};

/*
 * CDO_OPTS(name, .field = value, ...) - declare options zeroed, sz set.
 * g++ -Wextra (unlike C compilers) warns about every field a designated
 * initializer leaves out, which is the point of the macro: silence that
 * for this declaration only (the pragma must follow the declaration's
 * semicolon; the caller's own one is then an empty statement).
 */
#if defined(__cplusplus) && defined(__GNUC__)
#define CDO_OPTS(name, ...) \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"") \
	struct cdo_opts name = { .sz = sizeof(struct cdo_opts), __VA_ARGS__ }; \
	_Pragma("GCC diagnostic pop")
#else
#define CDO_OPTS(name, ...) \
	struct cdo_opts name = { .sz = sizeof(struct cdo_opts), __VA_ARGS__ }
#endif

struct cdo_ctx;

/**
 * cdo_new() - create a diff context
 * @opts: options, or NULL for defaults (which cannot write output: a
 *        parent name and symbol table are needed for that)
 *
 * Return: the context, or NULL with errno set: ENOMEM; EINVAL when
 * @opts->sz is too small to hold @threads; E2BIG when @opts has non-zero
 * bytes past the struct this library knows; ERANGE when @log_level is
 * not a cdo_log_level.
 */
CDO_API struct cdo_ctx *cdo_new(const struct cdo_opts *opts);

/** cdo_free() - release a context; NULL is accepted. */
CDO_API void cdo_free(struct cdo_ctx *ctx);

/**
 * cdo_diff() - compare two objects and compute the patch
 * @ctx:     the context
 * @orig:    path of the original object
 * @patched: path of the patched object
 *
 * Loads both objects and the parent symbol table (once per context),
 * correlates, compares, selects what the patch needs and builds the
 * output in memory.
 *
 * Return: CDO_OK, or a negative cdo_status; cdo_errmsg() says why.
 * CDO_ERR_NOCHANGE means the objects differ in nothing that needs a patch.
 */
CDO_API int cdo_diff(struct cdo_ctx *ctx, const char *orig, const char *patched);

/**
 * cdo_diff_mem() - cdo_diff() on objects the caller holds in memory
 * @ctx:          the context
 * @orig_name:    what messages call the original object (as the path
 *                given to cdo_diff() would be used)
 * @orig:         the original object's bytes
 * @orig_size:    their length
 * @patched_name: what messages call the patched object
 * @patched:      the patched object's bytes
 * @patched_size: their length
 *
 * For callers that already hold the objects (a build cache that keeps
 * them compressed, a fuzzer).  The library does not copy the buffers:
 * they must stay valid and unchanged until the next cdo_diff() or
 * cdo_diff_mem() on @ctx, or cdo_free(), since the result and the output
 * written by cdo_write() refer to them.  The parent symbol table and
 * Module.symvers still come from the paths in the options.
 *
 * Return: as cdo_diff(); CDO_ERR_USAGE when a buffer is NULL.
 */
CDO_API int cdo_diff_mem(struct cdo_ctx *ctx, const char *orig_name, const void *orig,
			 size_t orig_size, const char *patched_name, const void *patched,
			 size_t patched_size);

/**
 * cdo_write() - write the output object of the last successful cdo_diff()
 * @ctx:  the context
 * @path: output path; written to a temporary file beside it and renamed,
 *        so a failure never leaves a partial or stale file
 *
 * Return: CDO_OK or a negative cdo_status.
 */
CDO_API int cdo_write(struct cdo_ctx *ctx, const char *path);

/**
 * cdo_errmsg() - the message of the last error, "" if none
 *
 * Messages about a file start with its path ("orig/foo.o: not an ELF
 * file").  Valid until the next call taking @ctx.
 */
CDO_API const char *cdo_errmsg(const struct cdo_ctx *ctx);

/**
 * cdo_errno() - the errno behind the last error
 *
 * Return: for CDO_ERR_IO, the errno of the failed system call (ENOENT,
 * EACCES, ENOSPC...); ENOMEM for CDO_ERR_NOMEM; 0 otherwise, and when
 * @ctx is NULL.
 */
CDO_API int cdo_errno(const struct cdo_ctx *ctx);

/** cdo_status_str() - a short name for a status ("unreconcilable difference"...). */
CDO_API const char *cdo_status_str(int status);

/**
 * enum cdo_item_kind - what a result item describes
 * @CDO_ITEM_CHANGED_FUNC: a changed function (one .kpatch.funcs entry)
 * @CDO_ITEM_NEW_FUNC:     a new function included in the output
 * @CDO_ITEM_NEW_GLOBAL:   a new global symbol (function or object)
 * @CDO_ITEM_IGNORED_FUNC: a function marked KPATCH_IGNORE_FUNCTION
 * @CDO_ITEM_CALLBACK:     a pre/post patch/unpatch callback
 * @CDO_ITEM_KLP_RELOC:    a relocation turned into a livepatch relocation
 */
enum cdo_item_kind {
	CDO_ITEM_CHANGED_FUNC,
	CDO_ITEM_NEW_FUNC,
	CDO_ITEM_NEW_GLOBAL,
	CDO_ITEM_IGNORED_FUNC,
	CDO_ITEM_CALLBACK,
	CDO_ITEM_KLP_RELOC,
	CDO_ITEM_KIND_COUNT
};

/**
 * struct cdo_item - one entry of a diff result
 * @name:      symbol name (for a klp relocation: the target symbol)
 * @section:   section the symbol lives in in the patched object, or the
 *             section holding the relocation
 * @sympos:    position among same-named locals in the parent symtab
 *             (0 for globals or when not looked up)
 * @old_addr:  address in the parent symtab, 0 when not looked up
 * @old_size:  size in the parent symtab
 * @new_size:  size in the patched object
 * @objname:   object the symbol is resolved in ("vmlinux" or a module)
 * @reason:    for CDO_ITEM_CHANGED_FUNC, why the function is changed:
 *             "code" (its bytes or size differ), "relocations" (same
 *             bytes, but a relocation targets something else), "child"
 *             (a .cold/.part part of it changed), "moved" (it moved
 *             between .text, .text.hot and .text.unlikely); NULL for the
 *             other kinds
 * @source:    with CDO_DWARF_SOURCE, for changed and new functions of an
 *             object with a line table: where the change is; else NULL
 */
struct cdo_item {
	const char *name;
	const char *section;
	uint64_t sympos;
	uint64_t old_addr;
	uint64_t old_size;
	uint64_t new_size;
	const char *objname;
	const char *reason;
	const struct cdo_source *source;
};

/**
 * enum cdo_inlining - whether gcc's inlining decision for a callee changed
 * @CDO_INLINING_SAME:      inlined in both functions, or in one only
 *                          while the other does not call it either (the
 *                          call itself came or went)
 * @CDO_INLINING_UNINLINED: inlined in the original function only; the
 *                          patched one calls it (or a clone of it,
 *                          name.constprop.N ...) instead
 * @CDO_INLINING_NEWLY:     inlined in the patched function only; the
 *                          original called it
 *
 * A callee that grew (or shrank) past gcc's limits changes every caller
 * that stops (or starts) inlining it: its body leaves the caller, and the
 * registers, stack slots and block order around the call are chosen anew
 * on lines the patch did not touch.  The decision is per function: a
 * callee still inlined at one call is SAME even when another call of it
 * became a real call, and so is one gcc split (its head inlined, its
 * tail called as name.part.N).
 */
enum cdo_inlining {
	CDO_INLINING_SAME = 0,
	CDO_INLINING_UNINLINED,
	CDO_INLINING_NEWLY,
};

/**
 * struct cdo_inlined - a subroutine inlined into a function whose code differs
 * @name:      the inlined function
 * @file:      the file it is declared in
 * @line:      the line it is declared on (in the original object when
 *             it is inlined only there: uninlined, or its code went away)
 * @call_line: the line of the call it was inlined for (in cdo_source.file
 *             or an outer inlined function), 0 when unknown
 * @inlining:  whether the decision to inline it changed
 */
struct cdo_inlined {
	const char *name;
	const char *file;
	uint32_t line;
	uint32_t call_line;
	enum cdo_inlining inlining;
};

/**
 * struct cdo_inlined_call - a subroutine inlined for a call on a changed line
 * @line:      the changed line (one of cdo_source.changed_lines) it was
 *             inlined for, or, with @depth above 1, the line of the call
 *             at depth 1 it was inlined into
 * @depth:     1: called on @line; 2: called from a depth 1 one; ...
 * @name:      the inlined function
 * @file:      the file it is declared in
 * @decl_line: the line it is declared on, 0 when unknown (in the original
 *             object's numbering for a call only the original has, as
 *             cdo_inlined.line: an instruction it lost changed the line)
 *
 * A changed line that calls an inlined function may have changed because
 * that function did: gcc folds the callee's test into the caller's branch
 * and the line table gives that branch the caller's line (often the first
 * line of a statement whose call is on the next), so no code of the
 * callee's own differs.  These are the calls on the line, and the call of
 * the same statement (a few lines apart) whose code the line's changed
 * code directly follows or precedes, with what is inlined into them: the
 * functions a changed line reaches through inlining, without a claim
 * that their code changed (that is cdo_source.inlined).
 */
struct cdo_inlined_call {
	uint32_t line;
	uint32_t depth;
	const char *name;
	const char *file;
	uint32_t decl_line;
};

/**
 * struct cdo_source - where a changed or new function comes from
 * @file:            its source file, as the compiler named it ("kernel/sys.c")
 * @first_line:      the line it is declared on
 * @last_line:       the last line of @file its code comes from
 * @changed_lines:   lines (of any file) of the patched object's line table
 *                   whose instructions differ from the original's, sorted;
 *                   a new function has none
 * @n_changed_lines: their count
 * @inlined:         inlined subroutines whose code differs, in the order
 *                   their code first differs
 * @n_inlined:       their count
 * @calls:           the subroutines inlined for the calls on the changed
 *                   lines, by line; on each line in the order of their
 *                   code, each after the one it is inlined into
 * @n_calls:         their count
 */
struct cdo_source {
	const char *file;
	uint32_t first_line;
	uint32_t last_line;
	const uint32_t *changed_lines;
	size_t n_changed_lines;
	const struct cdo_inlined *inlined;
	size_t n_inlined;
	const struct cdo_inlined_call *calls;
	size_t n_calls;
};

/** cdo_result_count() - number of items of @kind in the last diff. */
CDO_API size_t cdo_result_count(const struct cdo_ctx *ctx, enum cdo_item_kind kind);

/** cdo_result_item() - item @i of @kind, or NULL when out of range. */
CDO_API const struct cdo_item *cdo_result_item(const struct cdo_ctx *ctx,
					       enum cdo_item_kind kind, size_t i);

/**
 * cdo_item_kind_str() - a short name for @kind ("changed function",
 * "new function", "new global", "ignored function", "callback",
 * "klp relocation"), or NULL when @kind is out of range.
 */
CDO_API const char *cdo_item_kind_str(enum cdo_item_kind kind);

/**
 * cdo_struct_sizes_from_env() - read the sizes kpatch-build exports
 * @sizes: filled from BUG_STRUCT_SIZE, EX_STRUCT_SIZE, JUMP_STRUCT_SIZE,
 *         ALT_STRUCT_SIZE, PARA_STRUCT_SIZE, ORC_STRUCT_SIZE,
 *         STATIC_CALL_STRUCT_SIZE and PRINTK_INDEX_STRUCT_SIZE; an unset
 *         or empty variable leaves its field 0 ("not known")
 * @bad:   if not NULL, set to the name of the variable that was rejected,
 *         or NULL
 *
 * Values are decimal, as kpatch-build writes them.  Reads the process
 * environment: do not call it while another thread changes it.
 *
 * Return: CDO_OK, or CDO_ERR_USAGE when a variable is not a decimal
 * number below 65536 (@sizes is then left unchanged).
 */
CDO_API int cdo_struct_sizes_from_env(struct cdo_struct_sizes *sizes, const char **bad);

/**
 * enum cdo_size_origin - where a struct size of the last diff came from
 * @CDO_SIZE_UNKNOWN: not known (not needed, or not found)
 * @CDO_SIZE_OPTION:  cdo_opts.sizes (kpatch-build's *_STRUCT_SIZE)
 * @CDO_SIZE_DWARF:   the debug info of cdo_struct_size.file
 */
enum cdo_size_origin {
	CDO_SIZE_UNKNOWN = 0,
	CDO_SIZE_OPTION,
	CDO_SIZE_DWARF,
};

/**
 * struct cdo_struct_size - one special-section entry size of the last diff
 * @type:     the kernel struct ("bug_entry")
 * @variable: kpatch-build's variable for it ("BUG_STRUCT_SIZE")
 * @size:     bytes; 0 when unknown
 * @origin:   where @size came from
 * @file:     for CDO_SIZE_DWARF, the file whose debug info gave it
 */
struct cdo_struct_size {
	const char *type;
	const char *variable;
	uint32_t size;
	enum cdo_size_origin origin;
	const char *file;
};

/**
 * cdo_result_struct_sizes() - the struct sizes the last diff used
 * @ctx:   the context
 * @sizes: set to an array in the field order of struct cdo_struct_sizes,
 *         valid as result items are
 *
 * Return: the array's length (8), or 0 when there is no diff.
 */
CDO_API size_t cdo_result_struct_sizes(const struct cdo_ctx *ctx,
				       const struct cdo_struct_size **sizes);

/**
 * cdo_version() - the run-time library's version, "MAJOR.MINOR.PATCH"
 * (CDO_VERSION_STRING is the version of the header compiled against).
 */
CDO_API const char *cdo_version(void);

#ifdef __cplusplus
}
#endif

#endif
