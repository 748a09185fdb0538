// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "error.h"

int err_vset(struct errbuf *eb, enum cdo_status status, const char *fmt, va_list ap)
{
	int saved = errno;

	if (eb->status == CDO_OK) {
		eb->status = status;
		eb->sys_errno = status == CDO_ERR_IO ? saved :
				status == CDO_ERR_NOMEM ? ENOMEM : 0;
		vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	}
	errno = saved;
	return status;
}

int err_set(struct errbuf *eb, enum cdo_status status, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	errno = saved;
	err_vset(eb, status, fmt, ap);
	va_end(ap);
	return status;
}

int err_copy(struct errbuf *dst, const struct errbuf *src)
{
	if (dst->status == CDO_OK) {
		dst->status = src->status;
		dst->sys_errno = src->sys_errno;
		memcpy(dst->msg, src->msg, sizeof(dst->msg));
	}
	return src->status;
}

void err_clear(struct errbuf *eb)
{
	eb->status = CDO_OK;
	eb->sys_errno = 0;
	eb->msg[0] = '\0';
}
