/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SYMSPAN_H
#define CDO_SYMSPAN_H

/*
 * The symbol-interval index of an object: "which symbol covers this
 * offset of this section", as objtool keeps an interval tree per section.
 * It lives on the object model (struct object's @spans), is built once
 * the object's symbols are settled (prepare_object()) and covers the
 * input's symbols: symbols the output adds later are not in it.
 */

#include <stdbool.h>
#include <stdint.h>

struct object;

/* Symbols of one section, ordered by address, for "who covers offset X". */
struct sym_span {
	uint64_t start, end;
	uint32_t sym;
	uint32_t sec;
};

struct span_index {
	struct sym_span *spans;
	uint64_t *max_end;	/* running maximum of end within a section */
	uint32_t *first;	/* per section: first span, spans sorted by section */
	uint32_t n;
};

/* Index every defined, non-section symbol of @o; 0, or -1 when out of memory. */
int span_index_build(struct span_index *si, const struct object *o);
/* Free what span_index_build() took; a zeroed index is fine too. */
void span_index_free(struct span_index *si);

/**
 * span_index_covering() - the symbol a section-relative reference points into
 * @si:              the index of @o
 * @o:               the object
 * @sec:             the section referred to
 * @target:          the offset in @sec
 * @end_of_data_ref: the reference is to the end of @sec (an R_X86_64_32S
 *                   of code into data, whose addend is the section size):
 *                   the symbol ending there counts too
 *
 * Among all candidates the one first in the symbol table wins, as in
 * upstream's linear scan, so aliases resolve the same way.  A zero-sized
 * symbol covers its own address.
 *
 * Return: the symbol index, or NONE.
 */
uint32_t span_index_covering(const struct span_index *si, const struct object *o, uint32_t sec,
			     int64_t target, bool end_of_data_ref);

#endif
