#include <kstub.h>

noinline int existing_function(int x)
{
	return x * 3;
}
