// SPDX-License-Identifier: GPL-2.0
/*
 * klp-conflicts: tell, before a livepatch module is loaded, whether it would
 * replace a function that an active livepatch already replaces.
 *
 *   klp-conflicts [--sysfs DIR] [--kallsyms FILE] [--replace] PATCH.ko
 *
 * The functions come from the module file itself: the static klp_patch,
 * klp_object and klp_func arrays of a hand-written livepatch, or the
 * .kpatch.funcs table of a kpatch-build module.  The functions of the active
 * livepatches come from /sys/kernel/livepatch.  Two functions collide when
 * they have the same object, name and sympos (0 and 1 alike) or, if
 * /proc/kallsyms can be read, the same address (aliases).  This is the rule
 * the kernel applies in klp_enable_patch().
 *
 * Exit status: 0 no conflict, 1 conflicts (one line each on stdout),
 * 2 usage or input error (one line on stderr).
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* the project's version (the top-level VERSION file), passed by the Makefile */
#ifndef CDO_VERSION
#define CDO_VERSION "unknown"
#endif

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

struct func {
	char *obj;		/* "vmlinux" or a module name */
	char *name;
	unsigned long pos;	/* normalized: 0 becomes 1 */
	char *patch;		/* owning active patch, NULL for the new one */
};

struct func_list {
	struct func *v;
	size_t n, cap;
};

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
};

/* A place in the module image: a section and an offset into it. */
struct loc {
	unsigned int sec;
	uint64_t off;
};

static const char *prog = "klp-conflicts";

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fail("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		fail("out of memory");
	return d;
}

static void add_func(struct func_list *l, const char *obj, const char *name,
		     unsigned long pos, const char *patch)
{
	struct func *f;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	f = &l->v[l->n++];
	f->obj = xstrdup(obj);
	f->name = xstrdup(name);
	f->pos = pos ? pos : 1;
	f->patch = patch ? xstrdup(patch) : NULL;
}

/* ---- ELF reading ------------------------------------------------------ */

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
	if (idx == 0 || idx >= e->eh->e_shnum)
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

