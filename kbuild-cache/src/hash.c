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

int hash_file(const char *path, char hex[KBC_HEX_LEN + 1], uint64_t *size)
{
	static __thread char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	XXH3_state_t st;
	uint64_t total = 0;

	if (fd < 0)
		return kbc_errno("%s", path);
	XXH3_128bits_reset(&st);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kbc_errno("%s", path);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		XXH3_128bits_update(&st, buf, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	to_hex(XXH3_128bits_digest(&st), hex);
	if (size)
		*size = total;
	return 0;
}

int is_hex_hash(const char *s)
{
	int i;

	for (i = 0; i < KBC_HEX_LEN; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return s[KBC_HEX_LEN] == 0;
}
