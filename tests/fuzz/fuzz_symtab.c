// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the parent symbol table (`readelf -s --wide` text) and the
 * questions the diff asks of it.
 *
 * Container parts: the symtab text, then a query script, one request a
 * line:
 *	file NAME              start a FILE query
 *	local func|object NAME add a local to it
 *	match                  parent_match_file() on the query so far
 *	lookup NAME            parent_lookup() in the matched block (or -1)
 *
 * The table is also read with every line parsed field by field
 * (PARENT_OPEN_GENERIC_LINES), which must give the same status, message
 * and answers as the usual reading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elf.h>

#include "elf-mutator.h"
#include "fuzz-input.h"
#include "parent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

#define MAX_LOCALS 256

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

/* Run the query script on @p; return a digest of every answer. */
static uint64_t run_queries(const struct parent *p, const char *q, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *names[MAX_LOCALS];
	unsigned char types[MAX_LOCALS];
	char *copy = malloc(len + 1), *line, *save = NULL;
	struct parent_file_query fq = { 0 };
	long block = -1;
	size_t n = 0;

	if (!copy)
		abort();
	memcpy(copy, q, len);
	copy[len] = '\0';
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct errbuf eb = { 0 };
		struct parent_sym ps;

		if (!strncmp(line, "file ", 5)) {
			fq.file_name = line + 5;
			n = 0;
		} else if (!strncmp(line, "local ", 6) && n < MAX_LOCALS) {
			char *name = strchr(line + 6, ' ');

			if (!name)
				continue;
			types[n] = !strncmp(line + 6, "func", 4) ? STT_FUNC : STT_OBJECT;
			names[n++] = name + 1;
		} else if (!strcmp(line, "match") && fq.file_name) {
			fq.local_names = names;
			fq.local_types = types;
			fq.n_locals = n;
			block = parent_match_file(p, &fq, &eb);
			if (block < 0 && !eb.msg[0])
				abort();
			h = mix(h, (uint64_t)block);
			if (block >= parent_block_count(p))
				abort();
		} else if (!strncmp(line, "lookup ", 7)) {
			int r = parent_lookup(p, block >= 0 ? block : -1, line + 7, &ps, &eb);

			if (r < 0 && !eb.msg[0])
				abort();
			h = mix(h, (uint64_t)r);
			if (r > 0) {
				h = mix(h, ps.addr);
				h = mix(h, ps.size);
				h = mix(h, ps.sympos);
				h = mix(h, (uint64_t)ps.bind << 8 | (uint64_t)ps.type);
			}
			h = mix(h, (uint64_t)parent_is_exported(p, line + 7));
		}
	}
	free(copy);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	struct parent *p = NULL, *p2 = NULL;
	struct errbuf eb = { 0 }, eb2 = { 0 };
	char path[64];
	int fd, err, err2;

	if (fuzz_split(data, size, 2, &in))
		return -1;
	fd = fuzz_memfile(in.p[0], in.len[0], path, sizeof(path));
	if (fd < 0)
		abort();
	/* every other input gets one-bucket indexes: all keys collide */
	err = parent_open_buckets(&p, path, NULL, "vmlinux", size % 2, 0, &eb);
	err2 = parent_open_buckets(&p2, path, NULL, "vmlinux", size % 2,
				   PARENT_OPEN_GENERIC_LINES, &eb2);
	if (err != err2 || strcmp(eb.msg, eb2.msg))
		abort();
	if (err) {
		if (p || p2 || !eb.msg[0])
			abort();
	} else {
		if (parent_entry_count(p) != parent_entry_count(p2) ||
		    parent_block_count(p) != parent_block_count(p2) ||
		    run_queries(p, (const char *)in.p[1], in.len[1]) !=
		    run_queries(p2, (const char *)in.p[1], in.len[1]))
			abort();
		parent_close(p);
		parent_close(p2);
	}
	close(fd);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 2, 0);
}
