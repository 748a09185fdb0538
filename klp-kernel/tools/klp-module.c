// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a livepatch module file: which functions would it replace?
 *
 * The functions come from the module file itself: the static klp_patch,
 * klp_object and klp_func arrays of a hand-written livepatch, or the
 * .kpatch.funcs table of a kpatch-build module.  The file is read through
 * libcdo's checked ELF view (cdo/elf.h, compiled in: see the Makefile), so
 * headers, names and indexes are checked once when it is opened; offsets
 * into section contents are checked here before use, and odd layouts are
 * refused with a message.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cdo/elf.h>

#include "klp-lib.h"

#define KPATCH_FUNC_SIZE	56	/* struct kpatch_patch_func */
#define KPATCH_FUNC_SYMPOS	32
#define KPATCH_FUNC_NAME	40
#define KPATCH_FUNC_OBJNAME	48

/* Offsets in the external part of the livepatch structures (x86_64). */
#define PATCH_MOD		0
#define PATCH_OBJS		8
#define PATCH_REPLACE		24
#define PATCH_ALLOW_CONFLICTS	25
#define OBJ_NAME		0
#define OBJ_FUNCS		8
#define FUNC_OLD_NAME		0
#define FUNC_NEW_FUNC		8
#define FUNC_OLD_SYMPOS		16

/* A module file, read through libcdo's checked ELF view (cdo/elf.h). */
struct elf {
	const char *path;
	struct cdo_elf *v;
	size_t nsec;
	size_t nsyms;
	struct klp_err *err;
};

/* A place in the module image: a section and an offset into it. */
struct loc {
	unsigned int sec;
	uint64_t off;
};

static const struct cdo_elf_section *section(const struct elf *e, size_t idx)
{
	if (idx == 0 || idx >= e->nsec)
		return NULL;
	return cdo_elf_section(e->v, idx);
}

static struct cdo_elf_symbol symbol(const struct elf *e, uint32_t idx)
{
	struct cdo_elf_symbol y;

	cdo_elf_symbol(e->v, idx, &y);
	return y;
}

static void close_elf(struct elf *e)
{
	cdo_elf_close(e->v);
	e->v = NULL;
}

static int open_elf(struct elf *e, const char *path, struct klp_err *err)
{
	struct cdo_elf_error verr;
	const Elf64_Ehdr *eh;

	memset(e, 0, sizeof(*e));
	e->path = path;
	e->err = err;
	e->v = cdo_elf_open(path, &verr);
	if (!e->v)
		return klp_fail(err, "%s: %s", path, verr.msg);
	eh = cdo_elf_header(e->v);
	if (eh->e_machine != EM_X86_64 || eh->e_type != ET_REL)
		return klp_fail(err, "%s: not an x86_64 kernel module", path);
	e->nsec = cdo_elf_nsections(e->v);
	e->nsyms = cdo_elf_nsymbols(e->v);
	if (!e->nsyms)
		return klp_fail(err, "%s: no symbol table", path);
	/* pointer fields are followed by the offsets of their relocations */
	if (cdo_elf_index_relocs(e->v, &verr))
		return klp_fail(err, "%s: %s", path, verr.msg);
	return 0;
}

static const struct cdo_elf_reloc *reloc_at(const struct elf *e, struct loc at)
{
	return cdo_elf_reloc_at(e->v, at.sec, at.off);
}

/* Where a relocation points, for targets defined in the module. */
static bool reloc_target(const struct elf *e, const struct cdo_elf_reloc *r, struct loc *to)
{
	struct cdo_elf_symbol sym = symbol(e, r->sym);

	if (sym.shndx == SHN_UNDEF || sym.shndx >= SHN_LORESERVE || !section(e, sym.shndx))
		return false;
	to->sec = sym.shndx;
	to->off = sym.value + r->addend;
	return true;
}

static const char *reloc_symbol(const struct elf *e, const struct cdo_elf_reloc *r)
{
	return symbol(e, r->sym).name;
}

