// SPDX-License-Identifier: GPL-2.0
/*
 * create-diff-object: a drop-in replacement for kpatch's binary of the
 * same name, on top of libcdo.
 *
 *   create-diff-object [-d] [-a] original.o patched.o parent-name \
 *	parent-symtab Module.symvers patch-module-name output.o
 *
 * Exit status: 0 output written, 1 error, 2 unreconcilable difference,
 * 3 no functional change (no output), 64 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdo/cdo.h"
#include "common/batch.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_DIFF_FATAL 2
#define EXIT_NO_CHANGE 3
#define EXIT_USAGE 64

static const char *prog = "create-diff-object";

struct cli {
	int debug;
	int klp_arch;
	unsigned int threads;
	const char *json;
	const char *batch;
	const char *debuginfo;
	int explain;
	unsigned int dwarf;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTION...] original.o patched.o parent-name parent-symtab Module.symvers patch-module-name output.o\n"
		"\n"
		"  -d, --debug        trace the decisions: pairings, changes, inclusion\n"
		"  -a, --klp-arch     kernel supports .klp.arch section\n"
		"  -j, --jobs=N       worker threads (default: online CPUs)\n"
		"      --json=FILE    write a JSON report of what changed, with the source\n"
		"                     lines behind each change when the objects have -g\n"
		"      --explain      print, per changed or new function, its source file,\n"
		"                     the lines whose code changed and the inlined callees\n"
		"                     that changed (needs objects built with -g)\n"
		"      --debuginfo=FILE  vmlinux or module whose debug info gives the struct\n"
		"                     sizes (*_STRUCT_SIZE) the objects' own lacks\n"
		"      --no-dwarf-sizes  never read struct sizes from debug info (upstream)\n"
		"      --dwarf-line-only  also take a function as unchanged when the only\n"
		"                     difference is a __LINE__ the line tables confirm, for\n"
		"                     any callee (default: upstream's list of callees)\n"
		"      --batch=FILE   diff many objects in one process; each line of FILE\n"
		"                     holds the seven arguments above; prints one status\n"
		"                     line per pair, and --json writes one report of all\n"
		"  -?, --help         give this help list\n"
		"      --usage        give a short usage message\n"
		"  -V, --version      print program version\n",
		prog);
}

/*
 * A run killed by SIGTERM, SIGINT, SIGHUP or SIGQUIT (a build farm's time
 * limit, ^C) is a failed run and leaves no output.  The library writes
 * to an unnamed file and renames it into place; those signals are held
 * off while it does, so it is never stopped half-way, and the output of
 * the pair being diffed is removed if one arrives after it was written.
 * (In --batch, outputs of pairs already finished are kept.)
 */
static const int fatal_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
static const char *volatile written_output;

