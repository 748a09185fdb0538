// SPDX-License-Identifier: GPL-2.0
/*
 * The running kernel's side: the livepatch sysfs folder, /proc/kallsyms,
 * and the rule that says two patches replace the same function (the one
 * klp_enable_patch() applies in cdo's kernel series).
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klp-lib.h"

static bool is_subdir(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	if (name[0] == '.' || !klp_join(path, sizeof(path), dir, name))
		return false;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* An integer attribute of @dir, or KLP_UNKNOWN. */
static long read_attr(const char *dir, const char *name)
{
	char path[4096];

	return klp_join(path, sizeof(path), dir, name) ? klp_read_long(path) : KLP_UNKNOWN;
}

/* Subfolders of @dir in byte order, so every listing is reproducible. */
static int list_dirs(const char *dir, struct dirent ***out)
{
	struct dirent **v;
	int n, i, kept = 0;

	n = scandir(dir, &v, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (is_subdir(dir, v[i]->d_name))
			v[kept++] = v[i];
		else
			free(v[i]);
	}
	*out = v;
	return kept;
}

static void free_dirs(struct dirent **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The "<function>,<sympos>" folders of one object of one patch. */
static int read_object(const char *opath, const char *obj, const char *patch,
		       struct klp_fn_list *out, struct klp_err *err)
{
	struct dirent **fv;
	int nf, k, ret = 0;

	nf = list_dirs(opath, &fv);
	if (nf < 0)
		return 0;	/* gone meanwhile: the patch is being freed */
	for (k = 0; k < nf && !ret; k++) {
		char name[512], fpath[4096], *comma, *end;
		unsigned long pos;

		snprintf(name, sizeof(name), "%s", fv[k]->d_name);
		comma = strrchr(name, ',');
		if (!comma)
			continue;
		*comma = '\0';
		errno = 0;
		pos = strtoul(comma + 1, &end, 10);
		if (errno || *end || end == comma + 1)
			continue;
		ret = klp_fn_add(out, obj, name, pos, patch, err);
		if (!ret && klp_join(fpath, sizeof(fpath), opath, fv[k]->d_name))
			out->v[out->n - 1].active = read_attr(fpath, "active");
	}
	free_dirs(fv, nf);
	return ret;
}

static int read_patch(const char *root, const char *name, struct klp_sysfs *s,
		      struct klp_err *err)
{
	char path[4096], opath[4096];
	struct klp_patch_info *p;
	struct dirent **ov;
	int no, k, ret = 0;

	if (!klp_join(path, sizeof(path), root, name))
		return 0;
	p = &s->p[s->np];
	memset(p, 0, sizeof(*p));
	p->name = strdup(name);
	if (!p->name)
		return klp_fail(err, "out of memory");
	s->np++;
	p->enabled = read_attr(path, "enabled");
	p->transition = read_attr(path, "transition");
	p->stack_order = read_attr(path, "stack_order");
	p->replace = read_attr(path, "replace");
	p->allow_conflicts = read_attr(path, "allow_conflicts");
	p->has_signal = klp_join(opath, sizeof(opath), path, "signal") && !access(opath, F_OK);

	no = list_dirs(path, &ov);
	if (no < 0)
		return 0;
	for (k = 0; k < no && !ret; k++) {
		if (klp_join(opath, sizeof(opath), path, ov[k]->d_name))
			ret = read_object(opath, ov[k]->d_name, name, &s->funcs, err);
	}
	free_dirs(ov, no);
	return ret;
}

int klp_sysfs_read(const char *root, struct klp_sysfs *s, struct klp_err *err)
{
	struct dirent **pv;
	int np, i, ret = 0;

	memset(s, 0, sizeof(*s));
	/*
	 * A missing directory is an error, not "no active patch": it is a
	 * mistyped path, or a kernel without CONFIG_LIVEPATCH that could
	 * not load the patch anyway.  Either way "no patches" would mislead.
	 */
	np = list_dirs(root, &pv);
	if (np < 0)
		return klp_fail(err, "%s: %s%s", root, strerror(errno),
				errno == ENOENT && !strcmp(root, "/sys/kernel/livepatch") ?
				" (is this kernel built with CONFIG_LIVEPATCH?)" : "");
	s->p = calloc(np ? np : 1, sizeof(*s->p));
	if (!s->p)
		ret = klp_fail(err, "out of memory");
	for (i = 0; i < np && !ret; i++)
		ret = read_patch(root, pv[i]->d_name, s, err);
	free_dirs(pv, np);
	if (ret)
		klp_sysfs_free(s);
	return ret;
}

void klp_sysfs_free(struct klp_sysfs *s)
{
	size_t i;

	for (i = 0; i < s->np; i++)
		free(s->p[i].name);
	free(s->p);
	klp_fn_list_free(&s->funcs);
	memset(s, 0, sizeof(*s));
}

const struct klp_patch_info *klp_sysfs_patch(const struct klp_sysfs *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->np; i++) {
		if (!strcmp(s->p[i].name, name))
			return &s->p[i];
	}
	return NULL;
}

