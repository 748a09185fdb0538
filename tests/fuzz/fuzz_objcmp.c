// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: cdo-objcmp on two objects (container parts 0 and 1), run
 * through its own main() on memory-backed files, in both orders of the
 * two files (which must agree), and now and then with --strict-order.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "elf-mutator.h"
#include "fuzz-input.h"

int objcmp_main(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

static int run(const char *opt, const char *a, const char *b)
{
	char *argv[] = { "cdo-objcmp", (char *)opt, (char *)a, (char *)b, NULL };

	optind = 0;	/* glibc: a full re-initialization of getopt */
	return objcmp_main(4, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	char a[64], b[64];
	int fa, fb, r1, r2;

	if (fuzz_split(data, size, 2, &in))
		return -1;
	fa = fuzz_memfile(in.p[0], in.len[0], a, sizeof(a));
	fb = fuzz_memfile(in.p[1], in.len[1], b, sizeof(b));
	if (fa < 0 || fb < 0)
		abort();
	r1 = run("-q", a, b);
	r2 = run("-q", b, a);
	if (r1 < 0 || r1 > 2 || r2 < 0 || r2 > 2)
		abort();
	/* semantic equality does not depend on the order of the operands */
	if (r1 != r2) {
		fprintf(stderr, "cdo-fuzz: objcmp a b says %d, b a says %d\n", r1, r2);
		abort();
	}
	/* one input in eight also takes the strict-order path */
	if (r1 != 2 && size % 8 == 0)
		run("--strict-order", a, b);
	close(fa);
	close(fb);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 2, 2);
}
