#include <kstub.h>

int report_state(int state)
{
	if (state < 0)
		printk(KERN_ERR "bad state at line %d\n", __LINE__);
	return state & 0xff;
}
