#include <kstub.h>

int format_status(char *buf, int code)
{
	return sprintf(buf, "state: %d\n", code);
}

int format_error(char *buf, int code)
{
	return sprintf(buf, "error: %d\n", code);
}
