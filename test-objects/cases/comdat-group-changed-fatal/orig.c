#include <kstub.h>

__comdat(shared_hash) __weak unsigned int shared_hash(unsigned int x)
{
	return x * 2654435761u;
}

int bucket_of(unsigned int key, int nbuckets)
{
	return shared_hash(key) % nbuckets;
}
