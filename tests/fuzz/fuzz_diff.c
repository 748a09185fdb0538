// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the whole diff, as create-diff-object runs it.
 *
 * Input: a container (fuzz-input.h) of the original object, the patched
 * object and the parent symbol table text.  Each run diffs the pair from
 * memory through the public API, writes the output into a scratch folder
 * and checks what a caller relies on: a failed run leaves no file behind,
 * and a written output is an object our own reader accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdo/cdo.h"
#include "elf-mutator.h"
#include "fuzz-input.h"
#include "object.h"

static void discard(void *user, enum cdo_log_level level, const char *msg)
{
	(void)user;
	(void)level;
	(void)msg;
}

static void check_output(const char *path)
{
	struct object o = { 0 };
	struct errbuf eb = { 0 };
	int err = object_load(&o, path, &eb);

	if (err) {
		fprintf(stderr, "cdo-fuzz: our own output is unreadable: %s\n", eb.msg);
		abort();
	}
	object_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	char symtab[64], out[4200];
	struct cdo_ctx *ctx;
	const char *dir = fuzz_scratch();
	int fd, err;

	if (fuzz_split(data, size, 3, &in))
		return -1;
	fd = fuzz_memfile(in.p[2], in.len[2], symtab, sizeof(symtab));
	if (fd < 0)
		abort();
	{
		/*
		 * The debug info is read too: always for the source lines, and
		 * for the struct sizes when the original's length is odd (the
		 * sizes are then left to the DWARF).
		 */
		CDO_OPTS(opts, .threads = 1, .log = discard, .log_level = CDO_LOG_DEBUG,
			 .parent_name = "vmlinux", .parent_symtab = symtab,
			 .sizes = { .bug = 12, .ex = 12, .jump = 16, .alt = 12, .para = 16,
				    .orc = 6, .static_call = 8, .printk_index = 32 },
			 .dwarf = CDO_DWARF_SOURCE);

		if (in.len[0] & 1)
			memset(&opts.sizes, 0, sizeof(opts.sizes));
		/* the __LINE__ rule through the line tables, on half the inputs */
		if (in.len[1] & 1)
			opts.dwarf |= CDO_DWARF_LINE_ONLY;
		ctx = cdo_new(&opts);
	}
	if (!ctx)
		abort();
	snprintf(out, sizeof(out), "%s/out.o", dir);
	err = cdo_diff_mem(ctx, "orig/fuzz.o", in.p[0], in.len[0], "patched/fuzz.o", in.p[1],
			   in.len[1]);
	if (!err)
		err = cdo_write(ctx, out);
	if (err) {
		/* every failure says why */
		if (!*cdo_errmsg(ctx))
			abort();
		fuzz_expect_empty(dir, "a failed diff");
	} else {
		check_output(out);
		if (unlink(out))
			abort();
		fuzz_expect_empty(dir, "a diff, besides its output,");
	}
	cdo_free(ctx);
	close(fd);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 3, 2);
}
