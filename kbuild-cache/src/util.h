/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the kbuild-cache commands: error reporting,
 * paths, whole-file I/O and running child processes.
 *
 * Errors follow one convention: a function that fails returns -1 (or
 * NULL) after kbc_err() recorded one line saying which file and what went
 * wrong; the command that called it prints that line once and exits
 * non-zero.  Nothing below main() exits.
 */
#ifndef KBC_UTIL_H
#define KBC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KBC_PATH_MAX 4096

/* Record the error line (printf format); always returns -1. */
int kbc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* kbc_err() with ": strerror(errno)" appended. */
int kbc_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *kbc_errmsg(void);
void kbc_err_clear(void);

/* Diagnostics on stderr: info unless -q, debug only with -v. */
extern int kbc_quiet;
extern int kbc_verbose;
void kbc_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kbc_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kbc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mkdir -p; 0 or -1. */
int mkdir_p(const char *path, mode_t mode);
/* mkdir -p of the directory part of @path. */
int mkdir_parent(const char *path);
/* rm -rf; 0 or -1 (a missing path is not an error). */
int rm_rf(const char *path);

/* Read a whole file; NUL-terminated, length in *len (may be NULL). */
char *read_file(const char *path, size_t *len);
/*
 * Write @len bytes to @path through a temporary file beside it that is
 * fsync()ed and renamed, so @path is either old or complete.
 */
int write_file_atomic(const char *path, const void *data, size_t len);

#define KBC_WRITE_SYNC	1u	/* fsync() before the rename */
#define KBC_WRITE_MKDIR	2u	/* make the parent folder when it is missing */
/* write_file_atomic() with a choice of @flags (KBC_WRITE_*). */
int write_file_atomic_flags(const char *path, const void *data, size_t len, unsigned int flags);
/*
 * Copy @from to @to (through a temporary file and a rename, no fsync),
 * in the kernel where it can (copy_file_range); 0 or -1.
 */
int copy_file(const char *from, const char *to);

/* Write everything, retrying short writes; -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* A unique temporary name beside @path (path.tmp.<pid>.<n>). */
char *tmp_name(const char *path);

bool is_dir(const char *path);
bool is_file(const char *path);

/*
 * Run @argv (argv[0] looked up in PATH) in @cwd (NULL: current).  With
 * @out, stdout is captured into a malloc'd string; with @log, stdout and
 * stderr go to that file (appended).  Returns the exit status, 128+signal,
 * or -1 when the program could not be started.
 */
int run_cmd(char *const argv[], const char *cwd, char **out, const char *log);
/* Run a shell command line; same return values. */
int run_sh(const char *cmdline, const char *cwd, char **out, const char *log);

/*
 * While a command has the user's tree patched: SIGINT, SIGTERM, SIGHUP
 * and SIGQUIT are held (call before starting threads, which inherit the
 * mask; children get them unblocked), signals_pending() says one came,
 * and signals_release() delivers it once the tree is as it was, so that
 * an interrupted command still puts the tree back and removes its
 * temporary files, then dies of the signal as the user expects.
 */
void signals_hold(void);
bool signals_pending(void);
void signals_release(void);

/* Find @prog in PATH; malloc'd absolute path or NULL. */
char *which(const char *prog);

/* "1.2 GiB" style; @buf of at least 16 bytes. */
const char *human_size(uint64_t n, char *buf);
/* Parse "10G", "500M", "123" (bytes); -1 on error. */
int parse_size(const char *s, uint64_t *out);

double now_sec(void);

/* Whether a relative path is unsafe to join to a root: absolute, or with a ".." component. */
bool path_escapes(const char *rel);

/* Strip trailing newlines/spaces in place. */
void chomp(char *s);

#endif
