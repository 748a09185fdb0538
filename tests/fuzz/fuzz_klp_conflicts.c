// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: klp-conflicts on a livepatch module, a livepatch sysfs
 * tree and a kallsyms file, run through its own main().
 *
 * Container parts: the module (ELF), the sysfs tree, the kallsyms text.
 * The tree is one entry a line, "path" for a folder or "path=contents"
 * for a file, relative to a scratch /sys/kernel/livepatch; paths with
 * ".." or a leading '/' are dropped.  The tree is rebuilt only when its
 * part changed, since most mutations hit the module.
 *
 * klp-conflicts and its library (klp-kernel/tools) return on every
 * error, so leak checking is on for this target too.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-mutator.h"
#include "fuzz-input.h"

int klpc_main(int argc, char **argv);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed);

static uint8_t *last_tree;
static size_t last_tree_len = (size_t)-1;
static char sysroot[4200];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void build_tree(const uint8_t *p, size_t len)
{
	char *copy = malloc(len + 1), *line, *save = NULL;
	unsigned int entries = 0;

	if (!copy)
		abort();
	nftw(sysroot, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(sysroot, 0755);
	memcpy(copy, p, len);
	copy[len] = '\0';
	for (line = strtok_r(copy, "\n", &save); line && entries < 256;
	     line = strtok_r(NULL, "\n", &save), entries++) {
		char path[4400], *eq = strchr(line, '='), *slash;

		if (eq)
			*eq = '\0';
		if (!*line || line[0] == '/' || strstr(line, "..") || strlen(line) > 200)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sysroot, line);
		/* make the parents */
		for (slash = path + strlen(sysroot) + 1; (slash = strchr(slash, '/')); slash++) {
			*slash = '\0';
			mkdir(path, 0755);
			*slash = '/';
		}
		if (eq) {
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (fd >= 0) {
				if (write(fd, eq + 1, strlen(eq + 1)) < 0)
					(void)0;
				close(fd);
			}
		} else {
			mkdir(path, 0755);
		}
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts in;
	char mod[64], ksyms[64];
	int fm, fk;
	int rc;

	if (fuzz_split(data, size, 3, &in))
		return -1;
	if (!sysroot[0])
		snprintf(sysroot, sizeof(sysroot), "%s/livepatch", fuzz_scratch());
	if (in.len[1] != last_tree_len || (in.len[1] && memcmp(in.p[1], last_tree, in.len[1]))) {
		free(last_tree);
		last_tree = malloc(in.len[1] + 1);
		if (!last_tree)
			abort();
		memcpy(last_tree, in.p[1], in.len[1]);
		last_tree_len = in.len[1];
		build_tree(in.p[1], in.len[1]);
	}
	fm = fuzz_memfile(in.p[0], in.len[0], mod, sizeof(mod));
	fk = fuzz_memfile(in.p[2], in.len[2], ksyms, sizeof(ksyms));
	if (fm < 0 || fk < 0)
		abort();
	{
		char *argv[] = { "klp-conflicts", "--sysfs", sysroot, "--kallsyms", ksyms, mod, NULL };

		rc = klpc_main(6, argv);
	}
	if (rc < 0 || rc > 2)
		abort();
	close(fm);
	close(fk);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned int seed)
{
	return elf_container_mutate(data, size, max, seed, 3, 1);
}
