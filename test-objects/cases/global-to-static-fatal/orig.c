#include <kstub.h>

noinline int parse_opt(const char *s)
{
	return s[0] == '-' ? s[1] : 0;
}

int parse_args(const char *s)
{
	return parse_opt(s) + 1;
}
