/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuild's .cmd files: for every object, the command that compiled it,
 * its source and the files it depends on (fixdep's list).  They say which
 * objects a patch changes and how to compile exactly those again.
 */
#ifndef KBC_KCMD_H
#define KBC_KCMD_H

#include <stdbool.h>
#include <stddef.h>

struct kobj {
	char *obj;		/* "fs/ext4/inode.o" */
	char *cmd;		/* the shell command, make's escapes undone */
	char *source;		/* "fs/ext4/inode.c" */
	char **deps;		/* sorted */
	size_t ndeps;
	const char *parent;	/* "vmlinux", a module name, or NULL: neither */
	char *module_path;	/* "fs/ext4/ext4.ko" for a module object */
};

struct kobjs {
	struct kobj *v;
	size_t n;
	char **modnames;	/* the parents that are modules (loaded from the tree) */
	size_t nmodnames;
	char *blob;		/* read from an index: every string points into it */
	char **blob_deps;	/* and every deps array into this one */
};

/*
 * Read the .cmd files of every object linked into vmlinux (vmlinux.a's
 * members) or a module (its .mod file) below @src.
 */
int kobjs_load(const char *src, struct kobjs *out);
void kobjs_free(struct kobjs *k);

/*
 * kobjs_load() through the index file @index (one per cache entry, see
 * kobjindex.c): read from it when it is valid and was made for a tree at
 * the same place or with commands that do not name it, else loaded from
 * @src and written to it.
 */
#define KOBJS_INDEX_NAME "kobjs.idx"	/* its name among an entry's derived files */
int kobjs_load_indexed(const char *src, const char *index, struct kobjs *out);
/* The index alone: 0 loaded, 1 absent or unusable, -1 error. */
int kobjs_index_read(const char *src, const char *index, struct kobjs *out);
/* Write the index of the built tree @src to @index (after storing it). */
int kobjs_index_update(const char *src, const char *index);

/* Whether object @o is rebuilt when @path changes (its source or a dependency). */
bool kobj_depends_on(const struct kobj *o, const char *path);

/*
 * The command of @o with its output (and dependency file) moved below
 * @outdir, so it can run in the tree without touching the tree's object.
 */
char *kobj_cmd_to(const struct kobj *o, const char *outdir);

#endif