/* A NUL-terminated string at a place in the image, or NULL. */
static const char *string_at(const struct elf *e, struct loc at)
{
	const struct cdo_elf_section *s = section(e, at.sec);
	const char *p;

	if (!s || !s->data || at.off >= s->sh.sh_size)
		return NULL;
	p = (const char *)s->data + at.off;
	if (!memchr(p, '\0', s->sh.sh_size - at.off))
		return NULL;
	return p;
}

static bool read_bytes(const struct elf *e, struct loc at, void *buf, size_t len)
{
	const struct cdo_elf_section *s = section(e, at.sec);

	if (!s || at.off > s->sh.sh_size || len > s->sh.sh_size - at.off)
		return false;
	if (!s->data)
		memset(buf, 0, len);
	else
		memcpy(buf, s->data + at.off, len);
	return true;
}

/* The string a pointer field at @at points to, or NULL. */
static const char *string_field(const struct elf *e, struct loc at)
{
	const struct cdo_elf_reloc *r = reloc_at(e, at);
	struct loc to;

	if (!r || !reloc_target(e, r, &to))
		return NULL;
	return string_at(e, to);
}

static bool is_code(const struct elf *e, const struct cdo_elf_reloc *r)
{
	struct cdo_elf_symbol sym = symbol(e, r->sym);
	const struct cdo_elf_section *s;

	if (sym.type == STT_FUNC)
		return true;
	s = section(e, sym.shndx);
	return s && (s->sh.sh_flags & SHF_EXECINSTR);
}

/* The size of the sized data symbol that starts at @at (a static array), or 0. */
static uint64_t array_at(const struct elf *e, struct loc at)
{
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		struct cdo_elf_symbol sym = symbol(e, (uint32_t)i);

		if (sym.type == STT_OBJECT && sym.shndx == at.sec && sym.value == at.off &&
		    sym.size)
			return sym.size;
	}
	return 0;
}

/*
 * The element size of a static array terminated by an all-zero element:
 * each live element holds exactly one relocation that @is_key accepts.
 */
static uint64_t array_stride(const struct elf *e, struct loc start, uint64_t size,
			     bool (*is_key)(const struct elf *, const struct cdo_elf_reloc *))
{
	const struct cdo_elf_reloc *v;
	uint64_t count = 0, end;
	size_t i, n;

	if (__builtin_add_overflow(start.off, size, &end))
		end = UINT64_MAX;
	n = cdo_elf_relocs_in(e->v, start.sec, start.off, end, &v);
	for (i = 0; i < n; i++)
		if (is_key(e, &v[i]))
			count++;
	if (!count || size % (count + 1))
		return 0;
	return size / (count + 1);
}

static bool is_funcs_key(const struct elf *e, const struct cdo_elf_reloc *r)
{
	return is_code(e, r);
}

static bool is_objs_key(const struct elf *e, const struct cdo_elf_reloc *r)
{
	struct loc to;

	return !is_code(e, r) && reloc_target(e, r, &to) && array_at(e, to);
}

static int note_unseen(struct klp_module *m, const char *objname, struct klp_err *err)
{
	char **grown = realloc(m->unseen, (m->n_unseen + 1) * sizeof(*grown));

	if (!grown)
		return klp_fail(err, "%s: out of memory", m->path);
	m->unseen = grown;
	m->unseen[m->n_unseen] = strdup(objname);
	if (!m->unseen[m->n_unseen])
		return klp_fail(err, "%s: out of memory", m->path);
	m->n_unseen++;
	return 0;
}

static int read_static_funcs(const struct elf *e, const char *objname,
			     struct loc funcs, struct klp_module *m)
{
	uint64_t arr_size = array_at(e, funcs);
	uint64_t stride, k;

