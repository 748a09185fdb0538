#include <kstub.h>

extern void unregister_stub(int id);
static int my_id = 7;

static void __exit driver_exit(void)
{
	unregister_stub(my_id);
}
static void (*__exitcall_driver_exit)(void) __used __section(".exitcall.exit") = driver_exit;

int driver_id(void)
{
	return my_id;
}
