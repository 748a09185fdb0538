// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-input.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int fuzz_split(const uint8_t *data, size_t size, unsigned int want, struct fuzz_parts *out)
{
	size_t off = 5;
	unsigned int i;

	if (size < 5 || memcmp(data, "CDOF", 4) || data[4] != want || want > FUZZ_MAX_PARTS)
		return -1;
	out->n = want;
	for (i = 0; i < want; i++) {
		uint32_t len;

		if (size - off < 4)
			return -1;
		len = get_le32(data + off);
		off += 4;
		if (len > size - off)
			return -1;
		out->p[i] = data + off;
		out->len[i] = len;
		off += len;
	}
	return 0;
}

size_t fuzz_pack(uint8_t *out, size_t max, unsigned int n, const uint8_t *const p[],
		 const size_t len[])
{
	size_t need = 5, off;
	unsigned int i;

	for (i = 0; i < n; i++)
		need += 4 + len[i];
	if (need > max || n > FUZZ_MAX_PARTS)
		return 0;
	/* parts may point into @out itself: move them through a copy */
	{
		uint8_t *tmp = malloc(need);

		if (!tmp)
			return 0;
		memcpy(tmp, "CDOF", 4);
		tmp[4] = (uint8_t)n;
		off = 5;
		for (i = 0; i < n; i++) {
			uint32_t l = (uint32_t)len[i];

			tmp[off++] = (uint8_t)l;
			tmp[off++] = (uint8_t)(l >> 8);
			tmp[off++] = (uint8_t)(l >> 16);
			tmp[off++] = (uint8_t)(l >> 24);
			if (len[i])
				memcpy(tmp + off, p[i], len[i]);
			off += len[i];
		}
		memcpy(out, tmp, need);
		free(tmp);
	}
	return need;
}

int fuzz_memfile(const void *p, size_t len, char *path, size_t path_len)
{
	const char *b = p;
	int fd = memfd_create("cdo-fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, b, len);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		b += w;
		len -= (size_t)w;
	}
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return fd;
}

const char *fuzz_scratch(void)
{
	static char dir[4096];

	if (!dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/cdo-fuzz-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(dir)) {
			perror("cdo-fuzz: mkdtemp");
			abort();
		}
	}
	return dir;
}

void fuzz_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4200];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

void fuzz_expect_empty(const char *dir, const char *what)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		fprintf(stderr, "cdo-fuzz: %s left %s/%s behind\n", what, dir, e->d_name);
		closedir(d);
		abort();
	}
	closedir(d);
}
