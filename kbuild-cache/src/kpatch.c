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
 * Only module objects change: "-t modules" spares kpatch-build the
 * vmlinux relink of its patched build (modpost reads the restored
 * vmlinux's symbols).  Any doubt keeps kpatch-build's own targets.
 */
static bool only_modules(const char *src, char **patches, int n)
{
	struct patchset ps;
	struct kobjs objs;
	size_t i, m, hits = 0;
	bool mods = true;

	if (patchset_scan(&ps, src, patches, n)) {
		kbc_err_clear();
		return false;
	}
	if (kobjs_load(src, &objs)) {
		kbc_err_clear();
		patchset_free(&ps);
		return false;
	}
	for (i = 0; i < ps.n && mods; i++) {
		if (!ps.f[i].data)
			mods = false;
		for (m = 0; m < objs.n && mods; m++) {
			if (!kobj_depends_on(&objs.v[m], ps.f[i].path))
				continue;
			hits++;
			if (!objs.v[m].module_path)
				mods = false;
		}
	}
	kobjs_free(&objs);
	patchset_free(&ps);
	return mods && hits;
}

int cmd_kpatch_build(struct kbc_opts *o)
{
	const char *env = getenv("KPATCH_BUILD");
	char *script = env && *env ? which(env) : which("kpatch-build");
	char *tools = NULL, *data = NULL, **argv = NULL, *stamp = NULL;
	char **patches = NULL;
	bool has_src = false, has_target = false;
	int i, n = 0, npatches = 0, rc = -1;
	struct kbc_opts b;
	double t0 = now_sec();

	if (!script)
		return kbc_err("kpatch-build not found: set KPATCH_BUILD or put it on PATH");
	if (kpatch_dirs(script, &tools, &data))
		goto out;
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
	b = *o;
	b.bc.cc = xasprintf("%s/kpatch-cc gcc", tools);
	b.bc.ld = xasprintf("%s/kpatch-cc ld", tools);
	b.bc.kcflags = xasprintf("-I%s/patch -ffunction-sections -fdata-sections", data);
	b.bc.no_arch_var = true;
	b.bc.kcflags_env = true;
	b.bc.targets = "vmlinux modules";
	if (cmd_build(&b)) {
		free((char *)b.bc.cc);
		free((char *)b.bc.ld);
		free((char *)b.bc.kcflags);
		goto out;
	}
	free((char *)b.bc.cc);
	free((char *)b.bc.ld);
	free((char *)b.bc.kcflags);
	kbc_info("tree ready in %.0fs; running %s", now_sec() - t0, script);

	argv = xmalloc(((size_t)o->nargs + 6) * sizeof(*argv));
	argv[n++] = script;
	if (!has_src) {
		argv[n++] = "-s";
		argv[n++] = (char *)o->bc.src;
	}
	if (!has_target && npatches && only_modules(o->bc.src, patches, npatches)) {
		kbc_info("the patches change module objects only: adding -t modules");
		argv[n++] = "-t";
		argv[n++] = "modules";
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
	free(tools);
	free(data);
	free(script);
	return rc;
}
