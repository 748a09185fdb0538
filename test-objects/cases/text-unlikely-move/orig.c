#include <kstub.h>

int handle_error(int code)
{
	return code < 0 ? -code : code;
}

int run_step(int x)
{
	return x * 2;
}
