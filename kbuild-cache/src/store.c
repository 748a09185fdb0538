// SPDX-License-Identifier: GPL-2.0
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objects.h"
#include "parallel.h"
#include "progress.h"
#include "remote.h"
#include "util.h"

#define MANIFEST_MAGIC "kbuild-cache-entry 1"

/* ---- a set of hashes (object names) -------------------------------------- */

struct hset {
	char (*v)[KBC_HEX_LEN + 1];
	int *val;
	size_t cap, n;
};

static size_t hslot(const struct hset *h, const char *hash)
{
	uint64_t x = strtoull((char[17]){ hash[0], hash[1], hash[2], hash[3], hash[4], hash[5],
					   hash[6], hash[7], hash[8], hash[9], hash[10], hash[11],
					   hash[12], hash[13], hash[14], hash[15], 0 },
			      NULL, 16);
	size_t i = (size_t)(x & (h->cap - 1));

	while (h->v[i][0] && strcmp(h->v[i], hash))
		i = (i + 1) & (h->cap - 1);
	return i;
}

static int *hset_get(struct hset *h, const char *hash, bool add)
{
	size_t i;

	if (add && (h->n + 1) * 2 > h->cap) {
		struct hset big = { .cap = h->cap ? h->cap * 2 : 1024 };
		size_t j;

		big.v = calloc(big.cap, sizeof(*big.v));
		big.val = calloc(big.cap, sizeof(*big.val));
		if (!big.v || !big.val)
			abort();
		for (j = 0; j < h->cap; j++) {
			if (!h->v[j][0])
				continue;
			i = hslot(&big, h->v[j]);
			memcpy(big.v[i], h->v[j], KBC_HEX_LEN + 1);
			big.val[i] = h->val[j];
		}
		big.n = h->n;
		free(h->v);
		free(h->val);
		*h = big;
	}
	if (!h->cap)
		return NULL;
	i = hslot(h, hash);
	if (!h->v[i][0]) {
		if (!add)
			return NULL;
		memcpy(h->v[i], hash, KBC_HEX_LEN + 1);
		h->val[i] = 0;
		h->n++;
	}
	return &h->val[i];
}

static void hset_free(struct hset *h)
{
	free(h->v);
	free(h->val);
	memset(h, 0, sizeof(*h));
}

/* ---- opening and locking ------------------------------------------------- */

int store_open(struct store *s, const char *dir, const char *remote_url, int jobs)
{
	char *p;

	memset(s, 0, sizeof(*s));
	s->lockfd = -1;
	s->jobs = jobs;
	if (mkdir_p(dir, 0755))
		return -1;
	s->dir = realpath(dir, NULL);
	if (!s->dir)
		return kbc_errno("%s", dir);
	p = xasprintf("%s/entries", s->dir);
	if (mkdir_p(p, 0755)) {
		free(p);
		return -1;
	}
	free(p);
	p = xasprintf("%s/lock", s->dir);
	s->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lockfd < 0) {
		kbc_errno("%s", p);
		free(p);
		return -1;
	}
	free(p);
	if (remote_url && *remote_url)
		s->remote = remote_open(remote_url);
	return 0;
}

void store_close(struct store *s)
{
	if (s->lockfd >= 0)
		close(s->lockfd);
	remote_close(s->remote);
	free(s->dir);
	memset(s, 0, sizeof(*s));
	s->lockfd = -1;
}

int store_lock(struct store *s, bool exclusive)
{
	while (flock(s->lockfd, exclusive ? LOCK_EX : LOCK_SH)) {
		if (errno != EINTR)
			return kbc_errno("%s/lock", s->dir);
	}
	return 0;
}

void store_unlock(struct store *s)
{
	flock(s->lockfd, LOCK_UN);
}

static char *manifest_path(const struct store *s, const char *key)
{
	return xasprintf("%s/entries/%s.manifest", s->dir, key);
}

char *store_derived_path(const struct store *s, const char *key, const char *name)
{
	char *p = xasprintf("%s/derived/%s/%s", s->dir, key, name), *c;

	for (c = p + strlen(s->dir) + 10 + strlen(key); *c; c++)
		if (*c == '/')
			*c = '%';
	return p;
}

/* Files derived from an entry go with it. */
static void drop_derived(const struct store *s, const char *key)
{
	char *d = xasprintf("%s/derived/%s", s->dir, key);

	rm_rf(d);
	free(d);
}

/* ---- manifests ----------------------------------------------------------- */

