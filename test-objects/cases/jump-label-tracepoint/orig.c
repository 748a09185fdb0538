#include <kstub.h>

DECLARE_TRACE1(block_rq_issue, long, sector);

int issue_request(long sector, int len)
{
	trace_block_rq_issue(sector);
	return len > 0 ? len : 0;
}

int complete_request(long sector)
{
	trace_block_rq_issue(-sector);
	return 0;
}
