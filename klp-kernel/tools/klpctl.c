// SPDX-License-Identifier: GPL-2.0
/*
 * klpctl: load, unload and list livepatch modules the way the kpatch script
 * does (module path or name, the same waits for the transition, signalling
 * of stalled tasks, retries of a busy load), plus a conflict check before
 * insmod, the per-load conflict override of cdo's kernel series, and a
 * per-function view of which patch's version runs.
 *
 *   klpctl [options] load [--allow-conflicts] [--no-check] --all | MODULE
 *   klpctl [options] unload [--all] [MODULE]
 *   klpctl [options] list
 *   klpctl [options] check MODULE
 *
 * The interface it drives is described in docs/klp-kernel.md, "Policy,
 * override and loading".  Every system path can be moved (--sys, --proc,
 * --kallsyms, --modules, --patch-dir) and insmod/rmmod replaced
 * (KLPCTL_INSMOD, KLPCTL_RMMOD), so the host tests run it on a fake tree.
 *
 * Exit status: 0 done, 1 refused or failed, 2 usage or input error.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "klp-lib.h"

#ifndef CDO_VERSION
#define CDO_VERSION "unknown"
#endif

static const char *prog = "klpctl";

/* The kpatch script's waits and retries (kpatch/kpatch, top of the file). */
#define POST_ENABLE_WAIT	15	/* seconds */
#define POST_SIGNAL_WAIT	60
#define MODULE_REF_WAIT		15
#define MAX_LOAD_ATTEMPTS	5
#define RETRY_INTERVAL		2

struct ctx {
	const char *sys, *proc, *kallsyms, *modules, *patch_dir, *lock;
	char lp[PATH_MAX];		/* <sys>/kernel/livepatch */
	char params[PATH_MAX];		/* <sys>/module/livepatch/parameters */
	char kallsyms_buf[PATH_MAX], modules_buf[PATH_MAX], patch_dir_buf[PATH_MAX];
	double enable_wait, signal_wait, ref_wait, retry_interval;
	int retries;
	bool quiet, verbose, allow, no_check, all;
	bool dry_run;			/* check: say what load would do */
	int lock_fd;
};

/* What the running kernel knows about conflicts. */
enum kernel_kind {
	KERNEL_STOCK,		/* no conflict check: patches stack silently */
	KERNEL_SERIES_V1,	/* policy in /sys/kernel/livepatch, no override */
	KERNEL_PARAMS,		/* livepatch.conflict_policy and allow_conflicts_once */
};

static void say(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress and notes: stderr, silenced by -q. */
static void say(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* One error line on stderr; returns the exit status 1. */
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int input_error(const struct klp_err *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg);
	return 2;
}

static bool pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

static long patch_attr(const struct ctx *c, const char *name, const char *attr)
{
	char path[PATH_MAX];

	if (!pathf(path, sizeof(path), "%s/%s/%s", c->lp, name, attr))
		return KLP_UNKNOWN;
	return klp_read_long(path);
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

static bool patch_dir_exists(const struct ctx *c, const char *name)
{
	char path[PATH_MAX];

	return pathf(path, sizeof(path), "%s/%s", c->lp, name) && exists(path);
}

/* Write @val to a sysfs file; 0 or the errno of the failed write. */
static int write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, val, len);
	e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) && !e)
		e = errno;
	return e;
}

static void sleep_for(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- /proc/modules ---------------------------------------------------- */

/*
 * The position of @name in the modules file: 0 for the first line, which
 * is the module loaded last; -1 when it is not loaded.
 */
static long module_line(const struct ctx *c, const char *name)
{
	char line[1024];
	size_t len = strlen(name);
	long n = 0, found = -1;
	FILE *f = fopen(c->modules, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ' ') {
			found = n;
			break;
		}
		n++;
	}
	fclose(f);
	return found;
}

static bool module_loaded(const struct ctx *c, const char *name)
{
	return module_line(c, name) >= 0;
}

/* ---- running insmod and rmmod ------------------------------------------ */

/*
 * Run @tool (insmod or rmmod, or the command in $KLPCTL_INSMOD or
 * $KLPCTL_RMMOD) on @arg in the C locale, its output collected in @out.
 * Return: its exit status, 127 when it could not run.
 */
static int run_tool(const char *tool, const char *envname, const char *arg,
		    char *out, size_t outlen)
{
	const char *cmd = getenv(envname);
	size_t used = 0;
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	if (!cmd || !*cmd)
		cmd = tool;
	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(out, outlen, "cannot run %s: %s", cmd, strerror(errno));
		return 127;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(out, outlen, "cannot run %s: %s", cmd, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return 127;
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		setenv("LC_ALL", "C", 1);
		execlp(cmd, cmd, arg, (char *)NULL);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", cmd, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char sink[512];

		if (used + 1 < outlen)
			n = read(pfd[0], out + used, outlen - 1 - used);
		else
			n = read(pfd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < outlen)
			used += (size_t)n;
	}
	out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return 127;
	}
	while (used && (out[used - 1] == '\n' || out[used - 1] == ' '))
		out[--used] = '\0';
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/*
 * The errno behind insmod's or rmmod's message: kmod prints strerror(),
 * except for a few codes it words itself.  0 when none is recognised.
 */
