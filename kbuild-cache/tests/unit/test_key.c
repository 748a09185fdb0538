// SPDX-License-Identifier: GPL-2.0
/* The key changes when an input changes, and only then. */
#include "kbc_test.h"
#include "key.h"

struct fx {
	char *src;
	char *cfg;
	struct build_conf bc;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->src = fake_kernel();
	f->cfg = xasprintf("%s/.config", f->src);
	put(f->src, ".config", "CONFIG_FOO=y\n");
	f->bc.src = f->src;
	f->bc.config = f->cfg;
	f->bc.cc = "gcc";
	f->bc.ld = "ld";
	f->bc.kcflags = "-ffunction-sections -fdata-sections";
	f->bc.arch = "x86_64";
	build_conf_defaults(&f->bc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->src);
	free(f->src);
	free(f->cfg);
	free(f);
	return 0;
}

static void key_of(struct fx *f, char hex[33])
{
	struct key k;

	assert_int_equal(key_compute(&f->bc, &k), 0);
	memcpy(hex, k.hex, 33);
	key_free(&k);
}

static void test_stable(void **state)
{
	struct fx *f = *state;
	char a[33], b[33];

	key_of(f, a);
	/* build outputs appear: same key */
	put(f->src, "kernel/fork.o", "object");
	put(f->src, "include/generated/autoconf.h", "#define CONFIG_FOO 1\n");
	key_of(f, b);
	assert_string_equal(a, b);
}

static void test_config(void **state)
{
	struct fx *f = *state;
	char a[33], b[33];

	key_of(f, a);
	put(f->src, ".config", "CONFIG_FOO=n\n");
	key_of(f, b);
	assert_string_not_equal(a, b);
}

static void test_source(void **state)
{
	struct fx *f = *state;
	char a[33], b[33], c[33];

	key_of(f, a);
	put(f->src, "kernel/fork.c", "int fork_me(void) { return 2; }\n");
	key_of(f, b);
	assert_string_not_equal(a, b);
	put(f->src, "kernel/new.c", "int x;\n");
	key_of(f, c);
	assert_string_not_equal(b, c);
}

static void test_flags(void **state)
{
	struct fx *f = *state;
	char a[33], b[33], c[33], d[33];
	char *vars[] = { "KBUILD_MODPOST_WARN=1" };

	key_of(f, a);
	f->bc.kcflags = "-ffunction-sections -fdata-sections -O3";
	key_of(f, b);
	assert_string_not_equal(a, b);
	f->bc.kcflags = "-ffunction-sections -fdata-sections";
	key_of(f, c);
	assert_string_equal(a, c);
	f->bc.vars = vars;
	f->bc.nvars = 1;
	key_of(f, d);
	assert_string_not_equal(a, d);
	f->bc.nvars = 0;
	f->bc.timestamp = "another time";
	key_of(f, d);
	assert_string_not_equal(a, d);
}

/* A compiler is known by its binary: same version text, other bytes, other key. */
static void test_compiler_binary(void **state)
{
	struct fx *f = *state;
	char a[33], b[33], c[33];
	char *dir = scratch_dir(), *cc = xasprintf("%s/mycc", dir);

	put(dir, "mycc", "#!/bin/sh\nexec gcc \"$@\"\n");
	chmod(cc, 0755);
	f->bc.cc = cc;
	key_of(f, a);
	put(dir, "mycc", "#!/bin/sh\n# rebuilt\nexec gcc \"$@\"\n");
	chmod(cc, 0755);
	key_of(f, b);
	assert_string_not_equal(a, b);
	f->bc.cc = "gcc";
	key_of(f, c);
	assert_string_not_equal(b, c);
	rm_rf(dir);
	free(dir);
	free(cc);
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct key k;
	char *dir = scratch_dir();

	f->bc.src = dir;
	assert_int_equal(key_compute(&f->bc, &k), -1);
	assert_non_null(strstr(kbc_errmsg(), "not a kernel source tree"));
	f->bc.src = f->src;
	f->bc.config = "/nonexistent/config";
	assert_int_equal(key_compute(&f->bc, &k), -1);
	assert_non_null(strstr(kbc_errmsg(), "/nonexistent/config"));
	put(dir, "cfg", "not a config\n");
	f->bc.config = xasprintf("%s/cfg", dir);
	assert_int_equal(key_compute(&f->bc, &k), -1);
	assert_non_null(strstr(kbc_errmsg(), "not a kernel config"));
	free((char *)f->bc.config);
	f->bc.config = f->cfg;
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compiler_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
