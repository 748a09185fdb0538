#include <kstub.h>

/*
 * Callees that take the caller's __LINE__ but are not in upstream's list
 * of WARN/might_sleep/printk style functions.
 */
noinline void fs_report(const char *fn, unsigned int line, int err)
{
	pr_info("%s:%u: error %d\n", fn, line, err);
}

noinline void *journal_start_line(void *j, unsigned int line, int type)
{
	pr_info("journal %p started at line %u type %d\n", j, line, type);
	return j;
}

noinline void set_limit(int which, int value)
{
	pr_info("limit %d = %d\n", which, value);
}

#define fs_error(err) fs_report(__func__, __LINE__, (err))

/* inlined: the line is its caller's, as ext4_journal_start() does */
static inline void *__journal_start(void *j, unsigned int line, int type)
{
	if (!j)
		return NULL;
	return journal_start_line(j, line, type);
}
#define journal_start(j, type) __journal_start((j), __LINE__, (type))

int check_block(int *block)
{
	if (!block) {
		fs_error(-22);
		return -22;
	}
	if (*block < 0) {
		fs_error(-5);
		return -5;
	}
	return 0;
}

void *start_update(void *j)
{
	return journal_start(j, 2);
}

void apply_limits(void)
{
	set_limit(1, 64);
}