static int decode_errno(const char *out)
{
	static const struct {
		const char *text;
		int err;
	} kmod_words[] = {
		{ "Invalid module format", ENOEXEC },
		{ "Unknown symbol in module", ENOENT },
		{ "Invalid parameters", EINVAL },
	};
	size_t i, best_len = 0;
	int e, best = 0;

	for (i = 0; i < sizeof(kmod_words) / sizeof(kmod_words[0]); i++) {
		if (strstr(out, kmod_words[i].text))
			return kmod_words[i].err;
	}
	/* the longest match: "Operation not permitted" is in no other text */
	for (e = 1; e < 134; e++) {
		const char *s = strerror(e);
		size_t len = strlen(s);

		if (strncmp(s, "Unknown error", 13) && len > best_len && strstr(out, s)) {
			best = e;
			best_len = len;
		}
	}
	return best;
}

/* What an insmod errno means for a livepatch module. */
static const char *load_meaning(int e)
{
	switch (e) {
	case EADDRINUSE:
		return "the patch replaces functions that an active livepatch replaces, and the kernel's conflict policy refused it (see the kernel log; --allow-conflicts overrides for this load)";
	case EBUSY:
		return "a livepatch transition is still running, or another ftrace user modifies one of the functions";
	case EINVAL:
		return "the livepatch core refused the patch: a function it names is not in this kernel or is listed twice, or its states (klp_state) do not fit the active patches (see the kernel log)";
	case ENOEXEC:
		return "not a module for this kernel (vermagic or structure layout; built against another kernel?)";
	case EEXIST:
		return "a module with this name is already loaded";
	case ENOENT:
		return "the module needs a symbol this kernel does not export (see the kernel log)";
	case ENODEV:
		return "the kernel cannot apply it: no livepatch support, or the patch's pre-patch callback refused";
	case EPERM:
		return "not permitted: run as root; module loading may be disabled (kernel.modules_disabled) or locked down";
	case EKEYREJECTED:
	case ENOKEY:
		return "the module's signature was rejected or is missing, and this kernel requires signed modules";
	case ENOMEM:
		return "the kernel is out of memory";
	default:
		return "see the kernel log";
	}
}

/* ---- transitions ------------------------------------------------------- */

static bool in_transition(const struct ctx *c, const char *name)
{
	return patch_attr(c, name, "transition") == 1;
}

/*
 * Tasks whose patch state is not the patch's target, as kpatch lists them:
 * on stderr while loading, on stdout as part of list's result.
 */
static void show_stalled(const struct ctx *c, const char *name, FILE *out)
{
	long target = patch_attr(c, name, "enabled");
	struct dirent *p, *t;
	bool header = false;
	DIR *pd, *td;

	if (target == KLP_UNKNOWN)
		return;
	pd = opendir(c->proc);
	if (!pd)
		return;
	while ((p = readdir(pd))) {
		char tdir[PATH_MAX];

		if (p->d_name[0] < '0' || p->d_name[0] > '9' ||
		    !pathf(tdir, sizeof(tdir), "%s/%s/task", c->proc, p->d_name))
			continue;
		td = opendir(tdir);
		if (!td)
			continue;
		while ((t = readdir(td))) {
			char path[PATH_MAX], comm[64] = "", stack[4096] = "";
			long state;
			FILE *f;
			size_t n;

			if (t->d_name[0] < '0' || t->d_name[0] > '9' ||
			    !pathf(path, sizeof(path), "%s/%s/patch_state", tdir, t->d_name))
				continue;
			state = klp_read_long(path);
			if (state == KLP_UNKNOWN || state == -1 || state == target)
				continue;
			if (!header && out == stderr)
				fprintf(out, "%s: stalled processes:\n", prog);
			else if (!header)
				fprintf(out, "\nStalled processes:\n");
			header = true;
			if (pathf(path, sizeof(path), "%s/%s/comm", tdir, t->d_name))
				klp_read_line(path, comm, sizeof(comm));
			fprintf(out, "%s %s\nstack:\n", t->d_name, comm);
			if (pathf(path, sizeof(path), "%s/%s/stack", tdir, t->d_name) &&
			    (f = fopen(path, "re"))) {
				n = fread(stack, 1, sizeof(stack) - 1, f);
				stack[n] = '\0';
				fclose(f);
				fputs(stack, out);
				if (n && stack[n - 1] != '\n')
					fputc('\n', out);
			}
		}
		closedir(td);
	}
	closedir(pd);
}

/*
 * Kernels before 5.1 had <patch>/signal; newer ones signal stalled tasks
 * on their own (klp_send_signals()), as the kpatch script says too.
 */
static void signal_stalled(const struct ctx *c, const char *name)
{
	char path[PATH_MAX];
	int e;

	if (!pathf(path, sizeof(path), "%s/%s/signal", c->lp, name) || !exists(path)) {
		say(c, "livepatch process signaling is performed automatically on this kernel; skipping manual signaling");
		return;
	}
	say(c, "signaling stalled process(es)");
	e = write_file(path, "1");
	if (e)
		say(c, "%s: %s", path, strerror(e));
}