static char *manifest_text(const struct key *k, const char *release, const char *root,
			   const struct entry_file *f, size_t n)
{
	size_t cap = 4096 + n * 128, len = 0, i;
	char *buf = xmalloc(cap);

#define EMIT(...)                                                                   \
	do {                                                                        \
		int w_;                                                             \
		for (;;) {                                                          \
			w_ = snprintf(buf + len, cap - len, __VA_ARGS__);           \
			if ((size_t)w_ < cap - len)                                 \
				break;                                              \
			cap = cap * 2 + (size_t)w_;                                 \
			buf = xrealloc(buf, cap);                                   \
		}                                                                   \
		len += (size_t)w_;                                                  \
	} while (0)

	EMIT("%s\nkey %s\ncreated %lld\nrelease %s\nroot %s\n", MANIFEST_MAGIC, k->hex,
	     (long long)time(NULL), release, root);
	for (i = 0; i < k->n; i++)
		EMIT("input %s\t%s\n", k->in[i].name, k->in[i].value);
	for (i = 0; i < n; i++)
		EMIT("%c\t%o\t%" PRIu64 "\t%lld.%09ld\t%s\t%s\n",
		     f[i].link ? 'l' : f[i].names_root ? 't' : 'f',
		     (unsigned)(f[i].mode & 07777), f[i].size, (long long)f[i].mtime.tv_sec,
		     f[i].mtime.tv_nsec, f[i].hash, f[i].path);
	EMIT("end %zu\n", n);
#undef EMIT
	return buf;
}

/* Parse a manifest; the trailing "end N" line proves it is complete. */
static int parse_manifest(const char *name, char *text, struct entry *e)
{
	char *line, *save = NULL;
	bool magic = false, ended = false;
	size_t cap = 0;

	memset(e, 0, sizeof(*e));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!magic) {
			if (strcmp(line, MANIFEST_MAGIC))
				goto bad;
			magic = true;
		} else if (ended) {
			goto bad;
		} else if (!strncmp(line, "key ", 4)) {
			if (!is_hex_hash(line + 4))
				goto bad;
			memcpy(e->key, line + 4, KBC_HEX_LEN + 1);
		} else if (!strncmp(line, "created ", 8)) {
			e->created = (time_t)strtoll(line + 8, NULL, 10);
		} else if (!strncmp(line, "release ", 8)) {
			free(e->release);
			e->release = xstrdup(line + 8);
		} else if (!strncmp(line, "release", 7) && !line[7]) {
			free(e->release);
			e->release = xstrdup("");
		} else if (!strncmp(line, "root ", 5)) {
			free(e->root);
			e->root = xstrdup(line + 5);
		} else if (!strncmp(line, "input ", 6)) {
			char *tab = strchr(line + 6, '\t');

			if (!tab)
				goto bad;
			*tab = 0;
			key_add(&e->inputs, line + 6, tab + 1);
		} else if (!strncmp(line, "end ", 4)) {
			if (strtoull(line + 4, NULL, 10) != e->n)
				goto bad;
			ended = true;
		} else if ((line[0] == 'f' || line[0] == 'l' || line[0] == 't') && line[1] == '\t') {
			struct entry_file *f;
			char *fld[6], *p = line, *tab;
			int i;

			for (i = 0; i < 5; i++) {
				tab = strchr(p, '\t');
				if (!tab)
					goto bad;
				*tab = 0;
				fld[i] = p;
				p = tab + 1;
			}
			fld[5] = p;
			if (!is_hex_hash(fld[4]) || !*fld[5] || path_escapes(fld[5]))
				goto bad;
			if (e->n == cap) {
				cap = cap ? 2 * cap : 1024;
				e->f = xrealloc(e->f, cap * sizeof(*e->f));
			}
			f = &e->f[e->n++];
			f->link = line[0] == 'l';
			f->names_root = line[0] == 't';
			f->mode = (mode_t)strtoul(fld[1], NULL, 8);
			f->size = strtoull(fld[2], NULL, 10);
			f->mtime.tv_sec = (time_t)strtoll(fld[3], &p, 10);
			f->mtime.tv_nsec = *p == '.' ? strtol(p + 1, NULL, 10) : 0;
			memcpy(f->hash, fld[4], KBC_HEX_LEN + 1);
			f->path = xstrdup(fld[5]);
			e->bytes += f->size;
		} else {
			goto bad;
		}
	}
	if (!ended || !e->key[0])
		goto bad;
	if (!e->release)
		e->release = xstrdup("");
	if (!e->root)
		e->root = xstrdup("");
	return 0;
bad:
	entry_free(e);
	return kbc_err("%s: corrupt or truncated manifest", name);
}

void entry_free(struct entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->f[i].path);
	free(e->f);
	free(e->release);
	free(e->root);
	key_free(&e->inputs);
	memset(e, 0, sizeof(*e));
}

static int load_local(const struct store *s, const char *key, struct entry *e)
{
	char *path = manifest_path(s, key), *text;
	int rc;

	text = read_file(path, NULL);
	if (!text) {
		rc = errno == ENOENT ? 1 : -1;
		free(path);
		return rc;
	}
	rc = parse_manifest(path, text, e);
	free(text);
	free(path);
	if (!rc && strcmp(e->key, key)) {
		entry_free(e);
		return kbc_err("%s/entries/%s.manifest: names key %s", s->dir, key, e->key);
	}
	return rc;
}