static void on_fatal_signal(int sig)
{
	const char *path = written_output;

	if (path)
		unlink(path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_fatal_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&sa.sa_mask, fatal_signals[i]);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us stays ignored */
		if (!sigaction(fatal_signals[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void hold_fatal_signals(bool hold, sigset_t *saved)
{
	sigset_t set;
	size_t i;

	if (!hold) {
		sigprocmask(SIG_SETMASK, saved, NULL);
		return;
	}
	sigemptyset(&set);
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&set, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &set, saved);
}

static void log_line(void *user, enum cdo_log_level level, const char *msg)
{
	const char *display = user;

	if (level == CDO_LOG_ERROR)
		fprintf(stderr, "ERROR: %s\n", msg);
	else
		printf("%s: %s\n", display, msg);
}

static const char *display_name(const char *orig)
{
	const char *slash = strchr(orig, '/');

	return slash ? slash + 1 : orig;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* By enum cdo_inlining: the JSON report's "inlining", --explain's lead. */
static const char *const inlining_names[] = { "same", "uninlined", "newly_inlined" };
static const char *const inlining_leads[] = { "inlined, changed:", "uninlined:       ",
					      "newly inlined:   " };

static void json_source(FILE *f, const struct cdo_source *src)
{
	size_t i;

	fprintf(f, ", \"source\": {\"file\": ");
	json_string(f, src->file);
	fprintf(f, ", \"first_line\": %u, \"last_line\": %u, \"changed_lines\": [", src->first_line,
		src->last_line);
	for (i = 0; i < src->n_changed_lines; i++)
		fprintf(f, "%s%u", i ? ", " : "", src->changed_lines[i]);
	fprintf(f, "]}, \"inlined_changed\": [");
	for (i = 0; i < src->n_inlined; i++) {
		fprintf(f, "%s{\"name\": ", i ? ", " : "");
		json_string(f, src->inlined[i].name);
		fprintf(f, ", \"file\": ");
		json_string(f, src->inlined[i].file);
		fprintf(f, ", \"line\": %u, \"call_line\": %u, \"inlining\": \"%s\"}",
			src->inlined[i].line, src->inlined[i].call_line,
			inlining_names[src->inlined[i].inlining]);
	}
	fprintf(f, "], \"inlined_calls\": [");
	for (i = 0; i < src->n_calls; i++) {
		const struct cdo_inlined_call *c = &src->calls[i];

		fprintf(f, "%s{\"line\": %u, \"depth\": %u, \"name\": ", i ? ", " : "", c->line,
			c->depth);
		json_string(f, c->name);
		fprintf(f, ", \"file\": ");
		json_string(f, c->file);
		fprintf(f, ", \"decl_line\": %u}", c->decl_line);
	}
	fputc(']', f);
}

/* The struct sizes the diff used, and where each came from. */
static void json_struct_sizes(FILE *f, int ind, struct cdo_ctx *ctx)
{
	const struct cdo_struct_size *sz;
	size_t i, n = cdo_result_struct_sizes(ctx, &sz);
	int shown = 0;

	fprintf(f, ",\n%*s\"struct_sizes\": {", ind + 2, "");
	for (i = 0; i < n; i++) {
		if (sz[i].origin == CDO_SIZE_UNKNOWN)
			continue;
		fprintf(f, "%s\n%*s", shown++ ? "," : "", ind + 4, "");
		json_string(f, sz[i].type);
		fprintf(f, ": {\"size\": %u, \"from\": ", sz[i].size);
		if (sz[i].origin == CDO_SIZE_OPTION) {
			json_string(f, sz[i].variable);
		} else {
			json_string(f, "debug info");
			fprintf(f, ", \"file\": ");
			json_string(f, sz[i].file);
		}
		fputc('}', f);
	}
	if (shown)
		fprintf(f, "\n%*s", ind + 2, "");
	fputc('}', f);
}

/*
 * One object's report.  @ind is the indentation of its braces: 0 for a
 * single run, 4 inside the "objects" array of a batch.
 */
static void json_report(FILE *f, int ind, struct cdo_ctx *ctx, const char *object, int status)
{
	static const char *const kinds[CDO_ITEM_KIND_COUNT] = {
		"changed_functions", "new_functions", "new_globals",
		"ignored_functions", "callbacks", "klp_relocations",
	};
	int k;

	fprintf(f, "%*s{\n%*s\"object\": ", ind, "", ind + 2, "");
	json_string(f, object);
	fprintf(f, ",\n%*s\"status\": ", ind + 2, "");
	json_string(f, cdo_status_str(status));
	fprintf(f, ",\n%*s\"message\": ", ind + 2, "");
	json_string(f, status ? cdo_errmsg(ctx) : "");
	json_struct_sizes(f, ind, ctx);
	for (k = 0; k < CDO_ITEM_KIND_COUNT; k++) {
		size_t i, n = cdo_result_count(ctx, (enum cdo_item_kind)k);

		fprintf(f, ",\n%*s\"%s\": [", ind + 2, "", kinds[k]);
		for (i = 0; i < n; i++) {
			const struct cdo_item *it = cdo_result_item(ctx, (enum cdo_item_kind)k, i);

			fprintf(f, "%s\n%*s{\"name\": ", i ? "," : "", ind + 4, "");
			json_string(f, it->name);
			fprintf(f, ", \"section\": ");
			json_string(f, it->section);
			fprintf(f, ", \"objname\": ");
			json_string(f, it->objname);
			fprintf(f, ", \"sympos\": %llu, \"old_addr\": %llu, \"old_size\": %llu, \"new_size\": %llu",
				(unsigned long long)it->sympos, (unsigned long long)it->old_addr,
				(unsigned long long)it->old_size, (unsigned long long)it->new_size);
			if (it->reason) {
				fprintf(f, ", \"reason\": ");
				json_string(f, it->reason);
			}
			if (it->source)
				json_source(f, it->source);
			fputc('}', f);
		}
		if (n)
			fprintf(f, "\n%*s", ind + 2, "");
		fputc(']', f);
	}
	fprintf(f, "\n%*s}", ind, "");
}

/*
 * The --json file is opened under a temporary name before anything is
 * diffed, so an unwritable path fails before an object is written, and
 * renamed into place at the end, so a reader never sees half a report.
 */
struct json_out {
	const char *path;
	char *tmp;
	FILE *f;
	int reports;
	bool batch;
};

static int json_open(struct json_out *j, const char *path, bool batch)
{
	int fd;

	memset(j, 0, sizeof(*j));
	j->path = path;
	j->batch = batch;
	if (asprintf(&j->tmp, "%s.tmp-XXXXXX", path) < 0) {
		j->tmp = NULL;
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(ENOMEM));
		return -1;
	}
	fd = mkstemp(j->tmp);
	if (fd < 0 || !(j->f = fdopen(fd, "w"))) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(j->tmp);
		}
		free(j->tmp);
		j->tmp = NULL;
		return -1;
	}
	if (batch)
		fprintf(j->f, "{\n  \"objects\": [");
	return 0;
}

static void json_add(struct json_out *j, struct cdo_ctx *ctx, const char *object, int status)
{
	if (!j->f)
		return;
	if (j->batch)
		fprintf(j->f, "%s\n", j->reports ? "," : "");
	json_report(j->f, j->batch ? 4 : 0, ctx, object, status);
	if (!j->batch)
		fputc('\n', j->f);
	j->reports++;
}

/* Rename the report into place (@keep) or throw it away; -1 on failure. */
static int json_close(struct json_out *j, bool keep)
{
	int err = 0;

	if (!j->f)
		return 0;
	if (j->batch)
		fprintf(j->f, "%s]\n}\n", j->reports ? "\n  " : "");
	if (fflush(j->f) || ferror(j->f) || fsync(fileno(j->f)))
		err = -1;
	if (fclose(j->f))
		err = -1;
	j->f = NULL;
	if (keep && !err && rename(j->tmp, j->path))
		err = -1;
	if (err)
		fprintf(stderr, "%s: %s: %s\n", prog, j->path, strerror(errno));
	if (err || !keep)
		unlink(j->tmp);
	free(j->tmp);
	j->tmp = NULL;
	return err;
}

/* What the log callback needs to prefix lines; changes per diff in --batch. */
struct log_state {
	const char *display;
};

static void log_line_state(void *user, enum cdo_log_level level, const char *msg)
{
	log_line((void *)((struct log_state *)user)->display, level, msg);
}

static struct cdo_ctx *new_context(const struct cli *cli, char *const args[7], struct log_state *ls,
				   const struct cdo_struct_sizes *sizes)
{
	CDO_OPTS(opts,
		 .threads = cli->threads,
		 .log = log_line_state,
		 .log_user = ls,
		 .log_level = cli->debug ? CDO_LOG_DEBUG : CDO_LOG_INFO,
		 .parent_name = args[2],
		 .parent_symtab = args[3],
		 .symvers = args[4],
		 .klp_arch = cli->klp_arch,
		 .sizes = *sizes,
		 .debuginfo = cli->debuginfo,
		 .dwarf = cli->dwarf | (cli->json || cli->explain ? CDO_DWARF_SOURCE : 0));

	return cdo_new(&opts);
}

/*
 * Does the library's message start with one of the paths we passed?  Then
 * it names the file itself, and prefixing the object's name would show a
 * file name twice ("missing.o: missing.o: No such file or directory").
 */
static bool names_a_file(const char *msg, char *const args[7])
{
	static const int paths[] = { 0, 1, 3, 4, 6 };
	size_t k, n;

	for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		n = strlen(args[paths[k]]);
		if (n && !strncmp(msg, args[paths[k]], n) && msg[n] == ':')
			return true;
	}
	return false;
}

