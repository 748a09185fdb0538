/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands that work on a kernel tree: key, build, put, restore.
 */
#ifndef KBC_KBUILD_H
#define KBC_KBUILD_H

#include <stdbool.h>

#include "key.h"
#include "store.h"

struct kbc_opts {
	const char *cache;
	const char *remote;
	const char *json;
	const char *outdir;
	const char *max_size;
	int jobs;
	bool explain;
	bool long_format;
	bool keep_going;
	struct build_conf bc;
	char **args;		/* remaining arguments */
	int nargs;
	char built_key[KBC_HEX_LEN + 1];	/* set by cmd_build(): the entry the tree is at */
};

int cmd_key(struct kbc_opts *o);
int cmd_build(struct kbc_opts *o);
int cmd_put(struct kbc_opts *o);
int cmd_restore(struct kbc_opts *o);

enum restore_what {
	RESTORE_ALL,		/* the built state: make finds nothing to do */
	RESTORE_TO_COMPILE,	/* what compiling objects with their .cmd lines needs */
};

struct kobjs;

/*
 * Bring o->bc.src to the built state of its entry, or only what compiling
 * needs (restoring unless the tree's stamp says it already has it); fills
 * @e and @k.  With RESTORE_TO_COMPILE, @objs (required then) gets the
 * entry's objects: from its index when there is one, and then the .cmd
 * files, nine tenths of the bytes, stay in the store.  0, or -1 (also
 * when no entry exists: the message says to run build).
 */
int ensure_restored(struct kbc_opts *o, struct store *s, struct key *k, struct entry *e,
		    enum restore_what what, struct kobjs *objs);

/* Resolve o->bc.config: --config, else SRC/.config, else NULL. */
void pick_config(struct kbc_opts *o);

/* Run make in the tree with the build's variables; output to @log. */
int run_make(const struct build_conf *bc, int jobs, const char *goals, const char *log,
	     const char *what);

void print_explain(const struct key *k);

#endif
