// SPDX-License-Identifier: GPL-2.0
/*
 * The object list of an entry (kobjs_load()'s result) kept as one binary
 * file beside the entry, so that direct mode and kpatch-build's targets
 * need not walk the tree and parse ~3,000 .cmd files (a second or more
 * on a defconfig) before every compile.  It is a function of the entry:
 * the .cmd files, vmlinux.a and the .mod files are entry files.
 *
 * Layout (host byte order: the file never leaves the machine):
 *
 *	head	magic, payload length, XXH3-128 of the payload (hex)
 *	payload	u32 counts[5]	objects, dependencies, strings, string bytes, root
 *		u32 obj[n][7]	obj, cmd, source, parent, module_path, first dep, deps
 *		u32 dep[]	string numbers, each object's run sorted
 *		u32 stroff[]	offset of each string in the string bytes
 *		char str[]	NUL-terminated strings, each once
 *
 * Anything that does not check out (length, checksum, a number out of
 * range, a string without its NUL) makes the index unusable: it is then
 * built again from the tree, never trusted in part.
 */
#include "kcmd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

#define IDX_MAGIC "KBCKIX1\n"
#define NONE UINT32_MAX

enum { C_NOBJ, C_NDEP, C_NSTR, C_STRBYTES, C_ROOT, C_COUNT };
enum { O_OBJ, O_CMD, O_SOURCE, O_PARENT, O_MODPATH, O_FIRST, O_NDEPS, O_COUNT };

struct idx_head {
	char magic[8];
	uint64_t len;
	char sum[KBC_HEX_LEN];
};

/* Strings interned by content: each distinct one gets one number. */
struct interner {
	uint32_t *slot;		/* string number + 1, 0 empty */
	size_t nslot;
	char **s;
	uint32_t n, cap;
	size_t bytes;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

static uint32_t intern(struct interner *t, const char *s)
{
	size_t i;

	if (!s)
		return NONE;
	if (2 * ((size_t)t->n + 1) > t->nslot) {
		size_t nslot = t->nslot ? 2 * t->nslot : 4096, k;
		uint32_t *slot = calloc(nslot, sizeof(*slot));

		if (!slot)
			abort();
		for (k = 0; k < t->n; k++) {
			i = str_hash(t->s[k]) & (nslot - 1);
			while (slot[i])
				i = (i + 1) & (nslot - 1);
			slot[i] = k + 1;
		}
		free(t->slot);
		t->slot = slot;
		t->nslot = nslot;
	}
	for (i = str_hash(s) & (t->nslot - 1); t->slot[i]; i = (i + 1) & (t->nslot - 1))
		if (!strcmp(t->s[t->slot[i] - 1], s))
			return t->slot[i] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->s = xrealloc(t->s, t->cap * sizeof(*t->s));
	}
	t->s[t->n] = (char *)s;
	t->bytes += strlen(s) + 1;
	t->slot[i] = ++t->n;
	return t->n - 1;
}

