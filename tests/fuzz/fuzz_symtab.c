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

static void run_queries(const struct parent *p, const char *q, size_t len)
{
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
			if (block >= parent_block_count(p))
				abort();
		} else if (!strncmp(line, "lookup ", 7)) {
			int r = parent_lookup(p, block >= 0 ? block : -1, line + 7, &ps, &eb);

			if (r < 0 && !eb.msg[0])
				abort();
			parent_is_exported(p, line + 7);
		}
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	struct parent *p = NULL;
	struct errbuf eb = { 0 };
	char path[64];
	int fd, err;

	if (fuzz_split(data, size, 2, &in))
		return -1;
	fd = fuzz_memfile(in.p[0], in.len[0], path, sizeof(path));
	if (fd < 0)
		abort();
	/* every other input gets one-bucket indexes: all keys collide */
	err = parent_open_buckets(&p, path, NULL, "vmlinux", size % 2, &eb);
	if (err) {
		if (p || !eb.msg[0])
			abort();
	} else {
		run_queries(p, (const char *)in.p[1], in.len[1]);
		parent_close(p);
	}
	close(fd);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 2, 0);
}
