// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a livepatch module file: which functions would it replace?
 *
 * The functions come from the module file itself: the static klp_patch,
 * klp_object and klp_func arrays of a hand-written livepatch, or the
 * .kpatch.funcs table of a kpatch-build module.  Every offset taken from
 * the file is checked before use; odd layouts are refused with a message.
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

struct reloc {
	uint64_t off;
	uint32_t sym;
	int64_t addend;
};

struct relsec {
	struct reloc *v;	/* sorted by offset */
	size_t n;
};

struct elf {
	const char *path;
	const uint8_t *map;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	size_t strtab_size;
	const char *shstr;
	size_t shstr_size;
	struct relsec *rel;	/* indexed by target section */
	unsigned int nsec;
	struct klp_err *err;
};

/* A place in the module image: a section and an offset into it. */
struct loc {
	unsigned int sec;
	uint64_t off;
};

static bool in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* Names are handed out as C strings: a table must end in a NUL (or be empty). */
static bool terminated(const char *t, uint64_t size)
{
	return !size || t[size - 1] == '\0';
}

static const Elf64_Shdr *section(const struct elf *e, unsigned int idx)
{
	if (idx == 0 || idx >= e->nsec)
		return NULL;
	return &e->sh[idx];
}

static const char *section_name(const struct elf *e, unsigned int idx)
{
	const Elf64_Shdr *s = section(e, idx);

	if (!s || s->sh_name >= e->shstr_size)
		return "";
	return e->shstr + s->sh_name;
}

static const char *symbol_name(const struct elf *e, const Elf64_Sym *sym)
{
	if (sym->st_name >= e->strtab_size)
		return "";
	return e->strtab + sym->st_name;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

static void close_elf(struct elf *e)
{
	unsigned int i;

	if (e->rel) {
		for (i = 0; i < e->nsec; i++)
			free(e->rel[i].v);
		free(e->rel);
	}
	if (e->map && e->map != MAP_FAILED)
		munmap((void *)e->map, e->size);
	e->rel = NULL;
	e->map = NULL;
}

static int read_relocs(struct elf *e)
{
	unsigned int i, n = e->nsec;

	e->rel = calloc(n, sizeof(*e->rel));
	if (!e->rel)
		return klp_fail(e->err, "%s: out of memory", e->path);
	for (i = 1; i < n; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		const Elf64_Rela *r;
		struct relsec *rs;
		struct reloc *grown;
		size_t k, cnt;

		if (s->sh_type != SHT_RELA || s->sh_info == 0 || s->sh_info >= n)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Rela) || s->sh_offset % 8)
			return klp_fail(e->err, "%s: bad relocation section %s",
					e->path, section_name(e, i));
		r = (const Elf64_Rela *)(e->map + s->sh_offset);
		cnt = s->sh_size / sizeof(Elf64_Rela);
		rs = &e->rel[s->sh_info];
		grown = realloc(rs->v, (rs->n + cnt + 1) * sizeof(*rs->v));
		if (!grown)
			return klp_fail(e->err, "%s: out of memory", e->path);
		rs->v = grown;
		for (k = 0; k < cnt; k++) {
			struct reloc *d = &rs->v[rs->n++];

			d->off = r[k].r_offset;
			d->sym = ELF64_R_SYM(r[k].r_info);
			d->addend = r[k].r_addend;
			if (d->sym >= e->nsyms)
				return klp_fail(e->err, "%s: relocation against symbol %u out of range",
						e->path, d->sym);
		}
		qsort(rs->v, rs->n, sizeof(*rs->v), cmp_reloc);
	}
	return 0;
}