static int index_write(const struct kobjs *k, const char *root, const char *path)
{
	struct interner t = { 0 };
	uint32_t counts[C_COUNT], (*obj)[O_COUNT], *dep, *stroff;
	size_t ndep = 0, i, j, len;
	struct idx_head head;
	char *buf, *p;
	int rc;

	for (i = 0; i < k->n; i++)
		ndep += k->v[i].ndeps;
	obj = xmalloc((k->n + 1) * sizeof(*obj));
	dep = xmalloc((ndep + 1) * sizeof(*dep));
	counts[C_ROOT] = intern(&t, root);
	for (i = 0, ndep = 0; i < k->n; i++) {
		const struct kobj *o = &k->v[i];

		obj[i][O_OBJ] = intern(&t, o->obj);
		obj[i][O_CMD] = intern(&t, o->cmd);
		obj[i][O_SOURCE] = intern(&t, o->source);
		obj[i][O_PARENT] = intern(&t, o->parent);
		obj[i][O_MODPATH] = intern(&t, o->module_path);
		obj[i][O_FIRST] = (uint32_t)ndep;
		obj[i][O_NDEPS] = (uint32_t)o->ndeps;
		for (j = 0; j < o->ndeps; j++)
			dep[ndep++] = intern(&t, o->deps[j]);
	}
	counts[C_NOBJ] = (uint32_t)k->n;
	counts[C_NDEP] = (uint32_t)ndep;
	counts[C_NSTR] = t.n;
	counts[C_STRBYTES] = (uint32_t)t.bytes;
	len = sizeof(counts) + k->n * sizeof(*obj) + ndep * sizeof(*dep) + t.n * sizeof(*stroff) + t.bytes;
	buf = xmalloc(sizeof(head) + len);
	p = buf + sizeof(head);
	memcpy(p, counts, sizeof(counts));
	p += sizeof(counts);
	memcpy(p, obj, k->n * sizeof(*obj));
	p += k->n * sizeof(*obj);
	memcpy(p, dep, ndep * sizeof(*dep));
	p += ndep * sizeof(*dep);
	stroff = (uint32_t *)(void *)p;
	p += t.n * sizeof(*stroff);
	for (i = 0, j = 0; i < t.n; i++) {
		size_t l = strlen(t.s[i]) + 1;

		stroff[i] = (uint32_t)j;
		memcpy(p + j, t.s[i], l);
		j += l;
	}
	memcpy(head.magic, IDX_MAGIC, sizeof(head.magic));
	head.len = len;
	{
		char hex[KBC_HEX_LEN + 1];

		hash_buf(buf + sizeof(head), len, hex);
		memcpy(head.sum, hex, KBC_HEX_LEN);
	}
	memcpy(buf, &head, sizeof(head));
	rc = mkdir_parent(path) || write_file_atomic_flags(path, buf, sizeof(head) + len, 0) ? -1 : 0;
	free(buf);
	free(obj);
	free(dep);
	free(t.s);
	free(t.slot);
	return rc;
}

/* The string numbered @id, or NULL when @id is NONE; *bad when out of range. */
static char *str_at(char *str, const uint32_t *stroff, uint32_t nstr, uint32_t id, bool *bad)
{
	if (id == NONE)
		return NULL;
	if (id >= nstr) {
		*bad = true;
		return NULL;
	}
	return str + stroff[id];
}