static bool wait_until_settled(const struct ctx *c, const char *name, double limit)
{
	double start = now();

	for (;;) {
		if (!in_transition(c, name)) {
			if (c->verbose)
				say(c, "transition complete (%.0f seconds)", now() - start);
			return true;
		}
		if (now() - start >= limit)
			return false;
		sleep_for(0.1);
	}
}

/* kpatch's wait_for_patch_transition(): false when it stalled. */
static bool wait_transition(const struct ctx *c, const char *name)
{
	if (!in_transition(c, name))
		return true;
	say(c, "waiting (up to %g seconds) for patch transition to complete...", c->enable_wait);
	if (wait_until_settled(c, name, c->enable_wait))
		return true;
	say(c, "patch transition has stalled!");
	signal_stalled(c, name);
	say(c, "waiting (up to %g seconds) for patch transition to complete...", c->signal_wait);
	return wait_until_settled(c, name, c->signal_wait);
}

/* ---- unload ------------------------------------------------------------ */

static int disable_patch(const struct ctx *c, const char *name)
{
	char path[PATH_MAX];
	int attempt, e;

	if (!pathf(path, sizeof(path), "%s/%s/enabled", c->lp, name))
		return fail("%s: path too long", name);
	if (klp_read_long(path) != 1)
		return 0;
	say(c, "disabling patch module: %s", name);
	for (attempt = 1;; attempt++) {
		e = write_file(path, "0");
		if (!e)
			return 0;
		if (e != EBUSY || attempt >= c->retries)
			return fail("%s: cannot disable: %s", name, strerror(e));
		say(c, "%s: %s; retrying...", name, strerror(e));
		sleep_for(c->retry_interval);
	}
}

static int remove_module(const struct ctx *c, const char *name, bool quiet)
{
	char path[PATH_MAX], out[1024];
	double start = now();
	long ref;
	int rc, e;

	if (!pathf(path, sizeof(path), "%s/module/%s/refcnt", c->sys, name))
		return fail("%s: path too long", name);
	ref = klp_read_long(path);
	if (ref > 0) {
		say(c, "waiting (up to %g seconds) for module refcount...", c->ref_wait);
		while ((ref = klp_read_long(path)) > 0 && now() - start < c->ref_wait)
			sleep_for(0.1);
		if (ref > 0)
			return fail("%s: cannot unload: the module is still in use (refcnt %ld)",
				    name, ref);
	}
	if (!quiet)
		say(c, "unloading patch module: %s", name);
	rc = run_tool("rmmod", "KLPCTL_RMMOD", name, out, sizeof(out));
	if (rc == 0)
		return 0;
	e = decode_errno(out);
	if (e)
		return fail("%s: rmmod failed: %s", name, strerror(e));
	return fail("%s: rmmod failed (exit %d): %s", name, rc, out[0] ? out : "no message");
}

static int unload_one(const struct ctx *c, const char *name)
{
	if (!patch_dir_exists(c, name) && !module_loaded(c, name))
		return fail("%s: patch module is not loaded", name);
	if (patch_dir_exists(c, name)) {
		if (disable_patch(c, name))
			return 1;
		if (!wait_transition(c, name)) {
			show_stalled(c, name, stderr);
			return fail("%s: transition stalled; the patch is still being disabled", name);
		}
	}
	if (!module_loaded(c, name))
		return 0;
	return remove_module(c, name, false);
}

/* ---- locking ----------------------------------------------------------- */

/*
 * One loader at a time: the one-shot override names a single patch, and
 * kpatch's waits assume nobody else starts a transition meanwhile.
 */
static int take_lock(struct ctx *c)
{
	if (c->lock_fd >= 0)
		return 0;	/* load --all: already ours */
	c->lock_fd = open(c->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (c->lock_fd < 0)
		return fail("%s: %s", c->lock, strerror(errno));
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK)
			return fail("%s: %s", c->lock, strerror(errno));
		say(c, "waiting for another klpctl (%s)", c->lock);
		if (flock(c->lock_fd, LOCK_EX))
			return fail("%s: %s", c->lock, strerror(errno));
	}
	return 0;
}

/* ---- module arguments -------------------------------------------------- */

/*
 * kpatch's find_module(): an argument containing ".ko" is a file, anything
 * else a patch name looked up among the installed modules.
 */
static int find_module(const struct ctx *c, const char *arg, char *path, size_t len)
{
	struct dirent *d;
	char *want;
	DIR *dir;
	int found = 0;

	if (strstr(arg, ".ko") || strchr(arg, '/')) {
		if (!exists(arg))
			return fail("%s: %s", arg, strerror(errno)) + 1;
		snprintf(path, len, "%s", arg);
		return 0;
	}
	want = klp_name_from_path(arg);
	if (!want)
		return fail("out of memory") + 1;
	dir = opendir(c->patch_dir);
	while (dir && !found && (d = readdir(dir))) {
		char *name;
		size_t n = strlen(d->d_name);

		if (n < 4 || strcmp(d->d_name + n - 3, ".ko"))
			continue;
		name = klp_name_from_path(d->d_name);
		if (name && !strcmp(name, want) &&
		    pathf(path, len, "%s/%s", c->patch_dir, d->d_name))
			found = 1;
		free(name);
	}
	if (dir)
		closedir(dir);
	free(want);
	if (!found)
		return fail("%s: no such patch module (not a .ko file, and not installed in %s)",
			    arg, c->patch_dir) + 1;
	return 0;
}

