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
	char *copy = xstrdup(script), *dir = dirname(copy), *probe;

	probe = xasprintf("%s/create-diff-object", dir);
	if (is_file(probe)) {
		*tools = xstrdup(dir);
		*data = xasprintf("%s/../kmod", dir);
	} else {
		*tools = xasprintf("%s/../libexec/kpatch", dir);
		*data = xasprintf("%s/../share/kpatch", dir);
	}
	free(probe);
	free(copy);
	probe = xasprintf("%s/kpatch-cc", *tools);
	if (!is_file(probe)) {
		kbc_err("%s: no kpatch-cc beside this kpatch-build (looked in %s)", script, *tools);
		free(probe);
		return -1;
	}
	free(probe);
	return 0;
}

static bool opt_is(const char *a, const char *s, const char *l)
{
	return !strcmp(a, s) || !strcmp(a, l);
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
static char **patch_targets(const char *src, char **patches, int n, size_t *count)
{
	struct patchset ps;
	struct kobjs objs;
	char **t = NULL;
	size_t i, m, nt = 0;
	bool ok = true;

	*count = 0;
	if (patchset_scan(&ps, src, patches, n)) {
		kbc_err_clear();
		return NULL;
	}
	if (kobjs_load(src, &objs)) {
		kbc_err_clear();
		patchset_free(&ps);
		return NULL;
	}
	t = xmalloc((objs.n + 1) * sizeof(*t));
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
		}
		if (!hits)
			ok = false;
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

int kpatch_build_conf(struct build_conf *bc, struct kpatch_vars *kv)
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
	kv->kcflags = xasprintf("-I%s/patch -ffunction-sections -fdata-sections", data);
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
	char *script, **argv = NULL, *stamp = NULL;
	char **patches = NULL, **targets = NULL;
	size_t ntargets = 0, t;
	bool has_src = false, has_target = false;
	int i, n = 0, npatches = 0, rc = -1;
	struct kbc_opts b;
	double t0 = now_sec();

	b = *o;
	if (kpatch_build_conf(&b.bc, &kv))
		return -1;
	script = kv.script;
	patches = xmalloc(((size_t)o->nargs + 1) * sizeof(*patches));
	/* what of kpatch-build's own arguments matters here */
	for (i = 0; i < o->nargs; i++) {
		const char *a = o->args[i];

		if (opt_is(a, "-s", "--sourcedir") && i + 1 < o->nargs) {
			o->bc.src = realpath(o->args[++i], NULL);
			if (!o->bc.src) {
				kbc_errno("%s", o->args[i]);
				goto out;
			}
			has_src = true;
		} else if (opt_is(a, "-c", "--config") && i + 1 < o->nargs) {
			o->bc.config = o->args[++i];
		} else if (opt_is(a, "-t", "--target")) {
			has_target = true;
			i++;
		} else if (a[0] == '-') {
			/* options with a value: skip it so it is not taken for a patch */
			if (i + 1 < o->nargs &&
			    (opt_is(a, "-r", "--sourcerpm") || opt_is(a, "-n", "--name") ||
			     opt_is(a, "-o", "--output") || opt_is(a, "-v", "--vmlinux") ||
			     opt_is(a, "-j", "--jobs") || opt_is(a, "-a", "--archversion") ||
			     opt_is(a, "-d", "--debug-level") || !strcmp(a, "--oot-module") ||
			     !strcmp(a, "--oot-module-src")))
				i++;
		} else {
			patches[npatches++] = o->args[i];
		}
	}

	/* the original build exactly as kpatch-build runs it */
	b.bc.src = o->bc.src;
	b.bc.config = o->bc.config;
	if (cmd_build(&b))
		goto out;
	kbc_info("tree ready in %.0fs; running %s", now_sec() - t0, script);

	if (!has_target && npatches)
		targets = patch_targets(o->bc.src, patches, npatches, &ntargets);
	argv = xmalloc(((size_t)o->nargs + 2 * ntargets + 6) * sizeof(*argv));
	argv[n++] = script;
	if (!has_src) {
		argv[n++] = "-s";
		argv[n++] = (char *)o->bc.src;
	}
	if (targets) {
		kbc_info("the patches change %zu object%s: building only %s with -t",
			 ntargets, ntargets == 1 ? "" : "s", ntargets == 1 ? "it" : "them");
		for (t = 0; t < ntargets; t++) {
			argv[n++] = "-t";
			argv[n++] = targets[t];
		}
	}
	for (i = 0; i < o->nargs; i++) {
		/*
		 * -c would copy the config over the restored .config, and its
		 * new mtime would make kbuild run syncconfig; the restored
		 * .config is the built one, which kpatch-build reads instead.
		 */
		if (opt_is(o->args[i], "-c", "--config") && i + 1 < o->nargs) {
			i++;
			continue;
		}
		argv[n++] = o->args[i];
	}
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
	free(patches);
	for (t = 0; t < ntargets; t++)
		free(targets[t]);
	free(targets);
	kpatch_vars_free(&kv);
	return rc;
}
