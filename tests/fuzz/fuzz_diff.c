// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the whole diff, as create-diff-object runs it.
 *
 * Input: a container (fuzz-input.h) of the original object, the patched
 * object and the parent symbol table text.  Each run diffs the pair from
 * memory through the public API, writes the output into a scratch folder
 * and checks what a caller relies on: a failed run leaves no file behind,
 * a written output is an object our own reader accepts, and the source
 * lines of the result (what --json and --explain print) keep the promises
 * of struct cdo_source.
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

static void check_string(const char *s, const char *what)
{
	/* strlen() lets ASan see a string that was freed or not ended */
	if (!s || strlen(s) > 1u << 20) {
		fprintf(stderr, "cdo-fuzz: %s is %s\n", what, s ? "too long" : "NULL");
		abort();
	}
}

static bool is_changed_line(const struct cdo_source *src, uint32_t line)
{
	for (size_t l = 0; l < src->n_changed_lines; l++)
		if (src->changed_lines[l] == line)
			return true;
	return false;
}

/* cdo_source.calls: on changed lines, by line, each line's first call at depth 1 */
static void check_calls(const char *fn, const struct cdo_source *src)
{
	for (size_t k = 0; k < src->n_calls; k++) {
		const struct cdo_inlined_call *c = &src->calls[k];
		bool first = !k || src->calls[k - 1].line != c->line;

		check_string(c->name, "an inlined call's name");
		check_string(c->file, "an inlined call's file");
		if (!is_changed_line(src, c->line) || (k && c->line < src->calls[k - 1].line) ||
		    !c->depth || (first && c->depth != 1)) {
			fprintf(stderr, "cdo-fuzz: %s: inlined call %zu (%s, line %u, depth %u) is out of place\n",
				fn, k, c->name, c->line, c->depth);
			abort();
		}
	}
}

/* struct cdo_source as cdo.h documents it, for changed and new functions */
static void check_sources(const struct cdo_ctx *ctx, enum cdo_item_kind kind)
{
	size_t n = cdo_result_count(ctx, kind);

	for (size_t i = 0; i < n; i++) {
		const struct cdo_item *it = cdo_result_item(ctx, kind, i);
		const struct cdo_source *src = it ? it->source : NULL;

		if (!it)
			abort();
		if (!src)
			continue;
		check_string(src->file, "a source file");
		if (kind == CDO_ITEM_NEW_FUNC && src->n_changed_lines) {
			fprintf(stderr, "cdo-fuzz: new function %s has changed lines\n", it->name);
			abort();
		}
		for (size_t l = 1; l < src->n_changed_lines; l++) {
			if (src->changed_lines[l] <= src->changed_lines[l - 1]) {
				fprintf(stderr, "cdo-fuzz: changed lines of %s not sorted: %u, %u\n",
					it->name, src->changed_lines[l - 1], src->changed_lines[l]);
				abort();
			}
		}
		for (size_t k = 0; k < src->n_inlined; k++) {
			check_string(src->inlined[k].name, "an inlined function's name");
			check_string(src->inlined[k].file, "an inlined function's file");
			/* a new function has no original to compare its inlining with */
			if (src->inlined[k].inlining > CDO_INLINING_NEWLY ||
			    (kind == CDO_ITEM_NEW_FUNC &&
			     src->inlined[k].inlining != CDO_INLINING_SAME)) {
				fprintf(stderr, "cdo-fuzz: %s: inlining %d of %s\n", it->name,
					(int)src->inlined[k].inlining, src->inlined[k].name);
				abort();
			}
		}
		check_calls(it->name, src);
	}
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
		check_sources(ctx, CDO_ITEM_CHANGED_FUNC);
		check_sources(ctx, CDO_ITEM_NEW_FUNC);
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
