#include <kstub.h>

int stat_total;

void account(int n)
{
	stat_total += n;
}