int store_get(struct store *s, const char *key, struct entry *e)
{
	char *rel, *text;
	size_t len;
	int rc = load_local(s, key, e);

	if (rc != 1 || !s->remote || !remote_up(s->remote))
		return rc;
	rel = xasprintf("entries/%s.manifest", key);
	rc = remote_get_buf(s->remote, rel, &text, &len);
	if (rc) {
		free(rel);
		return 1;
	}
	rc = parse_manifest(rel, text, e);
	free(text);
	free(rel);
	if (rc) {
		kbc_warn("%s", kbc_errmsg());
		return 1;
	}
	if (strcmp(e->key, key)) {
		entry_free(e);
		return 1;
	}
	e->from_remote = true;
	kbc_info("found %.12s on %s", key, remote_url(s->remote));
	return 0;
}

/* ---- put ----------------------------------------------------------------- */

struct put_job {
	struct store *s;
	const char *root;
	const struct tree_list *tl;
	size_t *idx;		/* indices of the output files in tl */
	struct entry_file *f;
	uint64_t *stored;
	bool *added;
	struct progress *prog;
	pthread_mutex_t *plock;
};

static int put_one(size_t i, void *user)
{
	struct put_job *j = user;
	const struct tree_file *tf = &j->tl->v[j->idx[i]];
	struct entry_file *f = &j->f[i];
	char *path = xasprintf("%s/%s", j->root, tf->path);
	int rc;

	f->path = tf->path;
	f->mode = tf->mode;
	f->mtime = tf->mtime;
	f->link = S_ISLNK(tf->mode);
	f->size = tf->size;
	if (!f->link && tf->size < (4 << 20)) {
		size_t len;
		char *data = read_file(path, &len);

		if (!data) {
			rc = -1;
		} else {
			f->size = len;
			f->names_root = !memchr(data, 0, len) && memmem(data, len, j->root, strlen(j->root));
			rc = obj_put_buf(j->s->dir, data, len, f->hash, &j->added[i], &j->stored[i]);
			free(data);
		}
	} else {
		rc = obj_put_file(j->s->dir, path, f->link, f->hash, &j->added[i], &j->stored[i]);
	}
	if (!rc && f->link) {
		char target[KBC_PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target));

		f->size = n > 0 ? (uint64_t)n : 0;
	}
	free(path);
	pthread_mutex_lock(j->plock);
	progress_step(j->prog, tf->size);
	pthread_mutex_unlock(j->plock);
	return rc;
}

static int push_one(size_t i, void *user)
{
	struct put_job *j = user;
	const struct entry_file *f = &j->f[i];
	char *rel, *path, *data;
	size_t len;
	int rc = 0;

	if (!remote_up(j->s->remote))
		return 0;
	/* several files may share one object; each is checked, pushed once */
	rel = obj_relpath(f->hash);
	if (remote_head(j->s->remote, rel) == 0) {
		free(rel);
		goto done;
	}
	path = obj_path(j->s->dir, f->hash);
	data = read_file(path, &len);
	if (!data)
		rc = -1;
	else
		rc = remote_put_buf(j->s->remote, rel, data, len);
	free(data);
	free(path);
	free(rel);
done:
	pthread_mutex_lock(j->plock);
	progress_step(j->prog, f->size);
	pthread_mutex_unlock(j->plock);
	return rc;
}

static char *read_release(const char *root)
{
	char *p = xasprintf("%s/include/config/kernel.release", root);
	char *r = read_file(p, NULL);

	free(p);
	if (!r) {
		kbc_err_clear();
		return xstrdup("");
	}
	chomp(r);
	return r;
}

