/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content-addressed file store: each distinct file content is kept once,
 * zstd-compressed, as objects/ab/cd/<xxh3-128>.zst under the cache
 * directory (two levels of fan-out keep directories small).  An object is
 * written under a temporary name and renamed, so readers never see half
 * of one, and two writers of the same content race harmlessly.  Its name
 * is its checksum: every read decompresses, re-hashes and compares.
 */
#ifndef KBC_OBJECTS_H
#define KBC_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hash.h"

struct remote;

/* "DIR/objects/ab/cd/HASH.zst" (malloc'd). */
char *obj_path(const char *dir, const char *hash);
/* "objects/ab/cd/HASH.zst", the same name below a remote URL. */
char *obj_relpath(const char *hash);

/*
 * Store @len bytes under their hash (written to @hash).  *added is set
 * when the object was new, *stored_bytes to its compressed size.
 */
int obj_put_buf(const char *dir, const void *data, size_t len, char hash[KBC_HEX_LEN + 1],
		bool *added, uint64_t *stored_bytes);
/* Store the content of a file, or of a symlink's target string. */
int obj_put_file(const char *dir, const char *path, bool symlink, char hash[KBC_HEX_LEN + 1],
		 bool *added, uint64_t *stored_bytes);

/*
 * Read object @hash, check that it decompresses to @size bytes hashing to
 * @hash; the data in *out (malloc'd).  A missing object is fetched from
 * @remote when given.  Returns 0, 1 when missing, -1 when corrupt or on
 * error.
 */
int obj_read(const char *dir, struct remote *remote, const char *hash, uint64_t size, char **out);

/* Check one object file as obj_read() does; 0 good, -1 corrupt. */
int obj_check(const char *dir, const char *hash, uint64_t size);

#endif
