#include <kstub.h>

/* The tracepoint and its static call key are defined in this module. */
DECLARE_TRACE1(mod_event, long, v);
struct tracepoint __tracepoint_mod_event = { .name = "mod_event" };
struct static_call_key __SCK__tp_func_mod_event;

int mod_work(long v)
{
	trace_mod_event(v);
	return (int)v * 5;
}
