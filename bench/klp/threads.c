// SPDX-License-Identifier: GPL-2.0
/*
 * bench/klp guest load: N threads sleeping in pause() and B threads
 * spinning in user space.  Prints "ready" once all exist, then sleeps until
 * killed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *spinner(void *arg)
{
	volatile unsigned long *n = arg;

	for (;;)
		(*n)++;
	return NULL;
}

int main(int argc, char **argv)
{
	static unsigned long count;
	pthread_attr_t attr;
	pthread_t t;
	long i, n, busy;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SLEEPERS SPINNERS\n", argv[0]);
		return 2;
	}
	n = strtol(argv[1], NULL, 10);
	busy = strtol(argv[2], NULL, 10);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, &attr, sleeper, NULL)) {
			perror("pthread_create");
			return 1;
		}
	for (i = 0; i < busy; i++)
		if (pthread_create(&t, &attr, spinner, &count)) {
			perror("pthread_create");
			return 1;
		}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
