#include <kstub.h>

static int boot_param;

static int __init setup_driver(void)
{
	boot_param = 32;
	return 0;
}
module_init(setup_driver);

int driver_param(void)
{
	return boot_param;
}