static void load_elf(struct elf *e, const char *path)
{
	struct stat st;
	unsigned int i, n;
	int fd;

	memset(e, 0, sizeof(*e));
	e->path = path;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		fail("%s: %s", path, strerror(errno));
	e->size = st.st_size;
	if (e->size < sizeof(Elf64_Ehdr))
		fail("%s: not an ELF file", path);
	e->map = mmap(NULL, e->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (e->map == MAP_FAILED)
		fail("%s: %s", path, strerror(errno));

	e->eh = (const Elf64_Ehdr *)e->map;
	if (memcmp(e->eh->e_ident, ELFMAG, SELFMAG) ||
	    e->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->eh->e_machine != EM_X86_64 || e->eh->e_type != ET_REL)
		fail("%s: not an x86_64 kernel module", path);
	n = e->eh->e_shnum;
	/* tables are read in place: their offsets must suit their types */
	if (e->eh->e_shentsize != sizeof(Elf64_Shdr) || e->eh->e_shoff % 8 ||
	    !in_file(e, e->eh->e_shoff, (uint64_t)n * sizeof(Elf64_Shdr)) ||
	    e->eh->e_shstrndx >= n)
		fail("%s: bad section header table", path);
	e->sh = (const Elf64_Shdr *)(e->map + e->eh->e_shoff);

	for (i = 0; i < n; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (s->sh_type != SHT_NOBITS && !in_file(e, s->sh_offset, s->sh_size))
			fail("%s: section %u lies outside the file", path, i);
	}
	e->shstr = (const char *)e->map + e->sh[e->eh->e_shstrndx].sh_offset;
	e->shstr_size = e->sh[e->eh->e_shstrndx].sh_size;
	if (e->sh[e->eh->e_shstrndx].sh_type != SHT_STRTAB || !terminated(e->shstr, e->shstr_size))
		fail("%s: bad section name table", path);

	for (i = 1; i < n; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (s->sh_type != SHT_SYMTAB)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_link >= n || s->sh_offset % 8 ||
		    e->sh[s->sh_link].sh_type != SHT_STRTAB)
			fail("%s: bad symbol table", path);
		e->syms = (const Elf64_Sym *)(e->map + s->sh_offset);
		e->nsyms = s->sh_size / sizeof(Elf64_Sym);
		e->strtab = (const char *)e->map + e->sh[s->sh_link].sh_offset;
		e->strtab_size = e->sh[s->sh_link].sh_size;
		if (!terminated(e->strtab, e->strtab_size))
			fail("%s: symbol string table is not NUL-terminated", path);
		break;
	}
	if (!e->syms)
		fail("%s: no symbol table", path);

	e->rel = xrealloc(NULL, n * sizeof(*e->rel));
	memset(e->rel, 0, n * sizeof(*e->rel));
	for (i = 1; i < n; i++) {
		const Elf64_Shdr *s = &e->sh[i];
		const Elf64_Rela *r;
		struct relsec *rs;
		size_t k, cnt;

		if (s->sh_type != SHT_RELA || s->sh_info == 0 || s->sh_info >= n)
			continue;
		if (s->sh_entsize != sizeof(Elf64_Rela) || s->sh_offset % 8)
			fail("%s: bad relocation section %s", path, section_name(e, i));
		r = (const Elf64_Rela *)(e->map + s->sh_offset);
		cnt = s->sh_size / sizeof(Elf64_Rela);
		rs = &e->rel[s->sh_info];
		rs->v = xrealloc(rs->v, (rs->n + cnt) * sizeof(*rs->v));
		for (k = 0; k < cnt; k++) {
			struct reloc *d = &rs->v[rs->n++];

			d->off = r[k].r_offset;
			d->sym = ELF64_R_SYM(r[k].r_info);
			d->addend = r[k].r_addend;
			if (d->sym >= e->nsyms)
				fail("%s: relocation against symbol %u out of range",
				     path, d->sym);
		}
		qsort(rs->v, rs->n, sizeof(*rs->v), cmp_reloc);
	}
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
		if (rs->v[i].off >= start.off && rs->v[i].off < start.off + size &&
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

static void read_static_funcs(const struct elf *e, const char *objname,
			      struct loc funcs, struct func_list *out)
{
	const Elf64_Sym *arr = array_at(e, funcs);
	uint64_t stride, k;

	if (!arr)
		fail("%s: cannot find the size of the functions of object '%s'",
		     e->path, objname);
	stride = array_stride(e, funcs, arr->st_size, is_funcs_key);
	if (stride < FUNC_OLD_SYMPOS + 8) {
		/* Filled in at run time: nothing to learn from the file. */
		fprintf(stderr, "%s: %s: functions of object '%s' are set up at run time; not checked\n",
			prog, e->path, objname);
		return;
	}
	for (k = 0; k + 1 < arr->st_size / stride; k++) {
		struct loc el = { funcs.sec, funcs.off + k * stride };
		struct loc f_name = { el.sec, el.off + FUNC_OLD_NAME };
		struct loc f_new = { el.sec, el.off + FUNC_NEW_FUNC };
		struct loc f_pos = { el.sec, el.off + FUNC_OLD_SYMPOS };
		const struct reloc *r = reloc_at(e, f_new);
		const char *name = string_field(e, f_name);
		uint64_t pos;

		if (!name || !r || !is_code(e, r) || !read_bytes(e, f_pos, &pos, 8))
			fail("%s: function %llu of object '%s' is malformed",
			     e->path, (unsigned long long)k, objname);
		add_func(out, objname, name, pos, NULL);
	}
}

/*
 * A klp_patch starts with ".mod = THIS_MODULE, .objs = <array>"; find every
 * such pair in the module's data and read the arrays it leads to.
 */
static int read_static_patches(const struct elf *e, struct func_list *out,
			       bool *replace, bool *allow)
{
	unsigned int sec;
	int found = 0;

	for (sec = 1; sec < e->eh->e_shnum; sec++) {
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
			uint64_t stride, k;
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
				*replace |= b[0];
				*allow |= b[PATCH_ALLOW_CONFLICTS - PATCH_REPLACE];
			}
			for (k = 0; k + 1 < arr->st_size / stride; k++) {
				struct loc el = { objs.sec, objs.off + k * stride };
				struct loc f_name = { el.sec, el.off + OBJ_NAME };
				struct loc f_funcs = { el.sec, el.off + OBJ_FUNCS };
				const char *objname = "vmlinux";
				struct loc funcs;

				if (reloc_at(e, f_name)) {
					objname = string_field(e, f_name);
					if (!objname)
						fail("%s: object %llu has a malformed name",
						     e->path, (unsigned long long)k);
				}
				r = reloc_at(e, f_funcs);
				if (!r || !reloc_target(e, r, &funcs))
					fail("%s: object '%s' has no functions",
					     e->path, objname);
				read_static_funcs(e, objname, funcs, out);
			}
		}
	}
	return found;
}

