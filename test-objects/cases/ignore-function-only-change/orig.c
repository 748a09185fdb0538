#include <kstub.h>

int debug_dump(int *regs, int n)
{
	int i, sum = 0;

	for (i = 0; i < n; i++)
		sum ^= regs[i];
	return sum;
}

int main_path(int x)
{
	return x + 1;
}
