// SPDX-License-Identifier: GPL-2.0
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "parallel.h"
#include "readmany.h"
#include "util.h"

/* How a rule is matched: most of the kernel's are a suffix or a literal. */
enum rule_kind {
	MATCH_FNMATCH,
	MATCH_LITERAL,		/* no wildcard: the whole name or path */
	MATCH_SUFFIX,		/* "*.o": '*' then a literal, against the name */
	MATCH_PREFIX,		/* "cscope.*": a literal then '*', against the name */
};

struct rule {
	char *pat;
	size_t len;
	enum rule_kind kind;
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

/* A top-level directory, walked on its own thread. */
struct subdir_job {
	char *rel;
	int fd;
	bool out_dir;
	struct tree_list list;
};

struct walk {
	const char *root;
	struct ruleset *sets;
	size_t nsets, capsets;
	struct tree_list *out;
	/* at the top level: subdirectories are queued here instead of walked */
	struct subdir_job *jobs;
	size_t njobs, capjobs;
	struct readmany *rm;	/* this thread's ring for batched lstat, or NULL */
};

/* Threads for walking and reading a tree: every CPU, up to eight. */
static int tree_jobs(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
}

static bool has_wildcard(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr("*?[\\", s[i]))
			return true;
	return false;
}

/*
 * The kind that gives fnmatch()'s answer without calling it.  An
 * unanchored rule sees the name alone, which has no '/', so a leading or
 * trailing '*' there is any string.
 */
static enum rule_kind rule_kind(const char *pat, bool anchored)
{
	size_t len = strlen(pat);

	if (!has_wildcard(pat, len))
		return MATCH_LITERAL;
	if (anchored || len < 2)
		return MATCH_FNMATCH;
	if (pat[0] == '*' && !has_wildcard(pat + 1, len - 1))
		return MATCH_SUFFIX;
	if (pat[len - 1] == '*' && !has_wildcard(pat, len - 1))
		return MATCH_PREFIX;
	return MATCH_FNMATCH;
}

static bool rule_matches(const struct rule *r, const char *below, const char *name, size_t namelen)
{
	switch (r->kind) {
	case MATCH_LITERAL:
		return !strcmp(r->anchored ? below : name, r->pat);
	case MATCH_SUFFIX:
		return namelen >= r->len - 1 && !memcmp(name + namelen - (r->len - 1), r->pat + 1, r->len - 1);
	case MATCH_PREFIX:
		return namelen >= r->len - 1 && !memcmp(name, r->pat, r->len - 1);
	case MATCH_FNMATCH:
		break;
	}
	if (r->anchored)
		return !fnmatch(r->pat, below, r->deep ? 0 : FNM_PATHNAME);
	return !fnmatch(r->pat, name, 0);
}

