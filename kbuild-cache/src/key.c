// SPDX-License-Identifier: GPL-2.0
#include "key.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "tree.h"
#include "util.h"

/* Bumped when the entry layout or the meaning of an input changes. */
#define KEY_FORMAT "kbuild-cache-entry 1"

void key_add(struct key *k, const char *name, const char *value)
{
	k->in = xrealloc(k->in, (k->n + 1) * sizeof(*k->in));
	k->in[k->n].name = xstrdup(name);
	k->in[k->n].value = xstrdup(value);
	k->n++;
}

void key_finish(struct key *k)
{
	struct kbc_hasher *h = hasher_new();
	size_t i;

	for (i = 0; i < k->n; i++) {
		hasher_str(h, k->in[i].name);
		hasher_str(h, k->in[i].value);
	}
	hasher_finish(h, k->hex);
}

void key_free(struct key *k)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		free(k->in[i].name);
		free(k->in[i].value);
	}
	free(k->in);
	if (k->tree) {
		tree_list_free(k->tree);
		free(k->tree);
	}
	memset(k, 0, sizeof(*k));
}

const char *key_get(const struct key *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->in[i].name, name))
			return k->in[i].value;
	return NULL;
}

static const char *kernel_arch(void)
{
	static struct utsname u;

	if (uname(&u))
		return "x86_64";
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	if (!strncmp(u.machine, "ppc64", 5))
		return "powerpc";
	if (!strcmp(u.machine, "s390x"))
		return "s390";
	return u.machine;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

void build_conf_defaults(struct build_conf *bc)
{
	if (!bc->arch)
		bc->arch = env_or("ARCH", kernel_arch());
	if (!bc->cc)
		bc->cc = env_or("CC", "gcc");
	if (!bc->ld)
		bc->ld = env_or("LD", "ld");
	if (!bc->kcflags)
		bc->kcflags = env_or("KCFLAGS", "-ffunction-sections -fdata-sections");
	if (!bc->targets)
		bc->targets = "vmlinux modules";
	/* kbuild embeds these in the image; fixed, they make the build repeatable */
	if (!bc->timestamp)
		bc->timestamp = env_or("KBUILD_BUILD_TIMESTAMP", "Thu Jan  1 00:00:00 UTC 1970");
	if (!bc->user)
		bc->user = env_or("KBUILD_BUILD_USER", "kbuild-cache");
	if (!bc->host)
		bc->host = env_or("KBUILD_BUILD_HOST", "kbuild-cache");
}

int check_kernel_tree(const char *src)
{
	static const char *const need[] = { "Makefile", "Kconfig", "scripts/Kbuild.include" };
	size_t i;

	if (!is_dir(src))
		return kbc_err("%s: no such directory", src);
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char *p = xasprintf("%s/%s", src, need[i]);
		bool ok = is_file(p);

		free(p);
		if (!ok)
			return kbc_err("%s: not a kernel source tree (no %s)", src, need[i]);
	}
	return 0;
}

/* First line of `cmd --version`, or "" when it cannot run. */
static char *tool_version(const char *cmd)
{
	char *line = xasprintf("%s --version 2>/dev/null | head -n 1", cmd);
	char *out = NULL;

	if (run_sh(line, NULL, &out, NULL) != 0) {
		free(out);
		out = xstrdup("");
	}
	free(line);
	chomp(out);
	return out;
}

/* Hash of every word of a command that is an executable (wrapper and compiler). */
static char *tool_binaries(const char *cmd)
{
	char *copy = xstrdup(cmd), *w, *save = NULL;
	char *acc = xstrdup("");

	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *path, hex[KBC_HEX_LEN + 1], *n;

		if (*w == '-' || strchr(w, '='))
			continue;
		path = which(w);
		if (!path)
			continue;
		if (hash_file(path, hex, NULL)) {
			free(path);
			continue;
		}
		n = xasprintf("%s%s%s:%s", acc, *acc ? " " : "", path, hex);
		free(acc);
		acc = n;
		free(path);
	}
	free(copy);
	return acc;
}

