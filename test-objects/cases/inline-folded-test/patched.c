#include <kstub.h>

struct reg { int type; int off; };
int limit_hits;

static inline __attribute__((always_inline)) int is_ptr(const struct reg *r)
{
	return r->type != 1 && r->type != 0;
}

int check_reg(struct reg *r, int v)
{
	if (v > 3 &&
	    is_ptr(r))
		return -1;
	limit_hits = v;
	return 0;
}

int other_reg(int v)
{
	return v * 2;
}