static int open_elf(struct elf *e, const char *path, struct klp_err *err)
{
	struct stat st;
	unsigned int i, n;
	int fd;

	memset(e, 0, sizeof(*e));
	e->path = path;
	e->err = err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return klp_fail(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return klp_fail(err, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return klp_fail(err, "%s: not a regular file", path);
	}
	e->size = st.st_size;
	if (e->size < sizeof(Elf64_Ehdr)) {
		close(fd);
		return klp_fail(err, "%s: not an ELF file", path);
	}
	e->map = mmap(NULL, e->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (e->map == MAP_FAILED) {
		e->map = NULL;
		return klp_fail(err, "%s: %s", path, strerror(errno));
	}

	e->eh = (const Elf64_Ehdr *)e->map;
	if (memcmp(e->eh->e_ident, ELFMAG, SELFMAG) ||
	    e->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->eh->e_machine != EM_X86_64 || e->eh->e_type != ET_REL)
		return klp_fail(err, "%s: not an x86_64 kernel module", path);
	n = e->eh->e_shnum;
	/* tables are read in place: their offsets must suit their types */
	if (e->eh->e_shentsize != sizeof(Elf64_Shdr) || e->eh->e_shoff % 8 ||
	    !in_file(e, e->eh->e_shoff, (uint64_t)n * sizeof(Elf64_Shdr)) ||
	    e->eh->e_shstrndx >= n)
		return klp_fail(err, "%s: bad section header table", path);
	e->sh = (const Elf64_Shdr *)(e->map + e->eh->e_shoff);
	e->nsec = n;

	for (i = 0; i < n; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (s->sh_type != SHT_NOBITS && !in_file(e, s->sh_offset, s->sh_size))
			return klp_fail(err, "%s: section %u lies outside the file", path, i);
	}
	e->shstr = (const char *)e->map + e->sh[e->eh->e_shstrndx].sh_offset;
	e->shstr_size = e->sh[e->eh->e_shstrndx].sh_size;
	if (e->sh[e->eh->e_shstrndx].sh_type != SHT_STRTAB || !terminated(e->shstr, e->shstr_size))
		return klp_fail(err, "%s: bad section name table", path);

	for (i = 1; i < n; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (s->sh_type != SHT_SYMTAB)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_link >= n || s->sh_offset % 8 ||
		    e->sh[s->sh_link].sh_type != SHT_STRTAB)
			return klp_fail(err, "%s: bad symbol table", path);
		e->syms = (const Elf64_Sym *)(e->map + s->sh_offset);
		e->nsyms = s->sh_size / sizeof(Elf64_Sym);
		e->strtab = (const char *)e->map + e->sh[s->sh_link].sh_offset;
		e->strtab_size = e->sh[s->sh_link].sh_size;
		if (!terminated(e->strtab, e->strtab_size))
			return klp_fail(err, "%s: symbol string table is not NUL-terminated", path);
		break;
	}
	if (!e->syms)
		return klp_fail(err, "%s: no symbol table", path);
	return read_relocs(e);
}

static const struct reloc *reloc_at(const struct elf *e, struct loc at)
{
	const struct relsec *rs = &e->rel[at.sec];
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->v[mid].off < at.off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rs->n && rs->v[lo].off == at.off)
		return &rs->v[lo];
	return NULL;
}

/* Where a relocation points, for targets defined in the module. */
static bool reloc_target(const struct elf *e, const struct reloc *r, struct loc *to)
{
	const Elf64_Sym *sym = &e->syms[r->sym];

	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE ||
	    !section(e, sym->st_shndx))
		return false;
	to->sec = sym->st_shndx;
	to->off = sym->st_value + r->addend;
	return true;
}

static const char *reloc_symbol(const struct elf *e, const struct reloc *r)
{
	return symbol_name(e, &e->syms[r->sym]);
}

/* A NUL-terminated string at a place in the image, or NULL. */
static const char *string_at(const struct elf *e, struct loc at)
{
	const Elf64_Shdr *s = section(e, at.sec);
	const char *p;

	if (!s || s->sh_type == SHT_NOBITS || at.off >= s->sh_size)
		return NULL;
	p = (const char *)e->map + s->sh_offset + at.off;
	if (!memchr(p, '\0', s->sh_size - at.off))
		return NULL;
	return p;
}

static bool read_bytes(const struct elf *e, struct loc at, void *buf, size_t len)
{
	const Elf64_Shdr *s = section(e, at.sec);

	if (!s || at.off > s->sh_size || len > s->sh_size - at.off)
		return false;
	if (s->sh_type == SHT_NOBITS)
		memset(buf, 0, len);
	else
		memcpy(buf, e->map + s->sh_offset + at.off, len);
	return true;
}

/* The string a pointer field at @at points to, or NULL. */
static const char *string_field(const struct elf *e, struct loc at)
{
	const struct reloc *r = reloc_at(e, at);
	struct loc to;

	if (!r || !reloc_target(e, r, &to))
		return NULL;
	return string_at(e, to);
}

static bool is_code(const struct elf *e, const struct reloc *r)
{
	const Elf64_Sym *sym = &e->syms[r->sym];
	const Elf64_Shdr *s;

	if (ELF64_ST_TYPE(sym->st_info) == STT_FUNC)
		return true;
	s = section(e, sym->st_shndx);
	return s && (s->sh_flags & SHF_EXECINSTR);
}

