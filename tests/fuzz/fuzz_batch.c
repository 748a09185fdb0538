// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: create-diff-object's --batch file (container part 0), split
 * line by line as run_batch() reads it, checking that every field handed
 * out is a non-empty word of the line.
 *
 * The lines are not run: their paths would name arbitrary files to
 * write.  The diff itself has its own target (fuzz_diff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/batch.h"
#include "elf-mutator.h"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (fuzz_split(data, size, 1, &in))
		return -1;
	/* read it the way run_batch() does: getline on a stream */
	f = fmemopen((void *)in.p[0], in.len[0] ? in.len[0] : 1, "r");
	if (!f)
		abort();
	while (in.len[0] && (len = getline(&line, &cap, f)) > 0) {
		char *fields[BATCH_FIELDS];
		char *end = line + len;
		int n = -1, r = batch_split(line, fields, &n), i;

		if (n < 0 || n > BATCH_FIELDS + 1)
			abort();
		if (r == BATCH_FIELDS) {
			for (i = 0; i < BATCH_FIELDS; i++) {
				if (fields[i] < line || fields[i] >= end || !fields[i][0] ||
				    strpbrk(fields[i], " \t\n\r\v\f"))
					abort();
			}
		} else if (r == -1 && n == BATCH_FIELDS) {
			abort();
		} else if (r != 0 && r != -1) {
			abort();
		}
	}
	free(line);
	fclose(f);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 1, 0);
}
