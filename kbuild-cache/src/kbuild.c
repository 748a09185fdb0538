// SPDX-License-Identifier: GPL-2.0
#include "kbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kcmd.h"
#include "sizes.h"
#include "util.h"

#define STAMP ".kbuild-cache-restored"
#define STAMP_COMPILE ".kbuild-cache-compile"

void print_explain(const struct key *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		printf("%-24s %s\n", k->in[i].name, k->in[i].value);
	printf("%-24s %s\n", "=> key", k->hex);
}

void pick_config(struct kbc_opts *o)
{
	char *p;

	if (o->bc.config)
		return;
	p = xasprintf("%s/.config", o->bc.src);
	if (is_file(p))
		o->bc.config = p;
	else
		free(p);
}

int cmd_key(struct kbc_opts *o)
{
	struct key k;

	pick_config(o);
	if (!o->bc.config)
		return kbc_err("%s: no .config and no --config given", o->bc.src);
	if (key_compute(&o->bc, &k))
		return -1;
	if (o->explain || kbc_verbose)
		print_explain(&k);
	else
		printf("%s\n", k.hex);
	key_free(&k);
	return 0;
}

/*
 * Run make with its output in @log; on a terminal, show the latest line
 * and the time; otherwise a line every 30 seconds.
 */
int run_make(const struct build_conf *bc, int jobs, const char *goals, const char *log,
	     const char *what)
{
	char **argv = build_make_argv(bc, jobs, goals);
	int pfd[2], logfd, tty = isatty(2), rc;
	pid_t pid;
	double t0 = now_sec(), last = t0;
	char buf[8192], lastline[256] = "";
	size_t i;

	kbc_debug("running:");
	for (i = 0; argv[i]; i++)
		kbc_debug("  %s", argv[i]);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		free_argv(argv);
		return kbc_errno("%s", log);
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		close(logfd);
		free_argv(argv);
		return kbc_errno("pipe");
	}
	build_setenv(bc);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(logfd);
		close(pfd[0]);
		close(pfd[1]);
		free_argv(argv);
		return kbc_errno("fork");
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	kbc_info("%s (log: %s)", what, log);
	for (;;) {
		ssize_t n = read(pfd[0], buf, sizeof(buf));
		double t;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write_all(logfd, buf, (size_t)n))
			break;
		{
			/* the last complete line of the chunk */
			ssize_t e = n - 1, s;

			while (e >= 0 && buf[e] == '\n')
				e--;
			s = e;
			while (s > 0 && buf[s - 1] != '\n')
				s--;
			if (e >= s && e >= 0)
				snprintf(lastline, sizeof(lastline), "%.*s", (int)(e - s + 1), buf + s);
		}
		t = now_sec();
		if (kbc_quiet)
			continue;
		if (tty && t - last > 0.3) {
			fprintf(stderr, "\r\033[K[%4.0fs] %.70s", t - t0, lastline);
			last = t;
		} else if (!tty && t - last > 30) {
			fprintf(stderr, "kbuild-cache: %s: %.0fs, %s\n", what, t - t0, lastline);
			last = t;
		}
	}
	close(pfd[0]);
	close(logfd);
	while (waitpid(pid, &rc, 0) < 0 && errno == EINTR)
		;
	if (tty && !kbc_quiet)
		fprintf(stderr, "\r\033[K");
	free_argv(argv);
	if (!WIFEXITED(rc) || WEXITSTATUS(rc)) {
		char *cmd = xasprintf("tail -n 20 '%s' >&2", log);

		if (!kbc_quiet)
			run_sh(cmd, NULL, NULL, NULL);
		free(cmd);
		return kbc_err("%s: make %s failed (exit %d), see %s", bc->src, goals,
			       WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc), log);
	}
	kbc_info("%s: done in %.0fs", what, now_sec() - t0);
	return 0;
}

/* Per-key lock: a second build of one key waits and then finds the entry. */
static int lock_key(const char *cache, const char *key)
{
	char *dir = xasprintf("%s/locks", cache), *p;
	int fd;

	if (mkdir_p(dir, 0755)) {
		free(dir);
		return -1;
	}
	p = xasprintf("%s/%s.lock", dir, key);
	free(dir);
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		kbc_errno("%s", p);
		free(p);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		kbc_info("waiting for another build of %.12s", key);
		while (flock(fd, LOCK_EX) && errno == EINTR)
			;
	}
	free(p);
	return fd;
}

