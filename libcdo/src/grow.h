/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_GROW_H
#define CDO_GROW_H

#include <stdint.h>
#include <stdlib.h>

/*
 * Room in *@arr (*@cap elements of @elem bytes) for element @n, doubling
 * so that appending costs amortized O(1).  0, or -1 when out of memory
 * or the size would overflow; the array is left as it was on failure.
 */
static inline int grow_array(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t c = *cap ? *cap : 16;
	void *p;

	if (n < *cap)
		return 0;
	while (c <= n) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (c > SIZE_MAX / elem)
		return -1;
	p = realloc(*arr, c * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

#endif
