// SPDX-License-Identifier: GPL-2.0
#include "hash.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util.h"

struct kbc_hasher {
	XXH3_state_t st;
};

struct kbc_hasher *hasher_new(void)
{
	struct kbc_hasher *h = xmalloc(sizeof(*h));

	XXH3_128bits_reset(&h->st);
	return h;
}

void hasher_update(struct kbc_hasher *h, const void *data, size_t len)
{
	XXH3_128bits_update(&h->st, data, len);
}

void hasher_str(struct kbc_hasher *h, const char *s)
{
	XXH3_128bits_update(&h->st, s, strlen(s) + 1);
}

static void to_hex(XXH128_hash_t d, char hex[KBC_HEX_LEN + 1])
{
	snprintf(hex, KBC_HEX_LEN + 1, "%016llx%016llx", (unsigned long long)d.high64,
		 (unsigned long long)d.low64);
}

void hasher_finish(struct kbc_hasher *h, char hex[KBC_HEX_LEN + 1])
{
	to_hex(XXH3_128bits_digest(&h->st), hex);
	free(h);
}

void hash_buf(const void *data, size_t len, char hex[KBC_HEX_LEN + 1])
{
	to_hex(XXH3_128bits(data, len), hex);
}

/*
 * @expect: the size the caller saw in a stat, or UINT64_MAX.  A short read
 * that ends exactly there is taken as the end of the file, which saves the
 * second read() that would only return 0: on a fresh tree that is one
 * system call in five.  A file that grew since the stat is still read to
 * its end, since its short read cannot end at the stale size.
 */
int hash_fd(int fd, const char *name, uint64_t expect, char hex[KBC_HEX_LEN + 1], uint64_t *size)
{
	static __thread char buf[1 << 17];
	XXH3_state_t st;
	uint64_t total = 0;

	XXH3_128bits_reset(&st);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kbc_errno("%s", name);
		if (r == 0)
			break;
		XXH3_128bits_update(&st, buf, (size_t)r);
		total += (uint64_t)r;
		if ((size_t)r < sizeof(buf) && total == expect)
			break;
	}
	to_hex(XXH3_128bits_digest(&st), hex);
	if (size)
		*size = total;
	return 0;
}

int hash_file_at(int dirfd, const char *name, const char *shown, uint64_t expect,
		 char hex[KBC_HEX_LEN + 1], uint64_t *size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int rc;

	if (fd < 0)
		return kbc_errno("%s", shown);
	rc = hash_fd(fd, shown, expect, hex, size);
	close(fd);
	return rc;
}

int hash_file(const char *path, char hex[KBC_HEX_LEN + 1], uint64_t *size)
{
	return hash_file_at(AT_FDCWD, path, path, UINT64_MAX, hex, size);
}

int is_hex_hash(const char *s)
{
	int i;

	for (i = 0; i < KBC_HEX_LEN; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return s[KBC_HEX_LEN] == 0;
}