static int write_stamp_as(const char *src, const char *name, const char *key)
{
	char *p = xasprintf("%s/%s", src, name), *line = xasprintf("%s\n", key);
	int rc = write_file_atomic(p, line, strlen(line));

	free(p);
	free(line);
	return rc;
}

static bool stamp_as_is(const char *src, const char *name, const char *key)
{
	char *p = xasprintf("%s/%s", src, name), *t = read_file(p, NULL);
	bool same = t && !strncmp(t, key, KBC_HEX_LEN);

	kbc_err_clear();
	free(p);
	free(t);
	return same;
}

/* the tree is at the built state of the key */
static int write_stamp(const char *src, const char *key)
{
	char *p = xasprintf("%s/%s", src, STAMP_COMPILE);

	unlink(p);
	free(p);
	return write_stamp_as(src, STAMP, key);
}

static bool stamp_is(const char *src, const char *key)
{
	return stamp_as_is(src, STAMP, key);
}

/*
 * What compiling an object with its recorded command needs: everything
 * but the objects, archives of objects aside (thin, small), and the
 * linked images.  Direct mode takes original objects and parents from
 * the store itself, so a fresh tree gets a twentieth of the bytes.
 */
static bool needed_to_compile(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t len = strlen(path);

	b = b ? b + 1 : path;
	if (sizes_reads(path))
		return true;
	if ((len > 2 && !strcmp(path + len - 2, ".o")) || (len > 3 && !strcmp(path + len - 3, ".ko")))
		return false;
	if (!strncmp(b, ".tmp_vmlinux", 12) || (!strncmp(path, "vmlinux", 7) && strcmp(path, "vmlinux.a") &&
						  strncmp(path, "vmlinux.symvers", 15)))
		return false;
	if (!strncmp(path, "arch/", 5) && strstr(path, "/boot/") && !strstr(path, ".cmd"))
		return false;
	return true;
}

static bool is_cmd_file(const char *path)
{
	size_t len = strlen(path);

	return len > 4 && !strcmp(path + len - 4, ".cmd");
}

/* With the entry's object index at hand, the .cmd files are not needed. */
static bool needed_to_compile_indexed(const char *path)
{
	return needed_to_compile(path) && (!is_cmd_file(path) || sizes_reads(path));
}

/*
 * The entry's objects for direct mode: from its index, else from the
 * tree after bringing the .cmd files (a tree restored with an index that
 * has since gone, or an entry from the remote, which has none).
 */
static int entry_objects(struct kbc_opts *o, struct store *s, struct entry *e, bool have_cmds,
			 struct kobjs *objs)
{
	char *index = store_derived_path(s, e->key, KOBJS_INDEX_NAME);
	size_t n = 0;
	int rc = 0;

	if (!have_cmds)
		rc = store_restore_some(s, e, o->bc.src, NULL, is_cmd_file, &n);
	if (!rc)
		rc = kobjs_load_indexed(o->bc.src, index, objs);
	free(index);
	return rc;
}

static int copy_config(const char *from, const char *src)
{
	char *to = xasprintf("%s/.config", src), *data, *a, *b;
	size_t len;
	int rc;

	a = realpath(from, NULL);
	b = realpath(to, NULL);
	if (a && b && !strcmp(a, b)) {
		free(a);
		free(b);
		free(to);
		return 0;
	}
	free(a);
	free(b);
	data = read_file(from, &len);
	if (!data) {
		free(to);
		return -1;
	}
	rc = write_file_atomic(to, data, len);
	free(data);
	free(to);
	return rc;
}

static int put_tree(struct store *s, const struct key *k, const char *src)
{
	struct tree_list tl;
	int rc;
	char *vmlinux = xasprintf("%s/vmlinux", src);
	bool built = is_file(vmlinux);

	free(vmlinux);
	if (!built)
		return kbc_err("%s: no vmlinux: the tree is not built", src);
	if (tree_walk(src, &tl))
		return -1;
	rc = store_put(s, k, src, &tl);
	tree_list_free(&tl);
	if (!rc) {
		/* direct mode's and kpatch-build's object list, ready for their first run */
		char *index = store_derived_path(s, k->hex, KOBJS_INDEX_NAME);

		if (kobjs_index_update(src, index)) {
			kbc_debug("%s: %s", index, kbc_errmsg());
			kbc_err_clear();
		}
		free(index);
	}
	return rc;
}