/* @present: the directory lists a .gitignore (most do not: no open for them) */
static void load_rules(struct walk *w, const char *rel, bool present)
{
	char *path = xasprintf("%s/%s%s.gitignore", w->root, rel, *rel ? "/" : "");
	char *text = present ? read_file(path, NULL) : NULL, *line, *save = NULL;
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
		r.len = strlen(line);
		r.kind = rule_kind(line, r.anchored);
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
	size_t s = w->nsets, namelen = strlen(name);

	while (s--) {
		const struct ruleset *rs = &w->sets[s];
		size_t blen = strlen(rs->base), i = rs->n;
		const char *below = rel + (blen ? blen + 1 : 0);

		while (i--) {
			const struct rule *r = &rs->v[i];

			if (r->dir_only && !dir)
				continue;
			if (rule_matches(r, below, name, namelen))
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

struct dent {
	char *name;
	unsigned char type;	/* d_type, DT_UNKNOWN when the file system does not say */
};

static int dent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

/*
 * @rel: directory below the root ("" for the root), open as @dfd (taken
 * over); @out_dir: it is ignored.  Names are looked up relative to the
 * directory's descriptor: a path walk from the root for each of 78,000
 * files would cost more than the stat itself.
 */
static int walk_dir(struct walk *w, int dfd, const char *rel, bool out_dir)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct dent *names = NULL;
	size_t n = 0, cap = 0, i, *at = NULL;
	struct stat *sts = NULL;
	bool *statted = NULL;
	int rc = 0;

	if (!d) {
		rc = kbc_errno("%s/%s", w->root, rel);
		close(dfd);
		return rc;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n].name = xstrdup(de->d_name);
		names[n++].type = de->d_type;
	}
	if (n)
		qsort(names, n, sizeof(*names), dent_cmp);
	if (!out_dir) {
		bool has_rules = false;

		for (i = 0; i < n && !has_rules; i++)
			has_rules = !strcmp(names[i].name, ".gitignore");
		load_rules(w, rel, has_rules);
	}
	/* every entry that is not known to be a directory, stat()ed in batches */
	if (n) {
		const char **batch = xmalloc(n * sizeof(*batch));
		size_t nb = 0;

		sts = xmalloc(n * sizeof(*sts));
		statted = xmalloc(n * sizeof(*statted));
		at = xmalloc(n * sizeof(*at));
		for (i = 0; i < n; i++) {
			at[i] = SIZE_MAX;
			if (names[i].type != DT_DIR) {
				at[i] = nb;
				batch[nb++] = names[i].name;
			}
		}
		readmany_lstat(w->rm, dirfd(d), batch, nb, sts, statted);
		free(batch);
	}
	for (i = 0; i < n && !rc; i++) {
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i].name) : xstrdup(names[i].name);
		struct stat st;

		if (names[i].type == DT_DIR) {
			st.st_mode = S_IFDIR;
		} else if (statted[at[i]]) {
			st = sts[at[i]];
		} else if (fstatat(dirfd(d), names[i].name, &st, AT_SYMLINK_NOFOLLOW)) {
			rc = kbc_errno("%s/%s", w->root, crel);
			free(crel);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(names[i].name, ".git")) {
				int sub = openat(dirfd(d), names[i].name,
						 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

				bool ign = out_dir || ignored(w, crel, names[i].name, true);

				if (sub < 0) {
					rc = kbc_errno("%s/%s", w->root, crel);
				} else if (w->capjobs && !*rel) {
					if (w->njobs == w->capjobs) {
						w->capjobs *= 2;
						w->jobs = xrealloc(w->jobs, w->capjobs * sizeof(*w->jobs));
					}
					w->jobs[w->njobs++] = (struct subdir_job){ .rel = xstrdup(crel),
										   .fd = sub, .out_dir = ign };
				} else {
					rc = walk_dir(w, sub, crel, ign);
				}
			}
		} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !never_store(crel)) {
			add_file(w->out, crel, &st, out_dir || ignored(w, crel, names[i].name, false));
		}
		free(crel);
	}
	/* the root's rules stay for the queued subdirectories */
	if (!out_dir && !(w->capjobs && !*rel))
		pop_rules(w);
	for (i = 0; i < n; i++)
		free(names[i].name);
	free(names);
	free(sts);
	free(statted);
	free(at);
	closedir(d);
	return rc;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tree_file *)a)->path, ((const struct tree_file *)b)->path);
}

static int walk_subdir(size_t i, void *user)
{
	const struct walk *top = user;
	struct subdir_job *j = &top->jobs[i];
	struct walk w = { .root = top->root, .out = &j->list };
	int rc;

	/* the root's rules, shared read-only; the walk pushes and pops its own above them */
	w.sets = xmalloc(16 * sizeof(*w.sets));
	w.capsets = 16;
	w.sets[0] = top->sets[0];
	w.nsets = 1;
	w.rm = readmany_new();
	rc = walk_dir(&w, j->fd, j->rel, j->out_dir);
	j->fd = -1;
	readmany_free(w.rm);
	free(w.sets);
	return rc;
}

