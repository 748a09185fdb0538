#include <kstub.h>

int queue_request(int *queue, int depth, int req)
{
	if (WARN_SLOWPATH(depth > 64,
			  "queue too deep: %d\n", depth))
		return -1;
	WARN_SLOWPATH_ONCE(req == 0,
			   "empty request\n");
	queue[depth] = req;
	return depth + 1;
}

int queue_peek(int *queue, int depth)
{
	WARN_SLOWPATH(depth <= 0, "empty queue\n");
	return queue[depth - 1];
}