	if (!arr_size)
		return klp_fail(e->err, "%s: cannot find the size of the functions of object '%s'",
				e->path, objname);
	stride = array_stride(e, funcs, arr_size, is_funcs_key);
	/* Filled in at run time: nothing to learn from the file. */
	if (stride < FUNC_OLD_SYMPOS + 8)
		return note_unseen(m, objname, e->err);
	for (k = 0; k + 1 < arr_size / stride; k++) {
		struct loc el = { funcs.sec, funcs.off + k * stride };
		struct loc f_name = { el.sec, el.off + FUNC_OLD_NAME };
		struct loc f_new = { el.sec, el.off + FUNC_NEW_FUNC };
		struct loc f_pos = { el.sec, el.off + FUNC_OLD_SYMPOS };
		const struct cdo_elf_reloc *r = reloc_at(e, f_new);
		const char *name = string_field(e, f_name);
		uint64_t pos;

		if (!name || !r || !is_code(e, r) || !read_bytes(e, f_pos, &pos, 8))
			return klp_fail(e->err, "%s: function %llu of object '%s' is malformed",
					e->path, (unsigned long long)k, objname);
		if (klp_fn_add(&m->funcs, objname, name, pos, NULL, e->err))
			return -1;
	}
	return 0;
}

static int read_static_objects(const struct elf *e, struct loc objs, uint64_t count,
			       uint64_t stride, struct klp_module *m)
{
	uint64_t k;

	for (k = 0; k + 1 < count; k++) {
		struct loc el = { objs.sec, objs.off + k * stride };
		struct loc f_name = { el.sec, el.off + OBJ_NAME };
		struct loc f_funcs = { el.sec, el.off + OBJ_FUNCS };
		const char *objname = "vmlinux";
		const struct cdo_elf_reloc *r;
		struct loc funcs;

		if (reloc_at(e, f_name)) {
			objname = string_field(e, f_name);
			if (!objname)
				return klp_fail(e->err, "%s: object %llu has a malformed name",
						e->path, (unsigned long long)k);
		}
		r = reloc_at(e, f_funcs);
		if (!r || !reloc_target(e, r, &funcs))
			return klp_fail(e->err, "%s: object '%s' has no functions",
					e->path, objname);
		if (read_static_funcs(e, objname, funcs, m))
			return -1;
	}
	return 0;
}

/*
 * A klp_patch starts with ".mod = THIS_MODULE, .objs = <array>"; find every
 * such pair in the module's data and read the arrays it leads to.
 * Return: the number of patches found, or -1.
 */
static int read_static_patches(const struct elf *e, struct klp_module *m)
{
	unsigned int sec;
	int found = 0;

	for (sec = 1; sec < e->nsec; sec++) {
		const struct cdo_elf_section *s = section(e, sec);
		const struct cdo_elf_reloc *v;
		size_t i, n;

		if (!(s->sh.sh_flags & SHF_ALLOC) || (s->sh.sh_flags & SHF_EXECINSTR))
			continue;
		n = cdo_elf_relocs_to(e->v, sec, &v);
		for (i = 0; i < n; i++) {
			struct loc patch = { sec, v[i].offset - PATCH_MOD };
			struct loc f_objs = { sec, patch.off + PATCH_OBJS };
			struct loc objs, flags = { sec, patch.off + PATCH_REPLACE };
			const struct cdo_elf_reloc *r;
			uint64_t arr_size;
			uint64_t stride;
			uint8_t b[2];

			if (strcmp(reloc_symbol(e, &v[i]), "__this_module") || v[i].addend)
				continue;
			r = reloc_at(e, f_objs);
			if (!r || is_code(e, r) || !reloc_target(e, r, &objs))
				continue;
			arr_size = array_at(e, objs);
			if (!arr_size)
				continue;
			stride = array_stride(e, objs, arr_size, is_objs_key);
			if (stride < OBJ_FUNCS + 8)
				continue;

			found++;
			if (read_bytes(e, flags, b, sizeof(b))) {
				m->replace |= b[0];
				m->allow_conflicts |= b[PATCH_ALLOW_CONFLICTS - PATCH_REPLACE];
			}
			if (read_static_objects(e, objs, arr_size / stride, stride, m))
				return -1;
		}
	}
	return found;
}

