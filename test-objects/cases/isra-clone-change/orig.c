#include <kstub.h>

struct request {
	int id;
	int prio;
	int pad[14];
	int weight;
};

extern void dispatch(int prio, int weight);

/* Uses two fields of a by-reference struct: gcc passes them as scalars (.isra). */
static noinline void route(struct request *rq)
{
	if (rq->prio > 3)
		dispatch(rq->prio, rq->weight);
	else
		dispatch(0, rq->weight + 1);
}

void submit_request(struct request *rq)
{
	route(rq);
}

void resubmit_request(struct request *rq)
{
	rq->prio++;
	route(rq);
}
