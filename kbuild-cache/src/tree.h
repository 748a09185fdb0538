/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking a kernel tree and telling its sources from its build outputs.
 *
 * The kernel keeps its .gitignore files exact: after a build, `git status`
 * shows nothing, so every file kbuild generates in the tree matches an
 * ignore rule and every source file matches none.  Debian's linux-source
 * tarball ships those files too.  tree_walk() applies the same rules
 * (nested .gitignore files, negation, directory-only and anchored
 * patterns) so that one walk yields the sources, which make the key, and
 * the outputs, which make the entry.
 */
#ifndef KBC_TREE_H
#define KBC_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct tree_file {
	char *path;		/* relative to the tree root */
	mode_t mode;
	uint64_t size;
	struct timespec mtime;
	struct timespec ctime;
	uint64_t ino;
	bool output;		/* ignored by the tree's .gitignore rules */
};

struct tree_list {
	struct tree_file *v;
	size_t n, cap;
};

/*
 * Every regular file and symlink below @root, sorted by path, in @out;
 * .git and the files in never_store() are left out.  -1 on error.
 */
int tree_walk(const char *root, struct tree_list *out);
void tree_list_free(struct tree_list *l);

/* Files that are never part of an entry: patches, backups, our stamp. */
bool never_store(const char *relpath);

/*
 * Hash of the source files (path, executable bit, content) of a walked
 * tree.  A file whose size, mtime, ctime and inode match the tree's stat
 * cache (ROOT/.kbuild-cache-stat, rewritten by each call) is not read
 * again, unless it changed within a second of the cache being written
 * (git's "racily clean" rule).  -1 on error.
 */
int tree_source_hash(const char *root, const struct tree_list *l, char hex[33], uint64_t *nfiles);

/*
 * For a git checkout with no modified or untracked files (`git status
 * --porcelain` empty, ignored files allowed), the tree id of HEAD in
 * @hex (40 or 64 hex digits).  0 found, 1 not a clean checkout, -1 error.
 */
int git_clean_tree_id(const char *root, char *hex, size_t hexsz);

#endif
