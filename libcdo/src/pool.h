/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_POOL_H
#define CDO_POOL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A fixed set of worker threads that run "parallel for" jobs: pool_for()
 * calls fn(arg, i) for every i in [0, n) and returns when all calls have
 * finished.  Results go into per-index slots chosen by the caller, so the
 * outcome never depends on which thread ran which index.  The calling
 * thread works too, so a pool of one thread runs everything inline.
 */
struct pool;

typedef void (*pool_fn)(void *arg, size_t i);

/**
 * pool_new() - a pool of @threads threads (the caller counts as one)
 *
 * Workers start on the first job that runs in parallel, so a process
 * that only ever diffs small objects never creates a thread.
 * Return: the pool, or NULL when out of memory.
 */
struct pool *pool_new(unsigned int threads);

/**
 * pool_set_parallel() - let jobs use the workers (default) or not
 *
 * Small inputs are cheaper to process inline than to hand out.
 */
void pool_set_parallel(struct pool *p, bool parallel);
void pool_free(struct pool *p);
unsigned int pool_threads(const struct pool *p);

/**
 * pool_for() - run fn(arg, i) for i in [0, n) on the pool
 * @grain: indexes handed out at a time (1 for coarse items)
 */
void pool_for(struct pool *p, size_t n, size_t grain, pool_fn fn, void *arg);

#endif