/* ---- the conflict check ------------------------------------------------ */

static enum kernel_kind kernel_kind(const struct ctx *c, char *policy, size_t len)
{
	char path[PATH_MAX];

	snprintf(policy, len, "deny");
	if (pathf(path, sizeof(path), "%s/conflict_policy", c->params) &&
	    klp_read_line(path, policy, len))
		return KERNEL_PARAMS;
	if (pathf(path, sizeof(path), "%s/conflict_policy", c->lp) &&
	    klp_read_line(path, policy, len))
		return KERNEL_SERIES_V1;
	return KERNEL_STOCK;
}

struct verdict {
	long conflicts;		/* -1: error (message printed) */
	bool refuse;
	bool arm_override;	/* write allow_conflicts_once before insmod */
};

/*
 * Compare @m with the active patches and decide what the kernel will do,
 * so that a refused load is refused before anything is loaded.
 */
static struct verdict check_conflicts(const struct ctx *c, const struct klp_module *m)
{
	const char *refused = c->dry_run ? "would be refused" : "refused";
	const char *loading = c->dry_run ? "would load" : "loading";
	struct verdict v = { 0 };
	struct klp_fn_list active = { 0 };
	struct klp_conflict *cf = NULL;
	struct klp_ksyms ks = { 0 };
	struct klp_sysfs s = { 0 };
	char policy[64], path[PATH_MAX];
	enum kernel_kind kind;
	struct klp_err err;
	long i;

	if (m->replace)
		return v;
	if (klp_sysfs_read(c->lp, &s, &err) || klp_sysfs_active(&s, m->name, &active, &err) ||
	    klp_ksyms_read(c->kallsyms, &ks, &err)) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		v.conflicts = -1;
		goto out;
	}
	v.conflicts = klp_find_conflicts(&m->funcs, &active, &ks, &cf, &err);
	if (v.conflicts < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		goto out;
	}
	for (i = 0; i < v.conflicts; i++) {
		const struct klp_fn *f = &m->funcs.v[cf[i].mine];
		const struct klp_fn *a = &active.v[cf[i].other];

		if (cf[i].alias)
			fprintf(stderr, "%s: %s: %s %s,%lu is already replaced by %s as %s,%lu\n",
				prog, m->name, f->obj, f->name, f->pos, a->patch, a->name, a->pos);
		else
			fprintf(stderr, "%s: %s: %s %s,%lu is already replaced by %s\n",
				prog, m->name, f->obj, f->name, f->pos, a->patch);
	}
	if (!v.conflicts)
		goto out;

	kind = kernel_kind(c, policy, sizeof(policy));
	if (c->allow) {
		if (kind == KERNEL_PARAMS) {
			if (!pathf(path, sizeof(path), "%s/allow_conflicts_once", c->params) ||
			    !exists(path)) {
				fail("%s: this kernel has no per-load override (%s/allow_conflicts_once)",
				     m->name, c->params);
				v.refuse = true;
			} else {
				v.arm_override = true;
				say(c, "%s: %s despite %ld conflict(s): administrator override for this load",
				    m->name, loading, v.conflicts);
			}
		} else if (kind == KERNEL_STOCK) {
			say(c, "%s: %s despite %ld conflict(s): this kernel does not check conflicts, the patch is stacked on top",
			    m->name, loading, v.conflicts);
		} else if (!strcmp(policy, "warn") || !strcmp(policy, "allow") ||
			   (!strcmp(policy, "deny") && m->allow_conflicts)) {
			say(c, "%s: %s despite %ld conflict(s): conflict_policy is %s",
			    m->name, loading, v.conflicts, policy);
		} else {
			fail("%s: this kernel has no per-load override, and its conflict_policy '%s' refuses the patch",
			     m->name, policy);
			v.refuse = true;
		}
	} else if (kind == KERNEL_STOCK) {
		fail("%s: %s: %ld conflict(s) with active livepatches; this kernel would stack the patches silently (--allow-conflicts loads it anyway)",
		     m->name, refused, v.conflicts);
		v.refuse = true;
	} else if (!strcmp(policy, "warn") || !strcmp(policy, "allow")) {
		say(c, "%s: %s despite %ld conflict(s): conflict_policy is %s",
		    m->name, loading, v.conflicts, policy);
	} else if (!strcmp(policy, "deny") && m->allow_conflicts) {
		say(c, "%s: %s despite %ld conflict(s): the patch allows conflicts (conflict_policy deny)",
		    m->name, loading, v.conflicts);
	} else {
		fail("%s: %s: %ld conflict(s) with active livepatches (conflict_policy %s%s); --allow-conflicts overrides for this load",
		     m->name, refused, v.conflicts, policy,
		     m->allow_conflicts ? ", which ignores the patch's allow_conflicts" : "");
		v.refuse = true;
	}
