// SPDX-License-Identifier: GPL-2.0
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "util.h"

struct rule {
	char *pat;
	bool negate;
	bool dir_only;
	bool anchored;		/* matched against the path below the .gitignore's dir */
	bool deep;		/* has "**": '*' may cross '/' */
};

struct ruleset {
	char *base;		/* directory of the .gitignore, "" for the root */
	struct rule *v;
	size_t n;
};

struct walk {
	const char *root;
	struct ruleset *sets;
	size_t nsets, capsets;
	struct tree_list *out;
};

static void load_rules(struct walk *w, const char *rel)
{
	char *path = xasprintf("%s/%s%s.gitignore", w->root, rel, *rel ? "/" : "");
	char *text = read_file(path, NULL), *line, *save = NULL;
	struct ruleset *rs;
	size_t cap = 0;

	free(path);
	if (w->nsets == w->capsets) {
		w->capsets = w->capsets ? 2 * w->capsets : 16;
		w->sets = xrealloc(w->sets, w->capsets * sizeof(*w->sets));
	}
	rs = &w->sets[w->nsets++];
	rs->base = xstrdup(rel);
	rs->v = NULL;
	rs->n = 0;
	if (!text) {
		kbc_err_clear();
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct rule r = { 0 };
		size_t len;

		chomp(line);
		if (!*line || *line == '#')
			continue;
		if (*line == '!') {
			r.negate = true;
			line++;
		}
		len = strlen(line);
		if (len && line[len - 1] == '/') {
			r.dir_only = true;
			line[--len] = 0;
		}
		if (!len)
			continue;
		if (strchr(line, '/'))
			r.anchored = true;
		if (*line == '/')
			line++;
		/*
		 * Debian's linux-source appends "/ *" (without the space) and "!/debian/" to the
		 * top-level .gitignore (its packaging repository holds only
		 * debian/): that rule says nothing about build outputs.
		 */
		if (!*rel && r.anchored && !strcmp(line, "*"))
			continue;
		r.deep = strstr(line, "**") != NULL;
		r.pat = xstrdup(line);
		if (rs->n == cap) {
			cap = cap ? 2 * cap : 8;
			rs->v = xrealloc(rs->v, cap * sizeof(*rs->v));
		}
		rs->v[rs->n++] = r;
	}
	free(text);
}

static void pop_rules(struct walk *w)
{
	struct ruleset *rs = &w->sets[--w->nsets];
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->v[i].pat);
	free(rs->v);
	free(rs->base);
}

/* Whether @rel (a path below the root) is ignored; the deepest, last rule wins. */
static bool ignored(const struct walk *w, const char *rel, const char *name, bool dir)
{
	size_t s = w->nsets;

	while (s--) {
		const struct ruleset *rs = &w->sets[s];
		size_t blen = strlen(rs->base), i = rs->n;
		const char *below = rel + (blen ? blen + 1 : 0);

		while (i--) {
			const struct rule *r = &rs->v[i];
			int m;

			if (r->dir_only && !dir)
				continue;
			if (r->anchored)
				m = fnmatch(r->pat, below, r->deep ? 0 : FNM_PATHNAME);
			else
				m = fnmatch(r->pat, name, 0);
			if (m == 0)
				return !r->negate;
		}
	}
	return false;
}

