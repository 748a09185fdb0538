// SPDX-License-Identifier: GPL-2.0
#include "diffmode.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cdo/cdo.h"
#include "kcmd.h"
#include "parallel.h"
#include "patchset.h"
#include "progress.h"
#include "sizes.h"
#include "util.h"

struct pair {
	const struct kobj *k;
	int compile_rc;
	int status;		/* cdo_status of the diff */
	char *message;
	char *lines;		/* create-diff-object's lines for this object */
	size_t nlines_len;
	char **items[CDO_ITEM_KIND_COUNT];	/* JSON fragments */
	size_t nitems[CDO_ITEM_KIND_COUNT];
};

struct diffjob {
	const char *src;
	const char *work;	/* OUTDIR.tmp */
	struct store *s;
	const struct entry *e;
	struct pair *p;
	size_t n;
	const char *symvers;
	struct cdo_struct_sizes sizes;
	struct progress *prog;
	pthread_mutex_t lock;
};

static void append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

static int compile_one(size_t i, void *user)
{
	struct diffjob *j = user;
	struct pair *p = &j->p[i];
	char *dir, *out, *log, *cmd;

	if (signals_pending())	/* interrupted: start nothing more */
		return kbc_err("interrupted");
	dir = xasprintf("%s/patched", j->work);
	out = xasprintf("%s/%s", dir, p->k->obj);
	log = xasprintf("%s/logs/%s.log", j->work, p->k->obj);
	cmd = kobj_cmd_to(p->k, dir);
	mkdir_parent(out);
	mkdir_parent(log);
	kbc_debug("compile: %s", cmd);
	p->compile_rc = run_sh(cmd, j->src, NULL, log);
	pthread_mutex_lock(&j->lock);
	progress_step(j->prog, 0);
	pthread_mutex_unlock(&j->lock);
	free(cmd);
	free(dir);
	free(out);
	free(log);
	return 0;
}

struct logctx {
	struct pair *p;
	const char *display;
	size_t len;
};

static void collect_log(void *user, enum cdo_log_level level, const char *msg)
{
	struct logctx *c = user;
	char *line;

	if (level == CDO_LOG_ERROR)
		line = xasprintf("ERROR: %s: %s\n", c->display, msg);
	else if (level == CDO_LOG_INFO)
		line = xasprintf("%s: %s\n", c->display, msg);
	else
		return;
	append(&c->p->lines, &c->len, line);
	free(line);
}

