#include <kstub.h>

struct buf {
	int len;
	int cap;
	char *data;
};

int buf_append(struct buf *b, char c)
{
	BUG_ON(!b->data);
	if (WARN_ON_ONCE(b->len + 1 > b->cap))
		return -2;
	if (!c)
		return -1;
	b->data[b->len++] = c;
	return 0;
}

int buf_pop(struct buf *b)
{
	BUG_ON(b->len <= 0);
	return b->data[--b->len];
}
