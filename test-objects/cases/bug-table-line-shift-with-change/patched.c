#include <kstub.h>

/* This comment shifts every WARN_ON()/BUG_ON() line. */
int enqueue(int *q, int n, int v)
{
	WARN_ON(n < 0);
	q[n] = v;
	return n + 1;
}

int dequeue(int *q, int n)
{
	WARN_ON(n <= 0);
	return q[n - 1] + 1;
}

int peek(int *q, int n)
{
	BUG_ON(!q);
	return q[0] + n;
}