static char *json_str(const char *s)
{
	size_t cap = strlen(s ? s : "") * 6 + 3, n = 0;
	char *out = xmalloc(cap);

	out[n++] = '"';
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20) {
			n += (size_t)sprintf(out + n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	out[n] = 0;
	return out;
}

static int diff_one(size_t i, void *user)
{
	struct diffjob *j = user;
	struct pair *p = &j->p[i];
	struct logctx lc = { .p = p, .display = p->k->obj };
	char *orig = xasprintf("%s/orig/%s", j->work, p->k->obj);
	char *patched = xasprintf("%s/patched/%s", j->work, p->k->obj);
	char *output = xasprintf("%s/output/%s", j->work, p->k->obj);
	char *symtab = xasprintf("%s/parents/%s.symtab", j->work, p->k->parent);
	struct cdo_ctx *ctx;
	int k;

	CDO_OPTS(opts, .threads = 1, .log = collect_log, .log_user = &lc, .log_level = CDO_LOG_INFO,
		 .display_name = p->k->obj, .parent_name = p->k->parent, .parent_symtab = symtab,
		 .symvers = j->symvers, .sizes = j->sizes);
	ctx = cdo_new(&opts);
	if (!ctx) {
		p->status = CDO_ERR_NOMEM;
		p->message = xstrdup(strerror(errno));
		goto out;
	}
	p->status = cdo_diff(ctx, orig, patched);
	if (!p->status) {
		mkdir_parent(output);
		p->status = cdo_write(ctx, output);
	}
	p->message = xstrdup(p->status ? cdo_errmsg(ctx) : "");
	for (k = 0; k < CDO_ITEM_KIND_COUNT; k++) {
		size_t n = cdo_result_count(ctx, (enum cdo_item_kind)k), m;

		p->items[k] = calloc(n + 1, sizeof(char *));
		for (m = 0; m < n; m++) {
			const struct cdo_item *it = cdo_result_item(ctx, (enum cdo_item_kind)k, m);
			char *name = json_str(it->name), *sec = json_str(it->section),
			     *obj = json_str(it->objname);

			p->items[k][m] = xasprintf("{\"name\": %s, \"section\": %s, \"objname\": %s, \"sympos\": %llu, \"old_size\": %llu, \"new_size\": %llu}",
						   name, sec, obj, (unsigned long long)it->sympos,
						   (unsigned long long)it->old_size,
						   (unsigned long long)it->new_size);
			free(name);
			free(sec);
			free(obj);
		}
		p->nitems[k] = n;
	}
	cdo_free(ctx);
out:
	pthread_mutex_lock(&j->lock);
	progress_step(j->prog, 0);
	pthread_mutex_unlock(&j->lock);
	free(orig);
	free(patched);
	free(output);
	free(symtab);
	return 0;
}

static int write_json(const char *path, const struct key *k, const struct entry *e,
		      const struct kbc_opts *o, const struct diffjob *j, const double *t)
{
	static const char *const kinds[CDO_ITEM_KIND_COUNT] = {
		"changed_functions", "new_functions", "new_globals",
		"ignored_functions", "callbacks", "klp_relocations",
	};
	char *tmp = tmp_name(path);
	FILE *f = fopen(tmp, "w");
	size_t i, m;
	int kk;

	if (!f) {
		free(tmp);
		return kbc_errno("%s", path);
	}
	fprintf(f, "{\n  \"key\": \"%s\",\n  \"release\": ", k->hex);
	{
		char *r = json_str(e->release);

		fprintf(f, "%s,\n  \"patches\": [", r);
		free(r);
	}
	for (i = 0; i < (size_t)o->nargs; i++) {
		char *p = json_str(o->args[i]);

		fprintf(f, "%s%s", i ? ", " : "", p);
		free(p);
	}
	fprintf(f, "],\n  \"seconds\": {\"restore\": %.2f, \"patch_and_compile\": %.2f, \"diff\": %.2f, \"total\": %.2f},\n",
		t[0], t[1], t[2], t[3]);
	fprintf(f, "  \"struct_sizes\": {\"bug_entry\": %u, \"exception_table_entry\": %u, \"jump_entry\": %u, \"alt_instr\": %u, \"paravirt_patch_site\": %u, \"orc_entry\": %u, \"static_call_site\": %u, \"pi_entry\": %u},\n",
		j->sizes.bug, j->sizes.ex, j->sizes.jump, j->sizes.alt, j->sizes.para, j->sizes.orc,
		j->sizes.static_call, j->sizes.printk_index);
	fprintf(f, "  \"objects\": [");
	for (i = 0; i < j->n; i++) {
		const struct pair *p = &j->p[i];
		char *obj = json_str(p->k->obj), *par = json_str(p->k->parent);
		char *st = json_str(p->compile_rc ? "compile error" : cdo_status_str(p->status));
		char *msg = json_str(p->message);

		fprintf(f, "%s\n    {\"object\": %s, \"parent\": %s, \"status\": %s, \"message\": %s",
			i ? "," : "", obj, par, st, msg);
		for (kk = 0; kk < CDO_ITEM_KIND_COUNT; kk++) {
			fprintf(f, ", \"%s\": [", kinds[kk]);
			for (m = 0; m < p->nitems[kk]; m++)
				fprintf(f, "%s%s", m ? ", " : "", p->items[kk][m]);
			fprintf(f, "]");
		}
		fprintf(f, "}");
		free(obj);
		free(par);
		free(st);
		free(msg);
	}
	fprintf(f, "%s]\n}\n", j->n ? "\n  " : "");
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		free(tmp);
		return kbc_errno("%s", path);
	}
	free(tmp);
	return 0;
}

static bool is_build_file(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	return !strcmp(b, "Makefile") || !strcmp(b, "Kbuild") || !strncmp(b, "Kconfig", 7) ||
	       !strncmp(b, "Makefile.", 9);
}

/*
 * The parent's symbol table, as kpatch-build takes it (readelf -s of
 * vmlinux or the module), from the entry itself: the tree's copy may be
 * stale (a partial restore leaves outputs as they were).  Computed once
 * per entry and kept beside it in the store, as reading a large vmlinux
 * costs seconds.
 */