/* kpatch-build modules describe their functions in .kpatch.funcs. */
static int read_kpatch_funcs(const struct elf *e, struct klp_module *m)
{
	unsigned int sec;
	uint64_t k;

	for (sec = 1; sec < e->nsec; sec++) {
		if (!strcmp(section(e, sec)->name, ".kpatch.funcs"))
			break;
	}
	if (sec == e->nsec)
		return 0;
	if (section(e, sec)->sh.sh_size % KPATCH_FUNC_SIZE)
		return klp_fail(e->err, "%s: .kpatch.funcs has a size that is not a multiple of %d",
				e->path, KPATCH_FUNC_SIZE);
	for (k = 0; k < section(e, sec)->sh.sh_size / KPATCH_FUNC_SIZE; k++) {
		uint64_t base = k * KPATCH_FUNC_SIZE, pos;
		struct loc f_pos = { sec, base + KPATCH_FUNC_SYMPOS };
		struct loc f_name = { sec, base + KPATCH_FUNC_NAME };
		struct loc f_obj = { sec, base + KPATCH_FUNC_OBJNAME };
		const char *name = string_field(e, f_name);
		const char *obj = string_field(e, f_obj);

		if (!name || !obj || !read_bytes(e, f_pos, &pos, 8))
			return klp_fail(e->err, "%s: entry %llu of .kpatch.funcs is malformed",
					e->path, (unsigned long long)k);
		if (klp_fn_add(&m->funcs, obj, name, pos, NULL, e->err))
			return -1;
	}
	m->kpatch = true;
	return 1;
}

char *klp_name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *c;

	name = strdup(base ? base + 1 : path);
	if (!name)
		return NULL;
	c = strstr(name, ".ko");
	if (c)
		*c = '\0';
	for (c = name; *c; c++) {
		if (*c == '-')
			*c = '_';
	}
	return name;
}

/* The module name the kernel will use: modinfo "name=", else the file name. */
static char *module_name(const struct elf *e)
{
	unsigned int sec;

	for (sec = 1; sec < e->nsec; sec++) {
		const struct cdo_elf_section *s = section(e, sec);
		const char *p, *end;

		if (strcmp(s->name, ".modinfo") || !s->data)
			continue;
		p = (const char *)s->data;
		end = p + s->sh.sh_size;
		while (p < end) {
			size_t len = strnlen(p, end - p);

			if (len > 5 && len < (size_t)(end - p) && !strncmp(p, "name=", 5))
				return strdup(p + 5);
			p += len + 1;
		}
	}
	return klp_name_from_path(e->path);
}

int klp_module_read(const char *path, struct klp_module *m, struct klp_err *err)
{
	struct elf e;
	int found;

	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	if (!m->path)
		return klp_fail(err, "%s: out of memory", path);
	if (open_elf(&e, path, err))
		goto fail;
	m->name = module_name(&e);
	if (!m->name) {
		klp_fail(err, "%s: out of memory", path);
		goto fail;
	}
	found = read_kpatch_funcs(&e, m);
	if (!found)
		found = read_static_patches(&e, m);
	if (found < 0)
		goto fail;
	if (!found) {
		klp_fail(err, "%s: no livepatch found (no .kpatch.funcs, no static klp_patch)",
			 path);
		goto fail;
	}
	close_elf(&e);
	return 0;
fail:
	close_elf(&e);
	klp_module_free(m);
	return -1;
}

void klp_module_free(struct klp_module *m)
{
	size_t i;

	free(m->path);
	free(m->name);
	klp_fn_list_free(&m->funcs);
	for (i = 0; i < m->n_unseen; i++)
		free(m->unseen[i]);
	free(m->unseen);
	memset(m, 0, sizeof(*m));
}
