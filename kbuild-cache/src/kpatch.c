// SPDX-License-Identifier: GPL-2.0
#include "kpatch.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcmd.h"
#include "patchset.h"
#include "util.h"

/* kpatch-build's find_dirs: tools and data beside the script or installed. */
static int kpatch_dirs(const char *script, char **tools, char **data)
{
	char *copy = xstrdup(script), *dir = realpath(dirname(copy), NULL), *probe, *t, *d;
	int rc = -1;

	if (!dir) {
		free(copy);
		return kbc_errno("%s", script);
	}
	/*
	 * Canonical, as kpatch-build's readlink -f makes them: the CC= and
	 * KCFLAGS= strings must be kpatch-build's own, byte for byte, or
	 * kbuild sees other command lines and rebuilds everything.
	 */
	probe = xasprintf("%s/create-diff-object", dir);
	if (is_file(probe)) {
		t = xstrdup(dir);
		d = xasprintf("%s/../kmod", dir);
	} else {
		t = xasprintf("%s/../libexec/kpatch", dir);
		d = xasprintf("%s/../share/kpatch", dir);
	}
	free(probe);
	*tools = realpath(t, NULL);
	*data = realpath(d, NULL);
	probe = xasprintf("%s/kpatch-cc", *tools ? *tools : t);
	if (!*tools || !*data || !is_file(probe))
		kbc_err("%s: no kpatch-cc beside this kpatch-build (looked in %s)", script, t);
	else
		rc = 0;
	free(probe);
	free(t);
	free(d);
	free(dir);
	free(copy);
	if (rc) {
		free(*tools);
		free(*data);
		*tools = *data = NULL;
	}
	return rc;
}

/* kpatch-build's options, as its getopt line has them */
static const struct kpb_opt {
	char s;
	const char *l;
	bool arg;
} kpb_opts[] = {
	{ 'h', "help", false },		{ 'a', "archversion", true },
	{ 'r', "sourcerpm", true },	{ 's', "sourcedir", true },
	{ 'c', "config", true },	{ 'v', "vmlinux", true },
	{ 'j', "jobs", true },		{ 't', "target", true },
	{ 'n', "name", true },		{ 'o', "output", true },
	{ 0, "oot-module", true },	{ 0, "oot-module-src", true },
	{ 'd', "debug", false },	{ 0, "skip-gcc-check", false },
	{ 0, "skip-compiler-check", false }, { 0, "skip-cleanup", false },
	{ 'R', "non-replace", false },	{ 0, "version", false },
};

static const struct kpb_opt *kpb_short(char c)
{
	size_t i;

	for (i = 0; i < sizeof(kpb_opts) / sizeof(kpb_opts[0]); i++)
		if (kpb_opts[i].s && kpb_opts[i].s == c)
			return &kpb_opts[i];
	return NULL;
}

/* getopt_long's matching: exact, else a unique prefix */
static const struct kpb_opt *kpb_long(const char *name, size_t len)
{
	const struct kpb_opt *hit = NULL;
	size_t i;

	for (i = 0; i < sizeof(kpb_opts) / sizeof(kpb_opts[0]); i++) {
		if (strncmp(kpb_opts[i].l, name, len))
			continue;
		if (strlen(kpb_opts[i].l) == len)
			return &kpb_opts[i];
		if (hit)
			return NULL;
		hit = &kpb_opts[i];
	}
	return hit;
}

struct kpb_args {
	const char *src;	/* -s, or NULL */
	const char *config;	/* -c, or NULL */
	bool has_target;
	bool skip_compiler_check;
	char **patches;		/* the non-option arguments */
	int npatches;
	char **pass;		/* the arguments without -c, for kpatch-build */
	int npass;
	char **owned;		/* rewritten clusters */
	int nowned;
};

static void kpb_take(struct kpb_args *pa, char id, const char *val)
{
	if (id == 's')
		pa->src = val;
	else if (id == 'c')
		pa->config = val;
	else if (id == 't')
		pa->has_target = true;
}

