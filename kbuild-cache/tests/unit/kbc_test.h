/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the kbuild-cache unit tests: scratch trees on disk. */
#ifndef KBC_TEST_H
#define KBC_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"

/* A fresh temporary directory (malloc'd path). */
static inline char *scratch_dir(void)
{
	char tmpl[] = "/tmp/kbc-unit-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return xstrdup(d);
}

/* Write @text to DIR/REL, creating directories. */
static inline void put(const char *dir, const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", dir, rel);

	assert_int_equal(mkdir_parent(p), 0);
	assert_int_equal(write_file_atomic(p, text, strlen(text)), 0);
	free(p);
}

/* A minimal tree that passes check_kernel_tree(), with a .gitignore. */
static inline char *fake_kernel(void)
{
	char *d = scratch_dir();

	put(d, "Makefile", "all:\n");
	put(d, "Kconfig", "config FOO\n\tbool \"foo\"\n");
	put(d, "scripts/Kbuild.include", "# empty\n");
	put(d, ".gitignore", ".*\n*.o\n/vmlinux\n/include/generated/\n!.gitignore\n");
	put(d, "kernel/fork.c", "int fork_me(void) { return 1; }\n");
	put(d, "include/linux/sched.h", "#define SCHED 1\n");
	return d;
}

#endif
