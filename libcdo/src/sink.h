/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_SINK_H
#define CDO_SINK_H

/*
 * Where a diff's stages send what they tell the caller: the error that
 * ends the diff, log lines, and result items.  One per diff, owned by it;
 * a stage reaches it as d->sink and never calls back into the pipeline.
 *
 * Not for pool threads: a task reports into an error buffer of its own,
 * which the stage copies into the sink (err_copy()) once the pool is done,
 * in task order.  Log lines and items come from the calling thread only,
 * so their order does not depend on the thread count.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cdo/cdo.h"
#include "error.h"

struct item_list {
	struct cdo_item *items;
	size_t n, cap;
};

/* Bump storage for the result items' strings, so they outlive the mapping. */
struct str_chunk {
	struct str_chunk *next;
	size_t used, cap;
	char data[];
};

struct sink {
	struct errbuf *eb;		/* the context's: the caller reads it */
	cdo_log_fn log;			/* NULL: silent */
	void *log_user;
	enum cdo_log_level level;	/* lines above it are dropped */
	const char *context_string;	/* owned by the context: items keep the pointer */

	struct item_list items[CDO_ITEM_KIND_COUNT];
	struct str_chunk *item_strings;	/* copies of the items' strings */
	char **owned;			/* strings the stages made (sink_strdup()) */
	size_t n_owned, owned_cap;
};

/* Does a line of @level reach anyone?  Lets a stage skip building it. */
static inline bool sink_wants(const struct sink *s, enum cdo_log_level level)
{
	return s->log && level <= s->level;
}

void sink_log(struct sink *s, enum cdo_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define sink_error(s, ...) sink_log((s), CDO_LOG_ERROR, __VA_ARGS__)
#define sink_info(s, ...) sink_log((s), CDO_LOG_INFO, __VA_ARGS__)
#define sink_debug(s, ...) sink_log((s), CDO_LOG_DEBUG, __VA_ARGS__)

/**
 * sink_fail() - record the error that ends the diff, unless one is recorded
 * @s:      the sink
 * @status: CDO_ERR_UNSUPPORTED (upstream's ERROR, exit 1), CDO_ERR_DIFF
 *          (DIFF_FATAL, exit 2), CDO_ERR_NOMEM, ...
 * @fmt:    printf-style message, without trailing newline
 *
 * The first error wins (err_set()).
 *
 * Return: @status, so a stage can write `return sink_fail(...)`.
 */
int sink_fail(struct sink *s, enum cdo_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* upstream's ERROR(): input this tool cannot handle (exit 1) */
#define sink_unsupported(s, ...) sink_fail((s), CDO_ERR_UNSUPPORTED, __VA_ARGS__)
/* upstream's DIFF_FATAL(): a change that cannot be live patched (exit 2) */
#define sink_diff_fatal(s, ...) sink_fail((s), CDO_ERR_DIFF, __VA_ARGS__)

/* The status of the error recorded so far: CDO_OK while there is none. */
static inline int sink_status(const struct sink *s)
{
	return s->eb->status;
}

/*
 * Add a result item; its strings are copied.  0, or CDO_ERR_NOMEM
 * (recorded in the sink).
 */
int sink_add_item(struct sink *s, enum cdo_item_kind kind, const struct cdo_item *item);

/* A string owned by the sink, freed with it.  NULL when out of memory. */
char *sink_strdup(struct sink *s, const char *str);

/* Free everything the sink owns; items and their strings go with it. */
void sink_release(struct sink *s);

#endif