/*
 * Read kpatch-build's arguments the way its getopt does (clusters like
 * "-dR", attached values "-nfoo" and "--name=foo", unique long prefixes,
 * options after patches, "--"), so that a value is never taken for a
 * patch.  -c is left out of what kpatch-build gets: it would copy the
 * config over the restored .config, whose new mtime makes kbuild run
 * syncconfig; the restored .config is the built one, which kpatch-build
 * reads instead.
 */
static void kpb_parse(char **args, int nargs, struct kpb_args *pa)
{
	int i;

	memset(pa, 0, sizeof(*pa));
	pa->patches = xmalloc(((size_t)nargs + 1) * sizeof(char *));
	pa->pass = xmalloc(((size_t)nargs + 1) * sizeof(char *));
	pa->owned = xmalloc(((size_t)nargs + 1) * sizeof(char *));
	for (i = 0; i < nargs; i++) {
		char *a = args[i];

		if (!strcmp(a, "--")) {
			pa->pass[pa->npass++] = a;
			for (i++; i < nargs; i++) {
				pa->patches[pa->npatches++] = args[i];
				pa->pass[pa->npass++] = args[i];
			}
			break;
		}
		if (a[0] != '-' || !a[1]) {
			pa->patches[pa->npatches++] = a;
			pa->pass[pa->npass++] = a;
		} else if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct kpb_opt *opt = kpb_long(a + 2, len);
			const char *val = NULL;
			bool next = false;

			if (opt && opt->arg) {
				val = eq ? eq + 1 : (i + 1 < nargs ? args[i + 1] : NULL);
				next = !eq && val;
			}
			if (opt)
				kpb_take(pa, opt->s ? opt->s : 0, val);
			if (opt && (!strcmp(opt->l, "skip-compiler-check") || !strcmp(opt->l, "skip-gcc-check")))
				pa->skip_compiler_check = true;
			if (!(opt && opt->s == 'c')) {
				pa->pass[pa->npass++] = a;
				if (next)
					pa->pass[pa->npass++] = args[i + 1];
			}
			i += next;
		} else {
			/* a cluster of short options ("-dR", "-nfoo", "-dn foo"); a value ends it */
			char *keep = xstrdup(a);	/* "-" and what is kept of the cluster */
			size_t k = 1, j;
			char valopt = 0;
			bool next = false;

			for (j = 1; a[j]; j++) {
				const struct kpb_opt *opt = kpb_short(a[j]);

				if (!opt || !opt->arg) {
					keep[k++] = a[j];
					continue;
				}
				valopt = opt->s;
				if (a[j + 1]) {
					kpb_take(pa, valopt, a + j + 1);
				} else if (i + 1 < nargs) {
					kpb_take(pa, valopt, args[i + 1]);
					next = true;
				}
				if (valopt != 'c') {
					/* the option and an attached value, as written */
					memcpy(keep + k, a + j, strlen(a + j));
					k += strlen(a + j);
				}
				break;
			}
			keep[k] = 0;
			if (k > 1) {
				pa->owned[pa->nowned++] = keep;
				pa->pass[pa->npass++] = keep;
			} else {
				free(keep);
			}
			if (next) {
				if (valopt != 'c')
					pa->pass[pa->npass++] = args[i + 1];
				i++;
			}
		}
	}
}

static void kpb_free(struct kpb_args *pa)
{
	int i;

	for (i = 0; i < pa->nowned; i++)
		free(pa->owned[i]);
	free(pa->owned);
	free(pa->patches);
	free(pa->pass);
}

/*
 * The objects the patches change, from the cached .cmd dependency lists,
 * as kpatch-build "-t" targets: its original build then finds nothing to
 * do, and its patched build compiles exactly those objects and relinks
 * neither vmlinux nor a module (kpatch-build takes its parents from the
 * restored vmlinux and modules, and its patched objects from what
 * kpatch-cc saw compiled).  NULL when a patch adds a file or touches one
 * no object depends on (a Makefile, a Kconfig, a script): kpatch-build's
 * own goals then stay.
 */