/* kpatch-build modules describe their functions in .kpatch.funcs. */
static int read_kpatch_funcs(const struct elf *e, struct func_list *out)
{
	unsigned int sec;
	uint64_t k;

	for (sec = 1; sec < e->eh->e_shnum; sec++) {
		if (!strcmp(section_name(e, sec), ".kpatch.funcs"))
			break;
	}
	if (sec == e->eh->e_shnum)
		return 0;
	if (e->sh[sec].sh_size % KPATCH_FUNC_SIZE)
		fail("%s: .kpatch.funcs has a size that is not a multiple of %d",
		     e->path, KPATCH_FUNC_SIZE);
	for (k = 0; k < e->sh[sec].sh_size / KPATCH_FUNC_SIZE; k++) {
		uint64_t base = k * KPATCH_FUNC_SIZE, pos;
		struct loc f_pos = { sec, base + KPATCH_FUNC_SYMPOS };
		struct loc f_name = { sec, base + KPATCH_FUNC_NAME };
		struct loc f_obj = { sec, base + KPATCH_FUNC_OBJNAME };
		const char *name = string_field(e, f_name);
		const char *obj = string_field(e, f_obj);

		if (!name || !obj || !read_bytes(e, f_pos, &pos, 8))
			fail("%s: entry %llu of .kpatch.funcs is malformed",
			     e->path, (unsigned long long)k);
		add_func(out, obj, name, pos, NULL);
	}
	return 1;
}

/* The module name the kernel will use: modinfo "name=", else the file name. */
static char *module_name(const struct elf *e)
{
	const char *base, *dot;
	unsigned int sec;
	char *name;

	for (sec = 1; sec < e->eh->e_shnum; sec++) {
		const Elf64_Shdr *s = &e->sh[sec];
		const char *p, *end;

		if (strcmp(section_name(e, sec), ".modinfo") || s->sh_type == SHT_NOBITS)
			continue;
		p = (const char *)e->map + s->sh_offset;
		end = p + s->sh_size;
		while (p < end) {
			size_t len = strnlen(p, end - p);

			if (len > 5 && len < (size_t)(end - p) && !strncmp(p, "name=", 5))
				return xstrdup(p + 5);
			p += len + 1;
		}
	}
	base = strrchr(e->path, '/');
	base = base ? base + 1 : e->path;
	name = xstrdup(base);
	dot = strchr(name, '.');
	if (dot)
		name[dot - name] = '\0';
	for (char *c = name; *c; c++) {
		if (*c == '-')
			*c = '_';
	}
	return name;
}

/* ---- the running kernel ---------------------------------------------- */

static bool read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* "@dir/@name" into @buf; false when it does not fit. */
static bool join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len;
}