/*
 * The top level is listed first; its subdirectories are then walked in
 * parallel (on a kernel tree, drivers/ holds under half of the files, so
 * two threads nearly halve the time, which is mostly system calls).
 */
int tree_walk(const char *root, struct tree_list *out)
{
	struct walk w = { .root = root, .out = out };
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (dfd < 0)
		return kbc_errno("%s", root);
	w.capjobs = 64;
	w.jobs = xmalloc(w.capjobs * sizeof(*w.jobs));
	rc = walk_dir(&w, dfd, "", false);
	if (!rc)
		rc = parallel_for(w.njobs, tree_jobs(), walk_subdir, &w);
	for (i = 0; i < w.njobs; i++) {
		struct tree_list *l = &w.jobs[i].list;

		if (!rc && l->n) {
			if (out->n + l->n > out->cap) {
				out->cap = out->n + l->n + 4096;
				out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
			}
			memcpy(out->v + out->n, l->v, l->n * sizeof(*l->v));
			out->n += l->n;
			free(l->v);
		} else {
			tree_list_free(l);
		}
		if (w.jobs[i].fd >= 0)
			close(w.jobs[i].fd);
		free(w.jobs[i].rel);
	}
	free(w.jobs);
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

struct hash_job {
	const char *root;
	int rootfd;
	const struct tree_list *l;
	const size_t *todo;		/* indexes into l->v of the files to read */
	size_t ntodo;
	char (*fh)[KBC_HEX_LEN + 1];	/* per file of l->v */
};

/* Files per work item: enough to keep io_uring's batches full. */
#define HASH_CHUNK 1024

static int hash_chunk(size_t c, void *user)
{
	const struct hash_job *j = user;
	size_t first = c * HASH_CHUNK, n = j->ntodo - first, t;
	const char **names;
	uint64_t *sizes;
	char (*hex)[KBC_HEX_LEN + 1];
	bool *done;
	struct readmany *rm;
	int rc = 0;

	if (n > HASH_CHUNK)
		n = HASH_CHUNK;
	names = xmalloc(n * sizeof(*names));
	sizes = xmalloc(n * sizeof(*sizes));
	hex = xmalloc(n * sizeof(*hex));
	done = xmalloc(n * sizeof(*done));
	for (t = 0; t < n; t++) {
		const struct tree_file *f = &j->l->v[j->todo[first + t]];

		names[t] = f->path;
		/* a symlink is read with readlink below, never opened */
		sizes[t] = S_ISLNK(f->mode) ? UINT64_MAX : f->size;
	}
	rm = readmany_new();
	readmany_hash(rm, j->rootfd, names, sizes, n, hex, done);
	readmany_free(rm);
	for (t = 0; t < n && !rc; t++) {
		size_t i = j->todo[first + t];
		const struct tree_file *f = &j->l->v[i];
		char *shown;

		if (done[t]) {
			memcpy(j->fh[i], hex[t], sizeof(j->fh[i]));
			continue;
		}
		shown = xasprintf("%s/%s", j->root, f->path);
		if (S_ISLNK(f->mode)) {
			char target[KBC_PATH_MAX];
			ssize_t len = readlinkat(j->rootfd, f->path, target, sizeof(target) - 1);

			if (len < 0)
				rc = kbc_errno("%s", shown);
			else
				hash_buf(target, (size_t)len, j->fh[i]);
		} else {
			rc = hash_file_at(j->rootfd, f->path, shown, f->size, j->fh[i], NULL);
		}
		free(shown);
	}
	free(names);
	free(sizes);
	free(hex);
	free(done);
	return rc;
}

int tree_source_hash(const char *root, const struct tree_list *l, char hex[33], uint64_t *nfiles)
{
	struct kbc_hasher *h = hasher_new();
	char *cpath = xasprintf("%s/%s", root, STAT_CACHE), *old = read_file(cpath, NULL);
	struct stat_line *cache = NULL;
	size_t ncache = 0, c = 0, i, outlen = 0, outcap = 1 << 20, ntodo = 0, nregular = 0, nlinks = 0;
	uint64_t n = 0, written = 0, racy;
	struct hash_job j = { .root = root, .l = l };
	size_t *todo = xmalloc((l->n + 1) * sizeof(*todo));
	char *out = NULL;
	struct timespec now;
	int rc = -1;

	kbc_err_clear();
	j.fh = xmalloc((l->n + 1) * sizeof(*j.fh));
	j.todo = todo;
	if (old)
		cache = stat_cache_parse(old, &ncache, &written);
	/* entries that changed within a second of the last write are not trusted */
	racy = written > 1000000000u ? written - 1000000000u : 0;
	for (i = 0; i < l->n; i++) {
		const struct tree_file *f = &l->v[i];

		if (f->output)
			continue;
		if (S_ISLNK(f->mode)) {
			todo[ntodo++] = i;
			nlinks++;
			continue;
		}
		nregular++;
		while (c < ncache && strcmp(cache[c].path, f->path) < 0)
			c++;
		if (c < ncache && !strcmp(cache[c].path, f->path) && cache[c].num[SL_SIZE] == f->size &&
		    cache[c].num[SL_MTIME] == ts_ns(f->mtime) && cache[c].num[SL_CTIME] == ts_ns(f->ctime) &&
		    cache[c].num[SL_INO] == f->ino && ts_ns(f->mtime) < racy && ts_ns(f->ctime) < racy)
			memcpy(j.fh[i], cache[c].hash, sizeof(j.fh[i]));
		else
			todo[ntodo++] = i;
	}
	/* reading ~1 GiB of source on a fresh tree: every CPU helps */
	if (ntodo) {
		int failed;

		j.ntodo = ntodo;
		j.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (j.rootfd < 0) {
			kbc_errno("%s", root);
			goto out;
		}
		failed = parallel_for((ntodo + HASH_CHUNK - 1) / HASH_CHUNK, tree_jobs(), hash_chunk, &j);
		close(j.rootfd);
		if (failed)
			goto out;
	}
	out = xmalloc(outcap);
	clock_gettime(CLOCK_REALTIME, &now);
	outlen = (size_t)snprintf(out, outcap, "%s%llu\n", STAT_CACHE_HEAD,
				  (unsigned long long)ts_ns(now));
	for (i = 0; i < l->n; i++) {
		const struct tree_file *f = &l->v[i];

		if (f->output)
			continue;
		if (S_ISLNK(f->mode)) {
			hasher_str(h, "l");
		} else {
			hasher_str(h, (f->mode & 0111) ? "x" : "f");
			while (outlen + strlen(f->path) + 160 > outcap)
				out = xrealloc(out, outcap *= 2);
			outlen += (size_t)sprintf(out + outlen, "%llu %llu %llu %llu %s %s\n",
						  (unsigned long long)f->size,
						  (unsigned long long)ts_ns(f->mtime),
						  (unsigned long long)ts_ns(f->ctime),
						  (unsigned long long)f->ino, j.fh[i], f->path);
		}
		hasher_str(h, f->path);
		hasher_str(h, j.fh[i]);
		n++;
	}
	rc = 0;
	/*
	 * Rewritten only when it would say something new: every regular file
	 * found in it (in order, so no line is left over) leaves it as it is.
	 * A cache that cannot be written only costs the next run its time.
	 */
	if ((ntodo > nlinks || nregular != ncache) && write_file_atomic(cpath, out, outlen))
		kbc_err_clear();
out:
	hasher_finish(h, hex);
	if (nfiles)
		*nfiles = n;
	free(cache);
	free(old);
	free(out);
	free(cpath);
	free(todo);
	free(j.fh);
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
