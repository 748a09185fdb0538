#include <kstub.h>

static noinline int hash_name(const char *s)
{
	int h = 0;

	while (*s)
		h = h * 31 + *s++;
	return h;
}

static int table_size = 128;

int name_bucket(const char *s)
{
	return (hash_name(s) & 0x7fffffff) % table_size;
}

int name_hash(const char *s)
{
	return hash_name(s);
}

void set_table_size(int n)
{
	table_size = n;
}
