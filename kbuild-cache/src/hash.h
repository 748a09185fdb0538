/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content hashes: XXH3-128, written as 32 hex digits.  The same hash names
 * store objects, checks them on restore and builds keys.
 */
#ifndef KBC_HASH_H
#define KBC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define KBC_HEX_LEN 32

struct kbc_hasher;

struct kbc_hasher *hasher_new(void);
void hasher_update(struct kbc_hasher *h, const void *data, size_t len);
void hasher_str(struct kbc_hasher *h, const char *s);	/* string plus a NUL */
/* Write the digest as 32 hex digits + NUL into @hex and free @h. */
void hasher_finish(struct kbc_hasher *h, char hex[KBC_HEX_LEN + 1]);

void hash_buf(const void *data, size_t len, char hex[KBC_HEX_LEN + 1]);
/* Hash a file's content; -1 with kbc_err() set.  *size gets its length. */
int hash_file(const char *path, char hex[KBC_HEX_LEN + 1], uint64_t *size);
/*
 * The same for @name under @dirfd (@shown names it in errors), or for an
 * open @fd; @expect is the size a stat gave, or UINT64_MAX when unknown.
 */
int hash_file_at(int dirfd, const char *name, const char *shown, uint64_t expect,
		 char hex[KBC_HEX_LEN + 1], uint64_t *size);
int hash_fd(int fd, const char *name, uint64_t expect, char hex[KBC_HEX_LEN + 1], uint64_t *size);

int is_hex_hash(const char *s);

#endif