static bool subdir(const char *dir, const struct dirent *d)
{
	char path[4096];
	struct stat st;

	if (d->d_name[0] == '.' || !join(path, sizeof(path), dir, d->d_name))
		return false;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * Functions of the active livepatches: enabled ones, and those in a
 * transition towards enabled.  A patch that is being disabled is skipped,
 * as the kernel does.
 */
static void read_sysfs(const char *root, const char *self, struct func_list *out)
{
	DIR *rd, *od, *fd;
	struct dirent *p, *o, *f;
	char path[4096], opath[4096], val[64];

	/*
	 * A missing directory is an error, not "no active patch": it is a
	 * mistyped --sysfs, or a kernel without CONFIG_LIVEPATCH that could
	 * not load the patch anyway.  Either way "no conflicts" would mislead.
	 */
	rd = opendir(root);
	if (!rd)
		fail("%s: %s%s", root, strerror(errno),
		     errno == ENOENT && !strcmp(root, "/sys/kernel/livepatch") ?
		     " (is this kernel built with CONFIG_LIVEPATCH?)" : "");
	while ((p = readdir(rd))) {
		if (!subdir(root, p) || !strcmp(p->d_name, self) ||
		    !join(path, sizeof(path), root, p->d_name) ||
		    !join(opath, sizeof(opath), path, "enabled"))
			continue;
		if (!read_small(opath, val, sizeof(val)) || strcmp(val, "1"))
			continue;
		od = opendir(path);
		if (!od)
			continue;
		while ((o = readdir(od))) {
			if (!subdir(path, o) ||
			    !join(opath, sizeof(opath), path, o->d_name))
				continue;
			fd = opendir(opath);
			if (!fd)
				continue;
			while ((f = readdir(fd))) {
				char *comma, *end, name[512];
				unsigned long pos;

				if (!subdir(opath, f))
					continue;
				snprintf(name, sizeof(name), "%s", f->d_name);
				comma = strrchr(name, ',');
				if (!comma)
					continue;
				*comma = '\0';
				pos = strtoul(comma + 1, &end, 10);
				if (*end)
					continue;
				add_func(out, o->d_name, name, pos, p->d_name);
			}
			closedir(fd);
		}
		closedir(od);
	}
	closedir(rd);
}

struct ksym {
	char *obj;
	char *name;
	unsigned long long addr;
};

struct ksyms {
	struct ksym *v;
	size_t n, cap;
	bool usable;
};

/*
 * /proc/kallsyms lists the symbols of vmlinux and of each module in the
 * order the kernel counts sympos in.  Without root, all addresses read 0.
 */
static void read_kallsyms(const char *path, struct ksyms *ks)
{
	char line[1024], name[512], mod[256], type;
	unsigned long long addr;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct ksym *k;
		int n;

		mod[0] = '\0';
		n = sscanf(line, "%llx %c %511s [%255[^]]]", &addr, &type, name, mod);
		if (n < 3 || !strchr("tTwW", type))
			continue;
		if (addr)
			ks->usable = true;
		if (ks->n == ks->cap) {
			ks->cap = ks->cap ? 2 * ks->cap : 4096;
			ks->v = xrealloc(ks->v, ks->cap * sizeof(*ks->v));
		}
		k = &ks->v[ks->n++];
		k->obj = xstrdup(n == 4 ? mod : "vmlinux");
		k->name = xstrdup(name);
		k->addr = addr;
	}
	fclose(f);
}

static unsigned long long ksym_addr(const struct ksyms *ks, const struct func *fn)
{
	unsigned long seen = 0;
	size_t i;

	if (!ks->usable)
		return 0;
	for (i = 0; i < ks->n; i++) {
		if (strcmp(ks->v[i].name, fn->name) || strcmp(ks->v[i].obj, fn->obj))
			continue;
		if (++seen == fn->pos)
			return ks->v[i].addr;
	}
	return 0;
}

static void free_funcs(struct func_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].obj);
		free(l->v[i].name);
		free(l->v[i].patch);
	}
	free(l->v);
}

static void free_ksyms(struct ksyms *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		free(ks->v[i].obj);
		free(ks->v[i].name);
	}
	free(ks->v);
}

static void free_elf(struct elf *e)
{
	unsigned int i;

	for (i = 0; i < e->eh->e_shnum; i++)
		free(e->rel[i].v);
	free(e->rel);
	munmap((void *)e->map, e->size);
}

