// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: Module.symvers (container part 0), parsed beside a small
 * fixed symbol table, then every name of the input looked up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-mutator.h"
#include "fuzz-input.h"
#include "parent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

static const char symtab[] =
	"Symbol table '.symtab' contains 4 entries:\n"
	"   Num:    Value          Size Type    Bind   Vis      Ndx Name\n"
	"     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND \n"
	"     1: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS fuzz.c\n"
	"     2: ffffffff81000000    16 FUNC    LOCAL  DEFAULT    1 helper\n"
	"     3: ffffffff81000010    32 FUNC    GLOBAL DEFAULT    1 printk\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	struct parent *p = NULL;
	struct errbuf eb = { 0 };
	char spath[64], vpath[64];
	int fs, fv, err;

	if (fuzz_split(data, size, 1, &in))
		return -1;
	fs = fuzz_memfile(symtab, sizeof(symtab) - 1, spath, sizeof(spath));
	fv = fuzz_memfile(in.p[0], in.len[0], vpath, sizeof(vpath));
	if (fs < 0 || fv < 0)
		abort();
	err = parent_open_buckets(&p, spath, vpath, "fuzz_mod", size % 2, 0, &eb);
	if (err) {
		if (p || !eb.msg[0])
			abort();
	} else {
		/* look up the second field of every line, as the diff would */
		char *copy = malloc(in.len[0] + 1), *line, *save = NULL;

		if (!copy)
			abort();
		memcpy(copy, in.p[0], in.len[0]);
		copy[in.len[0]] = '\0';
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *name = strchr(line, '\t'), *end;
			struct parent_sym ps;
			struct errbuf leb = { 0 };

			if (!name)
				continue;
			name++;
			end = strchr(name, '\t');
			if (end)
				*end = '\0';
			parent_is_exported(p, name);
			if (parent_lookup(p, -1, name, &ps, &leb) < 0 && !leb.msg[0])
				abort();
		}
		free(copy);
		parent_close(p);
	}
	close(fs);
	close(fv);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 1, 0);
}
