/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The key of a cache entry: a hash over every input that can change what
 * building the original tree produces.  Each input is kept by name with a
 * readable value, so `kbuild-cache key --explain` (and --debug on every
 * command) shows exactly what was hashed and a surprising miss can be
 * traced to the input that changed.
 */
#ifndef KBC_KEY_H
#define KBC_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "hash.h"

/* How the original tree is built; the same values go into the key. */
struct build_conf {
	const char *src;	/* the kernel tree */
	const char *config;	/* config file (--config or SRC/.config) */
	const char *arch;	/* ARCH= (kbuild's name: x86_64, arm64, ...) */
	const char *cc;		/* CC= command (may be "wrapper gcc") */
	const char *ld;		/* LD= command */
	const char *kcflags;	/* KCFLAGS= */
	const char *targets;	/* make goals, "vmlinux modules" */
	char **vars;		/* further VAR=VALUE given on the command line */
	size_t nvars;
	const char *timestamp;	/* KBUILD_BUILD_TIMESTAMP */
	const char *user;	/* KBUILD_BUILD_USER */
	const char *host;	/* KBUILD_BUILD_HOST */
	bool no_arch_var;	/* leave ARCH= off the make line (kpatch-build does) */
	bool kcflags_env;	/* pass KCFLAGS in the environment (kpatch-build does) */
};

struct key_input {
	char *name;
	char *value;
};

struct tree_list;

struct key {
	struct key_input *in;
	size_t n;
	char hex[KBC_HEX_LEN + 1];
	/*
	 * The tree as key_compute() walked it (NULL when git's tree id was
	 * used): a restore right after needs its mtimes and need not walk
	 * 78,000 files again.
	 */
	struct tree_list *tree;
};

/* Fill the defaults of @bc that are still NULL (from the environment). */
void build_conf_defaults(struct build_conf *bc);

/* Compute the key of @bc's tree; -1 with kbc_err() set. */
int key_compute(const struct build_conf *bc, struct key *k);
/* Key from the input lines of a manifest (for ls/verify): name, value pairs. */
void key_add(struct key *k, const char *name, const char *value);
void key_finish(struct key *k);
void key_free(struct key *k);
const char *key_get(const struct key *k, const char *name);

/* "make -C SRC ARCH=.. CC=.. ..." argument vector, NULL-terminated. */
char **build_make_argv(const struct build_conf *bc, int jobs, const char *goals);
void free_argv(char **argv);
/* Put KBUILD_BUILD_* of @bc into the environment of this process. */
void build_setenv(const struct build_conf *bc);

/* Whether @src looks like a kernel source tree; -1 with a message if not. */
int check_kernel_tree(const char *src);

#endif