int store_put(struct store *s, const struct key *k, const char *root, const struct tree_list *tl)
{
	pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;
	struct put_job j = { .s = s, .root = root, .tl = tl, .plock = &plock };
	struct progress prog;
	size_t n = 0, i;
	uint64_t raw = 0, added = 0, newobj = 0;
	char *text, *mpath, *release, a[16], b[16];
	int rc, dfd;

	j.idx = xmalloc((tl->n + 1) * sizeof(*j.idx));
	for (i = 0; i < tl->n; i++)
		if (tl->v[i].output)
			j.idx[n++] = i;
	if (!n) {
		free(j.idx);
		return kbc_err("%s: no build outputs to store", root);
	}
	j.f = calloc(n, sizeof(*j.f));
	j.stored = calloc(n, sizeof(*j.stored));
	j.added = calloc(n, sizeof(*j.added));
	j.prog = &prog;
	if (!j.f || !j.stored || !j.added)
		abort();
	rc = store_lock(s, false);
	if (rc)
		goto out;
	progress_start(&prog, "storing", n);
	rc = parallel_for(n, s->jobs, put_one, &j);
	progress_end(&prog);
	if (rc)
		goto unlock;
	for (i = 0; i < n; i++) {
		raw += j.f[i].size;
		if (j.added[i]) {
			added += j.stored[i];
			newobj++;
		}
	}
	/* the objects must be on disk before a manifest names them */
	dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		syncfs(dfd);
		close(dfd);
	}
	release = read_release(root);
	text = manifest_text(k, release, root, j.f, n);
	free(release);
	mpath = manifest_path(s, k->hex);
	rc = write_file_atomic(mpath, text, strlen(text));
	free(mpath);
	if (!rc) {
		kbc_info("stored %zu files (%s) as %.12s: %" PRIu64 " new objects, %s compressed",
			 n, human_size(raw, a), k->hex, newobj, human_size(added, b));
	}
	if (!rc && s->remote && remote_up(s->remote)) {
		progress_start(&prog, "uploading", n);
		rc = parallel_for(n, s->jobs, push_one, &j);
		progress_end(&prog);
		if (!rc) {
			char *rel = xasprintf("entries/%s.manifest", k->hex);

			rc = remote_put_buf(s->remote, rel, text, strlen(text));
			free(rel);
		}
		if (rc) {
			/* the local entry is complete; the remote simply lacks it */
			kbc_warn("%s; entry kept locally only", kbc_errmsg());
			rc = 0;
		} else {
			kbc_info("uploaded %.12s to %s", k->hex, remote_url(s->remote));
		}
	}
	free(text);
unlock:
	store_unlock(s);
out:
	free(j.idx);
	free(j.f);
	free(j.stored);
	free(j.added);
	return rc;
}

/* ---- restore ------------------------------------------------------------- */

struct restore_job {
	struct store *s;
	const struct entry *e;
	const char *root;
	bool *done;
	struct progress *prog;
	pthread_mutex_t *plock;
};

/* @data with every @from that ends at a path boundary replaced by @to. */
static char *replace_root(const char *data, size_t len, const char *from, const char *to,
			  size_t *outlen)
{
	size_t flen = strlen(from), tlen = strlen(to), cap = len + 1, n = 0, i = 0;
	char *out = xmalloc(cap);

	while (i < len) {
		char next = i + flen < len ? data[i + flen] : 0;

		if (i + flen <= len && !memcmp(data + i, from, flen) &&
		    (next == '/' || next == ' ' || next == ':' || next == '\n' || next == '\t' ||
		     next == '"' || next == '\'' || next == 0)) {
			while (n + tlen + 1 > cap)
				out = xrealloc(out, cap *= 2);
			memcpy(out + n, to, tlen);
			n += tlen;
			i += flen;
			continue;
		}
		if (n + 2 > cap)
			out = xrealloc(out, cap *= 2);
		out[n++] = data[i++];
	}
	out[n] = 0;
	*outlen = n;
	return out;
}

static int restore_one(size_t i, void *user)
{
	struct restore_job *j = user;
	const struct entry_file *f = &j->e->f[i];
	char *dest = xasprintf("%s/%s", j->root, f->path), *tmp, *data = NULL;
	size_t size = f->size;
	int rc;

	rc = obj_read(j->s->dir, j->s->remote, f->hash, f->size, &data);
	if (rc) {
		if (rc == 1)
			kbc_err("%s: missing object %s for %s", j->s->dir, f->hash, f->path);
		rc = -1;
		goto out;
	}
	if (mkdir_parent(dest)) {
		rc = -1;
		goto out;
	}
	if (f->names_root && *j->e->root && strcmp(j->e->root, j->root)) {
		char *moved = replace_root(data, f->size, j->e->root, j->root, &size);

		free(data);
		data = moved;
	}
	tmp = tmp_name(dest);
	if (f->link) {
		data[size] = 0;
		rc = symlink(data, tmp) ? kbc_errno("%s", tmp) : 0;
	} else {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, f->mode & 07777);

		if (fd < 0) {
			rc = kbc_errno("%s", tmp);
		} else {
			if (write_all(fd, data, size))
				rc = kbc_errno("%s", dest);
			if (close(fd) && !rc)
				rc = kbc_errno("%s", dest);
			if (!rc && fchmodat(AT_FDCWD, tmp, f->mode & 07777, 0))
				rc = kbc_errno("%s", dest);
		}
	}
	if (!rc && rename(tmp, dest))
		rc = kbc_errno("%s", dest);
	if (rc)
		unlink(tmp);
	else
		j->done[i] = true;
	free(tmp);
out:
	free(data);
	free(dest);
	pthread_mutex_lock(j->plock);
	progress_step(j->prog, f->size);
	pthread_mutex_unlock(j->plock);
	return rc;
}

