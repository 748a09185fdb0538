#include <kstub.h>

extern int wait_event_stub(int *cond);

int daemon_loop(int *stop)
{
	int n = 0;

	while (!READ_ONCE(*stop)) {
		n += wait_event_stub(stop);
		schedule();
	}
	return n;
}
