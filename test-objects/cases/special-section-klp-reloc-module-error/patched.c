#include <kstub.h>

/* A module with its own exception handler (the parent is `testmod`). */
bool mod_fault_handler(void *ex, void *regs)
{
	return true;
}

int mod_probe_reg(int *addr)
{
	int v = 0;

	asm volatile("1: movl (%1),%0\n"
		     "2:\n"
		     _ASM_EXTABLE_HANDLE(1b, 2b, mod_fault_handler)
		     : "+r" (v) : "r" (addr));
	return v + 1;
}
