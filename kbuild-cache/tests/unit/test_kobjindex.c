// SPDX-License-Identifier: GPL-2.0
/*
 * The object list kept beside an entry: used when valid, rebuilt from the
 * tree when it is damaged, forged, or made for a tree elsewhere whose
 * path its commands name.
 */
#include "kbc_test.h"
#include "hash.h"
#include "kcmd.h"

#define HEAD_LEN (8 + 8 + KBC_HEX_LEN)

/* A built tree: kernel/fork.o in vmlinux.a, drivers/foo/foo.o in module foo. */
static char *built_tree(const char *flag)
{
	char *d = fake_kernel(), *cmd, *text;

	put(d, ".gitignore", ".*\n*.o\n*.a\n*.mod\n/vmlinux\n/include/generated/\n!.gitignore\n");
	put(d, "kernel/fork.o", "obj");
	put(d, "drivers/foo/foo.o", "obj");
	put(d, "drivers/foo/foo.c", "int foo;\n");
	put(d, "drivers/foo/foo.mod", "drivers/foo/foo.o\n");
	text = xasprintf("savedcmd_kernel/fork.o := gcc %s -c -o kernel/fork.o kernel/fork.c\n"
			 "source_kernel/fork.o := kernel/fork.c\n"
			 "deps_kernel/fork.o := \\\n  include/linux/sched.h \\\n  $(wildcard include/config/FOO) \\\n\n"
			 "kernel/fork.o: $(deps_kernel/fork.o)\n", flag);
	put(d, "kernel/.fork.o.cmd", text);
	free(text);
	put(d, "drivers/foo/.foo.o.cmd",
	    "savedcmd_drivers/foo/foo.o := gcc -DMODULE -c -o drivers/foo/foo.o drivers/foo/foo.c\n"
	    "source_drivers/foo/foo.o := drivers/foo/foo.c\n"
	    "deps_drivers/foo/foo.o := \\\n  include/linux/sched.h \\\n\n");
	/* kbuild's own archive command: a thin archive with full paths */
	cmd = xasprintf("cd '%s' && ar cDPrST vmlinux.a kernel/fork.o", d);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return d;
}

static const struct kobj *find(const struct kobjs *k, const char *obj)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].obj, obj))
			return &k->v[i];
	return NULL;
}

static void check_objects(const struct kobjs *k, const char *flag)
{
	const struct kobj *fork = find(k, "kernel/fork.o"), *foo = find(k, "drivers/foo/foo.o");
	char *want = xasprintf("gcc %s -c -o kernel/fork.o kernel/fork.c", flag);

	assert_int_equal(k->n, 2);
	assert_non_null(fork);
	assert_non_null(foo);
	assert_string_equal(fork->cmd, want);
	assert_string_equal(fork->source, "kernel/fork.c");
	assert_string_equal(fork->parent, "vmlinux");
	assert_null(fork->module_path);
	assert_true(kobj_depends_on(fork, "include/linux/sched.h"));
	assert_true(kobj_depends_on(fork, "kernel/fork.c"));
	assert_false(kobj_depends_on(fork, "include/config/FOO"));
	assert_string_equal(foo->parent, "foo");
	assert_string_equal(foo->module_path, "drivers/foo/foo.ko");
	assert_true(kobj_depends_on(foo, "include/linux/sched.h"));
	free(want);
}

static char *slurp(const char *path, size_t *len)
{
	char *d = read_file(path, len);

	assert_non_null(d);
	return d;
}

static void spit(const char *path, const char *data, size_t len)
{
	assert_int_equal(write_file_atomic(path, data, len), 0);
}

/* The index answers without the tree's .cmd files. */
static void test_index_used(void **state)
{
	char *d = built_tree("-O2"), *idx, *p;
	struct kobjs k;

	idx = xasprintf("%s/idx/kobjs.idx", d);
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	check_objects(&k, "-O2");
	assert_null(k.blob);
	kobjs_free(&k);
	assert_true(is_file(idx));
	p = xasprintf("%s/kernel/.fork.o.cmd", d);
	unlink(p);
	free(p);
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	assert_non_null(k.blob);
	check_objects(&k, "-O2");
	kobjs_free(&k);
	free(idx);
	rm_rf(d);
	free(d);
}