/*
 * What each changed line calls through inlining, one line per callee,
 * indented by depth: the callee may be why the line changed even where
 * none of its own code did.
 */
static void explain_calls(const struct cdo_source *src)
{
	size_t j;

	for (j = 0; j < src->n_calls; j++) {
		const struct cdo_inlined_call *c = &src->calls[j];

		int lead = snprintf(NULL, 0, "line %u inlines: ", c->line);

		if (c->depth == 1 && (!j || src->calls[j - 1].line != c->line))
			printf("  line %u inlines: ", c->line);
		else	/* under the first callee, two more columns a level */
			printf("  %*s", lead + 2 * (int)(c->depth - 1), "");
		if (*c->file)
			printf("%s (%s:%u)\n", c->name, c->file, c->decl_line);
		else	/* a declaration in no file the unit names */
			printf("%s (line %u)\n", c->name, c->decl_line);
	}
}

/* --explain: one block per changed or new function. */
static void explain(struct cdo_ctx *ctx, const char *display)
{
	static const enum cdo_item_kind kinds[] = { CDO_ITEM_CHANGED_FUNC, CDO_ITEM_NEW_FUNC };
	size_t k, i, j;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < cdo_result_count(ctx, kinds[k]); i++) {
			const struct cdo_item *it = cdo_result_item(ctx, kinds[k], i);
			const struct cdo_source *src = it->source;

			printf("%s: %s: %s", display, cdo_item_kind_str(kinds[k]), it->name);
			if (it->reason)
				printf(" (%s)", it->reason);
			putchar('\n');
			if (!src) {
				printf("  no line information (object built without -g?)\n");
				continue;
			}
			printf("  source:        %s:%u-%u\n", src->file, src->first_line, src->last_line);
			if (kinds[k] == CDO_ITEM_CHANGED_FUNC) {
				printf("  changed lines:");
				for (j = 0; j < src->n_changed_lines; j++)
					printf(" %u", src->changed_lines[j]);
				if (src->n_changed_lines)
					putchar('\n');
				else if (src->n_inlined)
					printf(" none in this file\n");
				else	/* what srcdiff.c leaves out: the compiler's choices */
					printf(" none (only registers, stack slots, block order or __LINE__s differ)\n");
			}
			for (j = 0; j < src->n_inlined; j++) {
				const struct cdo_inlined *in = &src->inlined[j];

				printf("  %s %s (%s:%u", inlining_leads[in->inlining], in->name,
				       in->file, in->line);
				if (in->call_line)
					printf(", called at line %u", in->call_line);
				printf(")%s\n", in->inlining == CDO_INLINING_UNINLINED ? ": now a call" :
						 in->inlining == CDO_INLINING_NEWLY ? ": was a call" : "");
			}
			explain_calls(src);
		}
	}
}