int cmd_build(struct kbc_opts *o)
{
	struct store s;
	struct key k;
	struct entry e;
	char *log;
	int rc, lockfd;
	double t0 = now_sec();

	if (check_kernel_tree(o->bc.src))
		return -1;
	pick_config(o);
	if (!o->bc.config)
		return kbc_err("%s: no .config and no --config given", o->bc.src);
	if (!is_file(o->bc.config))
		return kbc_err("%s: no such config file", o->bc.config);
	if (key_compute(&o->bc, &k))
		return -1;
	if (kbc_verbose)
		print_explain(&k);
	printf("%s\n", k.hex);
	fflush(stdout);
	if (store_open(&s, o->cache, o->remote, o->jobs)) {
		key_free(&k);
		return -1;
	}
	lockfd = lock_key(s.dir, k.hex);
	if (lockfd < 0) {
		rc = -1;
		goto out;
	}
	rc = store_get(&s, k.hex, &e);
	if (rc < 0) {
		kbc_warn("%s; building again", kbc_errmsg());
		rc = 1;
	}
	if (rc == 0) {
		kbc_info("hit: %.12s (%s, %zu files); restoring", k.hex, e.release, e.n);
		rc = stamp_is(o->bc.src, k.hex) ? 0 : store_restore(&s, &e, o->bc.src, k.tree);
		if (!rc)
			rc = write_stamp(o->bc.src, k.hex);
		entry_free(&e);
		if (!rc)
			kbc_info("tree at the built state in %.1fs", now_sec() - t0);
		goto out;
	}
	kbc_info("miss: %.12s; building %s", k.hex, o->bc.targets);
	if (copy_config(o->bc.config, o->bc.src)) {
		rc = -1;
		goto out;
	}
	log = xasprintf("%s/.kbuild-cache-build.log", o->bc.src);
	rc = run_make(&o->bc, o->jobs, "olddefconfig", log, "configuring");
	if (!rc)
		rc = run_make(&o->bc, o->jobs, o->bc.targets, log, "building");
	free(log);
	if (!rc)
		rc = put_tree(&s, &k, o->bc.src);
	if (!rc)
		rc = write_stamp(o->bc.src, k.hex);
	if (!rc)
		kbc_info("built and stored in %.0fs", now_sec() - t0);
out:
	if (!rc)
		memcpy(o->built_key, k.hex, sizeof(o->built_key));
	if (lockfd >= 0)
		close(lockfd);
	store_close(&s);
	key_free(&k);
	return rc;
}

int cmd_put(struct kbc_opts *o)
{
	struct store s;
	struct key k;
	int rc;

	pick_config(o);
	if (!o->bc.config)
		return kbc_err("%s: no .config and no --config given", o->bc.src);
	if (key_compute(&o->bc, &k))
		return -1;
	printf("%s\n", k.hex);
	fflush(stdout);
	if (store_open(&s, o->cache, o->remote, o->jobs)) {
		key_free(&k);
		return -1;
	}
	rc = put_tree(&s, &k, o->bc.src);
	if (!rc)
		rc = write_stamp(o->bc.src, k.hex);
	store_close(&s);
	key_free(&k);
	return rc;
}

/* Without a config: the one entry whose other inputs all match. */
static int match_without_config(struct store *s, const struct key *k, char *out)
{
	size_t n, i, j, found = 0;
	char **keys = store_keys(s, &n);

	for (i = 0; i < n; i++) {
		struct entry e;
		bool same = true;

		if (store_get(s, keys[i], &e))
			continue;
		for (j = 0; j < k->n && same; j++) {
			const char *v = key_get(&e.inputs, k->in[j].name);

			if (strcmp(k->in[j].name, "config") && (!v || strcmp(v, k->in[j].value)))
				same = false;
		}
		if (same && e.inputs.n == k->n) {
			if (!found)
				memcpy(out, e.key, KBC_HEX_LEN + 1);
			found++;
		}
		entry_free(&e);
	}
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	if (found > 1)
		return kbc_err("%zu entries match this tree with different configs; give --config",
			       found);
	return found ? 0 : 1;
}

int ensure_restored(struct kbc_opts *o, struct store *s, struct key *k, struct entry *e,
		    enum restore_what what, struct kobjs *objs)
{
	char key[KBC_HEX_LEN + 1];
	const char *cfg;
	bool have_index = false, have_cmds = false;
	int rc;
	double t0 = now_sec();