/* The sized data symbol that starts at @at: a static array. */
static const Elf64_Sym *array_at(const struct elf *e, struct loc at)
{
	size_t i;

	for (i = 1; i < e->nsyms; i++) {
		const Elf64_Sym *sym = &e->syms[i];

		if (ELF64_ST_TYPE(sym->st_info) == STT_OBJECT &&
		    sym->st_shndx == at.sec && sym->st_value == at.off &&
		    sym->st_size)
			return sym;
	}
	return NULL;
}

/*
 * The element size of a static array terminated by an all-zero element:
 * each live element holds exactly one relocation that @is_key accepts.
 */
static uint64_t array_stride(const struct elf *e, struct loc start, uint64_t size,
			     bool (*is_key)(const struct elf *, const struct reloc *))
{
	const struct relsec *rs = &e->rel[start.sec];
	uint64_t count = 0;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].off >= start.off && rs->v[i].off - start.off < size &&
		    is_key(e, &rs->v[i]))
			count++;
	}
	if (!count || size % (count + 1))
		return 0;
	return size / (count + 1);
}

static bool is_funcs_key(const struct elf *e, const struct reloc *r)
{
	return is_code(e, r);
}

static bool is_objs_key(const struct elf *e, const struct reloc *r)
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
	const Elf64_Sym *arr = array_at(e, funcs);
	uint64_t stride, k;

	if (!arr)
		return klp_fail(e->err, "%s: cannot find the size of the functions of object '%s'",
				e->path, objname);
	stride = array_stride(e, funcs, arr->st_size, is_funcs_key);
	/* Filled in at run time: nothing to learn from the file. */
	if (stride < FUNC_OLD_SYMPOS + 8)
		return note_unseen(m, objname, e->err);
	for (k = 0; k + 1 < arr->st_size / stride; k++) {
		struct loc el = { funcs.sec, funcs.off + k * stride };
		struct loc f_name = { el.sec, el.off + FUNC_OLD_NAME };
		struct loc f_new = { el.sec, el.off + FUNC_NEW_FUNC };
		struct loc f_pos = { el.sec, el.off + FUNC_OLD_SYMPOS };
		const struct reloc *r = reloc_at(e, f_new);
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
		const struct reloc *r;
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
		const struct relsec *rs = &e->rel[sec];
		size_t i;

		if (!(e->sh[sec].sh_flags & SHF_ALLOC) ||
		    (e->sh[sec].sh_flags & SHF_EXECINSTR))
			continue;
		for (i = 0; i < rs->n; i++) {
			struct loc patch = { sec, rs->v[i].off - PATCH_MOD };
			struct loc f_objs = { sec, patch.off + PATCH_OBJS };
			struct loc objs, flags = { sec, patch.off + PATCH_REPLACE };
			const struct reloc *r;
			const Elf64_Sym *arr;
			uint64_t stride;
			uint8_t b[2];

			if (strcmp(reloc_symbol(e, &rs->v[i]), "__this_module") ||
			    rs->v[i].addend)
				continue;
			r = reloc_at(e, f_objs);
			if (!r || is_code(e, r) || !reloc_target(e, r, &objs))
				continue;
			arr = array_at(e, objs);
			if (!arr)
				continue;
			stride = array_stride(e, objs, arr->st_size, is_objs_key);
			if (stride < OBJ_FUNCS + 8)
				continue;

			found++;
			if (read_bytes(e, flags, b, sizeof(b))) {
				m->replace |= b[0];
				m->allow_conflicts |= b[PATCH_ALLOW_CONFLICTS - PATCH_REPLACE];
			}
			if (read_static_objects(e, objs, arr->st_size / stride, stride, m))
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
		if (!strcmp(section_name(e, sec), ".kpatch.funcs"))
			break;
	}
	if (sec == e->nsec)
		return 0;
	if (e->sh[sec].sh_size % KPATCH_FUNC_SIZE)
		return klp_fail(e->err, "%s: .kpatch.funcs has a size that is not a multiple of %d",
				e->path, KPATCH_FUNC_SIZE);
	for (k = 0; k < e->sh[sec].sh_size / KPATCH_FUNC_SIZE; k++) {
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
		const Elf64_Shdr *s = &e->sh[sec];
		const char *p, *end;

		if (strcmp(section_name(e, sec), ".modinfo") || s->sh_type == SHT_NOBITS)
			continue;
		p = (const char *)e->map + s->sh_offset;
		end = p + s->sh_size;
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
