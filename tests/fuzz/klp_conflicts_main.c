// SPDX-License-Identifier: GPL-2.0
/*
 * klp-conflicts' main() under another name, with exit() returning to the
 * fuzz harness instead of ending the process.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

jmp_buf klpc_exit_jmp;
int klpc_exit_armed;

/*
 * The tool leaves its mapping of the module to the process exit when it
 * fails; here the process goes on, so the harness unmaps what is left.
 */
static struct {
	void *addr;
	size_t len;
} maps[8];

void *klpc_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int klpc_munmap(void *addr, size_t len);
void klpc_release(void);

void *klpc_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);
	unsigned int i;

	for (i = 0; p != MAP_FAILED && i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (!maps[i].addr) {
			maps[i].addr = p;
			maps[i].len = len;
			return p;
		}
	}
	if (p != MAP_FAILED)
		abort();
	return p;
}

int klpc_munmap(void *addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (maps[i].addr == addr)
			maps[i].addr = NULL;
	return munmap(addr, len);
}

void klpc_release(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
		maps[i].addr = NULL;
	}
}

void klpc_exit(int status) __attribute__((noreturn));
void klpc_exit(int status)
{
	if (!klpc_exit_armed)
		exit(status);
	/* only the error exit is expected: anything else is a finding */
	if (status != 2)
		abort();
	fflush(stdout);
	longjmp(klpc_exit_jmp, 1);
}

int klpc_main(int argc, char **argv);
#define main klpc_main
#define exit klpc_exit
#define mmap klpc_mmap
#define munmap klpc_munmap
#include "../../klp-kernel/tools/klp-conflicts.c"
