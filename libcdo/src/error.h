/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_ERROR_H
#define CDO_ERROR_H

#include <stdarg.h>
#include "cdo/cdo.h"

/*
 * Where a failing stage leaves its reason.  One per diff context, never a
 * thread-local: stages run on pool threads and the caller reads the error
 * from the context afterwards.  The first error wins, so a worker that
 * fails after another one does not overwrite the root cause.
 */
struct errbuf {
	enum cdo_status status;
	char msg[1024];
	int sys_errno;		/* errno behind CDO_ERR_IO, ENOMEM for NOMEM */
};

/**
 * err_set() - record an error unless one is already recorded
 * @eb:     the error buffer
 * @status: a negative cdo_status saying what kind of error this is
 * @fmt:    printf-style message, without trailing newline
 *
 * For CDO_ERR_IO the current errno is kept as the error's errno, so call
 * it right after the failing system call (strerror() in the arguments
 * does not change errno).
 *
 * Return: @status, so callers can write `return err_set(...)`.
 */
int err_set(struct errbuf *eb, enum cdo_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_vset(struct errbuf *eb, enum cdo_status status, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void err_clear(struct errbuf *eb);
/* err_copy() - record @src's error in @dst (a worker's buffer, say) */
int err_copy(struct errbuf *dst, const struct errbuf *src);

#endif