/* Hash of the file `CC -print-prog-name=NAME` / `-print-file-name=NAME` names. */
static char *compiler_file(const char *cc, const char *opt, const char *name, const char *suffix)
{
	char *line = xasprintf("%s %s=%s 2>/dev/null", cc, opt, name);
	char *out = NULL, *res, hex[KBC_HEX_LEN + 1], *path;

	if (run_sh(line, NULL, &out, NULL) != 0) {
		free(line);
		free(out);
		return xstrdup("none");
	}
	free(line);
	chomp(out);
	path = *out == '/' ? xasprintf("%s%s", out, suffix) : which(out);
	if (!path || hash_file(path, hex, NULL)) {
		kbc_err_clear();
		res = xstrdup("none");
	} else {
		res = xasprintf("%s:%s", path, hex);
	}
	free(path);
	free(out);
	return res;
}

static bool config_has(const char *text, const char *opt)
{
	const char *p = text;
	size_t n = strlen(opt);

	while ((p = strstr(p, opt))) {
		if ((p == text || p[-1] == '\n') && p[n] == '=' && p[n + 1] == 'y')
			return true;
		p += n;
	}
	return false;
}

/* What the toolchain says about itself: a few processes, run beside the tree hash. */
struct toolchain {
	const struct build_conf *bc;
	bool btf;
	char *cc_version, *cc_binary, *cc1, *as, *plugin, *ld_version, *ld_binary, *pahole;
};

static void *probe_toolchain(void *arg)
{
	struct toolchain *t = arg;
	const struct build_conf *bc = t->bc;

	t->cc_version = tool_version(bc->cc);
	t->cc_binary = tool_binaries(bc->cc);
	t->cc1 = compiler_file(bc->cc, "-print-prog-name", "cc1", "");
	t->as = compiler_file(bc->cc, "-print-prog-name", "as", "");
	t->plugin = compiler_file(bc->cc, "-print-file-name", "plugin", "/include/plugin-version.h");
	t->ld_version = tool_version(bc->ld);
	t->ld_binary = tool_binaries(bc->ld);
	t->pahole = t->btf ? tool_version("pahole") : NULL;
	/* nothing in here fails the key: a tool that cannot say is hashed as "" or "none" */
	kbc_err_clear();
	return NULL;
}

static void toolchain_free(struct toolchain *t)
{
	free(t->cc_version);
	free(t->cc_binary);
	free(t->cc1);
	free(t->as);
	free(t->plugin);
	free(t->ld_version);
	free(t->ld_binary);
	free(t->pahole);
}