/* ---- main -------------------------------------------------------------- */

/* Print one line per collision of a new function with an active one. */
static size_t report_conflicts(const char *self, const struct func_list *mine,
			       const struct func_list *active,
			       const struct ksyms *ks)
{
	size_t i, j, conflicts = 0;

	for (i = 0; i < mine->n; i++) {
		const struct func *m = &mine->v[i];
		unsigned long long addr = 0, other;
		bool resolved = false;

		for (j = 0; j < active->n; j++) {
			const struct func *a = &active->v[j];

			if (strcmp(m->obj, a->obj))
				continue;
			if (!strcmp(m->name, a->name) && m->pos == a->pos) {
				printf("%s: %s %s,%lu is already replaced by %s\n",
				       self, m->obj, m->name, m->pos, a->patch);
				conflicts++;
				continue;
			}
			if (!resolved) {
				addr = ksym_addr(ks, m);
				resolved = true;
			}
			other = addr ? ksym_addr(ks, a) : 0;
			if (addr && other == addr) {
				printf("%s: %s %s,%lu is already replaced by %s as %s,%lu\n",
				       self, m->obj, m->name, m->pos, a->patch,
				       a->name, a->pos);
				conflicts++;
			}
		}
	}
	return conflicts;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--sysfs DIR] [--kallsyms FILE] [--replace] PATCH.ko\n"
		"Lists the functions PATCH.ko would replace that an active livepatch\n"
		"already replaces.  Exit status 0: none, 1: conflicts, 2: error.\n"
		"\n"
		"  --sysfs DIR      the livepatch sysfs folder (/sys/kernel/livepatch)\n"
		"  --kallsyms FILE  the kernel's symbols (/proc/kallsyms)\n"
		"  --replace        PATCH.ko is an atomic-replace patch\n"
		"  -h, --help       show this help\n"
		"  -V, --version    print the version\n",
		prog);
}

int main(int argc, char **argv)
{
	const char *sysfs = "/sys/kernel/livepatch", *kallsyms = "/proc/kallsyms";
	struct func_list mine = { 0 }, active = { 0 };
	bool replace = false, allow = false;
	struct ksyms ks = { 0 };
	char *self, policy[64] = "deny", path[4096];
	size_t conflicts = 0;
	struct elf e;
	int arg;

	for (arg = 1; arg < argc && argv[arg][0] == '-'; arg++) {
		if (!strcmp(argv[arg], "--sysfs") && arg + 1 < argc) {
			sysfs = argv[++arg];
		} else if (!strcmp(argv[arg], "--kallsyms") && arg + 1 < argc) {
			kallsyms = argv[++arg];
		} else if (!strcmp(argv[arg], "--replace")) {
			replace = true;
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
	if (arg + 1 != argc) {
		usage(stderr);
		return 2;
	}

	load_elf(&e, argv[arg]);
	self = module_name(&e);
	if (!read_kpatch_funcs(&e, &mine) &&
	    !read_static_patches(&e, &mine, &replace, &allow))
		fail("%s: no livepatch found (no .kpatch.funcs, no static klp_patch)",
		     e.path);
	free_elf(&e);

	/* An atomic replace patch never conflicts. */
	if (!replace) {
		read_sysfs(sysfs, self, &active);
		read_kallsyms(kallsyms, &ks);
		conflicts = report_conflicts(self, &mine, &active, &ks);
	}

	if (conflicts) {
		if (join(path, sizeof(path), sysfs, "conflict_policy"))
			read_small(path, policy, sizeof(policy));
		if (allow || strcmp(policy, "deny"))
			fprintf(stderr, "%s: note: the kernel would load %s anyway (%s)\n",
				prog, self, allow ? "the patch allows conflicts" :
				"conflict_policy is not deny");
	}

	free_funcs(&mine);
	free_funcs(&active);
	free_ksyms(&ks);
	free(self);
	return conflicts ? 1 : 0;
}