struct mt_rank {
	struct timespec t;
	size_t i;
};

static int ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

static int rank_cmp(const void *a, const void *b)
{
	const struct mt_rank *x = a, *y = b;
	int c = ts_cmp(&x->t, &y->t);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static struct timespec ts_add_us(struct timespec t, long long us)
{
	long long ns = (long long)t.tv_nsec + (us % 1000000) * 1000;

	t.tv_sec += (time_t)(us / 1000000);
	while (ns >= 1000000000) {
		ns -= 1000000000;
		t.tv_sec++;
	}
	while (ns < 0) {
		ns += 1000000000;
		t.tv_sec--;
	}
	t.tv_nsec = (long)ns;
	return t;
}

/*
 * make compares mtimes only: give the outputs their recorded order, 10 us
 * apart, ending a second before now, and move older every source file
 * that is newer than the first output (a fresh checkout or copy).
 */
static int set_mtimes(const struct entry *e, const char *root, const struct tree_list *tree)
{
	struct mt_rank *r = xmalloc((e->n + 1) * sizeof(*r));
	struct timespec now, base, t, prev = { 0, 0 };
	struct tree_list tl;
	long long rank = -1;
	size_t i;
	int rc = 0;

	for (i = 0; i < e->n; i++) {
		r[i].t = e->f[i].mtime;
		r[i].i = i;
	}
	qsort(r, e->n, sizeof(*r), rank_cmp);
	clock_gettime(CLOCK_REALTIME, &now);
	base = ts_add_us(now, -1000000 - 10LL * (long long)e->n);
	for (i = 0; i < e->n && !rc; i++) {
		const struct entry_file *f = &e->f[r[i].i];
		char *p;
		struct timespec ts[2];

		if (!i || ts_cmp(&prev, &r[i].t))
			rank++;
		prev = r[i].t;
		t = ts_add_us(base, rank * 10);
		ts[0] = ts[1] = t;
		p = xasprintf("%s/%s", root, f->path);
		if (utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW))
			rc = kbc_errno("%s", p);
		free(p);
	}
	free(r);
	if (rc)
		return rc;
	if (!tree && tree_walk(root, &tl))
		return -1;
	if (!tree)
		tree = &tl;
	t = ts_add_us(base, -1000000);
	for (i = 0; i < tree->n && !rc; i++) {
		const struct tree_file *f = &tree->v[i];
		struct timespec ts[2] = { t, t };
		char *p;

		if (f->output || ts_cmp(&f->mtime, &base) < 0)
			continue;
		p = xasprintf("%s/%s", root, f->path);
		if (utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW))
			rc = kbc_errno("%s", p);
		free(p);
	}
	if (tree == &tl)
		tree_list_free(&tl);
	return rc;
}

int store_restore_some(struct store *s, struct entry *e, const char *root,
		       const struct tree_list *tree, bool (*want)(const char *path), size_t *restored)
{
	struct entry sub = *e;
	size_t i;
	int rc;

	/* an entry that came from the remote is restored whole: it then becomes local */
	if (e->from_remote || !want) {
		*restored = e->n;
		return store_restore(s, e, root, tree);
	}
	sub.f = calloc(e->n + 1, sizeof(*sub.f));
	if (!sub.f)
		abort();
	sub.n = 0;
	for (i = 0; i < e->n; i++)
		if (want(e->f[i].path))
			sub.f[sub.n++] = e->f[i];
	*restored = sub.n;
	rc = store_restore(s, &sub, root, tree);
	free(sub.f);
	return rc;
}

int store_restore(struct store *s, struct entry *e, const char *root,
		  const struct tree_list *tree)
{
	pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;
	struct progress prog;
	struct restore_job j = { .s = s, .e = e, .root = root, .prog = &prog, .plock = &plock };
	char *mpath;
	size_t i;
	int rc;

	j.done = calloc(e->n + 1, sizeof(*j.done));
	if (!j.done)
		abort();
	rc = store_lock(s, false);
	if (rc) {
		free(j.done);
		return rc;
	}
	progress_start(&prog, "restoring", e->n);
	rc = parallel_for(e->n, s->jobs, restore_one, &j);
	progress_end(&prog);
	if (!rc)
		rc = set_mtimes(e, root, tree);
	if (rc) {
		char msg[2 * KBC_PATH_MAX];

		snprintf(msg, sizeof(msg), "%s", kbc_errmsg());
		for (i = 0; i < e->n; i++) {
			if (j.done[i]) {
				char *p = xasprintf("%s/%s", root, e->f[i].path);

				unlink(p);
				free(p);
			}
		}
		kbc_err("%s", msg);
	}
	mpath = manifest_path(s, e->key);
	if (!rc && e->from_remote) {
		/* every object is local now: the entry becomes a local one */
		char *text;

		memcpy(e->inputs.hex, e->key, sizeof(e->key));
		text = manifest_text(&e->inputs, e->release, e->root, e->f, e->n);
		if (write_file_atomic(mpath, text, strlen(text)))
			kbc_warn("%s", kbc_errmsg());
		else
			e->from_remote = false;
		free(text);
	} else if (!rc) {
		utimensat(AT_FDCWD, mpath, NULL, 0);	/* last use, for gc */
	}
	free(mpath);
	store_unlock(s);
	free(j.done);
	return rc;
}

