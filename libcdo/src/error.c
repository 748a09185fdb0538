// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "error.h"

int err_vset(struct errbuf *eb, enum cdo_status status, const char *fmt, va_list ap)
{
	if (eb->status == CDO_OK) {
		eb->status = status;
		vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	}
	return status;
}

int err_set(struct errbuf *eb, enum cdo_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(eb, status, fmt, ap);
	va_end(ap);
	return status;
}

void err_clear(struct errbuf *eb)
{
	eb->status = CDO_OK;
	eb->msg[0] = '\0';
}