out:
	free(cf);
	klp_fn_list_free(&active);
	klp_ksyms_free(&ks);
	klp_sysfs_free(&s);
	return v;
}

/* ---- load -------------------------------------------------------------- */

/* Arm or clear the one-shot override; 0 or an exit status. */
static int set_override(const struct ctx *c, const char *name, bool arm)
{
	char path[PATH_MAX], cur[256];
	int e;

	if (!pathf(path, sizeof(path), "%s/allow_conflicts_once", c->params))
		return fail("%s: path too long", c->params);
	if (!arm) {
		/* the kernel consumed it at the patch's enable; clear a leftover */
		if (klp_read_line(path, cur, sizeof(cur)) && !strcmp(cur, name) &&
		    (e = write_file(path, "\n")))
			return fail("%s: cannot clear: %s", path, strerror(e));
		return 0;
	}
	e = write_file(path, name);
	if (e)
		return fail("%s: cannot write %s: %s", path, name, strerror(e));
	return 0;
}

static int insmod_patch(const struct ctx *c, const struct klp_module *m, bool arm)
{
	char out[2048];
	int attempt, rc, e;

	say(c, "loading patch module: %s", m->path);
	for (attempt = 1;; attempt++) {
		if (arm && set_override(c, m->name, true))
			return 1;
		rc = run_tool("insmod", "KLPCTL_INSMOD", m->path, out, sizeof(out));
		if (arm && set_override(c, m->name, false))
			return 1;
		if (rc == 0)
			return 0;
		e = decode_errno(out);
		if (e == EBUSY && attempt < c->retries) {
			say(c, "%s: %s; retrying...", m->name, strerror(e));
			sleep_for(c->retry_interval);
			continue;
		}
		if (c->verbose && out[0])
			say(c, "%s", out);
		/* kmod's wording when it cannot read the file, before any syscall */
		if (strstr(out, "could not load module"))
			return fail("%s: insmod could not read the module: %s", m->path,
				    e ? strerror(e) : out);
		if (!e)
			return fail("%s: insmod failed (exit %d): %s", m->path, rc,
				    out[0] ? out : "no message");
		return fail("%s: insmod failed: %s: %s%s", m->path, strerror(e), load_meaning(e),
			    e == EBUSY ? " (gave up after the retries)" : "");
	}
}

static int load_one(struct ctx *c, const char *arg, bool check_only)
{
	char path[PATH_MAX];
	struct klp_module m;
	struct klp_err err;
	struct verdict v;
	long enabled;
	int rc;

	rc = find_module(c, arg, path, sizeof(path));
	if (rc)
		return rc;
	if (klp_module_read(path, &m, &err))
		return input_error(&err);
	if (!exists(c->lp)) {
		rc = fail("%s: %s%s", c->lp, strerror(errno),
			  errno == ENOENT ? " (is this kernel built with CONFIG_LIVEPATCH?)" : "");
		goto out;
	}
	if (m.n_unseen)
		say(c, "%s: functions of object '%s' are set up at run time; not checked",
		    path, m.unseen[0]);
	if (check_only) {
		c->dry_run = true;
		v = check_conflicts(c, &m);
		rc = v.conflicts < 0 ? 2 : v.conflicts ? 1 : 0;
		if (!rc)
			say(c, "%s: no conflict with the active livepatches", m.name);
		goto out;
	}
	rc = take_lock(c);
	if (rc)
		goto out;

	enabled = patch_attr(c, m.name, "enabled");
	if (patch_dir_exists(c, m.name) && enabled == 1) {
		say(c, "module named %s already loaded and enabled", m.name);
		if (!wait_transition(c, m.name)) {
			show_stalled(c, m.name, stderr);
			rc = fail("%s: transition stalled", m.name);
		}
		goto out;
	}
	if (patch_dir_exists(c, m.name)) {
		rc = fail("%s: the patch is being disabled; wait for it, or run '%s unload %s'",
			  m.name, prog, m.name);
		goto out;
	}
	/* a disabled patch whose module is still there, as kpatch cleans up */
	if (module_loaded(c, m.name)) {
		rc = remove_module(c, m.name, true);
		if (rc)
			goto out;
	}

	v.conflicts = 0;
	v.refuse = v.arm_override = false;
	if (!c->no_check) {
		v = check_conflicts(c, &m);
	} else if (c->allow) {
		char policy[64];

		/* unchecked, but the administrator still overrides the kernel */
		v.arm_override = kernel_kind(c, policy, sizeof(policy)) == KERNEL_PARAMS;
	}
	if (v.conflicts < 0 || v.refuse) {
		rc = v.conflicts < 0 ? 2 : 1;
		goto out;
	}
	rc = insmod_patch(c, &m, v.arm_override);
	if (rc)
		goto out;
	if (!patch_dir_exists(c, m.name)) {
		rc = fail("%s: loaded, but %s/%s does not exist: not a livepatch module?",
			  m.name, c->lp, m.name);
		goto out;
	}
	if (!wait_transition(c, m.name)) {
		show_stalled(c, m.name, stderr);
		say(c, "module %s did not complete its transition, unloading...", m.name);
		unload_one(c, m.name);
		rc = fail("%s: failed to load (transition stalled)", m.name);
		goto out;
	}
	say(c, "%s: enabled", m.name);
out:
	klp_module_free(&m);
	return rc;
}