int store_read_file(struct store *s, const struct entry *e, const char *path, char **data,
		    size_t *len)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->f[i].path, path))
			continue;
		if (obj_read(s->dir, s->remote, e->f[i].hash, e->f[i].size, data))
			return -1;
		if (len)
			*len = e->f[i].size;
		return 0;
	}
	return 1;
}

/* ---- listing, verify, gc, rm --------------------------------------------- */

char **store_keys(struct store *s, size_t *n)
{
	char *dir = xasprintf("%s/entries", s->dir);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	free(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len != KBC_HEX_LEN + 9 || strcmp(de->d_name + KBC_HEX_LEN, ".manifest"))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = xasprintf("%.*s", KBC_HEX_LEN, de->d_name);
	}
	closedir(d);
	return v;
}

static void free_keys(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char *store_find_key(struct store *s, const char *prefix)
{
	size_t n, i, plen = strlen(prefix);
	char **v = store_keys(s, &n), *found = NULL;
	int matches = 0;

	for (i = 0; i < n; i++) {
		if (plen && !strncmp(v[i], prefix, plen)) {
			matches++;
			free(found);
			found = xstrdup(v[i]);
		}
	}
	free_keys(v, n);
	if (matches > 1) {
		free(found);
		kbc_err("%s: ambiguous key prefix", prefix);
		return NULL;
	}
	if (!found)
		kbc_err("%s: no such entry in %s", prefix, s->dir);
	return found;
}

static struct timespec file_mtime(const char *p)
{
	struct stat st;

	if (stat(p, &st))
		return (struct timespec){ 0, 0 };
	return st.st_mtim;
}

int store_list(struct store *s, bool long_format)
{
	size_t n, i;
	char **keys = store_keys(s, &n);
	uint64_t total = 0;

	if (!n) {
		kbc_info("%s: no entries", s->dir);
		return 0;
	}
	printf("%-12s  %-20s  %-16s  %-8s  %9s  %-19s  %s\n", "KEY", "RELEASE", "CONFIG", "ARCH",
	       "FILES", "LAST USED", "SIZE");
	for (i = 0; i < n; i++) {
		struct entry e;
		char *mp = manifest_path(s, keys[i]);
		struct timespec used = file_mtime(mp);
		char when[32], sz[16];
		struct tm tm;
		const char *cfg;

		free(mp);
		if (load_local(s, keys[i], &e)) {
			printf("%-12.12s  (unreadable: %s)\n", keys[i], kbc_errmsg());
			continue;
		}
		localtime_r(&used.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		cfg = key_get(&e.inputs, "config");
		printf("%-12.12s  %-20s  %-16.16s  %-8s  %9zu  %-19s  %s\n", e.key,
		       *e.release ? e.release : "?", cfg ? cfg : "?",
		       key_get(&e.inputs, "arch") ? key_get(&e.inputs, "arch") : "?", e.n, when,
		       human_size(e.bytes, sz));
		if (long_format) {
			size_t k;

			for (k = 0; k < e.inputs.n; k++)
				printf("    %-24s %s\n", e.inputs.in[k].name, e.inputs.in[k].value);
		}
		total += e.bytes;
		entry_free(&e);
	}
	free_keys(keys, n);
	{
		char a[16];

		printf("%zu entries, %s of build outputs\n", n, human_size(total, a));
	}
	return 0;
}

/* Walk objects/: call @fn on every object file (and stale temporaries). */
static void walk_objects(struct store *s, void (*fn)(struct store *, const char *path,
						     const char *name, void *), void *user)
{
	char *top = xasprintf("%s/objects", s->dir);
	DIR *d1 = opendir(top);
	struct dirent *a;

	if (!d1) {
		free(top);
		return;
	}
	while ((a = readdir(d1))) {
		char *p1;
		DIR *d2;
		struct dirent *b;

		if (a->d_name[0] == '.')
			continue;
		p1 = xasprintf("%s/%s", top, a->d_name);
		d2 = opendir(p1);
		while (d2 && (b = readdir(d2))) {
			char *p2;
			DIR *d3;
			struct dirent *c;

			if (b->d_name[0] == '.')
				continue;
			p2 = xasprintf("%s/%s", p1, b->d_name);
			d3 = opendir(p2);
			while (d3 && (c = readdir(d3))) {
				char *p3;

				if (c->d_name[0] == '.')
					continue;
				p3 = xasprintf("%s/%s", p2, c->d_name);
				fn(s, p3, c->d_name, user);
				free(p3);
			}
			if (d3)
				closedir(d3);
			free(p2);
		}
		if (d2)
			closedir(d2);
		free(p1);
	}
	closedir(d1);
	free(top);
}

struct sweep {
	struct hset *live;
	uint64_t bytes;		/* size of the objects kept */
	uint64_t freed;
	size_t removed;
};

/* Remove objects no entry references, and temporaries older than an hour. */
static void sweep_one(struct store *s, const char *path, const char *name, void *user)
{
	struct sweep *sw = user;
	char hash[KBC_HEX_LEN + 1];
	struct stat st;
	size_t len = strlen(name);

	(void)s;
	if (lstat(path, &st))
		return;
	if (len == KBC_HEX_LEN + 4 && !strcmp(name + KBC_HEX_LEN, ".zst")) {
		memcpy(hash, name, KBC_HEX_LEN);
		hash[KBC_HEX_LEN] = 0;
		if (hset_get(sw->live, hash, false)) {
			sw->bytes += (uint64_t)st.st_size;
			return;
		}
	} else if (time(NULL) - st.st_mtime < 3600) {
		return;		/* a writer's temporary */
	}
	if (!unlink(path)) {
		sw->freed += (uint64_t)st.st_size;
		sw->removed++;
	}
}

struct gc_entry {
	char *key;
	struct timespec used;
	struct entry e;
};

static int used_cmp(const void *a, const void *b)
{
	const struct gc_entry *x = a, *y = b;

	return ts_cmp(&x->used, &y->used);
}

static uint64_t obj_size(struct store *s, const char *hash)
{
	char *p = obj_path(s->dir, hash);
	struct stat st;
	uint64_t n = stat(p, &st) ? 0 : (uint64_t)st.st_size;

	free(p);
	return n;
}

int store_gc(struct store *s, uint64_t max_size)
{
	struct hset live = { 0 };
	struct sweep sw = { .live = &live };
	struct gc_entry *v;
	size_t n, i, k, evicted = 0;
	char **keys;
	uint64_t total;
	char a[16], b[16];
	int rc = store_lock(s, true);

	if (rc)
		return rc;
	keys = store_keys(s, &n);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		abort();
	for (i = 0; i < n; i++) {
		char *mp = manifest_path(s, keys[i]);

		v[i].key = keys[i];
		v[i].used = file_mtime(mp);
		free(mp);
		if (load_local(s, keys[i], &v[i].e)) {
			kbc_warn("%s (run verify)", kbc_errmsg());
			continue;
		}
		for (k = 0; k < v[i].e.n; k++)
			(*hset_get(&live, v[i].e.f[k].hash, true))++;
	}
	walk_objects(s, sweep_one, &sw);
	total = sw.bytes;
	qsort(v, n, sizeof(*v), used_cmp);
	for (i = 0; i < n && total > max_size; i++) {
		char *mp = manifest_path(s, v[i].key);

		if (unlink(mp)) {
			free(mp);
			continue;
		}
		free(mp);
		drop_derived(s, v[i].key);
		evicted++;
		for (k = 0; k < v[i].e.n; k++) {
			int *ref = hset_get(&live, v[i].e.f[k].hash, false);

			if (ref && --*ref == 0) {
				uint64_t sz = obj_size(s, v[i].e.f[k].hash);
				char *op = obj_path(s->dir, v[i].e.f[k].hash);

				if (!unlink(op)) {
					total -= sz < total ? sz : total;
					sw.freed += sz;
				}
				free(op);
			}
		}
		kbc_info("evicted %.12s (%s)", v[i].key, *v[i].e.release ? v[i].e.release : "?");
	}
	for (i = 0; i < n; i++) {
		entry_free(&v[i].e);
		free(v[i].key);
	}
	free(v);
	free(keys);
	hset_free(&live);
	store_unlock(s);
	printf("gc: %zu entries evicted, %s freed, %s in use (limit %s)\n", evicted,
	       human_size(sw.freed, a), human_size(total, b), human_size(max_size, (char[16]){ 0 }));
	return 0;
}

/* Remove the objects no remaining manifest names. */
static void sweep_unreferenced(struct store *s)
{
	struct hset live = { 0 };
	struct sweep sw = { .live = &live };
	size_t n, i, k;
	char **keys = store_keys(s, &n);

	for (i = 0; i < n; i++) {
		struct entry e;

		if (load_local(s, keys[i], &e)) {
			/* keep what an unreadable entry may name: never lose data on doubt */
			hset_free(&live);
			free_keys(keys, n);
			return;
		}
		for (k = 0; k < e.n; k++)
			(*hset_get(&live, e.f[k].hash, true))++;
		entry_free(&e);
	}
	free_keys(keys, n);
	walk_objects(s, sweep_one, &sw);
	hset_free(&live);
}

int store_rm(struct store *s, const char *prefix)
{
	char *key, *mp;
	int rc = store_lock(s, true);

	if (rc)
		return rc;
	key = store_find_key(s, prefix);
	if (!key) {
		store_unlock(s);
		return -1;
	}
	mp = manifest_path(s, key);
	if (unlink(mp)) {
		rc = kbc_errno("%s", mp);
	} else {
		drop_derived(s, key);
		sweep_unreferenced(s);
	}
	if (!rc)
		printf("removed %s\n", key);
	free(mp);
	free(key);
	store_unlock(s);
	return rc;
}

struct verify_job {
	struct store *s;
	struct hset *seen;	/* 1 good, 2 bad */
	char (*hashes)[KBC_HEX_LEN + 1];
	uint64_t *sizes;
	int *result;
	char **why;
	struct progress *prog;
	pthread_mutex_t *plock;
};

static int verify_one(size_t i, void *user)
{
	struct verify_job *j = user;
	int rc = obj_check(j->s->dir, j->hashes[i], j->sizes[i]);

	j->result[i] = rc ? 2 : 1;
	if (rc)
		j->why[i] = xstrdup(kbc_errmsg());
	pthread_mutex_lock(j->plock);
	progress_step(j->prog, j->sizes[i]);
	pthread_mutex_unlock(j->plock);
	return 0;
}

int store_verify(struct store *s)
{
	pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;
	struct hset seen = { 0 };
	struct progress prog;
	struct verify_job j = { .s = s, .seen = &seen, .prog = &prog, .plock = &plock };
	size_t n, i, k, nobj = 0, cap = 0, good = 0, bad = 0;
	struct entry *ents;
	char **keys;
	int rc = store_lock(s, true);

	if (rc)
		return rc;
	keys = store_keys(s, &n);
	ents = calloc(n + 1, sizeof(*ents));
	if (!ents)
		abort();
	for (i = 0; i < n; i++) {
		if (load_local(s, keys[i], &ents[i])) {
			char *mp = manifest_path(s, keys[i]);

			printf("%s: corrupt entry (%s), removed\n", keys[i], kbc_errmsg());
			unlink(mp);
			free(mp);
			drop_derived(s, keys[i]);
			bad++;
			continue;
		}
		for (k = 0; k < ents[i].n; k++) {
			int *v = hset_get(&seen, ents[i].f[k].hash, true);

			if (*v)
				continue;
			*v = -1 - (int)nobj;	/* index of the check, until resolved */
			if (nobj == cap) {
				cap = cap ? 2 * cap : 1024;
				j.hashes = xrealloc(j.hashes, cap * sizeof(*j.hashes));
				j.sizes = xrealloc(j.sizes, cap * sizeof(*j.sizes));
			}
			memcpy(j.hashes[nobj], ents[i].f[k].hash, KBC_HEX_LEN + 1);
			j.sizes[nobj] = ents[i].f[k].size;
			nobj++;
		}
	}
	j.result = calloc(nobj + 1, sizeof(*j.result));
	j.why = calloc(nobj + 1, sizeof(*j.why));
	if (!j.result || !j.why)
		abort();
	progress_start(&prog, "verifying", nobj);
	parallel_for(nobj, s->jobs, verify_one, &j);
	progress_end(&prog);
	for (i = 0; i < n; i++) {
		const char *why = NULL;

		if (!ents[i].key[0])
			continue;
		for (k = 0; k < ents[i].n && !why; k++) {
			int idx = -1 - *hset_get(&seen, ents[i].f[k].hash, false);

			if (j.result[idx] == 2)
				why = j.why[idx];
		}
		if (why) {
			char *mp = manifest_path(s, ents[i].key);

			printf("%s: corrupt entry (%s), removed\n", ents[i].key, why);
			unlink(mp);
			free(mp);
			drop_derived(s, ents[i].key);
			bad++;
		} else {
			good++;
		}
	}
	/* a corrupt object must not be reused by the next store of its content */
	for (i = 0; i < nobj; i++) {
		if (j.result[i] == 2) {
			char *op = obj_path(s->dir, j.hashes[i]);

			unlink(op);
			free(op);
		}
		free(j.why[i]);
	}
	sweep_unreferenced(s);
	printf("verify: %zu entries ok, %zu corrupt removed, %zu objects checked\n", good, bad, nobj);
	for (i = 0; i < n; i++)
		entry_free(&ents[i]);
	free(ents);
	free_keys(keys, n);
	free(j.hashes);
	free(j.sizes);
	free(j.result);
	free(j.why);
	hset_free(&seen);
	store_unlock(s);
	return bad ? 2 : 0;
}
