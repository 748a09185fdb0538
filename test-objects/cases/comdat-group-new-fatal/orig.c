#include <kstub.h>

int bucket_of(unsigned int key, int nbuckets)
{
	return key % nbuckets;
}
