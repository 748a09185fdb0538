// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pool.h"

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t work;	/* a new job was posted, or shutdown */
	pthread_cond_t done;	/* a worker finished its part of the job */
	pthread_t *workers;
	unsigned int nworkers;		/* running */
	unsigned int wanted;		/* to start when first needed */
	bool started, parallel;

	/* the current job; guarded by @lock except the atomic cursor */
	unsigned long generation;
	pool_fn fn;
	void *arg;
	size_t n, grain;
	atomic_size_t next;
	unsigned int busy;
	bool stop;
};

static void run_chunks(struct pool *p, pool_fn fn, void *arg, size_t n, size_t grain)
{
	for (;;) {
		size_t start = atomic_fetch_add(&p->next, grain);
		size_t end, i;

		if (start >= n)
			return;
		end = start + grain < n ? start + grain : n;
		for (i = start; i < end; i++)
			fn(arg, i);
	}
}

static void *worker_main(void *data)
{
	struct pool *p = data;
	unsigned long seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->generation == seen)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		seen = p->generation;
		{
			pool_fn fn = p->fn;
			void *arg = p->arg;
			size_t n = p->n, grain = p->grain;

			pthread_mutex_unlock(&p->lock);
			run_chunks(p, fn, arg, n, grain);
			pthread_mutex_lock(&p->lock);
		}
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pool *pool_new(unsigned int threads)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (!threads)
		threads = 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	atomic_init(&p->next, 0);
	p->workers = calloc(threads, sizeof(*p->workers));
	if (!p->workers) {
		pool_free(p);
		return NULL;
	}
	p->wanted = threads - 1;
	p->parallel = true;
	return p;
}

/*
 * A worker that fails to start just means fewer hands.
 *
 * Workers start with every signal blocked (a new thread inherits its
 * creator's mask), so that signals sent to the process go to the
 * application's threads: a caller that holds SIGTERM off while it writes
 * must not have it taken, and the process ended, by one of our threads.
 */
static void start_workers(struct pool *p)
{
	sigset_t all, saved;
	unsigned int i;

	p->started = true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	for (i = 0; i < p->wanted; i++) {
		if (pthread_create(&p->workers[i], NULL, worker_main, p))
			break;
		p->nworkers++;
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

void pool_set_parallel(struct pool *p, bool parallel)
{
	p->parallel = parallel;
}

void pool_free(struct pool *p)
{
	unsigned int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	free(p->workers);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
}

unsigned int pool_threads(const struct pool *p)
{
	return p->wanted + 1;
}

void pool_for(struct pool *p, size_t n, size_t grain, pool_fn fn, void *arg)
{
	if (!grain)
		grain = 1;
	if (p->parallel && !p->started && p->wanted && n > grain)
		start_workers(p);
	if (!p->parallel || !p->nworkers || n <= grain) {
		size_t i;

		for (i = 0; i < n; i++)
			fn(arg, i);
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	p->grain = grain;
	atomic_store(&p->next, 0);
	p->busy = p->nworkers;
	p->generation++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);

	run_chunks(p, fn, arg, n, grain);

	pthread_mutex_lock(&p->lock);
	while (p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
