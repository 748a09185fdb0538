/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SRCLINES_H
#define CDO_SRCLINES_H

/*
 * srclines.c: which source lines of a changed function its instructions
 * changed on, for srcdiff.c's report.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo.h"
#include "object.h"

/*
 * One version of a function: the caller fills in where it is (o, sec,
 * start, size), its debug info (di, addr, own, root, first_inl,
 * last_inl, decl_line); srclines_tokenize() and srclines_compare() fill
 * in the rest, and srclines_release() frees it.
 */
struct fn_code {
	const struct object *o;
	uint32_t sec;
	uint64_t start, size;	/* offset of the function in @sec, bytes */
	uint32_t *insns;	/* instruction offsets from @start */
	long n;
	uint64_t *tok;		/* one per instruction that is not a NOP */
	uint64_t *raw;		/* the same with a __LINE__ kept (mask_line_number()) */
	uint32_t *tok_insn;	/* its instruction */
	long ntok;
	const struct debuginfo *di;	/* the object's line table, or NULL */
	uint64_t addr;			/* the function's address in it */
	bool exact;			/* keep register numbers and stack slots */
	bool *own;			/* by file index: the function's own file */
	const char *root;		/* dropped from its file names */
	size_t root_len;
	size_t first_inl, last_inl;	/* the subroutines inlined into it */
	uint32_t decl_line;		/* where it is declared, 0 if unknown */
	bool *shuffle;			/* each token: insn_is_shuffle() */
	uint32_t *line;			/* each token's line (home_line()) */
	uint64_t *callee;		/* and the callee it counts for */
};

/* Is @addr in one of the inlined subroutines [@first, @last) of @di? */
static inline bool srclines_inlined_covers(const struct debuginfo *di, size_t first, size_t last,
					   uint64_t addr)
{
	size_t k;

	for (k = first; k < last; k++)
		if (di->inlined[k].lo <= addr && addr < di->inlined[k].hi)
			return true;
	return false;
}

/* Decode and normalize @f's instructions; -1 when they cannot be decoded. */
int srclines_tokenize(struct fn_code *f);

/*
 * Put both versions' tokens on their lines and compare each line's
 * multiset of tokens: changed[j] for the patched tokens and dropped[i]
 * for the original ones that have no counterpart on the same line, with
 * mapped[i] the original's line in the patched numbering.  -1 when out
 * of memory.
 */
int srclines_compare(struct fn_code *fo, struct fn_code *fp, bool *changed, bool *dropped,
		     uint32_t *mapped);

/* qsort() order of uint64_t values. */
int srclines_cmp_u64(const void *a, const void *b);

/* Free what srclines_tokenize() and srclines_compare() allocated. */
void srclines_release(struct fn_code *f);

#endif
