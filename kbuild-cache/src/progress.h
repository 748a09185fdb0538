/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress of long steps on stderr: a bar with rate and ETA when stderr is
 * a terminal, a plain line every few seconds otherwise, nothing with -q.
 */
#ifndef KBC_PROGRESS_H
#define KBC_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *what;	/* "storing", "restoring" */
	const char *unit;	/* "files" */
	uint64_t total;		/* items, 0 when unknown */
	uint64_t done;
	uint64_t bytes;
	double start;
	double last;
	int tty;
};

void progress_start(struct progress *p, const char *what, uint64_t total);
/* One more item of @bytes bytes; redraws at most a few times a second. */
void progress_step(struct progress *p, uint64_t bytes);
void progress_end(struct progress *p);

#endif