static int symtab_of(struct store *s, const struct entry *e, const char *bin, const char *out)
{
	char *name = xasprintf("%s.symtab", bin), *kept = store_derived_path(s, e->key, name);
	char *tmp = NULL, *text, *data;
	size_t len;
	int rc;

	free(name);
	/* 17 MB for defconfig: copied in the kernel */
	if (is_file(kept) && !copy_file(kept, out)) {
		free(kept);
		return 0;
	}
	kbc_err_clear();
	text = read_file(kept, &len);
	if (text)
		goto write;
	kbc_err_clear();
	rc = store_read_file(s, e, bin, &data, &len);
	if (rc) {
		if (rc > 0)
			kbc_err("%s: not in cache entry %.12s", bin, e->key);
		goto out;
	}
	tmp = xasprintf("%s.elf", out);
	rc = write_file_atomic_flags(tmp, data, len, 0);	/* read once, then removed */
	free(data);
	if (!rc) {
		char *argv[] = { "readelf", "-s", "--wide", tmp, NULL };

		rc = run_cmd(argv, NULL, &text, NULL);
		if (rc)
			kbc_err("%s of entry %.12s: cannot read its symbol table", bin, e->key);
	}
	unlink(tmp);
	if (rc)
		goto out;
	len = strlen(text);
	/* kept for the next diff; failing to keep it is not an error */
	if (mkdir_parent(kept) || write_file_atomic(kept, text, len))
		kbc_warn("%s: %s", kept, kbc_errmsg());
write:
	/* the work directory is renamed into place whole; no fsync per file */
	rc = write_file_atomic_flags(out, text, len, 0);
out:
	free(text);
	free(tmp);
	free(kept);
	return rc ? -1 : 0;
}

