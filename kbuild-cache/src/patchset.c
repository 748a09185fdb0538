// SPDX-License-Identifier: GPL-2.0
#include "patchset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The path of a "--- a/x" or "+++ b/x" line, without the first component. */
static char *diff_path(const char *line)
{
	const char *p = line + 4, *e, *slash;

	e = p;
	while (*e && *e != '\t' && *e != '\n')
		e++;
	while (e > p && e[-1] == ' ')
		e--;
	if (e - p == 9 && !strncmp(p, "/dev/null", 9))
		return NULL;
	slash = memchr(p, '/', (size_t)(e - p));
	if (!slash)
		return NULL;
	return xasprintf("%.*s", (int)(e - slash - 1), slash + 1);
}

static int add_path(struct patchset *ps, const char *patch, char *path)
{
	size_t i;
	char *full;
	struct stat st;

	if (!path)
		return 0;
	if (path_escapes(path)) {
		free(path);
		return kbc_err("%s: refusing path outside the tree", patch);
	}
	for (i = 0; i < ps->n; i++) {
		if (!strcmp(ps->f[i].path, path)) {
			free(path);
			return 0;
		}
	}
	ps->f = xrealloc(ps->f, (ps->n + 1) * sizeof(*ps->f));
	memset(&ps->f[ps->n], 0, sizeof(ps->f[ps->n]));
	ps->f[ps->n].path = path;
	full = xasprintf("%s/%s", ps->src, path);
	if (!lstat(full, &st)) {
		ps->f[ps->n].data = read_file(full, &ps->f[ps->n].len);
		if (!ps->f[ps->n].data) {
			free(full);
			ps->n++;
			return -1;
		}
		ps->f[ps->n].mode = st.st_mode;
		ps->f[ps->n].mtime = st.st_mtim;
	}
	free(full);
	ps->n++;
	return 0;
}

static int scan_patch(struct patchset *ps, const char *patch)
{
	char *text = read_file(patch, NULL), *line, *save = NULL;
	int found = 0, rc = 0;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "--- ", 4) || !strncmp(line, "+++ ", 4)) {
			rc = add_path(ps, patch, diff_path(line));
			found++;
		}
	}
	free(text);
	if (!rc && !found)
		return kbc_err("%s: not a unified diff (no ---/+++ lines)", patch);
	return rc;
}

static int run_patch(const char *src, const char *patch, bool dry)
{
	/* patch(1) enters -d before it opens -i */
	char *abs = realpath(patch, NULL);
	char *argv[] = { "patch", "-p1", "-s", "-f", "-N", "--no-backup-if-mismatch",
			 "-r", "-", "-d", (char *)src, "-i", abs ? abs : (char *)patch,
			 dry ? "--dry-run" : NULL, NULL };
	int rc = run_cmd(argv, NULL, NULL, "/dev/null");

	free(abs);
	return rc;
}

int patchset_scan(struct patchset *ps, const char *src, char **patches, int npatches)
{
	int i;

	memset(ps, 0, sizeof(*ps));
	ps->src = src;
	for (i = 0; i < npatches; i++) {
		if (!is_file(patches[i]))
			return kbc_err("%s: no such patch file", patches[i]);
		if (scan_patch(ps, patches[i]))
			return -1;
	}
	return 0;
}

int patchset_apply(struct patchset *ps, const char *src, char **patches, int npatches)
{
	int i;

	if (patchset_scan(ps, src, patches, npatches))
		return -1;
	for (i = 0; i < npatches; i++) {
		int rc = run_patch(src, patches[i], true);

		if (rc == 0)
			rc = run_patch(src, patches[i], false);
		if (rc != 0) {
			patchset_revert(ps);
			return kbc_err("%s: does not apply to %s%s (tree left clean)", patches[i], src,
				       i ? " after the patches before it" : "");
		}
		ps->applied++;
	}
	return 0;
}

int patchset_revert(struct patchset *ps)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < ps->n; i++) {
		struct saved_file *f = &ps->f[i];
		char *full = xasprintf("%s/%s", ps->src, f->path);

		if (!f->data) {
			if (unlink(full) && errno != ENOENT)
				rc = kbc_errno("%s", full);
		} else {
			struct timespec ts[2] = { f->mtime, f->mtime };

			if (write_file_atomic(full, f->data, f->len) || chmod(full, f->mode & 07777) ||
			    utimensat(AT_FDCWD, full, ts, 0))
				rc = kbc_errno("%s: cannot restore", full);
		}
		free(full);
	}
	ps->applied = 0;
	return rc;
}

void patchset_free(struct patchset *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		free(ps->f[i].path);
		free(ps->f[i].data);
	}
	free(ps->f);
	memset(ps, 0, sizeof(*ps));
}