/* ---- list -------------------------------------------------------------- */

/* Stack position of a patch: higher runs on top.  0 if unknown. */
static long stack_pos(const struct ctx *c, const struct klp_patch_info *p)
{
	long line;

	if (p->stack_order > 0)
		return p->stack_order * 100000L;
	/* /proc/modules lists the newest module first */
	line = module_line(c, p->name);
	return line >= 0 ? 99999L - line : 0;
}

struct listed {
	const struct klp_fn *fn;
	const struct klp_patch_info *p;
	long pos;
	unsigned long long addr;
	bool done;
};

static int cmp_listed(const void *x, const void *y)
{
	const struct listed *a = x, *b = y;
	int r = strcmp(a->fn->obj, b->fn->obj);

	if (!r)
		r = strcmp(a->fn->name, b->fn->name);
	if (!r)
		r = (a->fn->pos > b->fn->pos) - (a->fn->pos < b->fn->pos);
	if (!r)
		r = (a->pos < b->pos) - (a->pos > b->pos);	/* top first */
	return r;
}

static bool same_function(const struct listed *a, const struct listed *b)
{
	if (strcmp(a->fn->obj, b->fn->obj))
		return false;
	return klp_fn_same(a->fn, b->fn) || (a->addr && a->addr == b->addr);
}

static const char *state_name(const struct klp_patch_info *p)
{
	if (p->enabled == 1)
		return p->transition == 1 ? "enabling..." : "enabled";
	return p->transition == 1 ? "disabling..." : "disabled";
}

static void list_functions(const struct ctx *c, const struct klp_sysfs *s,
			   const struct klp_ksyms *ks)
{
	struct listed *v = calloc(s->funcs.n ? s->funcs.n : 1, sizeof(*v));
	struct listed **group = calloc(s->funcs.n ? s->funcs.n : 1, sizeof(*group));
	size_t i, j, n = 0, ng, k;

	if (!v || !group) {
		fail("out of memory");
		goto out;
	}
	for (i = 0; i < s->funcs.n; i++) {
		const struct klp_patch_info *p = klp_sysfs_patch(s, s->funcs.v[i].patch);

		/* on a func_stack: enabled, or still in a transition */
		if (!p || (p->enabled != 1 && p->transition != 1))
			continue;
		v[n].fn = &s->funcs.v[i];
		v[n].p = p;
		v[n].pos = stack_pos(c, p);
		v[n].addr = klp_ksym_addr(ks, &s->funcs.v[i]);
		n++;
	}
	if (!n)
		goto out;
	qsort(v, n, sizeof(*v), cmp_listed);
	printf("\nLivepatched functions:\n");
	for (i = 0; i < n; i++) {
		const struct listed *top;

		if (v[i].done)
			continue;
		/* the function's versions, aliases included, top first */
		ng = 0;
		for (j = i; j < n; j++) {
			if (!v[j].done && same_function(&v[i], &v[j])) {
				v[j].done = true;
				group[ng++] = &v[j];
			}
		}
		for (j = 1; j < ng; j++) {
			struct listed *x = group[j];

			for (k = j; k > 0 && group[k - 1]->pos < x->pos; k--)
				group[k] = group[k - 1];
			group[k] = x;
		}
		/* the kernel's own answer, when it has the active files */
		top = group[0];
		for (j = 0; j < ng; j++) {
			if (group[j]->fn->active == 1) {
				top = group[j];
				break;
			}
		}
		printf("%s %s,%lu: ", top->fn->obj, top->fn->name, top->fn->pos);
		if (top->fn->active == 0)
			printf("not patched (object not loaded)");
		else if (top->p->transition == 1 && ng > 1)
			printf("runs %s or %s (transition in progress)", top->p->name,
			       group[top == group[0] ? 1 : 0]->p->name);
		else if (top->p->transition == 1)
			printf("runs %s or the original code (transition in progress)", top->p->name);
		else
			printf("runs %s", top->p->name);
		for (j = 0, k = 0; j < ng; j++) {
			if (group[j] == top)
				continue;
			printf("%s%s", k++ ? ", " : "; stacked under it: ", group[j]->p->name);
			if (strcmp(group[j]->fn->name, top->fn->name) || group[j]->fn->pos != top->fn->pos)
				printf(" (as %s,%lu)", group[j]->fn->name, group[j]->fn->pos);
		}
		printf("\n");
	}
out:
	free(v);
	free(group);
}

