#include <kstub.h>

int retry_limit = 3;

int should_retry(int attempt)
{
	return attempt < retry_limit;
}
