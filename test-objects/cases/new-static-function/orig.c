#include <kstub.h>

struct item {
	int id;
	int flags;
};

int check_item(struct item *it)
{
	if (it->id < 0)
		return -1;
	return it->flags & 3;
}
