// SPDX-License-Identifier: GPL-2.0
#include "kcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"
#include "util.h"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Undo kbuild's escaping of a saved command: "$$" is "$", "$(pound)" is "#". */
static char *unescape(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '$') {
			*o++ = '$';
			i++;
		} else if (s[i] == '$' && !strncmp(s + i, "$(pound)", 8) && i + 8 <= len) {
			*o++ = '#';
			i += 7;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

/* Parse SRC/dir/.name.o.cmd for object @obj. 0, 1 when not a compile, -1. */
static int parse_cmd(const char *src, const char *obj, struct kobj *k)
{
	const char *slash = strrchr(obj, '/');
	char *path = slash ? xasprintf("%s/%.*s/.%s.cmd", src, (int)(slash - obj), obj, slash + 1) :
			     xasprintf("%s/.%s.cmd", src, obj);
	char *text = read_file(path, NULL), *line, *save = NULL;
	char *cmd_key = xasprintf("cmd_%s := ", obj), *src_key = xasprintf("source_%s := ", obj);
	char *dep_key = xasprintf("deps_%s := ", obj);
	bool in_deps = false;
	size_t cap = 0;
	int rc = 1;

	memset(k, 0, sizeof(*k));
	if (!text) {
		kbc_err_clear();
		goto out;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		if (in_deps) {
			char *p = line, *e;

			while (*p == ' ' || *p == '\t')
				p++;
			e = p + strlen(p);
			in_deps = e > p && e[-1] == '\\';
			if (in_deps)
				e--;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e == p || !strncmp(p, "$(wildcard", 10))
				continue;
			if (k->ndeps == cap) {
				cap = cap ? 2 * cap : 64;
				k->deps = xrealloc(k->deps, cap * sizeof(*k->deps));
			}
			k->deps[k->ndeps++] = xasprintf("%.*s", (int)(e - p), p);
			continue;
		}
		if (!strncmp(line, cmd_key, strlen(cmd_key)) ||
		    (!strncmp(line, "savedcmd_", 9) && !strncmp(line + 9, obj, strlen(obj)) &&
		     !strncmp(line + 9 + strlen(obj), " := ", 4))) {
			const char *v = strstr(line, " := ") + 4;

			free(k->cmd);
			k->cmd = unescape(v, len - (size_t)(v - line));
		} else if (!strncmp(line, src_key, strlen(src_key))) {
			free(k->source);
			k->source = xstrdup(line + strlen(src_key));
			chomp(k->source);
		} else if (!strncmp(line, dep_key, strlen(dep_key))) {
			in_deps = true;
		}
	}
	if (k->cmd && k->source) {
		k->obj = xstrdup(obj);
		if (k->ndeps)
			qsort(k->deps, k->ndeps, sizeof(*k->deps), str_cmp);
		rc = 0;
	}
out:
	if (rc) {
		size_t i;

		for (i = 0; i < k->ndeps; i++)
			free(k->deps[i]);
		free(k->deps);
		free(k->cmd);
		free(k->source);
		memset(k, 0, sizeof(*k));
	}
	free(text);
	free(path);
	free(cmd_key);
	free(src_key);
	free(dep_key);
	return rc;
}

static void add_obj(const char *src, struct kobjs *out, size_t *cap, const char *obj,
		    const char *parent, const char *modpath)
{
	struct kobj k;
	size_t i;

	for (i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].obj, obj))
			return;
	if (parse_cmd(src, obj, &k))
		return;
	k.parent = parent;
	k.module_path = modpath ? xstrdup(modpath) : NULL;
	if (out->n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		out->v = xrealloc(out->v, *cap * sizeof(*out->v));
	}
	out->v[out->n++] = k;
}

