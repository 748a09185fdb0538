#include <kstub.h>

static int shared_state;

void update_state(int v)
{
	local_irq_disable();
	shared_state = v;
	local_irq_enable();
}

int read_state(void)
{
	int v;

	local_irq_disable();
	v = shared_state;
	local_irq_enable();
	return v;
}
