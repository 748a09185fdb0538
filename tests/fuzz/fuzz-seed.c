// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-seed: pack files into one fuzzer input (see fuzz-input.h).
 *
 *   fuzz-seed OUT PART...
 *
 * Seeds are made at test time from the test-objects cases; no object
 * file is ever committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-input.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "fuzz-seed: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				fprintf(stderr, "fuzz-seed: out of memory\n");
				exit(1);
			}
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		if (!got)
			break;
		n += got;
	}
	if (ferror(f)) {
		fprintf(stderr, "fuzz-seed: %s: read error\n", path);
		exit(1);
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	uint8_t *p[FUZZ_MAX_PARTS];
	size_t len[FUZZ_MAX_PARTS], total = 5, n;
	uint8_t *out;
	FILE *f;
	int i, parts = argc - 2;

	if (parts < 1 || parts > FUZZ_MAX_PARTS) {
		fprintf(stderr, "usage: fuzz-seed OUT PART... (1 to %d parts)\n", FUZZ_MAX_PARTS);
		return 2;
	}
	for (i = 0; i < parts; i++) {
		p[i] = slurp(argv[2 + i], &len[i]);
		total += 4 + len[i];
	}
	out = malloc(total);
	if (!out || !(n = fuzz_pack(out, total, (unsigned int)parts, (const uint8_t *const *)p, len))) {
		fprintf(stderr, "fuzz-seed: out of memory\n");
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(out, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "fuzz-seed: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < parts; i++)
		free(p[i]);
	free(out);
	return 0;
}
