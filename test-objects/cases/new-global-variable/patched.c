#include <kstub.h>

int stat_total;
int stat_calls = 1;

void account(int n)
{
	stat_total += n;
	stat_calls++;
}
