#include <kstub.h>

int submit_cmd(int *ring, int cmd)
{
	static int overflows;

	if (unlikely(cmd < 0)) {
		overflows++;
		pr_err("bad command %d (%d so far)\n", cmd, overflows);
		return -1;
	}
	ring[cmd & 127] = cmd;
	return 0;
}

int submit_nop(int *ring)
{
	ring[0] = 0;
	return 0;
}
