/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cache entries.  An entry is one manifest, entries/<key>.manifest, that
 * lists the key's inputs and every output file of the build (type, mode,
 * size, mtime, content hash, path); the contents live in objects/.  The
 * manifest is written last, under a temporary name, and renamed: an entry
 * exists completely or not at all, and two writers of one key each leave
 * a complete one.  Its mtime records the last use, for gc.
 *
 * DIR/lock is flock()ed: shared by writers and readers, exclusive by gc,
 * verify and rm, which delete objects that no manifest names.
 */
#ifndef KBC_STORE_H
#define KBC_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hash.h"
#include "key.h"
#include "tree.h"

struct remote;

struct store {
	char *dir;
	struct remote *remote;	/* NULL: local only */
	int lockfd;
	int jobs;
};

struct entry_file {
	char *path;
	char hash[KBC_HEX_LEN + 1];
	uint64_t size;
	struct timespec mtime;
	mode_t mode;
	bool link;
	/*
	 * A text file naming the build's absolute root (tools/objtool's
	 * dependency files do): on restore elsewhere, the root is rewritten,
	 * or make would miss those files and rebuild objtool, and with it
	 * every object.
	 */
	bool names_root;
};

struct entry {
	char key[KBC_HEX_LEN + 1];
	struct key inputs;	/* the key's inputs as recorded */
	char *release;		/* kernel release of the build, "" unknown */
	char *root;		/* absolute path the tree was built in */
	time_t created;
	struct entry_file *f;
	size_t n;
	uint64_t bytes;		/* sum of file sizes */
	bool from_remote;	/* found on the remote, not yet in the local dir */
};

int store_open(struct store *s, const char *dir, const char *remote_url, int jobs);
void store_close(struct store *s);
int store_lock(struct store *s, bool exclusive);
void store_unlock(struct store *s);

/*
 * Store the output files of @tl (those marked output) below @root as the
 * entry of @k.  Prints the entry's size unless quiet.
 */
int store_put(struct store *s, const struct key *k, const char *root, const struct tree_list *tl);

/* Load entry @key: 0 found, 1 absent (local and remote), -1 error. */
int store_get(struct store *s, const char *key, struct entry *e);
void entry_free(struct entry *e);

/*
 * Write every file of @e below @root, each checked against its hash.
 * Restored files get mtimes in their recorded order, just before now, and
 * source files newer than that are set back, so that make sees the tree
 * as freshly built.  On failure the restored files are removed again.  A
 * remote entry is added to the local directory once all its objects
 * arrived.  @tree is @root as key_compute() walked it, or NULL to walk it
 * again (it tells which sources are newer than the restored outputs).
 */
int store_restore(struct store *s, struct entry *e, const char *root,
		  const struct tree_list *tree);

/*
 * Like store_restore(), but only the files whose path @want accepts
 * (*@restored of them); an entry found on the remote is restored whole.
 */
int store_restore_some(struct store *s, struct entry *e, const char *root,
		       const struct tree_list *tree, bool (*want)(const char *path), size_t *restored);

/* Read one file of @e (by path) into memory, checked. 0, 1 not in entry, -1. */
int store_read_file(struct store *s, const struct entry *e, const char *path, char **data,
		    size_t *len);

/*
 * Where a file derived from entry @key is kept (DIR/derived/KEY/NAME,
 * slashes of @name flattened): computed once, removed with the entry.
 */
char *store_derived_path(const struct store *s, const char *key, const char *name);

/* Find the entry whose key starts with @prefix; malloc'd key or NULL. */
char *store_find_key(struct store *s, const char *prefix);

int store_list(struct store *s, bool long_format);
int store_verify(struct store *s);
int store_gc(struct store *s, uint64_t max_size);
int store_rm(struct store *s, const char *key);

/* Keys (malloc'd array of malloc'd strings) of local entries. */
char **store_keys(struct store *s, size_t *n);

#endif