int klp_sysfs_active(const struct klp_sysfs *s, const char *self,
		     struct klp_fn_list *out, struct klp_err *err)
{
	size_t i;

	for (i = 0; i < s->funcs.n; i++) {
		const struct klp_fn *f = &s->funcs.v[i];
		const struct klp_patch_info *p = klp_sysfs_patch(s, f->patch);

		if (!p || p->enabled != 1 || (self && !strcmp(f->patch, self)))
			continue;
		if (klp_fn_add(out, f->obj, f->name, f->pos, f->patch, err))
			return -1;
		out->v[out->n - 1].active = f->active;
	}
	return 0;
}

/*
 * /proc/kallsyms lists the symbols of vmlinux and of each module in the
 * order the kernel counts sympos in.  Without root, all addresses read 0.
 */
int klp_ksyms_read(const char *path, struct klp_ksyms *ks, struct klp_err *err)
{
	char line[1024], name[512], mod[256], type;
	unsigned long long addr;
	FILE *f;

	memset(ks, 0, sizeof(*ks));
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct klp_ksym *k;
		int n;

		mod[0] = '\0';
		n = sscanf(line, "%llx %c %511s [%255[^]]]", &addr, &type, name, mod);
		if (n < 3 || !strchr("tTwW", type))
			continue;
		if (addr)
			ks->usable = true;
		if (ks->n == ks->cap) {
			size_t cap = ks->cap ? 2 * ks->cap : 4096;
			struct klp_ksym *v = realloc(ks->v, cap * sizeof(*v));

			if (!v)
				goto oom;
			ks->v = v;
			ks->cap = cap;
		}
		k = &ks->v[ks->n];
		k->obj = strdup(n == 4 ? mod : "vmlinux");
		k->name = strdup(name);
		k->addr = addr;
		if (!k->obj || !k->name) {
			free(k->obj);
			free(k->name);
			goto oom;
		}
		ks->n++;
	}
	fclose(f);
	return 0;
oom:
	fclose(f);
	klp_ksyms_free(ks);
	return klp_fail(err, "%s: out of memory", path);
}

void klp_ksyms_free(struct klp_ksyms *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		free(ks->v[i].obj);
		free(ks->v[i].name);
	}
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

unsigned long long klp_ksym_addr(const struct klp_ksyms *ks, const struct klp_fn *fn)
{
	unsigned long seen = 0;
	size_t i;

	if (!ks || !ks->usable)
		return 0;
	for (i = 0; i < ks->n; i++) {
		if (strcmp(ks->v[i].name, fn->name) || strcmp(ks->v[i].obj, fn->obj))
			continue;
		if (++seen == fn->pos)
			return ks->v[i].addr;
	}
	return 0;
}

static int add_conflict(struct klp_conflict **v, size_t *n, size_t *cap,
			size_t mine, size_t other, bool alias, struct klp_err *err)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		struct klp_conflict *g = realloc(*v, c * sizeof(*g));

		if (!g)
			return klp_fail(err, "out of memory");
		*v = g;
		*cap = c;
	}
	(*v)[*n].mine = mine;
	(*v)[*n].other = other;
	(*v)[*n].alias = alias;
	(*n)++;
	return 0;
}

long klp_find_conflicts(const struct klp_fn_list *mine, const struct klp_fn_list *active,
			const struct klp_ksyms *ks, struct klp_conflict **out,
			struct klp_err *err)
{
	struct klp_conflict *v = NULL;
	size_t i, j, n = 0, cap = 0;

	for (i = 0; i < mine->n; i++) {
		const struct klp_fn *m = &mine->v[i];
		unsigned long long addr = 0, other;
		bool resolved = false;

		for (j = 0; j < active->n; j++) {
			const struct klp_fn *a = &active->v[j];

			if (strcmp(m->obj, a->obj))
				continue;
			if (!strcmp(m->name, a->name) && m->pos == a->pos) {
				if (add_conflict(&v, &n, &cap, i, j, false, err))
					goto fail;
				continue;
			}
			if (!resolved) {
				addr = klp_ksym_addr(ks, m);
				resolved = true;
			}
			other = addr ? klp_ksym_addr(ks, a) : 0;
			if (addr && other == addr &&
			    add_conflict(&v, &n, &cap, i, j, true, err))
				goto fail;
		}
	}
	*out = v;
	return (long)n;
fail:
	free(v);
	return -1;
}
