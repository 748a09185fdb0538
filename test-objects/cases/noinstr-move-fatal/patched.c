#include <kstub.h>

/* noinstr: moved to .noinstr.text (and no longer traced). */
__section(".noinstr.text") notrace int enter_idle(int state)
{
	return state + 1;
}
