// SPDX-License-Identifier: GPL-2.0
/*
 * klp-conflicts: tell, before a livepatch module is loaded, whether it would
 * replace a function that an active livepatch already replaces.
 *
 *   klp-conflicts [--sysfs DIR] [--kallsyms FILE] [--params DIR] [--replace] PATCH.ko
 *
 * Two functions collide when they have the same object, name and sympos
 * (0 and 1 alike) or, if /proc/kallsyms can be read, the same address
 * (aliases).  This is the rule the kernel applies in klp_enable_patch().
 * The reading and the rule live in klp-lib.h.
 *
 * Exit status: 0 no conflict, 1 conflicts (one line each on stdout),
 * 2 usage or input error (one line on stderr).
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-lib.h"

/* the project's version (the top-level VERSION file), passed by the Makefile */
#ifndef CDO_VERSION
#define CDO_VERSION "unknown"
#endif

static const char *prog = "klp-conflicts";

static int error(const struct klp_err *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg);
	return 2;
}

static void print_conflicts(const struct klp_module *m, const struct klp_fn_list *active,
			    const struct klp_conflict *c, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		const struct klp_fn *f = &m->funcs.v[c[i].mine];
		const struct klp_fn *a = &active->v[c[i].other];

		if (c[i].alias)
			printf("%s: %s %s,%lu is already replaced by %s as %s,%lu\n",
			       m->name, f->obj, f->name, f->pos, a->patch, a->name, a->pos);
		else
			printf("%s: %s %s,%lu is already replaced by %s\n",
			       m->name, f->obj, f->name, f->pos, a->patch);
	}
}

/*
 * Would the kernel load @m despite its conflicts?  The policy is a livepatch
 * parameter (docs/klp-kernel.md, "Policy, override and loading"); kernels
 * with the first version of the series keep it in the sysfs folder.
 */
static const char *kernel_lets_through(const struct klp_module *m, const char *params,
				       const char *sysfs, char *why, size_t len)
{
	char path[4096], policy[64] = "deny", once[256] = "";

	if (!klp_join(path, sizeof(path), params, "conflict_policy") ||
	    !klp_read_line(path, policy, sizeof(policy))) {
		if (klp_join(path, sizeof(path), sysfs, "conflict_policy"))
			klp_read_line(path, policy, sizeof(policy));
	}
	if (klp_join(path, sizeof(path), params, "allow_conflicts_once"))
		klp_read_line(path, once, sizeof(once));

	if (!strcmp(once, m->name))
		snprintf(why, len, "allow_conflicts_once names it");
	else if (!strcmp(policy, "warn") || !strcmp(policy, "allow"))
		snprintf(why, len, "conflict_policy is %s", policy);
	else if (m->allow_conflicts && !strcmp(policy, "deny"))
		snprintf(why, len, "the patch allows conflicts");
	else
		return NULL;
	return why;
}

static int check_one(const char *file, const char *sysfs, const char *kallsyms,
		     const char *params, bool replace)
{
	struct klp_fn_list active = { 0 };
	struct klp_conflict *c = NULL;
	struct klp_ksyms ks = { 0 };
	struct klp_sysfs s = { 0 };
	struct klp_module m;
	struct klp_err err;
	char why[128];
	long n = 0;
	size_t i;
	int rc = 2;

	if (klp_module_read(file, &m, &err))
		return error(&err);
	for (i = 0; i < m.n_unseen; i++)
		fprintf(stderr, "%s: %s: functions of object '%s' are set up at run time; not checked\n",
			prog, file, m.unseen[i]);

	/* An atomic replace patch never conflicts. */
	if (!replace && !m.replace) {
		if (klp_sysfs_read(sysfs, &s, &err) ||
		    klp_sysfs_active(&s, m.name, &active, &err) ||
		    klp_ksyms_read(kallsyms, &ks, &err)) {
			rc = error(&err);
			goto out;
		}
		n = klp_find_conflicts(&m.funcs, &active, &ks, &c, &err);
		if (n < 0) {
			rc = error(&err);
			goto out;
		}
	}
	print_conflicts(&m, &active, c, n);
	if (n && kernel_lets_through(&m, params, sysfs, why, sizeof(why)))
		fprintf(stderr, "%s: note: the kernel would load %s anyway (%s)\n",
			prog, m.name, why);
	rc = n ? 1 : 0;
out:
	free(c);
	klp_fn_list_free(&active);
	klp_ksyms_free(&ks);
	klp_sysfs_free(&s);
	klp_module_free(&m);
	return rc;
}

/* ---- main -------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--sysfs DIR] [--kallsyms FILE] [--params DIR] [--replace] PATCH.ko\n"

		"Lists the functions PATCH.ko would replace that an active livepatch\n"
		"already replaces.  Exit status 0: none, 1: conflicts, 2: error.\n"

		"\n"
		"  --sysfs DIR      the livepatch sysfs folder (/sys/kernel/livepatch)\n"
		"  --kallsyms FILE  the kernel's symbols (/proc/kallsyms)\n"
		"  --params DIR     livepatch's parameters (/sys/module/livepatch/parameters)\n"
		"  --replace        PATCH.ko is an atomic-replace patch\n"

		"  -h, --help       show this help\n"
		"  -V, --version    print the version\n",
		prog);
}

int main(int argc, char **argv)
{
	const char *sysfs = "/sys/kernel/livepatch", *kallsyms = "/proc/kallsyms";
	const char *params = "/sys/module/livepatch/parameters";
	bool replace = false;
	int arg;

	for (arg = 1; arg < argc && argv[arg][0] == '-'; arg++) {
		if (!strcmp(argv[arg], "--sysfs") && arg + 1 < argc) {
			sysfs = argv[++arg];
		} else if (!strcmp(argv[arg], "--kallsyms") && arg + 1 < argc) {
			kallsyms = argv[++arg];
		} else if (!strcmp(argv[arg], "--params") && arg + 1 < argc) {
			params = argv[++arg];
		} else if (!strcmp(argv[arg], "--replace")) {
			replace = true;
		} else if (!strcmp(argv[arg], "--")) {
			arg++;
			break;
		} else if (!strcmp(argv[arg], "--help") || !strcmp(argv[arg], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[arg], "--version") || !strcmp(argv[arg], "-V")) {
			printf("%s (cdo) %s\n", prog, CDO_VERSION);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (arg + 1 != argc) {
		usage(stderr);
		return 2;
	}
	return check_one(argv[arg], sysfs, kallsyms, params, replace);
}
