#include <kstub.h>

DECLARE_STATIC_KEY_FALSE(fast_csum_enabled);
DECLARE_STATIC_KEY_TRUE(csum_verify);

extern int csum_slow(const char *p, int n);
extern int csum_fast(const char *p, int n);

int compute_csum(const char *p, int n)
{
	if (static_branch_unlikely(&fast_csum_enabled))
		return csum_fast(p, n);
	return csum_slow(p, n);
}

int verify_csum(const char *p, int n, int want)
{
	if (static_branch_likely(&csum_verify))
		return csum_slow(p, n) == want;
	return 1;
}
