// SPDX-License-Identifier: GPL-2.0
/*
 * klp-conflicts: tell, before a livepatch module is loaded, whether it would
 * replace a function that an active livepatch already replaces; or, for a
 * set of modules, which version of each function runs after loading them in
 * a given order.
 *
 *   klp-conflicts [--sysfs DIR] [--kallsyms FILE] [--params DIR] [--replace] PATCH.ko
 *   klp-conflicts --order [--json] A.ko B.ko ...
 *
 * Two functions collide when they have the same object, name and sympos
 * (0 and 1 alike) or, if /proc/kallsyms can be read, the same address
 * (aliases).  This is the rule the kernel applies in klp_enable_patch().
 * The reading and the rule live in klp-lib.h, shared with klpctl.
 *
 * Exit status: 0 no conflict (--order: the same result in every order),
 * 1 conflicts (one line each on stdout; --order: the result depends on the
 * order), 2 usage or input error (one line on stderr).
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

/* ---- --order ------------------------------------------------------------ */

static const char *mod_label(const struct klp_order *o, long i)
{
	return i < 0 ? "the original code" : o->mods[i]->name;
}

static void print_names(const struct klp_order *o, const size_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", o->mods[v[i]]->name);
}

static void print_order_text(const struct klp_order *o)
{
	size_t i, j, shared = 0;

	printf("load order:");
	for (i = 0; i < o->nmods; i++)
		printf(" %s%s", o->mods[i]->name, o->mods[i]->replace ? " (replace)" : "");
	printf("\n");
	/* what each replace patch drops when its transition completes */
	for (i = 0; i < o->nmods; i++) {
		const char *sep = " drops ";

		for (j = 0; j < i; j++) {
			if (o->dropped_by[j] != (long)i)
				continue;
			if (*sep == ' ')
				printf("%s (replace)", o->mods[i]->name);
			printf("%s%s", sep, o->mods[j]->name);
			sep = ", ";
		}
		if (*sep == ',')
			printf("\n");
	}
	for (i = 0; i < o->nfns; i++) {
		const struct klp_order_fn *f = &o->fns[i];

		if (f->n_changed > 1)
			shared++;
		if (f->n_changed < 2 && !f->depends)
			continue;
		printf("%s %s,%lu: runs %s", f->fn->obj, f->fn->name, f->fn->pos,
		       mod_label(o, f->runs));
		if (f->n_stacked) {
			printf("; stacked under it: ");
			print_names(o, f->stacked, f->n_stacked);
		}
		printf("; changed by ");
		print_names(o, f->changed_by, f->n_changed);
		if (f->depends) {
			bool sep = false;

			printf("; depends on the order (could also run ");
			for (j = 0; j < f->n_changed; j++) {
				if ((long)f->changed_by[j] == f->runs)
					continue;
				printf("%s%s", sep ? ", " : "", o->mods[f->changed_by[j]]->name);
				sep = true;
			}
			if (f->original_possible && f->runs >= 0)
				printf("%sthe original code", sep ? ", " : "");
			printf(")\n");
		} else {
			printf("; same in every order\n");
		}
	}
	if (o->n_depends)
		printf("result depends on the load order: %zu of %zu functions\n",
		       o->n_depends, o->nfns);
	else
		printf("result is the same in every order: %zu functions, %zu changed by more than one patch\n",
		       o->nfns, shared);
}

static void json_names(const struct klp_order *o, const size_t *v, size_t n)
{
	size_t i;

	printf("[");
	for (i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		klp_json_str(stdout, o->mods[v[i]]->name);
	}
	printf("]");
}