static char **patch_targets(const char *src, const char *index, char **patches, int n,
			    size_t *count, size_t *nmodules)
{
	struct patchset ps;
	struct kobjs objs;
	char **t = NULL;
	size_t i, m, nt = 0;
	bool ok = true, in_module = false;

	*count = 0;
	*nmodules = 0;
	if (patchset_scan(&ps, src, patches, n)) {
		kbc_err_clear();
		return NULL;
	}
	if (kobjs_load_indexed(src, index, &objs)) {
		kbc_err_clear();
		patchset_free(&ps);
		return NULL;
	}
	t = xmalloc((objs.n + 2) * sizeof(*t));
	for (i = 0; i < ps.n && ok; i++) {
		size_t hits = 0;

		if (!ps.f[i].data) {	/* a new file: nothing cached depends on it */
			ok = false;
			break;
		}
		for (m = 0; m < objs.n; m++) {
			size_t k;

			if (!kobj_depends_on(&objs.v[m], ps.f[i].path))
				continue;
			hits++;
			for (k = 0; k < nt && strcmp(t[k], objs.v[m].obj); k++)
				;
			if (k == nt)
				t[nt++] = xstrdup(objs.v[m].obj);
			in_module = in_module || objs.v[m].module_path;
		}
		if (!hits)
			ok = false;
	}
	/*
	 * kpatch-build takes a patched module from its link (kpatch-cc copies
	 * each .ko that ld writes), so a changed module object brings the
	 * "modules" goal: it relinks only the modules whose objects changed.
	 * Not the module's own .ko target: its modpost sees no other
	 * module's exports and fails on ext4's calls into jbd2.  vmlinux is no
	 * goal: its objects' parent is the restored one.
	 */
	if (ok && in_module) {
		t[nt++] = xstrdup("modules");
		*nmodules = 1;
	}
	kobjs_free(&objs);
	patchset_free(&ps);
	if (!ok || !nt) {
		for (i = 0; i < nt; i++)
			free(t[i]);
		free(t);
		return NULL;
	}
	*count = nt;
	return t;
}

/*
 * kpatch-build adds -gz=none to KCFLAGS when gcc compiles an empty file
 * with it and prints nothing (its gcc_version_check(), which
 * --skip-compiler-check skips).
 */
static bool gcc_takes_gz_none(void)
{
	static const char text[] = "void kpatch_test(void);\nvoid kpatch_test(void) { }\n";
	char dir[] = "/tmp/kbc-gz-XXXXXX";
	char *c, *o, *out = NULL;
	bool ok = false;

	if (!mkdtemp(dir))
		return false;
	c = xasprintf("%s/test.c", dir);
	o = xasprintf("%s/test.o", dir);
	if (!write_file_atomic(c, text, sizeof(text) - 1)) {
		char *argv[] = { "gcc", "-c", "-gz=none", "-o", o, c, NULL };

		ok = run_cmd(argv, NULL, &out, NULL) == 0 && (!out || !*out);
	}
	kbc_err_clear();
	unlink(c);
	unlink(o);
	rmdir(dir);
	free(out);
	free(c);
	free(o);
	return ok;
}

int kpatch_build_conf(struct build_conf *bc, struct kpatch_vars *kv, bool skip_compiler_check)
{
	const char *env = getenv("KPATCH_BUILD");
	char *tools = NULL, *data = NULL;

	memset(kv, 0, sizeof(*kv));
	kv->script = env && *env ? which(env) : which("kpatch-build");
	if (!kv->script)
		return kbc_err("kpatch-build not found: set KPATCH_BUILD or put it on PATH");
	if (kpatch_dirs(kv->script, &tools, &data)) {
		kpatch_vars_free(kv);
		return -1;
	}
	kv->cc = xasprintf("%s/kpatch-cc gcc", tools);
	kv->ld = xasprintf("%s/kpatch-cc ld", tools);
	kv->kcflags = xasprintf("-I%s/patch -ffunction-sections -fdata-sections%s", data,
				!skip_compiler_check && gcc_takes_gz_none() ? " -gz=none" : "");
	free(tools);
	free(data);
	bc->cc = kv->cc;
	bc->ld = kv->ld;
	bc->kcflags = kv->kcflags;
	bc->no_arch_var = true;
	bc->kcflags_env = true;
	bc->targets = "vmlinux modules";
	return 0;
}