int key_compute(const struct build_conf *bc, struct key *k)
{
	struct tree_list tl;
	char hex[KBC_HEX_LEN + 1], gitid[80], *s, *cfg;
	uint64_t nfiles = 0;
	size_t cfglen, i;
	double t0 = now_sec();
	struct toolchain tc = { 0 };
	pthread_t probe;
	bool probing = false;

	memset(k, 0, sizeof(*k));
	if (check_kernel_tree(bc->src))
		return -1;
	cfg = read_file(bc->config, &cfglen);
	if (!cfg)
		return kbc_errno("%s: cannot read config", bc->config);
	if (!strstr(cfg, "CONFIG_")) {
		free(cfg);
		return kbc_err("%s: not a kernel config (no CONFIG_ line)", bc->config);
	}
	key_add(k, "format", KEY_FORMAT);
	key_add(k, "arch", bc->arch);

	/*
	 * The toolchain's processes (gcc, ld, a shell each) mostly wait; on a
	 * tree with a stat cache they would take as long as the tree itself.
	 */
	tc.bc = bc;
	tc.btf = config_has(cfg, "CONFIG_DEBUG_INFO_BTF");
	if (pthread_create(&probe, NULL, probe_toolchain, &tc) != 0)
		probe_toolchain(&tc);
	else
		probing = true;

	if (git_clean_tree_id(bc->src, gitid, sizeof(gitid)) == 0) {
		s = xasprintf("git-tree %s", gitid);
	} else if (tree_walk(bc->src, &tl)) {
		s = NULL;
	} else {
		kbc_debug("walked %zu files in %.2fs", tl.n, now_sec() - t0);
		s = tree_source_hash(bc->src, &tl, hex, &nfiles) ? NULL :
			xasprintf("tree %s (%llu files)", hex, (unsigned long long)nfiles);
		k->tree = xmalloc(sizeof(*k->tree));
		*k->tree = tl;
	}
	if (probing)
		pthread_join(probe, NULL);
	if (!s) {
		toolchain_free(&tc);
		free(cfg);
		key_free(k);
		return -1;
	}
	key_add(k, "source", s);
	free(s);
	kbc_debug("source hashed in %.2fs", now_sec() - t0);

	hash_buf(cfg, cfglen, hex);
	key_add(k, "config", hex);

	key_add(k, "CC", bc->cc);
	key_add(k, "cc-version", tc.cc_version);
	key_add(k, "cc-binary", tc.cc_binary);
	key_add(k, "cc1", tc.cc1);
	key_add(k, "as", tc.as);
	key_add(k, "gcc-plugin-abi", tc.plugin);

	key_add(k, "LD", bc->ld);
	key_add(k, "ld-version", tc.ld_version);
	key_add(k, "ld-binary", tc.ld_binary);

	if (tc.pahole)
		key_add(k, "pahole-version", tc.pahole);
	toolchain_free(&tc);
	free(cfg);

	key_add(k, "KCFLAGS", bc->kcflags);
	if (bc->no_arch_var || bc->kcflags_env)
		key_add(k, "make-line", bc->no_arch_var ? "kpatch-build (no ARCH=, KCFLAGS in the environment)" :
			"KCFLAGS in the environment");
	for (i = 0; i < bc->nvars; i++) {
		char *eq = strchr(bc->vars[i], '=');
		char *name = xasprintf("var %.*s", (int)(eq - bc->vars[i]), bc->vars[i]);

		key_add(k, name, eq + 1);
		free(name);
	}
	key_add(k, "KBUILD_BUILD_TIMESTAMP", bc->timestamp);
	key_add(k, "KBUILD_BUILD_USER", bc->user);
	key_add(k, "KBUILD_BUILD_HOST", bc->host);
	{
		static const char *const envs[] = { "KCPPFLAGS", "KAFLAGS", "LOCALVERSION",
						    "KBUILD_BUILD_VERSION", "KCONFIG_CONFIG" };

		for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
			const char *v = getenv(envs[i]);

			if (v) {
				char *name = xasprintf("env %s", envs[i]);

				key_add(k, name, v);
				free(name);
			}
		}
	}
	key_add(k, "targets", bc->targets);
	key_finish(k);
	return 0;
}

static void argv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

char **build_make_argv(const struct build_conf *bc, int jobs, const char *goals)
{
	char **v = NULL, *copy, *w, *save = NULL;
	size_t n = 0, i;

	argv_push(&v, &n, xstrdup("make"));
	argv_push(&v, &n, xstrdup("-C"));
	argv_push(&v, &n, xstrdup(bc->src));
	if (jobs > 0)
		argv_push(&v, &n, xasprintf("-j%d", jobs));
	if (!bc->no_arch_var)
		argv_push(&v, &n, xasprintf("ARCH=%s", bc->arch));
	argv_push(&v, &n, xasprintf("CC=%s", bc->cc));
	argv_push(&v, &n, xasprintf("LD=%s", bc->ld));
	if (!bc->kcflags_env)
		argv_push(&v, &n, xasprintf("KCFLAGS=%s", bc->kcflags));
	for (i = 0; i < bc->nvars; i++)
		argv_push(&v, &n, xstrdup(bc->vars[i]));
	copy = xstrdup(goals);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv_push(&v, &n, xstrdup(w));
	free(copy);
	return v;
}

void free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

void build_setenv(const struct build_conf *bc)
{
	if (bc->kcflags_env)
		setenv("KCFLAGS", bc->kcflags, 1);
	setenv("KBUILD_BUILD_TIMESTAMP", bc->timestamp, 1);
	setenv("KBUILD_BUILD_USER", bc->user, 1);
	setenv("KBUILD_BUILD_HOST", bc->host, 1);
}