/* Damage of every kind means the tree is read again (and the index rewritten). */
static void test_index_damaged(void **state)
{
	char *d = built_tree("-O2"), *idx = NULL, *good, *bad;
	size_t len, off;
	struct kobjs k;

	idx = xasprintf("%s/kobjs.idx", d);
	assert_int_equal(kobjs_index_update(d, idx), 0);
	good = slurp(idx, &len);
	/* the tree changes: only a rejected index shows it */
	{
		char *t = built_tree("-O3"), *from = xasprintf("%s/kernel/.fork.o.cmd", t);
		char *to = xasprintf("%s/kernel/.fork.o.cmd", d), *text = slurp(from, &off);

		spit(to, text, off);
		free(text);
		free(from);
		free(to);
		rm_rf(t);
		free(t);
	}
	bad = xmalloc(len);

	/* a flipped byte in the payload: the checksum catches it */
	memcpy(bad, good, len);
	bad[len / 2] ^= 1;
	spit(idx, bad, len);
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	check_objects(&k, "-O3");
	assert_null(k.blob);
	kobjs_free(&k);

	/* truncated */
	spit(idx, good, len - 5);
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	check_objects(&k, "-O3");
	kobjs_free(&k);

	/* not an index */
	spit(idx, "hello", 5);
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	check_objects(&k, "-O3");
	kobjs_free(&k);

	/*
	 * Forged: a string number out of range under a correct checksum
	 * (the first object's command number, after the five counts).
	 */
	memcpy(bad, good, len);
	off = HEAD_LEN + 5 * 4 + 1 * 4;
	memset(bad + off, 0x7f, 4);
	{
		char hex[KBC_HEX_LEN + 1];

		hash_buf(bad + HEAD_LEN, len - HEAD_LEN, hex);
		memcpy(bad + 16, hex, KBC_HEX_LEN);
	}
	spit(idx, bad, len);
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	check_objects(&k, "-O3");
	assert_null(k.blob);
	kobjs_free(&k);

	/* after each rejection the index was rewritten from the tree */
	assert_int_equal(kobjs_load_indexed(d, idx, &k), 0);
	assert_non_null(k.blob);
	check_objects(&k, "-O3");
	kobjs_free(&k);

	free(bad);
	free(good);
	free(idx);
	rm_rf(d);
	free(d);
}

/* An index whose commands name its tree's path is not used for a tree elsewhere. */
static void test_index_other_root(void **state)
{
	char *a = built_tree("-I__ROOT__/include"), *b, *idx, *cmdp, *text, *fixed, *at, *ra;
	struct kobjs k;
	size_t len;

	ra = realpath(a, NULL);
	assert_non_null(ra);
	/* the command names tree a */
	cmdp = xasprintf("%s/kernel/.fork.o.cmd", a);
	text = slurp(cmdp, &len);
	at = strstr(text, "__ROOT__");
	fixed = xasprintf("%.*s%s%s", (int)(at - text), text, ra, at + 8);
	spit(cmdp, fixed, strlen(fixed));
	idx = xasprintf("%s.idx", a);
	assert_int_equal(kobjs_index_update(a, idx), 0);

	/* tree b: the same, at another path, naming b */
	b = built_tree("-Ib/include");
	assert_int_equal(kobjs_load_indexed(b, idx, &k), 0);
	assert_null(k.blob);
	assert_string_equal(find(&k, "kernel/fork.o")->cmd,
			    "gcc -Ib/include -c -o kernel/fork.o kernel/fork.c");
	kobjs_free(&k);

	/* an index whose commands name no root serves any tree */
	assert_int_equal(kobjs_index_update(b, idx), 0);
	assert_int_equal(kobjs_load_indexed(a, idx, &k), 0);
	assert_non_null(k.blob);
	kobjs_free(&k);

	unlink(idx);
	free(idx);
	free(fixed);
	free(text);
	free(cmdp);
	free(ra);
	rm_rf(a);
	rm_rf(b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_used),
		cmocka_unit_test(test_index_damaged),
		cmocka_unit_test(test_index_other_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
