// SPDX-License-Identifier: GPL-2.0
/*
 * The public API: context life cycle, options, loading, and results.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarfstage.h"
#include "pipeline.h"
#include "writer.h"

struct cdo_ctx {
	struct cdo_opts opts;
	char *parent_name;
	char *parent_symtab;
	char *symvers;
	char *display_name;
	char *debuginfo;
	struct dwarf_file_cache debuginfo_cache;
	struct pool *pool;
	struct parent *parent;
	struct errbuf eb;
	struct diff diff;
	bool diff_valid;
};

static char *dup_or_null(const char *s, bool *fail)
{
	char *c;

	if (!s)
		return NULL;
	c = strdup(s);
	if (!c)
		*fail = true;
	return c;
}

/*
 * A caller built against a newer header may pass a longer struct, but only
 * if it left every option this library does not know at zero (libbpf's
 * OPTS_VALID rule): ignoring an option the caller set would silently give
 * them something else than they asked for.
 */
static bool unknown_bytes_zero(const struct cdo_opts *opts)
{
	const unsigned char *b = (const unsigned char *)opts;
	size_t i;

	for (i = sizeof(*opts); i < opts->sz; i++)
		if (b[i])
			return false;
	return true;
}

CDO_API struct cdo_ctx *cdo_new(const struct cdo_opts *opts)
{
	struct cdo_ctx *ctx;
	unsigned int threads;
	bool fail = false;

	if (opts && opts->sz < offsetof(struct cdo_opts, threads) + sizeof(opts->threads)) {
		errno = EINVAL;
		return NULL;
	}
	if (opts && !unknown_bytes_zero(opts)) {
		errno = E2BIG;
		return NULL;
	}
	if (opts && opts->sz >= offsetof(struct cdo_opts, log_level) + sizeof(opts->log_level) &&
	    (unsigned int)opts->log_level > CDO_LOG_DEBUG) {
		errno = ERANGE;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		errno = ENOMEM;
		return NULL;
	}
	if (opts)
		memcpy(&ctx->opts, opts, opts->sz < sizeof(ctx->opts) ? opts->sz : sizeof(ctx->opts));
	ctx->opts.sz = sizeof(ctx->opts);
	ctx->parent_name = dup_or_null(ctx->opts.parent_name ? ctx->opts.parent_name : "vmlinux", &fail);
	ctx->parent_symtab = dup_or_null(ctx->opts.parent_symtab, &fail);
	ctx->symvers = dup_or_null(ctx->opts.symvers, &fail);
	ctx->display_name = dup_or_null(ctx->opts.display_name, &fail);
	ctx->debuginfo = dup_or_null(ctx->opts.debuginfo, &fail);
	threads = ctx->opts.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 0 ? (unsigned int)n : 1;
	}
	if (threads > 256)
		threads = 256;
	ctx->pool = fail ? NULL : pool_new(threads);
	if (!ctx->pool) {
		cdo_free(ctx);
		errno = ENOMEM;
		return NULL;
	}
	return ctx;
}

CDO_API void cdo_free(struct cdo_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->diff_valid)
		diff_release(&ctx->diff);
	parent_close(ctx->parent);
	pool_free(ctx->pool);
	free(ctx->parent_name);
	free(ctx->parent_symtab);
	free(ctx->symvers);
	free(ctx->display_name);
	free(ctx->debuginfo);
	free(ctx);
}

/* Where one object of a diff comes from: a file, or a caller's buffer. */
struct obj_source {
	const char *name;
	const void *buf;	/* NULL: read the file @name */
	size_t size;
};

struct load_job {
	struct cdo_ctx *ctx;
	struct obj_source src[2];
	struct object *objs[2];
	struct errbuf eb[3];
	int err[3];
};

static void load_one(void *arg, size_t i)
{
	struct load_job *job = arg;
	struct cdo_ctx *ctx = job->ctx;

	if (i < 2) {
		const struct obj_source *src = &job->src[i];

		if (src->buf)
			job->err[i] = object_load_mem(job->objs[i], src->name, src->buf,
						      src->size, &job->eb[i]);
		else
			job->err[i] = object_load(job->objs[i], src->name, &job->eb[i]);
		return;
	}
	job->err[2] = parent_open(&ctx->parent, ctx->parent_symtab,
				  ctx->symvers, ctx->parent_name, &job->eb[2]);
	if (job->err[2])
		ctx->parent = NULL;
}

