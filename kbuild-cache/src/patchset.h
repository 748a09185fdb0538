/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Applying patches to a kernel tree so that it can always be put back:
 * every file a patch touches is saved (content, mode, mtime) before the
 * first patch is applied, and patchset_revert() writes them back, so the
 * tree is unchanged afterwards, also when a patch fails half-way.
 */
#ifndef KBC_PATCHSET_H
#define KBC_PATCHSET_H

#include <stddef.h>
#include <sys/stat.h>

struct saved_file {
	char *path;		/* relative to the tree */
	char *data;		/* NULL: did not exist */
	size_t len;
	mode_t mode;
	struct timespec mtime;
};

struct patchset {
	const char *src;
	struct saved_file *f;
	size_t n;
	int applied;
};

/*
 * Read @patches (unified diffs, -p1), save the files they touch and apply
 * them in order.  On failure the tree is reverted and -1 returned with
 * the failing patch named.
 */
int patchset_apply(struct patchset *ps, const char *src, char **patches, int npatches);
/* Only read @patches and save the files they touch (nothing is applied). */
int patchset_scan(struct patchset *ps, const char *src, char **patches, int npatches);
/* Put every saved file back as it was; 0 or -1. */
int patchset_revert(struct patchset *ps);
void patchset_free(struct patchset *ps);

#endif