/* One function a line, so that fleet tooling can also grep and diff it. */
static void print_order_json(const struct klp_order *o)
{
	size_t i, j;

	printf("{\n  \"patches\": [\n");
	for (i = 0; i < o->nmods; i++) {
		const struct klp_module *m = o->mods[i];

		printf("    {\"file\": ");
		klp_json_str(stdout, m->path);
		printf(", \"name\": ");
		klp_json_str(stdout, m->name);
		printf(", \"replace\": %s, \"active\": %s, \"dropped_by\": ",
		       m->replace ? "true" : "false", o->dropped_by[i] < 0 ? "true" : "false");
		if (o->dropped_by[i] < 0)
			printf("null");
		else
			klp_json_str(stdout, o->mods[o->dropped_by[i]]->name);
		printf("}%s\n", i + 1 < o->nmods ? "," : "");
	}
	printf("  ],\n  \"functions\": [\n");
	for (i = 0; i < o->nfns; i++) {
		const struct klp_order_fn *f = &o->fns[i];
		bool sep = false;

		printf("    {\"object\": ");
		klp_json_str(stdout, f->fn->obj);
		printf(", \"function\": ");
		klp_json_str(stdout, f->fn->name);
		printf(", \"sympos\": %lu, \"changed_by\": ", f->fn->pos);
		json_names(o, f->changed_by, f->n_changed);
		printf(", \"runs\": ");
		if (f->runs < 0)
			printf("null");
		else
			klp_json_str(stdout, o->mods[f->runs]->name);
		printf(", \"stacked\": ");
		json_names(o, f->stacked, f->n_stacked);
		printf(", \"order_dependent\": %s, \"possible\": [", f->depends ? "true" : "false");
		for (j = 0; j < f->n_changed; j++) {
			printf("%s", sep ? ", " : "");
			klp_json_str(stdout, o->mods[f->changed_by[j]]->name);
			sep = true;
		}
		printf("], \"original_possible\": %s}%s\n",
		       f->original_possible ? "true" : "false", i + 1 < o->nfns ? "," : "");
	}
	printf("  ],\n  \"order_dependent\": %s,\n  \"order_dependent_functions\": %zu\n}\n",
	       o->n_depends ? "true" : "false", o->n_depends);
}

static int plan_order(char **files, int nfiles, bool json)
{
	struct klp_module *mods = calloc(nfiles, sizeof(*mods));
	const struct klp_module **order = calloc(nfiles, sizeof(*order));
	struct klp_order o = { 0 };
	struct klp_err err;
	int i, j, loaded = 0, rc = 2;

	if (!mods || !order) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	/* everything is read and checked before the first line is printed */
	for (i = 0; i < nfiles; i++) {
		if (klp_module_read(files[i], &mods[i], &err)) {
			error(&err);
			goto out;
		}
		loaded++;
		order[i] = &mods[i];
		if (mods[i].n_unseen) {
			fprintf(stderr, "%s: %s: functions of object '%s' are set up at run time; the order cannot be planned without them\n",
				prog, files[i], mods[i].unseen[0]);
			goto out;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(mods[i].name, mods[j].name)) {
				fprintf(stderr, "%s: %s: patch '%s' is already given as %s\n",
					prog, files[i], mods[i].name, files[j]);
				goto out;
			}
		}
	}
	if (klp_order_plan(order, nfiles, &o, &err)) {
		error(&err);
		goto out;
	}
	if (json)
		print_order_json(&o);
	else
		print_order_text(&o);
	rc = o.n_depends ? 1 : 0;
	klp_order_free(&o);
out:
	for (i = 0; i < loaded; i++)
		klp_module_free(&mods[i]);
	free(mods);
	free(order);
	return rc;
}

/* ---- main -------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--sysfs DIR] [--kallsyms FILE] [--params DIR] [--replace] PATCH.ko\n"
		"       %s --order [--json] A.ko B.ko ...\n"
		"Lists the functions PATCH.ko would replace that an active livepatch\n"
		"already replaces.  Exit status 0: none, 1: conflicts, 2: error.\n"
		"With --order: which patch's version of each function runs after loading\n"
		"the modules in the given order.  Exit status 0: the same in every order,\n"
		"1: the result depends on the order, 2: error.\n"
		"\n"
		"  --sysfs DIR      the livepatch sysfs folder (/sys/kernel/livepatch)\n"
		"  --kallsyms FILE  the kernel's symbols (/proc/kallsyms)\n"
		"  --params DIR     livepatch's parameters (/sys/module/livepatch/parameters)\n"
		"  --replace        PATCH.ko is an atomic-replace patch\n"
		"  --order          plan the load of A.ko B.ko ... in this order\n"
		"  --json           with --order: JSON on stdout\n"
		"  -h, --help       show this help\n"
		"  -V, --version    print the version\n",
		prog, prog);
}

int main(int argc, char **argv)
{
	const char *sysfs = "/sys/kernel/livepatch", *kallsyms = "/proc/kallsyms";
	const char *params = "/sys/module/livepatch/parameters";
	bool replace = false, order = false, json = false;
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
		} else if (!strcmp(argv[arg], "--order")) {
			order = true;
		} else if (!strcmp(argv[arg], "--json")) {
			json = true;
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
	if (order) {
		if (arg == argc || replace) {
			usage(stderr);
			return 2;
		}
		return plan_order(argv + arg, argc - arg, json);
	}
	if (arg + 1 != argc || json) {
		usage(stderr);
		return 2;
	}
	return check_one(argv[arg], sysfs, kallsyms, params, replace);
}