static uint64_t source_size(const struct obj_source *src)
{
	struct stat st;

	if (src->buf)
		return src->size;
	return src->name && !stat(src->name, &st) ? (uint64_t)st.st_size : 0;
}

/*
 * Below about a megabyte of input, handing work to threads costs more
 * than it saves (most objects kpatch-build diffs are that small).
 */
static bool worth_threads(uint64_t min_bytes, const struct obj_source src[2], const char *symtab)
{
	const struct obj_source parent = { .name = symtab };
	uint64_t total = source_size(&src[0]) + source_size(&src[1]);

	if (symtab)
		total += source_size(&parent);
	return total >= (min_bytes ? min_bytes : 1u << 20);
}

static const char *default_display(const char *orig)
{
	const char *slash = strchr(orig, '/');

	/* kpatch-build passes orig/<path>: show <path> */
	return slash ? slash + 1 : orig;
}

static int diff_sources(struct cdo_ctx *ctx, const struct obj_source src[2])
{
	struct load_job job;
	struct diff *d;
	size_t tasks = 2, i;

	if (!ctx)
		return CDO_ERR_USAGE;
	err_clear(&ctx->eb);
	if (ctx->diff_valid)
		diff_release(&ctx->diff);
	ctx->diff_valid = true;
	d = &ctx->diff;
	memset(d, 0, sizeof(*d));
	if (!src[0].name || !src[1].name)
		return err_set(&ctx->eb, CDO_ERR_USAGE, "cdo_diff: missing object name");

	d->sink.eb = &ctx->eb;
	d->sink.log = ctx->opts.log;
	d->sink.log_user = ctx->opts.log_user;
	d->sink.level = ctx->opts.log_level != CDO_LOG_DEFAULT ? ctx->opts.log_level : CDO_LOG_INFO;
	d->sink.context_string = ctx->parent_name;
	d->pool = ctx->pool;
	d->display = ctx->display_name ? ctx->display_name : default_display(src[0].name);
	d->parent_name = ctx->parent_name;
	d->sizes = ctx->opts.sizes;
	d->klp_arch = ctx->opts.klp_arch != 0;
	d->debuginfo = ctx->debuginfo;
	d->dwarf_flags = ctx->opts.dwarf;
	d->debuginfo_cache = &ctx->debuginfo_cache;
	d->vmlinux = !strcmp(ctx->parent_name, "vmlinux");

	memset(&job, 0, sizeof(job));
	job.ctx = ctx;
	job.src[0] = src[0];
	job.src[1] = src[1];
	job.objs[0] = &d->orig;
	job.objs[1] = &d->patched;
	/* the parent symbol table is read once per context */
	if (!ctx->parent && ctx->parent_symtab)
		tasks = 3;
	pool_set_parallel(ctx->pool, worth_threads(ctx->opts.parallel_min_bytes, src,
						   ctx->parent ? NULL : ctx->parent_symtab));
	pool_for(ctx->pool, tasks, 1, load_one, &job);
	for (i = 0; i < tasks; i++)
		if (job.err[i])
			return err_copy(&ctx->eb, &job.eb[i]);
	d->parent = ctx->parent;

	return diff_run(d);
}

CDO_API int cdo_diff(struct cdo_ctx *ctx, const char *orig, const char *patched)
{
	const struct obj_source src[2] = { { .name = orig }, { .name = patched } };

	return diff_sources(ctx, src);
}

CDO_API int cdo_diff_mem(struct cdo_ctx *ctx, const char *orig_name, const void *orig,
			 size_t orig_size, const char *patched_name, const void *patched,
			 size_t patched_size)
{
	const struct obj_source src[2] = {
		{ .name = orig_name, .buf = orig, .size = orig_size },
		{ .name = patched_name, .buf = patched, .size = patched_size },
	};

	if (ctx && ((!orig && orig_size) || (!patched && patched_size) || !orig || !patched)) {
		err_clear(&ctx->eb);
		return err_set(&ctx->eb, CDO_ERR_USAGE, "cdo_diff_mem: missing object buffer");
	}
	return diff_sources(ctx, src);
}

CDO_API int cdo_write(struct cdo_ctx *ctx, const char *path)
{
	if (!ctx)
		return CDO_ERR_USAGE;
	err_clear(&ctx->eb);
	if (!ctx->diff_valid || !ctx->diff.have_output)
		return err_set(&ctx->eb, CDO_ERR_STATE, "cdo_write: no successful diff to write");
	if (!path)
		return err_set(&ctx->eb, CDO_ERR_USAGE, "cdo_write: missing output path");
	return write_object(&ctx->diff, path);
}

