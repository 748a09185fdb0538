/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The remote store: the local layout (objects/, entries/) below an HTTP
 * URL, read with GET and HEAD and written with PUT, the WebDAV convention
 * ccache's HTTP storage uses (nginx with `dav_methods PUT`).  The remote
 * only ever adds to the local directory, which stays a read-through
 * cache.  A remote that cannot be reached is switched off for the rest of
 * the run with one message, and every call then behaves like a miss.
 */
#ifndef KBC_REMOTE_H
#define KBC_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

struct remote;

struct remote *remote_open(const char *url);
void remote_close(struct remote *r);
bool remote_up(const struct remote *r);
const char *remote_url(const struct remote *r);

/* GET into @dest (temporary name, renamed): 0 got it, 1 missing, -1 local error. */
int remote_get_file(struct remote *r, const char *rel, const char *dest);
/* GET into memory: 0, 1 missing. */
int remote_get_buf(struct remote *r, const char *rel, char **buf, size_t *len);
/* HEAD: 0 exists, 1 missing or remote down. */
int remote_head(struct remote *r, const char *rel);
/* PUT: 0 stored, -1 failed (message in kbc_errmsg()). */
int remote_put_buf(struct remote *r, const char *rel, const void *data, size_t len);

#endif