/* Diff one pair on @ctx; returns create-diff-object's exit status. */
static int diff_one(const struct cli *cli, struct cdo_ctx *ctx, char *const args[7],
		    struct log_state *ls, struct json_out *json, int *status)
{
	const char *display = display_name(args[0]);
	int err, code;

	ls->display = display;
	/* args[5], the patch module name, is accepted and unused, as upstream */
	written_output = NULL;
	err = cdo_diff(ctx, args[0], args[1]);
	if (!err) {
		sigset_t saved;

		hold_fatal_signals(true, &saved);
		err = cdo_write(ctx, args[6]);
		if (!err)
			written_output = args[6];
		hold_fatal_signals(false, &saved);
	}
	if (cli->explain && !err)
		explain(ctx, display);
	fflush(stdout);
	switch (err) {
	case CDO_OK:
		code = EXIT_OK;
		break;
	case CDO_ERR_NOCHANGE:
		code = EXIT_NO_CHANGE;
		break;
	case CDO_ERR_DIFF:
		fprintf(stderr, "ERROR: %s: %s\n", display, cdo_errmsg(ctx));
		fprintf(stderr, "%s: unreconcilable difference\n", prog);
		code = EXIT_DIFF_FATAL;
		break;
	default:
		if (names_a_file(cdo_errmsg(ctx), args))
			fprintf(stderr, "%s: ERROR: %s\n", prog, cdo_errmsg(ctx));
		else
			fprintf(stderr, "%s: ERROR: %s: %s\n", prog, display, cdo_errmsg(ctx));
		code = EXIT_ERROR;
		break;
	}
	json_add(json, ctx, display, err);
	*status = err;
	return code;
}