/* The module's name (malloc'd), as in /proc/modules. */
static char *module_name(const char *modfile)
{
	const char *b = strrchr(modfile, '/');
	char *n = xstrdup(b ? b + 1 : modfile), *p;

	n[strlen(n) - 4] = 0;	/* ".mod" */
	for (p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

/*
 * Add the members of the thin archive @ar (relative to @src) as vmlinux
 * objects.  Read directly, as "ar t" fails on a thin archive whose
 * members are absent (a tree restored for compiling only).  A thin
 * archive has the symbol and long-name tables as its only contents; its
 * members are names, relative to the archive's directory.
 */
static int add_thin_members(const char *src, const char *ar, struct kobjs *out, size_t *cap)
{
	char *full = xasprintf("%s/%s", src, ar), *data, *longnames = NULL;
	const char *slash = strrchr(ar, '/');
	int dirlen = slash ? (int)(slash - ar + 1) : 0;
	size_t len = 0, pos = 8, nlong = 0;

	data = read_file(full, &len);
	if (!data || len < 8 || memcmp(data, "!<thin>\n", 8)) {
		if (data)
			kbc_err("%s: not a thin archive", full);
		free(data);
		free(full);
		return -1;
	}
	while (pos + 60 <= len) {
		const char *h = data + pos, *name = h;
		char sizebuf[11], member[KBC_PATH_MAX];
		size_t size, nl;

		memcpy(sizebuf, h + 48, 10);
		sizebuf[10] = 0;
		size = strtoul(sizebuf, NULL, 10);
		if (memcmp(h + 58, "`\n", 2))
			break;
		pos += 60;
		if (!memcmp(name, "// ", 3)) {	/* long names: stored */
			if (size > len - pos)
				break;
			longnames = data + pos;
			nlong = size;
			pos += size + (size & 1);
			continue;
		}
		if (name[0] == '/' && (name[1] == ' ' || !memcmp(name, "/SYM64/", 7))) {
			if (size > len - pos)	/* symbol table: stored */
				break;
			pos += size + (size & 1);
			continue;
		}
		/* a member: its name only, the data is not in a thin archive */
		if (name[0] == '/' && longnames) {
			size_t off = strtoul(name + 1, NULL, 10);

			if (off >= nlong)
				break;
			name = longnames + off;
			/* a long name is a path: it ends at "/\n" */
			for (nl = 0; off + nl < nlong && name[nl] != '\n'; nl++)
				;
			if (nl && name[nl - 1] == '/')
				nl--;
		} else {
			for (nl = 0; nl < 16 && name[nl] != '/' && name[nl] != ' '; nl++)
				;
		}
		snprintf(member, sizeof(member), "%.*s%.*s", dirlen, ar, (int)nl, name);
		add_obj(src, out, cap, member, "vmlinux", NULL);
	}
	free(data);
	free(full);
	return 0;
}

int kobjs_load(const char *src, struct kobjs *out)
{
	char *line, *top = xasprintf("%s/vmlinux.a", src);
	struct tree_list tl;
	size_t cap = 0, i;
	bool have_top = is_file(top);	/* 6.1 and later: one archive of everything */

	free(top);
	memset(out, 0, sizeof(*out));
	if (have_top && add_thin_members(src, "vmlinux.a", out, &cap))
		return kbc_err("%s/vmlinux.a: cannot read (is the tree built?)", src);
	if (tree_walk(src, &tl))
		return -1;
	/* before 6.1 (5.15): vmlinux links the built-in.a and lib.a of the directories */
	for (i = 0; i < tl.n && !have_top; i++) {
		const char *p = tl.v[i].path, *b = strrchr(p, '/');

		b = b ? b + 1 : p;
		if (tl.v[i].output && (!strcmp(b, "built-in.a") || !strcmp(b, "lib.a")) &&
		    add_thin_members(src, p, out, &cap))
			kbc_err_clear();
	}
	if (!out->n) {
		tree_list_free(&tl);
		return kbc_err("%s: no vmlinux.a or built-in.a (is the tree built?)", src);
	}
	for (i = 0; i < tl.n; i++) {
		const char *p = tl.v[i].path;
		size_t len = strlen(p);
		char *full, *text, *save2 = NULL, *modpath;
		const char *name;

		if (len < 5 || strcmp(p + len - 4, ".mod") || !tl.v[i].output)
			continue;
		full = xasprintf("%s/%s", src, p);
		text = read_file(full, NULL);
		free(full);
		if (!text) {
			kbc_err_clear();
			continue;
		}
		name = module_name(p);
		out->modnames = xrealloc(out->modnames, (out->nmodnames + 1) * sizeof(*out->modnames));
		out->modnames[out->nmodnames++] = (char *)name;
		modpath = xasprintf("%.*s.ko", (int)(len - 4), p);
		for (line = strtok_r(text, "\n \t", &save2); line; line = strtok_r(NULL, "\n \t", &save2))
			add_obj(src, out, &cap, line, name, modpath);
		free(modpath);
		free(text);
	}
	tree_list_free(&tl);
	return 0;
}

void kobjs_free(struct kobjs *k)
{
	size_t i, j;

	if (k->blob) {
		free(k->blob);
		free(k->blob_deps);
		free(k->v);
		memset(k, 0, sizeof(*k));
		return;
	}
	for (i = 0; i < k->n; i++) {
		for (j = 0; j < k->v[i].ndeps; j++)
			free(k->v[i].deps[j]);
		free(k->v[i].deps);
		free(k->v[i].cmd);
		free(k->v[i].source);
		free(k->v[i].obj);
		free(k->v[i].module_path);
	}
	free(k->v);
	for (i = 0; i < k->nmodnames; i++)
		free(k->modnames[i]);
	free(k->modnames);
	memset(k, 0, sizeof(*k));
}

bool kobj_depends_on(const struct kobj *o, const char *path)
{
	const char *key = path;

	if (!strcmp(o->source, path))
		return true;
	return o->ndeps && bsearch(&key, o->deps, o->ndeps, sizeof(*o->deps), str_cmp);
}

/* Replace every whitespace-delimited @from in @s by @to. */
static char *replace_token(const char *s, const char *from, const char *to)
{
	size_t flen = strlen(from), cap = strlen(s) * 2 + 256, n = 0;
	char *out = xmalloc(cap);
	const char *p = s;

	while (*p) {
		bool start = p == s || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ',' || p[-1] == '=';
		char end = p[flen];

		if (start && !strncmp(p, from, flen) && (!end || end == ' ' || end == '\t' || end == ';')) {
			size_t tl = strlen(to);

			while (n + tl + 1 > cap)
				out = xrealloc(out, cap *= 2);
			memcpy(out + n, to, tl);
			n += tl;
			p += flen;
			continue;
		}
		if (n + 2 > cap)
			out = xrealloc(out, cap *= 2);
		out[n++] = *p++;
	}
	out[n] = 0;
	return out;
}

char *kobj_cmd_to(const struct kobj *o, const char *outdir)
{
	const char *slash = strrchr(o->obj, '/');
	char *dfile = slash ? xasprintf("%.*s/.%s.d", (int)(slash - o->obj), o->obj, slash + 1) :
			      xasprintf(".%s.d", o->obj);
	char *to_obj = xasprintf("%s/%s", outdir, o->obj);
	char *to_d = xasprintf("%s/%s", outdir, dfile);
	char *a = replace_token(o->cmd, o->obj, to_obj);
	char *b = replace_token(a, dfile, to_d);

	free(a);
	free(dfile);
	free(to_obj);
	free(to_d);
	return b;
}