CDO_API const char *cdo_errmsg(const struct cdo_ctx *ctx)
{
	return ctx ? ctx->eb.msg : "";
}

CDO_API int cdo_errno(const struct cdo_ctx *ctx)
{
	return ctx ? ctx->eb.sys_errno : 0;
}

CDO_API const char *cdo_status_str(int status)
{
	switch (status) {
	case CDO_OK:
		return "success";
	case CDO_ERR_USAGE:
		return "usage error";
	case CDO_ERR_IO:
		return "I/O error";
	case CDO_ERR_MALFORMED:
		return "malformed input";
	case CDO_ERR_UNSUPPORTED:
		return "unsupported input";
	case CDO_ERR_DIFF:
		return "unreconcilable difference";
	case CDO_ERR_NOCHANGE:
		return "no functional change";
	case CDO_ERR_NOMEM:
		return "out of memory";
	case CDO_ERR_STATE:
		return "invalid state";
	default:
		return "unknown error";
	}
}

CDO_API size_t cdo_result_count(const struct cdo_ctx *ctx, enum cdo_item_kind kind)
{
	if (!ctx || !ctx->diff_valid || (unsigned int)kind >= CDO_ITEM_KIND_COUNT)
		return 0;
	return ctx->diff.sink.items[kind].n;
}

CDO_API const struct cdo_item *cdo_result_item(const struct cdo_ctx *ctx, enum cdo_item_kind kind,
					       size_t i)
{
	if (i >= cdo_result_count(ctx, kind))
		return NULL;
	return &ctx->diff.sink.items[kind].items[i];
}

CDO_API size_t cdo_result_struct_sizes(const struct cdo_ctx *ctx,
				       const struct cdo_struct_size **sizes)
{
	if (sizes)
		*sizes = NULL;
	if (!ctx || !ctx->diff_valid || !ctx->diff.dwarf)
		return 0;
	if (sizes)
		*sizes = ctx->diff.dwarf->sizes;
	return DI_NSTRUCTS;
}

CDO_API const char *cdo_item_kind_str(enum cdo_item_kind kind)
{
	static const char *const names[CDO_ITEM_KIND_COUNT] = {
		[CDO_ITEM_CHANGED_FUNC] = "changed function",
		[CDO_ITEM_NEW_FUNC] = "new function",
		[CDO_ITEM_NEW_GLOBAL] = "new global",
		[CDO_ITEM_IGNORED_FUNC] = "ignored function",
		[CDO_ITEM_CALLBACK] = "callback",
		[CDO_ITEM_KLP_RELOC] = "klp relocation",
	};

	return (unsigned int)kind < CDO_ITEM_KIND_COUNT ? names[kind] : NULL;
}

/* kpatch-build exports these; each names the size of one kernel struct. */
static const struct {
	const char *name;
	size_t offset;
} size_vars[] = {
	{ "BUG_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, bug) },
	{ "EX_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, ex) },
	{ "JUMP_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, jump) },
	{ "ALT_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, alt) },
	{ "PARA_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, para) },
	{ "ORC_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, orc) },
	{ "STATIC_CALL_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, static_call) },
	{ "PRINTK_INDEX_STRUCT_SIZE", offsetof(struct cdo_struct_sizes, printk_index) },
};

CDO_API int cdo_struct_sizes_from_env(struct cdo_struct_sizes *sizes, const char **bad)
{
	struct cdo_struct_sizes got;
	size_t i;

	if (bad)
		*bad = NULL;
	if (!sizes)
		return CDO_ERR_USAGE;
	memset(&got, 0, sizeof(got));
	for (i = 0; i < sizeof(size_vars) / sizeof(size_vars[0]); i++) {
		const char *v = getenv(size_vars[i].name);
		unsigned long n = 0;
		const char *c;

		if (!v || !*v)
			continue;
		for (c = v; *c; c++) {
			if (*c < '0' || *c > '9' || n > 65535) {
				n = 65536;
				break;
			}
			n = n * 10 + (unsigned long)(*c - '0');
		}
		if (n > 65535) {
			if (bad)
				*bad = size_vars[i].name;
			return CDO_ERR_USAGE;
		}
		*(uint32_t *)((char *)&got + size_vars[i].offset) = (uint32_t)n;
	}
	*sizes = got;
	return CDO_OK;
}

CDO_API const char *cdo_version(void)
{
	return CDO_VERSION_STRING;
}