bool never_store(const char *rel)
{
	static const char *const pats[] = {
		"*.orig", "*.rej", "*.patch", "*~", ".kbuild-cache*", "*/.kbuild-cache*",
	};
	size_t i;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		if (!fnmatch(pats[i], rel, 0))
			return true;
	return false;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(struct tree_list *l, const char *rel, const struct stat *st, bool output)
{
	struct tree_file *f;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	f = &l->v[l->n++];
	f->path = xstrdup(rel);
	f->mode = st->st_mode;
	f->size = (uint64_t)st->st_size;
	f->mtime = st->st_mtim;
	f->ctime = st->st_ctim;
	f->ino = (uint64_t)st->st_ino;
	f->output = output;
}

/* @rel: directory below the root ("" for the root); @out_dir: it is ignored. */
static int walk_dir(struct walk *w, const char *rel, bool out_dir)
{
	char *dpath = *rel ? xasprintf("%s/%s", w->root, rel) : xstrdup(w->root);
	DIR *d = opendir(dpath);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d) {
		kbc_errno("%s", dpath);
		free(dpath);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	if (!out_dir)
		load_rules(w, rel);
	for (i = 0; i < n && !rc; i++) {
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *cpath = xasprintf("%s/%s", w->root, crel);
		struct stat st;

		if (lstat(cpath, &st)) {
			rc = kbc_errno("%s", cpath);
		} else if (S_ISDIR(st.st_mode)) {
			if (strcmp(names[i], ".git"))
				rc = walk_dir(w, crel, out_dir || ignored(w, crel, names[i], true));
		} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !never_store(crel)) {
			add_file(w->out, crel, &st, out_dir || ignored(w, crel, names[i], false));
		}
		free(cpath);
		free(crel);
	}
	if (!out_dir)
		pop_rules(w);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dpath);
	return rc;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tree_file *)a)->path, ((const struct tree_file *)b)->path);
}

int tree_walk(const char *root, struct tree_list *out)
{
	struct walk w = { .root = root, .out = out };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = walk_dir(&w, "", false);
	if (!rc && out->n)
		qsort(out->v, out->n, sizeof(*out->v), file_cmp);
	while (w.nsets)
		pop_rules(&w);
	free(w.sets);
	if (rc)
		tree_list_free(out);
	return rc;
}

