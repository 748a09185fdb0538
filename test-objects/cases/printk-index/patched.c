#include <kstub.h>

int attach_device(int id, int verbose)
{
	if (id < 0)
		return -1;
	if (verbose)
		pr_info("attached device %d\n", id);
	return id + 200;
}

int detach_device(int id, int verbose)
{
	if (verbose)
		pr_info("detached device %d\n", id);
	return 0;
}

/*
 * Enough messages that .printk_index (8-byte pointers) has a pointer
 * across the 44th byte: upstream's PRINTK_INDEX_STRUCT_SIZE cuts the
 * section into 44-byte groups, which fit no pointer array.
 */
void report_state(int a, int b, int c)
{
	pr_info("state a %d\n", a);
	pr_info("state b %d\n", b);
	pr_info("state c %d\n", c);
	pr_info("state sum %d\n", a + b + c);
	pr_info("state product %d\n", a * b * c);
}