static struct cdo_ctx *context_or_complain(const struct cli *cli, char *const args[7],
					   struct log_state *ls,
					   const struct cdo_struct_sizes *sizes)
{
	struct cdo_ctx *ctx = new_context(cli, args, ls, sizes);

	if (!ctx)
		fprintf(stderr, "%s: ERROR: cannot create a diff context: %s\n", prog,
			strerror(errno));
	return ctx;
}

static int run_one(const struct cli *cli, char *const args[7], const struct cdo_struct_sizes *sizes)
{
	struct log_state ls = { display_name(args[0]) };
	struct json_out json = { 0 };
	struct cdo_ctx *ctx;
	int code, status;

	if (cli->json && json_open(&json, cli->json, false))
		return EXIT_ERROR;
	ctx = context_or_complain(cli, args, &ls, sizes);
	if (!ctx) {
		json_close(&json, false);
		return EXIT_ERROR;
	}
	code = diff_one(cli, ctx, args, &ls, &json, &status);
	cdo_free(ctx);
	if (json_close(&json, true) && !code)
		code = EXIT_ERROR;
	return code;
}

static bool same_parent(char *const a[7], char *const b[7])
{
	return !strcmp(a[2], b[2]) && !strcmp(a[3], b[3]) && !strcmp(a[4], b[4]);
}

/*
 * --batch: one line per object pair.  kpatch-build starts one process per
 * changed object; a header change can touch hundreds.  Consecutive lines
 * with the same parent share one context, so the parent's symbol table is
 * parsed once.  The exit status is the worst one seen (3 counts as fine).
 */
static int run_batch(const struct cli *cli, const struct cdo_struct_sizes *sizes)
{
	FILE *f = fopen(cli->batch, "r");
	struct json_out json = { 0 };
	struct cdo_ctx *ctx = NULL;
	struct log_state ls = { "" };
	char *prev[7] = { NULL };
	char *line = NULL;
	size_t cap = 0;
	int worst = EXIT_OK, k;
	unsigned long lineno = 0;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, cli->batch, strerror(errno));
		return EXIT_ERROR;
	}
	if (cli->json && json_open(&json, cli->json, true)) {
		fclose(f);
		return EXIT_ERROR;
	}
	while (getline(&line, &cap, f) > 0) {
		char *args[BATCH_FIELDS];
		int n, code, status;

		lineno++;
		switch (batch_split(line, args, &n)) {
		case 0:
			continue;
		case BATCH_FIELDS:
			break;
		default:
			fprintf(stderr, "%s: %s:%lu: expected %d fields, found %s%d\n", prog, cli->batch,
				lineno, BATCH_FIELDS, n > BATCH_FIELDS ? "more than " : "",
				n > BATCH_FIELDS ? BATCH_FIELDS : n);
			worst = EXIT_ERROR;
			continue;
		}
		if (ctx && !same_parent(prev, args)) {
			cdo_free(ctx);
			ctx = NULL;
		}
		if (!ctx) {
			ctx = context_or_complain(cli, args, &ls, sizes);
			if (!ctx) {
				worst = EXIT_ERROR;
				break;
			}
			for (k = 0; k < 7; k++) {
				free(prev[k]);
				prev[k] = strdup(args[k]);
				if (!prev[k]) {
					fprintf(stderr, "%s: %s\n", prog, strerror(errno));
					worst = EXIT_ERROR;
					goto out;
				}
			}
		}
		code = diff_one(cli, ctx, args, &ls, &json, &status);
		/* a finished pair keeps its output; @args is reused by getline() */
		written_output = NULL;
		/* one line per pair, so a long batch shows where it is */
		printf("%s:%lu: %s: %s\n", cli->batch, lineno, display_name(args[0]),
		       cdo_status_str(status));
		fflush(stdout);
		if (code != EXIT_OK && code != EXIT_NO_CHANGE && (worst == EXIT_OK || code < worst))
			worst = code;
	}
