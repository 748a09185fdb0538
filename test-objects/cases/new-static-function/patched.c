#include <kstub.h>

struct item {
	int id;
	int flags;
};

static noinline int validate_flags(int flags)
{
	if (flags & 0x100)
		return -2;
	return 0;
}

int check_item(struct item *it)
{
	int ret;

	if (it->id < 0)
		return -1;
	ret = validate_flags(it->flags);
	if (ret)
		return ret;
	return it->flags & 3;
}
