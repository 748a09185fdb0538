#include <kstub.h>

struct conn {
	int state;
	int retries;
	int timeout;
};

int conn_open(struct conn *c)
{
	c->state = 1;
	c->retries = 0;
	return 0;
}

int conn_retry(struct conn *c)
{
	if (++c->retries > 3)
		return -1;
	return 0;
}

int conn_close(struct conn *c)
{
	c->state = 0;
	return 0;
}

int conn_timeout(struct conn *c)
{
	return c->timeout * 1000;
}