static int cmd_list(const struct ctx *c)
{
	struct klp_ksyms ks = { 0 };
	struct dirent **names;
	struct klp_sysfs s;
	struct klp_err err;
	int nn, k, rc = 0;
	size_t i;

	if (klp_sysfs_read(c->lp, &s, &err))
		return input_error(&err);
	if (klp_ksyms_read(c->kallsyms, &ks, &err)) {
		klp_sysfs_free(&s);
		return input_error(&err);
	}
	printf("Loaded patch modules:\n");
	for (i = 0; i < s.np; i++) {
		char path[PATH_MAX], why[64] = "";

		printf("%s [%s]", s.p[i].name, state_name(&s.p[i]));
		if (pathf(path, sizeof(path), "%s/%s/conflicts_allowed_by", c->lp, s.p[i].name) &&
		    klp_read_line(path, why, sizeof(why)) && why[0] && strcmp(why, "none"))
			printf(" (conflicts allowed by %s)", why);
		printf("\n");
	}
	for (i = 0; i < s.np; i++) {
		if (s.p[i].transition == 1)
			show_stalled(c, s.p[i].name, stdout);
	}
	printf("\nInstalled patch modules:\n");
	nn = scandir(c->patch_dir, &names, NULL, alphasort);
	for (k = 0; k < nn; k++) {
		const char *kver = strrchr(c->patch_dir, '/');
		size_t len = strlen(names[k]->d_name);

		if (len > 3 && !strcmp(names[k]->d_name + len - 3, ".ko")) {
			char *name = klp_name_from_path(names[k]->d_name);

			printf("%s (%s)\n", name ? name : names[k]->d_name,
			       kver ? kver + 1 : c->patch_dir);
			free(name);
		}
		free(names[k]);
	}
	if (nn >= 0)
		free(names);
	list_functions(c, &s, &ks);
	klp_ksyms_free(&ks);
	klp_sysfs_free(&s);
	return rc;
}

/* ---- unload all -------------------------------------------------------- */

static int cmd_unload_all(const struct ctx *c)
{
	struct klp_sysfs s;
	struct klp_err err;
	size_t i, j;
	int rc = 0;

	if (klp_sysfs_read(c->lp, &s, &err))
		return input_error(&err);
	/* newest first, the reverse of how they were stacked */
	for (i = 1; i < s.np; i++) {
		struct klp_patch_info x = s.p[i];
		long px = stack_pos(c, &x);

		for (j = i; j > 0 && stack_pos(c, &s.p[j - 1]) < px; j--)
			s.p[j] = s.p[j - 1];
		s.p[j] = x;
	}
	for (i = 0; i < s.np && !rc; i++)
		rc = unload_one(c, s.p[i].name);
	klp_sysfs_free(&s);
	return rc;
}

/* ---- load all ---------------------------------------------------------- */

/* kpatch load --all: every installed module, in name order, until one fails. */
static int cmd_load_all(struct ctx *c)
{
	struct dirent **names;
	int n, k, rc = 0;

	n = scandir(c->patch_dir, &names, NULL, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;	/* nothing installed for this kernel */
		return fail("%s: %s", c->patch_dir, strerror(errno)) + 1;
	}
	for (k = 0; k < n; k++) {
		char path[PATH_MAX];
		size_t len = strlen(names[k]->d_name);

		if (!rc && len > 3 && !strcmp(names[k]->d_name + len - 3, ".ko") &&
		    pathf(path, sizeof(path), "%s/%s", c->patch_dir, names[k]->d_name)) {
			rc = load_one(c, path, false);
			if (rc)
				fail("failed to load module %s", path);
		}
		free(names[k]);
	}
	free(names);
	return rc;
}