out:
	cdo_free(ctx);
	for (k = 0; k < 7; k++)
		free(prev[k]);
	free(line);
	fclose(f);
	if (json_close(&json, true) && worst == EXIT_OK)
		worst = EXIT_ERROR;
	return worst;
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_BATCH, OPT_USAGE, OPT_HELP, OPT_EXPLAIN, OPT_DEBUGINFO,
	       OPT_NO_DWARF_SIZES, OPT_DWARF_LINE_ONLY };
	static const struct option longopts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "klp-arch", no_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "debuginfo", required_argument, NULL, OPT_DEBUGINFO },
		{ "no-dwarf-sizes", no_argument, NULL, OPT_NO_DWARF_SIZES },
		{ "dwarf-line-only", no_argument, NULL, OPT_DWARF_LINE_ONLY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "usage", no_argument, NULL, OPT_USAGE },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cdo_struct_sizes sizes;
	const char *bad_size;
	struct cli cli = { 0 };
	int c;

	opterr = 0;
	/* leading ':' makes a missing option argument ':' rather than '?' */
	while ((c = getopt_long(argc, argv, ":daj:V?", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cli.debug = 1;
			break;
		case 'a':
			cli.klp_arch = 1;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 256) {
				fprintf(stderr, "%s: invalid thread count '%s'\n", prog, optarg);
				return EXIT_USAGE;
			}
			cli.threads = (unsigned int)v;
			break;
		}
		case OPT_JSON:
			cli.json = optarg;
			break;
		case OPT_BATCH:
			cli.batch = optarg;
			break;
		case OPT_EXPLAIN:
			cli.explain = 1;
			break;
		case OPT_DEBUGINFO:
			cli.debuginfo = optarg;
			break;
		case OPT_NO_DWARF_SIZES:
			cli.dwarf |= CDO_DWARF_NO_SIZES;
			break;
		case OPT_DWARF_LINE_ONLY:
			cli.dwarf |= CDO_DWARF_LINE_ONLY;
			break;
		case OPT_USAGE:
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("create-diff-object (cdo) %s\n", cdo_version());
			return EXIT_OK;
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		case ':':
			fprintf(stderr, "%s: option '%s' requires an argument\n", prog, argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		case '?':
			/* argp's -? is help; anything else getopt did not know is an error */
			if (!strcmp(argv[optind - 1], "-?")) {
				usage(stdout);
				return EXIT_OK;
			}
			fprintf(stderr, "%s: unrecognized option '%s'\n", prog, argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (cli.batch ? optind != argc : argc - optind != 7) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cdo_struct_sizes_from_env(&sizes, &bad_size)) {
		fprintf(stderr, "%s: ERROR: %s: not a struct size: '%s'\n", prog, bad_size,
			getenv(bad_size));
		return EXIT_ERROR;
	}
	catch_fatal_signals();
	return cli.batch ? run_batch(&cli, &sizes) : run_one(&cli, argv + optind, &sizes);
}
