// SPDX-License-Identifier: GPL-2.0
#include "parallel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct pf {
	size_t n;
	size_t next;
	int (*fn)(size_t, void *);
	void *user;
	int failed;
	pthread_mutex_t lock;
	char msg[2 * KBC_PATH_MAX];
};

static void *worker(void *arg)
{
	struct pf *pf = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(&pf->next, 1, __ATOMIC_RELAXED);

		if (i >= pf->n || __atomic_load_n(&pf->failed, __ATOMIC_RELAXED))
			break;
		if (pf->fn(i, pf->user)) {
			pthread_mutex_lock(&pf->lock);
			if (!pf->failed)
				snprintf(pf->msg, sizeof(pf->msg), "%s", kbc_errmsg());
			__atomic_store_n(&pf->failed, 1, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&pf->lock);
			break;
		}
	}
	return NULL;
}

int parallel_for(size_t n, int jobs, int (*fn)(size_t i, void *user), void *user)
{
	struct pf pf = { .n = n, .fn = fn, .user = user };
	pthread_t *th;
	int i, started = 0;

	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	pthread_mutex_init(&pf.lock, NULL);
	th = xmalloc((size_t)jobs * sizeof(*th));
	for (i = 1; i < jobs; i++)
		if (!pthread_create(&th[i], NULL, worker, &pf))
			started = i;
		else
			break;
	worker(&pf);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&pf.lock);
	if (pf.failed)
		return kbc_err("%s", pf.msg);
	return 0;
}
