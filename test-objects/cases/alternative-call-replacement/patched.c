#include <kstub.h>

void reset_page(void *page, int poison)
{
	clear_page_stub(page);
	if (poison)
		memset(page, 0x6b, 128);
}

void reset_two_pages(void *a, void *b)
{
	clear_page_stub(a);
	clear_page_stub(b);
}
