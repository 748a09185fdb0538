// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's "kernel source file": a tiny rate limiter in kernel style.
 * patched.c is the same file after a fix; `make demo` builds both the
 * way kpatch-build does and diffs them.
 */
extern int printk(const char *fmt, ...);
extern void __warn_printk(const char *fmt, ...);
extern unsigned long jiffies;

struct limiter {
	unsigned long last;
	unsigned int burst;
	unsigned int used;
};

static struct limiter global_limit = { .burst = 10 };

static int limiter_refill(struct limiter *l, unsigned long now)
{
	if (now - l->last > 100) {
		l->last = now;
		l->used = 0;
		return 1;
	}
	return 0;
}

/* the fix: a burst of 0 used to let one request through */
static __attribute__((__noinline__)) int limiter_exhausted(const struct limiter *l)
{
	return !l->burst || l->used >= l->burst;
}

int limiter_allow(struct limiter *l)
{
	static unsigned int denied;

	limiter_refill(l, jiffies);
	if (limiter_exhausted(l)) {
		denied++;
		return 0;
	}
	l->used++;
	return 1;
}

int limiter_report(void)
{
	return printk("limiter: %u of %u used\n", global_limit.used, global_limit.burst);
}
