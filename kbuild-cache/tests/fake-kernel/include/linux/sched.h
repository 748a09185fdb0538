#define SCHED_PRIO 3
