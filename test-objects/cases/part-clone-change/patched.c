#include <kstub.h>

struct ctx {
	int enabled;
	int vals[32];
	int total;
};

extern int transform(int v, int i);
extern void publish(struct ctx *c, int v);

/*
 * A cheap test in front of a large body: gcc inlines the test into each
 * caller and splits the body out into a .part clone.
 */
static int process(struct ctx *c, int v)
{
	int i, acc = 0;

	if (likely(!c->enabled))
		return 0;
	for (i = 0; i < 32; i++) {
		acc += transform(c->vals[i] ^ v, i);
		if (acc > 200000)
			publish(c, acc);
		c->vals[i] = acc;
	}
	c->total += acc;
	publish(c, c->total);
	return acc;
}

int process_a(struct ctx *c, int v)
{
	return process(c, v) + 1;
}

int process_b(struct ctx *c, int v)
{
	return process(c, v * 2) + 2;
}

int process_c(struct ctx *c, int v)
{
	return process(c, v * 3) - 3;
}
