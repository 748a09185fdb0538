#include <kstub.h>

int retry_limit = 5;

int should_retry(int attempt)
{
	return attempt < retry_limit;
}
