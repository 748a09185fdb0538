// SPDX-License-Identifier: GPL-2.0
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "util.h"

void progress_start(struct progress *p, const char *what, uint64_t total)
{
	p->what = what;
	p->total = total;
	p->done = 0;
	p->bytes = 0;
	p->start = p->last = now_sec();
	p->tty = isatty(2);
}

static void draw(struct progress *p, int final)
{
	double el = now_sec() - p->start;
	double rate = el > 0 ? (double)p->bytes / el : 0;
	char sz[16], rt[16];

	human_size(p->bytes, sz);
	human_size((uint64_t)rate, rt);
	if (p->tty) {
		int width = 30, fill = 0, i;
		double eta = 0;

		if (p->total) {
			fill = (int)((double)width * (double)p->done / (double)p->total);
			if (p->done)
				eta = el * (double)(p->total - p->done) / (double)p->done;
		}
		fprintf(stderr, "\r%-10s [", p->what);
		for (i = 0; i < width; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %llu/%llu files  %s  %s/s  ETA %ds ",
			(unsigned long long)p->done, (unsigned long long)p->total, sz, rt,
			final ? 0 : (int)eta);
		if (final)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "kbuild-cache: %s: %llu/%llu files, %s, %s/s, %.1fs\n", p->what,
			(unsigned long long)p->done, (unsigned long long)p->total, sz, rt, el);
	}
	fflush(stderr);
}

void progress_step(struct progress *p, uint64_t bytes)
{
	double t;

	p->done++;
	p->bytes += bytes;
	if (kbc_quiet)
		return;
	t = now_sec();
	if (t - p->last < (p->tty ? 0.2 : 5.0))
		return;
	p->last = t;
	draw(p, 0);
}

void progress_end(struct progress *p)
{
	if (kbc_quiet)
		return;
	draw(p, 1);
}
