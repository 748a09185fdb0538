#include <kstub.h>

/* Now marked cold: gcc moves it from .text.<fn> to .text.unlikely.<fn>. */
__cold int handle_error(int code)
{
	return code < 0 ? -code : code;
}

int run_step(int x)
{
	return x * 2;
}
