/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hashing many small files with few system calls.  A kernel tree's key
 * reads ~78k files; done one by one that is five system calls per file,
 * which is most of a fresh tree's key time (more so in a VM, where a
 * system call is dear).  io_uring opens, reads and closes a batch of files
 * with one call.
 */
#ifndef KBC_READMANY_H
#define KBC_READMANY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* Files up to this size are read in one piece; larger ones are left to the caller. */
#define READMANY_MAX_SIZE (128u << 10)

struct stat;
struct readmany;

/*
 * A ring for one thread, or NULL when io_uring is unavailable (old
 * kernel, seccomp, io_uring_disabled) or KBUILD_CACHE_IO=sync is set; the
 * functions below then do nothing and the caller does the work the
 * ordinary way.
 */
struct readmany *readmany_new(void);
void readmany_free(struct readmany *rm);

/*
 * Hash the regular files @names[i] (relative to @dirfd, of the sizes a stat
 * gave) into @hex[i] and set @done[i].  A file that could not be read
 * whole, at the size given, is left undone for the caller to read the
 * ordinary way, which also reports its error.  Returns how many files
 * were hashed.
 */
size_t readmany_hash(struct readmany *rm, int dirfd, const char *const *names,
		     const uint64_t *sizes, size_t n, char (*hex)[KBC_HEX_LEN + 1], bool *done);

/*
 * lstat() @names[i] relative to @dirfd into @st[i] (mode, size, inode,
 * times) and set @done[i]; failures are left undone for the caller.
 */
size_t readmany_lstat(struct readmany *rm, int dirfd, const char *const *names, size_t n,
		      struct stat *st, bool *done);

#endif