/* ---- main -------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [options] load [--allow-conflicts] [--no-check] --all | MODULE\n"
		"       %s [options] unload --all | MODULE\n"
		"       %s [options] list\n"
		"       %s [options] check MODULE\n"
		"Loads, unloads and lists livepatch modules like kpatch, with a conflict\n"
		"check before loading.  MODULE is a .ko file or the name of a module\n"
		"installed in the patch folder.  Exit status 0: done, 1: refused or\n"
		"failed (check: conflicts), 2: usage or input error.\n"
		"\n"
		"  --allow-conflicts    load despite conflicts, for this load only\n"
		"  --no-check           skip klpctl's own conflict check\n"
		"  --all                load every installed module; unload every\n"
		"                       livepatch, newest first\n"
		"  --sys DIR            sysfs (/sys)\n"
		"  --proc DIR           procfs (/proc)\n"
		"  --kallsyms FILE      the kernel's symbols (PROC/kallsyms)\n"
		"  --modules FILE       the loaded modules (PROC/modules)\n"
		"  --patch-dir DIR      installed patches (/var/lib/kpatch/$(uname -r))\n"
		"  --enable-wait SEC    wait for a transition before signalling (%d)\n"
		"  --signal-wait SEC    wait after signalling (%d)\n"
		"  --ref-wait SEC       wait for the module's refcount (%d)\n"
		"  --retries N          insmod attempts while busy (%d)\n"
		"  --retry-interval SEC between them (%d)\n"
		"  -q, --quiet          no progress messages\n"
		"  -v, --verbose        more progress messages\n"
		"  -h, --help           show this help\n"
		"  -V, --version        print the version\n",
		prog, prog, prog, prog, POST_ENABLE_WAIT, POST_SIGNAL_WAIT, MODULE_REF_WAIT,
		MAX_LOAD_ATTEMPTS, RETRY_INTERVAL);
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	struct ctx c = {
		.sys = "/sys", .proc = "/proc", .enable_wait = POST_ENABLE_WAIT,
		.signal_wait = POST_SIGNAL_WAIT, .ref_wait = MODULE_REF_WAIT,
		.retries = MAX_LOAD_ATTEMPTS, .retry_interval = RETRY_INTERVAL, .lock_fd = -1,
	};
	const char *cmd = NULL, *args[2] = { 0 };
	int i, nargs = 0, rc;
	double retries;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		double *sec = NULL;

		if (!strcmp(a, "--sys") && has_val) {
			c.sys = argv[++i];
		} else if (!strcmp(a, "--proc") && has_val) {
			c.proc = argv[++i];
		} else if (!strcmp(a, "--kallsyms") && has_val) {
			c.kallsyms = argv[++i];
		} else if (!strcmp(a, "--modules") && has_val) {
			c.modules = argv[++i];
		} else if (!strcmp(a, "--patch-dir") && has_val) {
			c.patch_dir = argv[++i];
		} else if (!strcmp(a, "--enable-wait") && has_val) {
			sec = &c.enable_wait;
		} else if (!strcmp(a, "--signal-wait") && has_val) {
			sec = &c.signal_wait;
		} else if (!strcmp(a, "--ref-wait") && has_val) {
			sec = &c.ref_wait;
		} else if (!strcmp(a, "--retry-interval") && has_val) {
			sec = &c.retry_interval;
		} else if (!strcmp(a, "--retries") && has_val) {
			if (!parse_seconds(argv[++i], &retries) || retries < 1 ||
			    retries != (int)retries) {
				fprintf(stderr, "%s: --retries: '%s' is not a count from 1\n",
					prog, argv[i]);
				return 2;
			}
			c.retries = (int)retries;
		} else if (!strcmp(a, "--allow-conflicts")) {
			c.allow = true;
		} else if (!strcmp(a, "--no-check")) {
			c.no_check = true;
		} else if (!strcmp(a, "--all")) {
			c.all = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			c.quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			c.verbose = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("%s (cdo) %s\n", prog, CDO_VERSION);
			return 0;
		} else if (a[0] == '-') {
			usage(stderr);
			return 2;
		} else if (!cmd) {
			cmd = a;
		} else if (nargs < 2) {
			args[nargs++] = a;
		} else {
			usage(stderr);
			return 2;
		}
		if (sec && !parse_seconds(argv[++i], sec)) {
			fprintf(stderr, "%s: %s: '%s' is not a number of seconds\n", prog, a, argv[i]);
			return 2;
		}
	}
	if (!cmd) {
		usage(stderr);
		return 2;
	}

	c.lock = getenv("KLPCTL_LOCK");
	if (!c.lock || !*c.lock)
		c.lock = "/run/klpctl.lock";
	if (!pathf(c.lp, sizeof(c.lp), "%s/kernel/livepatch", c.sys) ||
	    !pathf(c.params, sizeof(c.params), "%s/module/livepatch/parameters", c.sys) ||
	    (!c.kallsyms && !pathf(c.kallsyms_buf, sizeof(c.kallsyms_buf), "%s/kallsyms", c.proc)) ||
	    (!c.modules && !pathf(c.modules_buf, sizeof(c.modules_buf), "%s/modules", c.proc))) {
		fprintf(stderr, "%s: path too long\n", prog);
		return 2;
	}
	if (!c.kallsyms)
		c.kallsyms = c.kallsyms_buf;
	if (!c.modules)
		c.modules = c.modules_buf;
	if (!c.patch_dir) {
		struct utsname u;

		/* kpatch's INSTALLDIR, so that 'kpatch install' places count */
		if (uname(&u) || !pathf(c.patch_dir_buf, sizeof(c.patch_dir_buf),
					"/var/lib/kpatch/%s", u.release)) {
			fprintf(stderr, "%s: cannot name the patch folder\n", prog);
			return 2;
		}
		c.patch_dir = c.patch_dir_buf;
	}

	if (!strcmp(cmd, "load") && nargs == 0 && c.all) {
		rc = cmd_load_all(&c);
	} else if (!strcmp(cmd, "load") && nargs == 1 && !c.all) {
		rc = load_one(&c, args[0], false);
	} else if (!strcmp(cmd, "check") && nargs == 1 && !c.all) {
		rc = load_one(&c, args[0], true);
	} else if (!strcmp(cmd, "unload") && nargs == 0 && c.all) {
		rc = take_lock(&c);
		if (!rc)
			rc = cmd_unload_all(&c);
	} else if (!strcmp(cmd, "unload") && nargs == 1 && !c.all) {
		char *name = NULL;
		struct klp_module m;
		struct klp_err err;

		if (strstr(args[0], ".ko") && exists(args[0])) {
			if (klp_module_read(args[0], &m, &err))
				return input_error(&err);
			name = strdup(m.name);
			klp_module_free(&m);
		} else {
			name = klp_name_from_path(args[0]);
		}
		if (!name)
			return fail("out of memory") + 1;
		rc = take_lock(&c);
		if (!rc)
			rc = unload_one(&c, name);
		free(name);
	} else if (!strcmp(cmd, "list") && nargs == 0 && !c.all) {
		rc = cmd_list(&c);
	} else {
		usage(stderr);
		rc = 2;
	}
	if (c.lock_fd >= 0)
		close(c.lock_fd);
	return rc;
}
