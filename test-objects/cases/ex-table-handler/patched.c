#include <kstub.h>

unsigned long long read_msr_or_zero(unsigned int msr)
{
	return rdmsr_safe_stub(msr) & ~1ULL;
}

unsigned long long read_tsc_aux(void)
{
	return rdmsr_safe_stub(0xc0000103);
}
