// SPDX-License-Identifier: GPL-2.0
#include "readmany.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* Files in flight: three entries each (open, read, close), one fixed-file slot each. */
#define BATCH 64

struct readmany {
	struct io_uring ring;
	char *bufs;		/* BATCH buffers of READMANY_MAX_SIZE, made on first use */
	struct statx *stx;	/* BATCH results */
	bool broken;		/* a batch did not complete: the ring is not used again */
};

struct readmany *readmany_new(void)
{
	const char *io = getenv("KBUILD_CACHE_IO");
	struct readmany *rm;
	int slots[BATCH];

	if (io && !strcmp(io, "sync"))
		return NULL;
#ifdef __SANITIZE_THREAD__
	/*
	 * liburing maps the rings with its own system calls, which TSan
	 * does not see: a ring unmapped by one thread and mapped again at
	 * the same address by another reads as a race.  TSan builds check
	 * the ordinary reads; the rings are checked by the other builds.
	 */
	return NULL;
#endif
	rm = xmalloc(sizeof(*rm));
	memset(rm, 0, sizeof(*rm));
	if (io_uring_queue_init(3 * BATCH, &rm->ring, 0)) {
		free(rm);
		return NULL;
	}
	/* the key's toolchain probe forks beside the walk: keep the ring out of gcc */
	fcntl(rm->ring.ring_fd, F_SETFD, FD_CLOEXEC);
	memset(slots, -1, sizeof(slots));
	if (io_uring_register_files(&rm->ring, slots, BATCH)) {
		io_uring_queue_exit(&rm->ring);
		free(rm);
		return NULL;
	}
	return rm;
}

void readmany_free(struct readmany *rm)
{
	if (!rm)
		return;
	io_uring_queue_exit(&rm->ring);
	free(rm->bufs);
	free(rm->stx);
	free(rm);
}

/*
 * Submit what is queued and collect @want completions into @res (indexed
 * by user_data / @per, for the entry whose user_data % @per == @which).
 * Returns false when not all came back; the batch is then the caller's.
 */
static bool reap(struct readmany *rm, unsigned int want, unsigned int per, unsigned int which,
		 int *res)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0;

	if (io_uring_submit_and_wait(&rm->ring, want) < 0) {
		rm->broken = true;
		return false;
	}
	io_uring_for_each_cqe(&rm->ring, head, cqe) {
		if (cqe->user_data % per == which)
			res[cqe->user_data / per] = cqe->res;
		seen++;
	}
	io_uring_cq_advance(&rm->ring, seen);
	if (seen != want)
		rm->broken = true;
	return !rm->broken;
}

size_t readmany_hash(struct readmany *rm, int dirfd, const char *const *names,
		     const uint64_t *sizes, size_t n, char (*hex)[KBC_HEX_LEN + 1], bool *done)
{
	size_t i = 0, hashed = 0;

	memset(done, 0, n * sizeof(*done));
	if (!rm || rm->broken)
		return 0;
	if (!rm->bufs)
		rm->bufs = xmalloc((size_t)BATCH * READMANY_MAX_SIZE);
	while (i < n) {
		size_t idx[BATCH], m = 0, k;
		int got[BATCH];

		for (; i < n && m < BATCH; i++) {
			struct io_uring_sqe *sqe;

			if (sizes[i] >= READMANY_MAX_SIZE)
				continue;
			/*
			 * Linked: the read runs only if the open worked, and
			 * the close frees the slot either way.  A direct
			 * descriptor is no file descriptor, so no O_CLOEXEC
			 * (the kernel refuses it).
			 */
			sqe = io_uring_get_sqe(&rm->ring);
			io_uring_prep_openat_direct(sqe, dirfd, names[i], O_RDONLY, 0, (unsigned int)m);
			sqe->flags |= IOSQE_IO_LINK;
			sqe->user_data = 3 * m;
			sqe = io_uring_get_sqe(&rm->ring);
			io_uring_prep_read(sqe, (int)m, rm->bufs + m * READMANY_MAX_SIZE,
					   READMANY_MAX_SIZE, 0);
			sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
			sqe->user_data = 3 * m + 1;
			sqe = io_uring_get_sqe(&rm->ring);
			io_uring_prep_close_direct(sqe, (unsigned int)m);
			sqe->user_data = 3 * m + 2;
			got[m] = -1;
			idx[m++] = i;
		}
		if (!m || !reap(rm, (unsigned int)(3 * m), 3, 1, got))
			break;
		/*
		 * A short read that ends at the stat's size is the whole file
		 * (the buffer is larger than the file); anything else, a file
		 * that changed size or a failed open, is the caller's.
		 */
		for (k = 0; k < m; k++) {
			if (got[k] < 0 || (uint64_t)got[k] != sizes[idx[k]])
				continue;
			hash_buf(rm->bufs + k * READMANY_MAX_SIZE, (size_t)got[k], hex[idx[k]]);
			done[idx[k]] = true;
			hashed++;
		}
	}
	return hashed;
}

/* What the stat cache compares; a file system that cannot say is the caller's. */
#define NEEDED (STATX_TYPE | STATX_MODE | STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME)

size_t readmany_lstat(struct readmany *rm, int dirfd, const char *const *names, size_t n,
		      struct stat *st, bool *done)
{
	size_t i = 0, statted = 0;

	memset(done, 0, n * sizeof(*done));
	if (!rm || rm->broken)
		return 0;
	if (!rm->stx)
		rm->stx = xmalloc(BATCH * sizeof(*rm->stx));
	while (i < n) {
		size_t m = 0, k, first = i;
		int got[BATCH];

		for (; i < n && m < BATCH; i++, m++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&rm->ring);

			io_uring_prep_statx(sqe, dirfd, names[i], AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
					    NEEDED, &rm->stx[m]);
			sqe->user_data = m;
			got[m] = -1;
		}
		if (!reap(rm, (unsigned int)m, 1, 0, got))
			break;
		for (k = 0; k < m; k++) {
			const struct statx *x = &rm->stx[k];
			struct stat *s = &st[first + k];

			if (got[k] < 0 || (x->stx_mask & NEEDED) != NEEDED)
				continue;
			memset(s, 0, sizeof(*s));
			s->st_mode = x->stx_mode;
			s->st_size = (off_t)x->stx_size;
			s->st_ino = x->stx_ino;
			s->st_mtim.tv_sec = x->stx_mtime.tv_sec;
			s->st_mtim.tv_nsec = x->stx_mtime.tv_nsec;
			s->st_ctim.tv_sec = x->stx_ctime.tv_sec;
			s->st_ctim.tv_nsec = x->stx_ctime.tv_nsec;
			done[first + k] = true;
			statted++;
		}
	}
	return statted;
}