/* 0 loaded, 1 absent or unusable (why in a debug line). */
static int index_read(const char *path, const char *root, struct kobjs *out)
{
	size_t flen, i, rest;
	char *data = read_file(path, &flen), *str, hex[KBC_HEX_LEN + 1];
	const uint32_t *counts, (*obj)[O_COUNT], *dep, *stroff;
	struct idx_head head;
	const char *why = NULL, *iroot;
	bool bad = false;
	char **deparr = NULL;
	struct kobj *v = NULL;

	memset(out, 0, sizeof(*out));
	if (!data) {
		kbc_err_clear();
		return 1;
	}
	memcpy(&head, data, flen < sizeof(head) ? flen : sizeof(head));
	if (flen < sizeof(head) + C_COUNT * sizeof(uint32_t) ||
	    memcmp(head.magic, IDX_MAGIC, sizeof(head.magic)) || head.len != flen - sizeof(head)) {
		why = "not an index or truncated";
		goto bad;
	}
	hash_buf(data + sizeof(head), head.len, hex);
	if (memcmp(hex, head.sum, KBC_HEX_LEN)) {
		why = "checksum mismatch";
		goto bad;
	}
	counts = (const uint32_t *)(const void *)(data + sizeof(head));
	rest = head.len - C_COUNT * sizeof(uint32_t);
	/* each count bounded by the bytes left, so the products cannot wrap */
	if (counts[C_NOBJ] > rest / (O_COUNT * sizeof(uint32_t)) ||
	    counts[C_NDEP] > rest / sizeof(uint32_t) || counts[C_NSTR] > rest / sizeof(uint32_t) ||
	    (uint64_t)counts[C_NOBJ] * O_COUNT * 4 + (uint64_t)counts[C_NDEP] * 4 +
			    (uint64_t)counts[C_NSTR] * 4 + counts[C_STRBYTES] != rest ||
	    !counts[C_STRBYTES]) {
		why = "sizes do not add up";
		goto bad;
	}
	obj = (const uint32_t(*)[O_COUNT])(counts + C_COUNT);
	dep = (const uint32_t *)(obj + counts[C_NOBJ]);
	stroff = dep + counts[C_NDEP];
	str = (char *)(stroff + counts[C_NSTR]);
	if (str[counts[C_STRBYTES] - 1]) {
		why = "string table not terminated";
		goto bad;
	}
	for (i = 0; i < counts[C_NSTR]; i++)
		if (stroff[i] >= counts[C_STRBYTES]) {
			why = "string offset out of range";
			goto bad;
		}
	iroot = str_at(str, stroff, counts[C_NSTR], counts[C_ROOT], &bad);
	if (bad || !iroot) {
		why = "no root";
		goto bad;
	}
	deparr = xmalloc((counts[C_NDEP] + 1) * sizeof(*deparr));
	for (i = 0; i < counts[C_NDEP]; i++) {
		deparr[i] = str_at(str, stroff, counts[C_NSTR], dep[i], &bad);
		if (!deparr[i])
			bad = true;
	}
	v = calloc(counts[C_NOBJ] + 1, sizeof(*v));
	if (!v)
		abort();
	for (i = 0; i < counts[C_NOBJ] && !bad; i++) {
		const uint32_t *o = obj[i];

		v[i].obj = str_at(str, stroff, counts[C_NSTR], o[O_OBJ], &bad);
		v[i].cmd = str_at(str, stroff, counts[C_NSTR], o[O_CMD], &bad);
		v[i].source = str_at(str, stroff, counts[C_NSTR], o[O_SOURCE], &bad);
		v[i].parent = str_at(str, stroff, counts[C_NSTR], o[O_PARENT], &bad);
		v[i].module_path = str_at(str, stroff, counts[C_NSTR], o[O_MODPATH], &bad);
		if (!v[i].obj || !v[i].cmd || !v[i].source || o[O_FIRST] > counts[C_NDEP] ||
		    o[O_NDEPS] > counts[C_NDEP] - o[O_FIRST])
			bad = true;
		else
			v[i].deps = deparr + o[O_FIRST];
		v[i].ndeps = o[O_NDEPS];
		/* the commands name the root of the build the index came from */
		if (!bad && strcmp(iroot, root) && strstr(v[i].cmd, iroot)) {
			why = "built in another tree";
			goto bad;
		}
	}
	if (bad) {
		why = "a string number out of range";
		goto bad;
	}
	out->v = v;
	out->n = counts[C_NOBJ];
	out->blob = data;
	out->blob_deps = deparr;
	return 0;
bad:
	kbc_debug("%s: %s; reading the tree instead", path, why);
	free(v);
	free(deparr);
	free(data);
	return 1;
}

int kobjs_index_read(const char *src, const char *index, struct kobjs *out)
{
	char *root = realpath(src, NULL);
	int rc;

	if (!root)
		return kbc_errno("%s", src);
	rc = index_read(index, root, out);
	free(root);
	return rc;
}

int kobjs_load_indexed(const char *src, const char *index, struct kobjs *out)
{
	char *root;
	int rc = kobjs_index_read(src, index, out);

	if (rc <= 0)
		return rc;
	rc = kobjs_load(src, out);
	/* only costs the next run its time when it cannot be written */
	root = rc ? NULL : realpath(src, NULL);
	if (root && index_write(out, root, index)) {
		kbc_debug("%s: %s", index, kbc_errmsg());
		kbc_err_clear();
	}
	free(root);
	return rc;
}

int kobjs_index_update(const char *src, const char *index)
{
	struct kobjs k;
	char *root = realpath(src, NULL);
	int rc;

	if (!root)
		return kbc_errno("%s", src);
	rc = kobjs_load(src, &k);
	if (!rc) {
		rc = index_write(&k, root, index);
		kobjs_free(&k);
	}
	free(root);
	return rc;
}