	if (check_kernel_tree(o->bc.src))
		return -1;
	pick_config(o);
	cfg = o->bc.config;
	if (!cfg) {
		/* key_compute() needs a config: hash a stand-in, ignored by the match */
		char tmp[] = "/tmp/kbc-noconfig-XXXXXX";
		int fd = mkstemp(tmp);

		if (fd < 0)
			return kbc_errno("mkstemp");
		if (write_all(fd, "# CONFIG_\n", 10)) {
			close(fd);
			unlink(tmp);
			return kbc_errno("%s", tmp);
		}
		close(fd);
		o->bc.config = tmp;
		rc = key_compute(&o->bc, k);
		unlink(tmp);
		o->bc.config = NULL;
	} else {
		rc = key_compute(&o->bc, k);
	}
	if (rc)
		return -1;
	kbc_debug("key computed in %.2fs", now_sec() - t0);
	if (kbc_verbose)
		print_explain(k);
	if (cfg) {
		memcpy(key, k->hex, sizeof(key));
	} else {
		rc = match_without_config(s, k, key);
		if (rc)
			return rc < 0 ? -1 :
				kbc_err("%s: no cache entry for this tree (no .config given; run kbuild-cache build)",
					o->bc.src);
	}
	rc = store_get(s, key, e);
	if (rc)
		return rc < 0 ? -1 :
			kbc_err("%s: no cache entry %.12s for this tree and config (run kbuild-cache build first)",
				o->bc.src, key);
	kbc_debug("entry %.12s read at %.2fs", key, now_sec() - t0);
	if (what == RESTORE_TO_COMPILE) {
		char *index = store_derived_path(s, key, KOBJS_INDEX_NAME);

		rc = kobjs_index_read(o->bc.src, index, objs);
		free(index);
		if (rc < 0) {
			entry_free(e);
			return -1;
		}
		have_index = rc == 0;
		kbc_debug("object index %s at %.2fs", have_index ? "read" : "absent", now_sec() - t0);
	}
	if (stamp_is(o->bc.src, key)) {
		kbc_info("%s is already at the built state of %.12s", o->bc.src, key);
		have_cmds = true;
	} else if (what == RESTORE_TO_COMPILE && stamp_as_is(o->bc.src, STAMP_COMPILE, key)) {
		kbc_info("%s already has what compiling needs from %.12s", o->bc.src, key);
	} else if (what == RESTORE_TO_COMPILE) {
		size_t n = 0;

		rc = store_restore_some(s, e, o->bc.src, k->tree,
					have_index ? needed_to_compile_indexed : needed_to_compile, &n);
		have_cmds = !have_index;
		if (!rc)
			rc = n == e->n ? write_stamp(o->bc.src, key) :
					 write_stamp_as(o->bc.src, STAMP_COMPILE, key);
		if (rc) {
			entry_free(e);
			return -1;
		}
		kbc_info("restored %zu of %zu files of %.12s (what compiling needs) in %.1fs", n, e->n, key,
			 now_sec() - t0);
	} else {
		have_cmds = true;
		rc = store_restore(s, e, o->bc.src, k->tree);
		if (!rc)
			rc = write_stamp(o->bc.src, key);
		if (rc) {
			entry_free(e);
			return -1;
		}
		kbc_info("restored %zu files of %.12s in %.1fs", e->n, key, now_sec() - t0);
	}
	if (what == RESTORE_TO_COMPILE && !have_index && entry_objects(o, s, e, have_cmds, objs)) {
		entry_free(e);
		return -1;
	}
	memcpy(k->hex, key, sizeof(key));
	return 0;
}

int cmd_restore(struct kbc_opts *o)
{
	struct store s;
	struct key k = { 0 };
	struct entry e;
	int rc;
	size_t i;

	if (store_open(&s, o->cache, o->remote, o->jobs))
		return -1;
	rc = ensure_restored(o, &s, &k, &e, RESTORE_ALL, NULL);
	if (!rc) {
		printf("%s\n", k.hex);
		if (!kbc_quiet) {
			char **argv = build_make_argv(&o->bc, 0, o->bc.targets);

			fprintf(stderr, "kbuild-cache: continue with: KBUILD_BUILD_TIMESTAMP='%s' KBUILD_BUILD_USER=%s KBUILD_BUILD_HOST=%s",
				o->bc.timestamp, o->bc.user, o->bc.host);
			for (i = 0; argv[i]; i++)
				fprintf(stderr, strchr(argv[i], ' ') ? " '%s'" : " %s", argv[i]);
			fprintf(stderr, "\n");
			free_argv(argv);
		}
		entry_free(&e);
	}
	key_free(&k);
	store_close(&s);
	return rc;
}