void kpatch_vars_free(struct kpatch_vars *kv)
{
	free(kv->script);
	free(kv->cc);
	free(kv->ld);
	free(kv->kcflags);
	memset(kv, 0, sizeof(*kv));
}

int cmd_kpatch_build(struct kbc_opts *o)
{
	struct kpatch_vars kv;
	struct kpb_args pa;
	char **argv = NULL, *stamp = NULL, *src = NULL;
	char **targets = NULL;
	size_t ntargets = 0, nmodules = 0, t;
	int i, n = 0, rc = -1;
	struct kbc_opts b;
	double t0 = now_sec();

	b = *o;
	kpb_parse(o->args, o->nargs, &pa);
	if (kpatch_build_conf(&b.bc, &kv, pa.skip_compiler_check)) {
		kpb_free(&pa);
		return -1;
	}
	if (pa.src) {
		src = realpath(pa.src, NULL);
		if (!src) {
			kbc_errno("%s", pa.src);
			goto out;
		}
		o->bc.src = src;
	}
	if (pa.config)
		o->bc.config = pa.config;

	/* the original build exactly as kpatch-build runs it */
	b.bc.src = o->bc.src;
	b.bc.config = o->bc.config;
	if (cmd_build(&b))
		goto out;
	kbc_info("tree ready in %.0fs; running %s", now_sec() - t0, kv.script);

	if (!pa.has_target && pa.npatches) {
		struct store s;

		if (!store_open(&s, b.cache, NULL, 1)) {
			char *index = store_derived_path(&s, b.built_key, KOBJS_INDEX_NAME);

			targets = patch_targets(o->bc.src, index, pa.patches, pa.npatches, &ntargets,
						&nmodules);
			free(index);
			store_close(&s);
		}
		kbc_err_clear();
	}
	argv = xmalloc(((size_t)pa.npass + 2 * ntargets + 6) * sizeof(*argv));
	argv[n++] = kv.script;
	if (!pa.src) {
		argv[n++] = "-s";
		argv[n++] = (char *)o->bc.src;
	}
	if (targets) {
		size_t nobjs = ntargets - nmodules;

		if (nmodules)
			kbc_info("the patches change %zu object%s: building only %s and their modules with -t",
				 nobjs, nobjs == 1 ? "" : "s", nobjs == 1 ? "it" : "them");
		else
			kbc_info("the patches change %zu object%s: building only %s with -t", nobjs,
				 nobjs == 1 ? "" : "s", nobjs == 1 ? "it" : "them");
		for (t = 0; t < ntargets; t++) {
			argv[n++] = "-t";
			argv[n++] = targets[t];
		}
	}
	for (i = 0; i < pa.npass; i++)
		argv[n++] = pa.pass[i];
	argv[n] = NULL;
	rc = run_cmd(argv, NULL, NULL, NULL);
	/* kpatch-build rebuilt objects in the tree: it is no longer the cached state */
	stamp = xasprintf("%s/.kbuild-cache-restored", o->bc.src);
	unlink(stamp);
	if (rc < 0)
		goto out;
	kbc_info("kpatch-build exited %d after %.0fs in all", rc, now_sec() - t0);
out:
	free(stamp);
	free(argv);
	kpb_free(&pa);
	for (t = 0; t < ntargets; t++)
		free(targets[t]);
	free(targets);
	kpatch_vars_free(&kv);
	free(src);
	return rc;
}
