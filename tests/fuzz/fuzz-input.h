/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzz targets share: the container that packs several inputs
 * into one fuzzer input, memory-backed files for the APIs that take
 * paths, and a private scratch folder for outputs.
 *
 * Container: "CDOF", a part count (u8), then per part a little-endian
 * u32 length and the bytes.  The parts of each target are fixed (the diff
 * target: original object, patched object, parent symtab text).  An input
 * that does not parse as a container is rejected: the structure-aware
 * mutator keeps the lengths consistent, and seeds are written by
 * fuzz-seed.
 */
#ifndef CDO_FUZZ_INPUT_H
#define CDO_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_PARTS 4

struct fuzz_parts {
	unsigned int n;
	const uint8_t *p[FUZZ_MAX_PARTS];
	size_t len[FUZZ_MAX_PARTS];
};

/* Split @data into exactly @want parts; -1 when it is not such a container. */
int fuzz_split(const uint8_t *data, size_t size, unsigned int want, struct fuzz_parts *out);

/*
 * Pack @n parts into @out (capacity @max).  Return: the packed size, or 0
 * when it does not fit.
 */
size_t fuzz_pack(uint8_t *out, size_t max, unsigned int n, const uint8_t *const p[],
		 const size_t len[]);

/*
 * A file holding @len bytes of @p that lives only in memory (memfd); its
 * path ("/proc/self/fd/N") is written to @path.  Return: the fd, or -1.
 */
int fuzz_memfile(const void *p, size_t len, char *path, size_t path_len);

/* The process's scratch folder (created on first use, under $TMPDIR). */
const char *fuzz_scratch(void);

/*
 * Abort (a finding) when @dir holds anything: a failed run must leave
 * neither its output nor a temporary file.  Removes what it finds first
 * when @clean is set and the run succeeded.
 */
void fuzz_expect_empty(const char *dir, const char *what);
void fuzz_empty_dir(const char *dir);

#endif
