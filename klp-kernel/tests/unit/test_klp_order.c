// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for klp-order.c: the plan of a set of patches in a load order,
 * on modules built in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "klp-lib.h"

/* mod(m, name, replace, "obj fn,pos" ...): a module with those functions */
static void mod(struct klp_module *m, const char *name, bool replace, ...)
{
	struct klp_err err;
	const char *spec;
	va_list ap;

	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	m->path = strdup(name);
	m->replace = replace;
	va_start(ap, replace);
	while ((spec = va_arg(ap, const char *))) {
		char obj[64], fn[64];
		unsigned long pos;

		assert_int_equal(sscanf(spec, "%63s %63[^,],%lu", obj, fn, &pos), 3);
		assert_int_equal(klp_fn_add(&m->funcs, obj, fn, pos, NULL, &err), 0);
	}
	va_end(ap);
}

static const struct klp_order_fn *find(const struct klp_order *o, const char *fn,
				       unsigned long pos)
{
	size_t i;

	for (i = 0; i < o->nfns; i++) {
		if (!strcmp(o->fns[i].fn->name, fn) && o->fns[i].fn->pos == pos)
			return &o->fns[i];
	}
	fail_msg("no function %s,%lu in the plan", fn, pos);
	return NULL;
}

static void test_last_loaded_wins(void **state)
{
	struct klp_module a, b;
	const struct klp_module *set[2] = { &a, &b };
	const struct klp_order_fn *f;
	struct klp_order o;
	struct klp_err err;

	(void)state;
	mod(&a, "a", false, "vmlinux f,0", "vmlinux g,1", NULL);
	mod(&b, "b", false, "vmlinux f,1", NULL);
	assert_int_equal(klp_order_plan(set, 2, &o, &err), 0);
	assert_int_equal(o.nfns, 2);
	f = find(&o, "f", 1);
	assert_int_equal(f->n_changed, 2);
	assert_int_equal(f->runs, 1);
	assert_int_equal(f->n_stacked, 1);
	assert_int_equal(f->stacked[0], 0);
	assert_true(f->depends);
	assert_false(f->original_possible);
	f = find(&o, "g", 1);
	assert_int_equal(f->runs, 0);
	assert_false(f->depends);
	assert_int_equal(o.n_depends, 1);
	assert_int_equal(o.dropped_by[0], -1);
	klp_order_free(&o);
	klp_module_free(&a);
	klp_module_free(&b);
}

static void test_replace_drops_earlier(void **state)
{
	struct klp_module a, r, c;
	const struct klp_module *set[3] = { &a, &r, &c };
	const struct klp_order_fn *f;
	struct klp_order o;
	struct klp_err err;

	(void)state;
	mod(&a, "a", false, "vmlinux f,1", "vmlinux g,1", NULL);
	mod(&r, "r", true, "vmlinux f,1", NULL);
	mod(&c, "c", false, "vmlinux h,1", NULL);
	assert_int_equal(klp_order_plan(set, 3, &o, &err), 0);
	assert_int_equal(o.dropped_by[0], 1);
	assert_int_equal(o.dropped_by[1], -1);
	assert_int_equal(o.dropped_by[2], -1);
	f = find(&o, "f", 1);
	assert_int_equal(f->runs, 1);
	assert_int_equal(f->n_stacked, 0);	/* a's copy is gone, not stacked */
	f = find(&o, "g", 1);
	assert_int_equal(f->runs, -1);		/* the original code */
	assert_true(f->depends);
	assert_true(f->original_possible);
	f = find(&o, "h", 1);
	assert_int_equal(f->runs, 2);
	/* r does not change h: loading r last would drop c */
	assert_true(f->depends);
	klp_order_free(&o);
	klp_module_free(&a);
	klp_module_free(&r);
	klp_module_free(&c);
}

static void test_replace_alone_is_order_independent(void **state)
{
	struct klp_module r;
	const struct klp_module *set[1] = { &r };
	struct klp_order o;
	struct klp_err err;

	(void)state;
	mod(&r, "r", true, "vmlinux f,1", "mod g,2", NULL);
	assert_int_equal(klp_order_plan(set, 1, &o, &err), 0);
	assert_int_equal(o.n_depends, 0);
	assert_int_equal(o.nfns, 2);
	/* sorted by object: "mod" before "vmlinux" */
	assert_string_equal(o.fns[0].fn->obj, "mod");
	klp_order_free(&o);
	klp_module_free(&r);
}

static void test_twice_in_one_module_counts_once(void **state)
{
	struct klp_module a;
	const struct klp_module *set[1] = { &a };
	struct klp_order o;
	struct klp_err err;

	(void)state;
	mod(&a, "a", false, "vmlinux f,0", "vmlinux f,1", NULL);
	assert_int_equal(klp_order_plan(set, 1, &o, &err), 0);
	assert_int_equal(o.nfns, 1);
	assert_int_equal(o.fns[0].n_changed, 1);
	assert_false(o.fns[0].depends);
	klp_order_free(&o);
	klp_module_free(&a);
}

static void test_empty_set(void **state)
{
	struct klp_order o;
	struct klp_err err;

	(void)state;
	assert_int_equal(klp_order_plan(NULL, 0, &o, &err), 0);
	assert_int_equal(o.nfns, 0);
	assert_int_equal(o.n_depends, 0);
	klp_order_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_loaded_wins),
		cmocka_unit_test(test_replace_drops_earlier),
		cmocka_unit_test(test_replace_alone_is_order_independent),
		cmocka_unit_test(test_twice_in_one_module_counts_once),
		cmocka_unit_test(test_empty_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
