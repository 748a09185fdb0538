// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the symbol-interval index (symspan.c).  Every answer is
 * checked against upstream's rule written as a linear scan of the symbol
 * table: the first symbol (lowest index) of the section that covers the
 * offset, a zero-sized symbol covering its own address, and for an
 * end-of-section reference also a symbol ending at the section's end.
 * Sections hold few symbols (insertion sort) and many (qsort), with
 * overlaps, aliases and gaps.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "object.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t linear_covering(const struct object *o, uint32_t sec, int64_t target, bool end_ref)
{
	uint32_t i;

	for (i = 0; i < o->nsyms; i++) {
		const struct symbol *s = &o->syms[i];
		int64_t start = (int64_t)s->sym.st_value, end = start + (int64_t)s->sym.st_size;

		if (s->type == STT_SECTION || s->sec != sec)
			continue;
		if ((target == start && target == end) || (target >= start && target < end))
			return i;
		if (end_ref && (uint64_t)end == o->secs[sec].sh.sh_size)
			return i;
	}
	return NONE;
}

/* An object of @nsecs sections (1..) with @nsyms random symbols. */
static void make_object(struct object *o, uint32_t nsecs, uint32_t nsyms, uint64_t secsize)
{
	uint32_t i;

	memset(o, 0, sizeof(*o));
	o->nsecs = nsecs + 1;
	o->secs = calloc(o->nsecs, sizeof(*o->secs));
	o->nsyms = nsyms + 1;
	o->syms = calloc(o->nsyms, sizeof(*o->syms));
	assert_non_null(o->secs);
	assert_non_null(o->syms);
	for (i = 1; i < o->nsecs; i++)
		o->secs[i].sh.sh_size = secsize;
	o->syms[0].sec = NONE;
	for (i = 1; i < o->nsyms; i++) {
		struct symbol *s = &o->syms[i];
		uint64_t r = rng();

		s->sec = (uint32_t)(1 + r % nsecs);
		s->type = (r >> 8) % 13 == 0 ? STT_SECTION : (r >> 8) % 2 ? STT_FUNC : STT_OBJECT;
		if ((r >> 16) % 17 == 0)
			s->sec = NONE;
		s->sym.st_value = (r >> 24) % secsize;
		s->sym.st_size = (r >> 40) % 5 == 0 ? 0 : (r >> 44) % 24;
		if (s->sym.st_value + s->sym.st_size > secsize)
			s->sym.st_size = secsize - s->sym.st_value;
		/* some aliases: the same span as the symbol before */
		if ((r >> 50) % 7 == 0 && i > 1 && o->syms[i - 1].sec == s->sec) {
			s->sym.st_value = o->syms[i - 1].sym.st_value;
			s->sym.st_size = o->syms[i - 1].sym.st_size;
		}
	}
}

static void free_object(struct object *o)
{
	span_index_free(&o->spans);
	free(o->secs);
	free(o->syms);
}

static void check_all(struct object *o, uint64_t secsize)
{
	uint32_t sec;
	int64_t t;
	int end_ref;

	assert_int_equal(span_index_build(&o->spans, o), 0);
	for (sec = 1; sec < o->nsecs; sec++)
		for (t = -1; t <= (int64_t)secsize + 1; t++)
			for (end_ref = 0; end_ref < 2; end_ref++)
				assert_int_equal(span_index_covering(&o->spans, o, sec, t, end_ref),
						 linear_covering(o, sec, t, end_ref));
}

static void test_few_symbols_per_section(void **state)
{
	struct object o;

	(void)state;
	make_object(&o, 40, 90, 64);
	check_all(&o, 64);
	free_object(&o);
}

static void test_many_symbols_per_section(void **state)
{
	struct object o;

	(void)state;
	make_object(&o, 2, 400, 256);
	check_all(&o, 256);
	free_object(&o);
}

static void test_overlap_and_alias(void **state)
{
	struct object o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.nsecs = 2;
	o.secs = calloc(2, sizeof(*o.secs));
	o.nsyms = 5;
	o.syms = calloc(5, sizeof(*o.syms));
	assert_non_null(o.secs);
	assert_non_null(o.syms);
	o.secs[1].sh.sh_size = 32;
	o.syms[0].sec = NONE;
	/* 1: [0, 32) covers all; 2: [8, 16) inside it; 3: alias of 2; 4: empty at 16 */
	o.syms[1] = (struct symbol){ .sec = 1, .type = STT_OBJECT, .sym = { .st_value = 0, .st_size = 32 } };
	o.syms[2] = (struct symbol){ .sec = 1, .type = STT_FUNC, .sym = { .st_value = 8, .st_size = 8 } };
	o.syms[3] = (struct symbol){ .sec = 1, .type = STT_FUNC, .sym = { .st_value = 8, .st_size = 8 } };
	o.syms[4] = (struct symbol){ .sec = 1, .type = STT_NOTYPE, .sym = { .st_value = 16, .st_size = 0 } };
	assert_int_equal(span_index_build(&o.spans, &o), 0);
	/* the lowest index wins among all that cover */
	assert_int_equal(span_index_covering(&o.spans, &o, 1, 10, false), 1);
	assert_int_equal(span_index_covering(&o.spans, &o, 1, 31, false), 1);
	assert_int_equal(span_index_covering(&o.spans, &o, 1, 32, false), NONE);
	/* the end of the section belongs to the symbol ending there */
	assert_int_equal(span_index_covering(&o.spans, &o, 1, 32, true), 1);
	assert_int_equal(span_index_covering(&o.spans, &o, 1, -1, false), NONE);
	free_object(&o);
}

static void test_free_twice(void **state)
{
	struct span_index si;

	(void)state;
	memset(&si, 0, sizeof(si));
	span_index_free(&si);
	span_index_free(&si);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_few_symbols_per_section),
		cmocka_unit_test(test_many_symbols_per_section),
		cmocka_unit_test(test_overlap_and_alias),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
