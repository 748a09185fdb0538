// SPDX-License-Identifier: GPL-2.0
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int kbc_quiet;
int kbc_verbose;

/* One error line per thread; parallel_for() hands a worker's line to its caller. */
static __thread char errbuf[2 * KBC_PATH_MAX];

int kbc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

int kbc_errno(const char *fmt, ...)
{
	int e = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	n = strlen(errbuf);
	snprintf(errbuf + n, sizeof(errbuf) - n, ": %s", strerror(e));
	errno = e;
	return -1;
}

const char *kbc_errmsg(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

void kbc_err_clear(void)
{
	errbuf[0] = 0;
}

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "kbuild-cache: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void kbc_info(const char *fmt, ...)
{
	va_list ap;

	if (kbc_quiet)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

void kbc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void kbc_debug(const char *fmt, ...)
{
	va_list ap;

	if (!kbc_verbose)
		return;
	va_start(ap, fmt);
	vsay("debug: ", fmt, ap);
	va_end(ap);
}

static void oom(void)
{
	fputs("kbuild-cache: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return p;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[KBC_PATH_MAX];
	size_t n = strlen(path);
	char *p;

	if (n >= sizeof(buf))
		return kbc_err("%s: path too long", path);
	memcpy(buf, path, n + 1);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) && errno != EEXIST)
			return kbc_errno("%s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return kbc_errno("%s", buf);
	return 0;
}

int mkdir_parent(const char *path)
{
	char buf[KBC_PATH_MAX];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = 0;
	return mkdir_p(buf, 0755);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) && errno != ENOENT ? -1 : 0;
	return unlink(path) && errno != ENOENT ? -1 : 0;
}

int rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : kbc_errno("%s", path);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? kbc_errno("%s", path) : 0;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS))
		return kbc_errno("%s: cannot remove", path);
	return 0;
}

char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;

	if (fd < 0) {
		kbc_errno("%s", path);
		return NULL;
	}
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kbc_errno("%s", path);
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

char *tmp_name(const char *path)
{
	static unsigned int counter;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return xasprintf("%s.tmp.%ld.%lx%u", path, (long)getpid(), (unsigned long)ts.tv_nsec,
			 __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
}

int write_file_atomic_flags(const char *path, const void *data, size_t len, unsigned int flags)
{
	char *tmp = tmp_name(path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 && errno == ENOENT && (flags & KBC_WRITE_MKDIR)) {
		if (mkdir_parent(path)) {
			free(tmp);
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0) {
		kbc_errno("%s", tmp);
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) || ((flags & KBC_WRITE_SYNC) && fsync(fd))) {
		kbc_errno("%s", path);
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		kbc_errno("%s", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	return write_file_atomic_flags(path, data, len, KBC_WRITE_SYNC);
}

bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	char *tmp;
	struct stat st;
	int rc = 0;

	if (in < 0)
		return kbc_errno("%s", from);
	if (fstat(in, &st)) {
		rc = kbc_errno("%s", from);
		close(in);
		return rc;
	}
	tmp = tmp_name(to);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = kbc_errno("%s", tmp);
		goto out;
	}
	for (off_t left = st.st_size; left > 0 && !rc;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);

		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
			/* another file system or kernel: through memory */
			char buf[1 << 16];

			n = read(in, buf, sizeof(buf));
			if (n > 0 && write_all(out, buf, (size_t)n))
				n = -1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? kbc_errno("%s", to) : kbc_err("%s: shorter than it was", from);
		else
			left -= n;
	}
	if (close(out) && !rc)
		rc = kbc_errno("%s", tmp);
	if (!rc && rename(tmp, to))
		rc = kbc_errno("%s", to);
	if (rc)
		unlink(tmp);
out:
	close(in);
	free(tmp);
	return rc;
}

static void held_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

void signals_hold(void)
{
	sigset_t set;

	held_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

bool signals_pending(void)
{
	sigset_t pending;
	int sig[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	if (sigpending(&pending))
		return false;
	for (i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
		if (sigismember(&pending, sig[i]))
			return true;
	return false;
}

void signals_release(void)
{
	sigset_t set;

	held_set(&set);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int run_cmd(char *const argv[], const char *cwd, char **out, const char *log)
{
	int pipefd[2] = { -1, -1 };
	pid_t pid;
	int rc;

	if (out && pipe2(pipefd, O_CLOEXEC))
		return kbc_errno("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return kbc_errno("fork");
	}
	if (pid == 0) {
		sigset_t held;

		/* a compiler must die of the Ctrl-C that the command holds off */
		held_set(&held);
		sigprocmask(SIG_UNBLOCK, &held, NULL);
		if (cwd && chdir(cwd)) {
			fprintf(stderr, "kbuild-cache: %s: %s\n", cwd, strerror(errno));
			_exit(127);
		}
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (fd < 0)
				_exit(127);
			dup2(fd, 2);
			if (!out)
				dup2(fd, 1);
			close(fd);
		}
		if (out)
			dup2(pipefd[1], 1);
		execvp(argv[0], argv);
		fprintf(stderr, "kbuild-cache: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		size_t cap = 4096, n = 0;
		char *buf = xmalloc(cap);

		close(pipefd[1]);
		for (;;) {
			ssize_t r;

			if (n + 1 >= cap) {
				cap *= 2;
				buf = xrealloc(buf, cap);
			}
			r = read(pipefd[0], buf + n, cap - n - 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			n += (size_t)r;
		}
		buf[n] = 0;
		close(pipefd[0]);
		*out = buf;
	}
	rc = wait_child(pid);
	if (rc < 0)
		return kbc_errno("%s", argv[0]);
	return rc;
}

int run_sh(const char *cmdline, const char *cwd, char **out, const char *log)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmdline, NULL };

	return run_cmd(argv, cwd, out, log);
}

char *which(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (strchr(prog, '/'))
		return access(prog, X_OK) ? NULL : realpath(prog, NULL);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", dir, prog);

		if (is_file(p) && !access(p, X_OK)) {
			found = realpath(p, NULL);
			free(p);
			break;
		}
		free(p);
	}
	free(copy);
	return found;
}

const char *human_size(uint64_t n, char *buf)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, 16, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, 16, "%.1f %s", v, units[u]);
	return buf;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mul = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	default: break;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		return -1;
	*out = (uint64_t)(v * (double)mul);
	return 0;
}

double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		s[--n] = 0;
}

bool path_escapes(const char *rel)
{
	const char *p = rel;

	if (*rel == '/')
		return true;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}
