#include <kstub.h>

int net_budget __read_mostly = 300;
int net_weight __read_mostly = 64;

int poll_budget(int work)
{
	return work < net_budget ? work : net_budget;
}

int poll_weight(void)
{
	return net_weight;
}
