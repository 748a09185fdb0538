/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The code of the klp tools (klp-conflicts, klpctl): reading a livepatch
 * module file, the livepatch sysfs tree and kallsyms, and the kernel's rule
 * for when two patches replace the same function.
 *
 * Nothing here prints or exits: errors come back as -1 with a one-line
 * message ("file: problem") in struct klp_err, and notes the caller may
 * want to show are kept in the returned structures.
 */
#ifndef KLP_LIB_H
#define KLP_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct klp_err {
	char msg[768];
};

/* Set err->msg and return -1, for "return klp_fail(err, ...);". */
int klp_fail(struct klp_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct klp_fn {
	char *obj;		/* "vmlinux" or a module name */
	char *name;
	unsigned long pos;	/* normalized: 0 becomes 1 */
	char *patch;		/* owning patch, NULL for a module file's own */
	int active;		/* sysfs "active": 1, 0, -1; KLP_UNKNOWN if absent */
};

struct klp_fn_list {
	struct klp_fn *v;
	size_t n, cap;
};

#define KLP_UNKNOWN (-100)

int klp_fn_add(struct klp_fn_list *l, const char *obj, const char *name,
	       unsigned long pos, const char *patch, struct klp_err *err);
void klp_fn_list_free(struct klp_fn_list *l);
/* Same object, name and sympos (0 and 1 alike, as the kernel has it). */
bool klp_fn_same(const struct klp_fn *a, const struct klp_fn *b);

/* ---- a livepatch module file (klp-module.c) ---------------------------- */

struct klp_module {
	char *path;
	char *name;		/* the name the kernel will use */
	bool replace;		/* static klp_patch.replace */
	bool allow_conflicts;	/* static klp_patch.allow_conflicts */
	bool kpatch;		/* functions from .kpatch.funcs */
	struct klp_fn_list funcs;
	/* objects whose functions are filled in at run time: not seen */
	char **unseen;
	size_t n_unseen;
};

/*
 * Read the functions @path would replace: the static klp_patch, klp_object
 * and klp_func arrays of a hand-written livepatch, or the .kpatch.funcs
 * table of a kpatch-build module.  Return: 0, or -1 with @err set.
 */
int klp_module_read(const char *path, struct klp_module *m, struct klp_err *err);
void klp_module_free(struct klp_module *m);
/* The module name the kernel would use for a file name: "a-b.ko" -> "a_b". */
char *klp_name_from_path(const char *path);

/* ---- the running kernel (klp-sysfs.c) ---------------------------------- */

struct klp_patch_info {
	char *name;
	int enabled;		/* 0/1; KLP_UNKNOWN if unreadable */
	int transition;
	long stack_order;	/* KLP_UNKNOWN without the attribute */
	int replace;		/* KLP_UNKNOWN without the attribute */
	int allow_conflicts;	/* KLP_UNKNOWN without the attribute */
	bool has_signal;	/* a "signal" file (kernels before 5.1 era tools) */
};

struct klp_sysfs {
	struct klp_patch_info *p;
	size_t np;
	struct klp_fn_list funcs;	/* every function of every patch */
};

/*
 * Read every patch directory of the livepatch sysfs folder @root.  A
 * missing folder is an error: "no patch" would mislead.
 * Return: 0, or -1 with @err set.
 */
int klp_sysfs_read(const char *root, struct klp_sysfs *s, struct klp_err *err);
void klp_sysfs_free(struct klp_sysfs *s);
const struct klp_patch_info *klp_sysfs_patch(const struct klp_sysfs *s, const char *name);
/*
 * The functions of the active patches other than @self: enabled ones and
 * those in a transition towards enabled (the kernel's klp_patches minus a
 * patch being disabled).
 */
int klp_sysfs_active(const struct klp_sysfs *s, const char *self,
		     struct klp_fn_list *out, struct klp_err *err);

struct klp_ksym {
	char *obj;
	char *name;
	unsigned long long addr;
};

struct klp_ksyms {
	struct klp_ksym *v;
	size_t n, cap;
	bool usable;		/* real addresses (root); otherwise all 0 */
};

/* A missing or unreadable file leaves @ks unusable, which is not an error. */
int klp_ksyms_read(const char *path, struct klp_ksyms *ks, struct klp_err *err);
void klp_ksyms_free(struct klp_ksyms *ks);
/* The address of @fn's object/name/sympos, or 0 when unknown. */
unsigned long long klp_ksym_addr(const struct klp_ksyms *ks, const struct klp_fn *fn);

struct klp_conflict {
	size_t mine;		/* index in the new patch's functions */
	size_t other;		/* index in the active functions */
	bool alias;		/* same address under another name */
};

/*
 * Pairs of a new function and an active one that the kernel would call the
 * same function: same name, or same address in @ks (aliases).
 * Return: the number of pairs in *@out (to be freed), or -1 with @err set.
 */
long klp_find_conflicts(const struct klp_fn_list *mine, const struct klp_fn_list *active,
			const struct klp_ksyms *ks, struct klp_conflict **out,
			struct klp_err *err);

/* @s as a JSON string; bytes outside printable ASCII escaped as \u00XX. */
void klp_json_str(FILE *f, const char *s);
/* A small file's first line, without the newline; false if unreadable. */
bool klp_read_line(const char *path, char *buf, size_t len);
/* A file holding one decimal integer; KLP_UNKNOWN if unreadable or not one. */
long klp_read_long(const char *path);
/* "@dir/@name" into @buf; false when it does not fit. */
bool klp_join(char *buf, size_t len, const char *dir, const char *name);

/* ---- a set of patches loaded in a given order (klp-order.c) ------------ */

struct klp_order_fn {
	const struct klp_fn *fn;	/* the first module's copy */
	size_t *changed_by;		/* module indexes, in load order */
	size_t n_changed;
	long runs;			/* module index, -1: the original code */
	size_t *stacked;		/* active modules under it, top first */
	size_t n_stacked;
	bool depends;			/* another order gives another result */
	bool original_possible;		/* some order runs the original code */
};

struct klp_order {
	const struct klp_module *const *mods;	/* in load order */
	size_t nmods;
	long *dropped_by;		/* per module: replace patch index or -1 */
	struct klp_order_fn *fns;	/* sorted by object, name, sympos */
	size_t nfns;
	size_t n_depends;		/* functions whose result depends on the order */
};

/*
 * Which version of each function runs after loading @mods in this order:
 * the last loaded patch wins, and an atomic-replace patch drops every
 * patch loaded before it.  Functions are matched by object, name and
 * sympos.  Return: 0, or -1 with @err set.
 */
int klp_order_plan(const struct klp_module *const *mods, size_t nmods,
		   struct klp_order *o, struct klp_err *err);
void klp_order_free(struct klp_order *o);

#endif /* KLP_LIB_H */