void tree_list_free(struct tree_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

#define STAT_CACHE ".kbuild-cache-stat"
#define STAT_CACHE_HEAD "kbuild-cache-stat 1 "

/* One line of the stat cache: "size mtime ctime ino hash path" (times in ns). */
enum { SL_SIZE, SL_MTIME, SL_CTIME, SL_INO, SL_NUMS };

struct stat_line {
	const char *path;
	uint64_t num[SL_NUMS];
	const char *hash;
};

static uint64_t ts_ns(struct timespec t)
{
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Parse the cache text in place; lines sorted by path as written. */
static struct stat_line *stat_cache_parse(char *text, size_t *n, uint64_t *written)
{
	struct stat_line *v = NULL;
	size_t cap = 0;
	char *line, *save = NULL;

	*n = 0;
	*written = 0;
	line = strtok_r(text, "\n", &save);
	if (!line || strncmp(line, STAT_CACHE_HEAD, strlen(STAT_CACHE_HEAD)))
		return NULL;
	*written = strtoull(line + strlen(STAT_CACHE_HEAD), NULL, 10);
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct stat_line sl;
		char *p = line, *end;
		int field;

		for (field = 0; field < SL_NUMS; field++) {
			sl.num[field] = strtoull(p, &end, 10);
			if (end == p || *end != ' ')
				break;
			p = end + 1;
		}
		if (field < SL_NUMS || strlen(p) < KBC_HEX_LEN + 2 || p[KBC_HEX_LEN] != ' ')
			continue;
		p[KBC_HEX_LEN] = 0;
		sl.hash = p;
		sl.path = p + KBC_HEX_LEN + 1;
		if (*n == cap) {
			cap = cap ? 2 * cap : 4096;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = sl;
	}
	return v;
}

int tree_source_hash(const char *root, const struct tree_list *l, char hex[33], uint64_t *nfiles)
{
	struct kbc_hasher *h = hasher_new();
	char *cpath = xasprintf("%s/%s", root, STAT_CACHE), *old = read_file(cpath, NULL);
	struct stat_line *cache = NULL;
	size_t ncache = 0, c = 0, i, outlen = 0, outcap = 1 << 20;
	uint64_t n = 0, written = 0, racy;
	char *out = xmalloc(outcap);
	struct timespec now;
	int rc = -1;

	kbc_err_clear();
	if (old)
		cache = stat_cache_parse(old, &ncache, &written);
	/* entries that changed within a second of the last write are not trusted */
	racy = written > 1000000000u ? written - 1000000000u : 0;
	clock_gettime(CLOCK_REALTIME, &now);
	outlen = (size_t)snprintf(out, outcap, "%s%llu\n", STAT_CACHE_HEAD,
				  (unsigned long long)ts_ns(now));
	for (i = 0; i < l->n; i++) {
		const struct tree_file *f = &l->v[i];
		char *p, fh[KBC_HEX_LEN + 1];
		bool known = false;

		if (f->output)
			continue;
		p = xasprintf("%s/%s", root, f->path);
		if (S_ISLNK(f->mode)) {
			char target[KBC_PATH_MAX];
			ssize_t len = readlink(p, target, sizeof(target) - 1);

			if (len < 0) {
				kbc_errno("%s", p);
				free(p);
				goto out;
			}
			target[len] = 0;
			hash_buf(target, (size_t)len, fh);
			hasher_str(h, "l");
		} else {
			while (c < ncache && strcmp(cache[c].path, f->path) < 0)
				c++;
			if (c < ncache && !strcmp(cache[c].path, f->path) && cache[c].num[SL_SIZE] == f->size &&
			    cache[c].num[SL_MTIME] == ts_ns(f->mtime) &&
			    cache[c].num[SL_CTIME] == ts_ns(f->ctime) && cache[c].num[SL_INO] == f->ino &&
			    ts_ns(f->mtime) < racy && ts_ns(f->ctime) < racy) {
				memcpy(fh, cache[c].hash, sizeof(fh));
				known = true;
			}
			if (!known && hash_file(p, fh, NULL)) {
				free(p);
				goto out;
			}
			hasher_str(h, (f->mode & 0111) ? "x" : "f");
			while (outlen + strlen(f->path) + 160 > outcap)
				out = xrealloc(out, outcap *= 2);
			outlen += (size_t)sprintf(out + outlen, "%llu %llu %llu %llu %s %s\n",
						  (unsigned long long)f->size,
						  (unsigned long long)ts_ns(f->mtime),
						  (unsigned long long)ts_ns(f->ctime),
						  (unsigned long long)f->ino, fh, f->path);
		}
		hasher_str(h, f->path);
		hasher_str(h, fh);
		free(p);
		n++;
	}
	rc = 0;
	/* a cache that cannot be written only costs the next run its time */
	if (write_file_atomic(cpath, out, outlen))
		kbc_err_clear();
out:
	hasher_finish(h, hex);
	if (nfiles)
		*nfiles = n;
	free(cache);
	free(old);
	free(out);
	free(cpath);
	return rc;
}

int git_clean_tree_id(const char *root, char *hex, size_t hexsz)
{
	char *argv1[] = { "git", "-C", (char *)root, "rev-parse", "--show-toplevel", NULL };
	char *argv2[] = { "git", "-C", (char *)root, "status", "--porcelain", "--untracked-files=normal", NULL };
	char *argv3[] = { "git", "-C", (char *)root, "rev-parse", "HEAD^{tree}", NULL };
	char *out = NULL, *real = NULL, *git = which("git"), *dotgit;
	bool has_git;
	int rc = 1;

	dotgit = xasprintf("%s/.git", root);
	has_git = is_dir(dotgit) || is_file(dotgit);
	free(dotgit);
	if (!git || !has_git) {
		free(git);
		return 1;
	}
	free(git);
	/* only the tree's own repository, not one that contains it */
	if (run_cmd(argv1, NULL, &out, "/dev/null") != 0)
		goto done;
	chomp(out);
	real = realpath(root, NULL);
	if (!real || strcmp(out, real))
		goto done;
	free(out);
	out = NULL;
	if (run_cmd(argv2, NULL, &out, "/dev/null") != 0 || *out)
		goto done;
	free(out);
	out = NULL;
	if (run_cmd(argv3, NULL, &out, "/dev/null") != 0)
		goto done;
	chomp(out);
	snprintf(hex, hexsz, "%s", out);
	rc = 0;
done:
	free(out);
	free(real);
	return rc;
}
