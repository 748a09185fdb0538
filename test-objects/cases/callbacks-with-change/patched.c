#include <kstub.h>

int cache_size = 64;

int cache_lookup(int key)
{
	if (key < 0)
		key = -key;
	return key % cache_size;
}

static int resize_cache(struct klp_object *obj)
{
	WRITE_ONCE(cache_size, 128);
	return 0;
}
KPATCH_PRE_PATCH_CALLBACK(resize_cache);
