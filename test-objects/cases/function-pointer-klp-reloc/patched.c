#include <kstub.h>

typedef void (*done_fn)(int);
extern void submit_async(done_fn fn, int arg);

static noinline void on_done(int status)
{
	if (status)
		pr_err("async failed: %d\n", status);
}

int start_async(int arg)
{
	if (arg < 0)
		return -1;
	submit_async(on_done, arg);
	return 0;
}
