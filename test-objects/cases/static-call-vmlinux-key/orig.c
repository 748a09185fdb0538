#include <kstub.h>

extern long pick_next_default(long);
DECLARE_STATIC_CALL(pick_next, pick_next_default);

long schedule_next(long prev)
{
	return static_call1(pick_next, prev) + 1;
}

long schedule_idle(long prev)
{
	return static_call1(pick_next, prev - 1);
}
