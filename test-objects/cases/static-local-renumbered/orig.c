#include <kstub.h>

/*
 * Both functions have a static local named "calls"; gcc numbers them in
 * the order it emits them, so swapping the functions swaps calls.0 and
 * calls.1.  Correlation must follow the references, not the numbers.
 */
int open_handle(int fd)
{
	static int calls;

	calls++;
	return fd + calls;
}

int close_handle(int fd)
{
	static int calls;

	calls += 2;
	return fd - calls;
}
