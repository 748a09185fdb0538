/* SPDX-License-Identifier: GPL-2.0 */
/* Running one function over many items on a few threads. */
#ifndef KBC_PARALLEL_H
#define KBC_PARALLEL_H

#include <stddef.h>

/*
 * Call @fn(i, @user) for every i < @n on @jobs threads (items are handed
 * out in order).  After the first failure no new item starts; the return
 * is 0 or -1, with the failing item's kbc_err() line moved to the caller's
 * thread.
 */
int parallel_for(size_t n, int jobs, int (*fn)(size_t i, void *user), void *user);

#endif
