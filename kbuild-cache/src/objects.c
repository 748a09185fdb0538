// SPDX-License-Identifier: GPL-2.0
#include "objects.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "remote.h"
#include "util.h"

/* Level 3 compresses a kernel build ~4x at several hundred MB/s per core. */
#define ZSTD_LEVEL 3

char *obj_relpath(const char *hash)
{
	return xasprintf("objects/%.2s/%.2s/%s.zst", hash, hash + 2, hash);
}

char *obj_path(const char *dir, const char *hash)
{
	return xasprintf("%s/objects/%.2s/%.2s/%s.zst", dir, hash, hash + 2, hash);
}

/*
 * Objects are written without fsync, since a build stores thousands of
 * them: an entry lists their checksums, which every restore and verify
 * checks, so an object torn by a crash is found, never used.
 */
static int write_new(const char *path, const void *data, size_t len)
{
	return write_file_atomic_flags(path, data, len, KBC_WRITE_MKDIR);
}

int obj_put_buf(const char *dir, const void *data, size_t len, char hash[KBC_HEX_LEN + 1],
		bool *added, uint64_t *stored_bytes)
{
	char *path;
	struct stat st;
	size_t cap, clen;
	void *cbuf;
	ZSTD_CCtx *cctx;

	hash_buf(data, len, hash);
	path = obj_path(dir, hash);
	*added = false;
	if (!stat(path, &st)) {
		*stored_bytes = (uint64_t)st.st_size;
		free(path);
		return 0;
	}
	cap = ZSTD_compressBound(len);
	cbuf = xmalloc(cap);
	cctx = ZSTD_createCCtx();
	if (!cctx) {
		free(cbuf);
		free(path);
		return kbc_err("zstd: cannot create a context");
	}
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	clen = ZSTD_compress2(cctx, cbuf, cap, data, len);
	ZSTD_freeCCtx(cctx);
	if (ZSTD_isError(clen)) {
		free(cbuf);
		free(path);
		return kbc_err("zstd: %s", ZSTD_getErrorName(clen));
	}
	if (write_new(path, cbuf, clen)) {
		free(cbuf);
		free(path);
		return -1;
	}
	free(cbuf);
	free(path);
	*added = true;
	*stored_bytes = clen;
	return 0;
}

int obj_put_file(const char *dir, const char *path, bool symlink, char hash[KBC_HEX_LEN + 1],
		 bool *added, uint64_t *stored_bytes)
{
	char *data;
	size_t len;
	int rc;

	if (symlink) {
		char target[KBC_PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target));

		if (n < 0)
			return kbc_errno("%s", path);
		return obj_put_buf(dir, target, (size_t)n, hash, added, stored_bytes);
	}
	data = read_file(path, &len);
	if (!data)
		return -1;
	rc = obj_put_buf(dir, data, len, hash, added, stored_bytes);
	free(data);
	return rc;
}

/* Decompress @c into exactly @size bytes matching @hash. */
static int unpack(const char *name, const char *c, size_t clen, const char *hash, uint64_t size,
		  char **out)
{
	unsigned long long fsz = ZSTD_getFrameContentSize(c, clen);
	char got[KBC_HEX_LEN + 1], *buf;
	size_t n;

	if (fsz == ZSTD_CONTENTSIZE_ERROR || fsz == ZSTD_CONTENTSIZE_UNKNOWN)
		return kbc_err("%s: corrupt object (not a zstd frame)", name);
	if (fsz != size)
		return kbc_err("%s: corrupt object (%llu bytes, expected %llu)", name, fsz,
			       (unsigned long long)size);
	buf = xmalloc(size + 1);
	n = ZSTD_decompress(buf, size + 1, c, clen);
	if (ZSTD_isError(n)) {
		free(buf);
		return kbc_err("%s: corrupt object (%s)", name, ZSTD_getErrorName(n));
	}
	if (n != size) {
		free(buf);
		return kbc_err("%s: corrupt object (truncated)", name);
	}
	hash_buf(buf, n, got);
	if (strcmp(got, hash)) {
		free(buf);
		return kbc_err("%s: corrupt object (checksum %s)", name, got);
	}
	*out = buf;
	return 0;
}

int obj_read(const char *dir, struct remote *remote, const char *hash, uint64_t size, char **out)
{
	char *path = obj_path(dir, hash), *c;
	size_t clen;
	bool fetched = false;
	int rc;

	c = read_file(path, &clen);
	if (!c && errno == ENOENT && remote) {
		char *rel = obj_relpath(hash);

		kbc_err_clear();
		rc = remote_get_file(remote, rel, path);
		free(rel);
		if (rc < 0) {
			free(path);
			return -1;
		}
		if (rc == 0) {
			c = read_file(path, &clen);
			fetched = true;
		}
		else
			errno = ENOENT;
	}
	if (!c) {
		rc = errno == ENOENT ? 1 : -1;
		if (rc == 1)
			kbc_err("%s: missing object", path);
		free(path);
		return rc;
	}
	rc = unpack(path, c, clen, hash, size, out);
	/* a bad download must not stay in the local directory as if it were good */
	if (rc && fetched)
		unlink(path);
	free(c);
	free(path);
	return rc;
}

int obj_check(const char *dir, const char *hash, uint64_t size)
{
	char *data = NULL;
	int rc = obj_read(dir, NULL, hash, size, &data);

	free(data);
	return rc ? -1 : 0;
}