int cmd_diff(struct kbc_opts *o)
{
	struct store s;
	struct key k = { 0 };
	struct entry e = { 0 };
	struct kobjs objs = { 0 };
	struct patchset ps = { 0 };
	struct diffjob j = { 0 };
	struct progress prog;
	char *work = NULL, *outdir = NULL;
	size_t i, np = 0, nchanged = 0, nerr = 0;
	double t[4] = { 0 }, t0 = now_sec(), tt;
	int rc = -1, treelock = -1;

	if (store_open(&s, o->cache, o->remote, o->jobs))
		return -1;
	/* one diff at a time per tree: they patch it in place */
	{
		char *lp = xasprintf("%s/.kbuild-cache.lock", o->bc.src);

		treelock = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (treelock < 0) {
			kbc_errno("%s", lp);
			free(lp);
			store_close(&s);
			return -1;
		}
		free(lp);
		if (flock(treelock, LOCK_EX | LOCK_NB)) {
			kbc_info("waiting for another diff in %s", o->bc.src);
			while (flock(treelock, LOCK_EX) && errno == EINTR)
				;
		}
	}
	if (ensure_restored(o, &s, &k, &e, RESTORE_TO_COMPILE, &objs))
		goto out;
	t[0] = now_sec() - t0;
	tt = now_sec();
	/* from here until the patches are reverted, a signal waits (see signals_hold()) */
	signals_hold();
	if (patchset_apply(&ps, o->bc.src, o->args, o->nargs))
		goto out;
	kbc_debug("patches applied at %.2fs", now_sec() - tt);
	j.p = calloc(objs.n + 1, sizeof(*j.p));
	if (!j.p)
		abort();
	for (i = 0; i < ps.n; i++) {
		const char *path = ps.f[i].path;
		size_t m, hits = 0;

		if (!ps.f[i].data) {
			kbc_err("%s: the patches create it; direct mode handles changes to existing files only (use kpatch-build)",
				path);
			goto revert;
		}
		if (is_build_file(path)) {
			kbc_err("%s: direct mode cannot follow changes to Makefiles or Kconfig (use kpatch-build)",
				path);
			goto revert;
		}
		for (m = 0; m < objs.n; m++) {
			if (!kobj_depends_on(&objs.v[m], path))
				continue;
			hits++;
			if (!objs.v[m].module_path && strcmp(objs.v[m].parent, "vmlinux"))
				continue;
			{
				size_t q;

				for (q = 0; q < np && j.p[q].k != &objs.v[m]; q++)
					;
				if (q == np)
					j.p[np++].k = &objs.v[m];
			}
		}
		if (!hits)
			kbc_info("%s: no object of vmlinux or a module is built from it", path);
	}
	if (!np) {
		kbc_err("the patches change no object of vmlinux or a module");
		goto revert;
	}
	j.n = np;
	j.src = o->bc.src;
	j.s = &s;
	j.e = &e;
	j.prog = &prog;
	pthread_mutex_init(&j.lock, NULL);
	if (o->outdir[0] == '/') {
		outdir = xstrdup(o->outdir);
	} else {
		/* compiles run in the tree: the output must not be relative */
		char *cwd = getcwd(NULL, 0);

		outdir = xasprintf("%s/%s", cwd ? cwd : ".", o->outdir);
		free(cwd);
	}
	work = tmp_name(outdir);
	if (mkdir_p(work, 0755))
		goto revert;
	j.work = work;
	kbc_info("compiling %zu object%s changed by %d patch%s", np, np == 1 ? "" : "s", o->nargs,
		 o->nargs == 1 ? "" : "es");
	progress_start(&prog, "compiling", np);
	parallel_for(np, o->jobs, compile_one, &j);
	progress_end(&prog);
revert:
	if (patchset_revert(&ps)) {
		kbc_warn("%s", kbc_errmsg());
		rc = -1;
		goto out;
	}
	if (!j.work)
		goto out;
	if (signals_pending()) {
		kbc_err("interrupted: %s is as it was", o->bc.src);
		goto out;
	}
	for (i = 0; i < np; i++) {
		if (j.p[i].compile_rc) {
			char *log = xasprintf("%s/logs/%s.log", work, j.p[i].k->obj);
			char *cmd = xasprintf("head -n 20 '%s' >&2", log);

			run_sh(cmd, NULL, NULL, NULL);
			kbc_err("%s: compiling the patched source failed (log: %s)", j.p[i].k->obj, log);
			free(cmd);
			free(log);
			goto out;
		}
	}
	t[1] = now_sec() - tt;
	tt = now_sec();

	/* originals from the cache entry, parents from the cached build */
	for (i = 0; i < np; i++) {
		char *data, *dest = xasprintf("%s/orig/%s", work, j.p[i].k->obj);
		size_t len;
		int r = store_read_file(&s, &e, j.p[i].k->obj, &data, &len);

		if (r) {
			if (r > 0)
				kbc_err("%s: not in cache entry %.12s", j.p[i].k->obj, k.hex);
			free(dest);
			goto out;
		}
		r = mkdir_parent(dest) || write_file_atomic_flags(dest, data, len, 0);
		free(data);
		free(dest);
		if (r)
			goto out;
	}
	{
		char *pdir = xasprintf("%s/parents", work);

		mkdir_p(pdir, 0755);
		free(pdir);
	}
	for (i = 0; i < np; i++) {
		char *out = xasprintf("%s/parents/%s.symtab", work, j.p[i].k->parent);
		int r = 0;

		if (!is_file(out))
			r = symtab_of(&s, &e, j.p[i].k->module_path ? j.p[i].k->module_path : "vmlinux",
				      out);
		free(out);
		if (r)
			goto out;
	}
	kbc_debug("originals and parents' symbol tables ready in %.2fs", now_sec() - tt);
	j.symvers = xasprintf("%s/Module.symvers", o->bc.src);
	{
		char *kept = store_derived_path(&s, e.key, "struct-sizes");

		sizes_from_build_kept(o->bc.src, kept, &j.sizes);
		free(kept);
	}
	progress_start(&prog, "diffing", np);
	parallel_for(np, o->jobs, diff_one, &j);
	progress_end(&prog);
	t[2] = now_sec() - tt;
	t[3] = now_sec() - t0;

	for (i = 0; i < np; i++) {
		struct pair *p = &j.p[i];

		if (p->lines)
			fputs(p->lines, stdout);
		if (p->status == CDO_OK)
			nchanged++;
		else if (p->status != CDO_ERR_NOCHANGE) {
			fprintf(stderr, "kbuild-cache: %s: %s: %s\n", p->k->obj, cdo_status_str(p->status),
				p->message);
			nerr++;
		}
	}
	fflush(stdout);
	if (o->json && write_json(o->json, &k, &e, o, &j, t))
		goto out;
	if (nerr) {
		kbc_err("%zu of %zu objects could not be diffed", nerr, np);
		goto out;
	}
	if (!nchanged) {
		kbc_err("no functional changes found");
		goto out;
	}
	/* the finished tree replaces OUTDIR in one step */
	if (rm_rf(outdir) || rename(work, outdir)) {
		kbc_errno("%s", outdir);
		goto out;
	}
	free(work);
	work = NULL;
	kbc_info("%zu changed object%s in %s/output (%.1fs: restore %.1fs, patch+compile %.1fs, diff %.1fs)",
		 nchanged, nchanged == 1 ? "" : "s", outdir, t[3], t[0], t[1], t[2]);
	rc = 0;
out:
	if (work) {
		rm_rf(work);
		free(work);
	}
	for (i = 0; j.p && i < np; i++) {
		int kk;
		size_t m;

		free(j.p[i].message);
		free(j.p[i].lines);
		for (kk = 0; kk < CDO_ITEM_KIND_COUNT; kk++) {
			for (m = 0; m < j.p[i].nitems[kk]; m++)
				free(j.p[i].items[kk][m]);
			free(j.p[i].items[kk]);
		}
	}
	free(j.p);
	free((char *)j.symvers);
	free(outdir);
	patchset_free(&ps);
	kobjs_free(&objs);
	entry_free(&e);
	key_free(&k);
	store_close(&s);
	if (treelock >= 0)
		close(treelock);
	if (rc && signals_pending())
		fprintf(stderr, "kbuild-cache: %s\n", kbc_errmsg());
	/* the tree is back and the temporary files gone: now a held signal may end us */
	signals_release();
	return rc;
}
