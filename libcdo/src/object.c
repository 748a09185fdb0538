// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a relocatable ELF object into the object model.
 *
 * The mapped file is read through the project's ELF view (cdo/elf.h,
 * elf.c) instead of libelf: Debian's libelf is not thread-safe (lazy
 * section loading writes shared state), we want the two objects read on
 * two threads, and every offset and index gets checked once, by the view
 * and then here for what the model needs on top, so later stages can
 * trust them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cdo/elf.h>

#include "object.h"
#include "names.h"

#define BAD(...) err_set(eb, CDO_ERR_MALFORMED, __VA_ARGS__)

static bool range_ok(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

/* What the ELF view refused, as the library reports it. */
static int view_failed(const struct object *o, const struct cdo_elf_error *ve, struct errbuf *eb)
{
	switch (ve->fault) {
	case CDO_ELF_UNSUPPORTED:
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: %s", o->path, ve->msg);
	case CDO_ELF_NOMEM:
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	case CDO_ELF_IO:
		errno = ve->sys_errno;
		return err_set(eb, CDO_ERR_IO, "%s: %s", o->path, ve->msg);
	case CDO_ELF_MALFORMED:
		break;
	}
	return BAD("%s: %s", o->path, ve->msg);
}

/* What the object model needs beyond a well-formed ELF file. */
static int check_header(struct object *o, const struct cdo_elf *v, struct errbuf *eb)
{
	memcpy(&o->ehdr, cdo_elf_header(v), sizeof(o->ehdr));
	o->arch = arch_for_machine(o->ehdr.e_machine);
	if (!o->arch)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: unsupported machine %u (only x86-64)",
			       o->path, o->ehdr.e_machine);
	if (o->ehdr.e_type != ET_REL)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: not a relocatable object", o->path);
	if (!cdo_elf_nsections(v))
		return BAD("%s: section header table outside the file", o->path);
	if (cdo_elf_nsections(v) > UINT32_MAX - 1)
		return BAD("%s: too many sections", o->path);
	if (!cdo_elf_shstrndx(v))
		return BAD("%s: section name table index 0 out of range", o->path);
	return 0;
}

static int grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (!*arr) {
		/* fresh zeroed pages cost nothing until touched */
		p = calloc(n, elem);
		if (!p)
			return -1;
		*arr = p;
		*cap = n;
		return 0;
	}
	p = realloc(*arr, n * elem);
	if (!p)
		return -1;
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(n - *cap) * elem);
	*arr = p;
	*cap = n;
	return 0;
}

static void init_section(struct section *s, uint32_t index)
{
	s->index = index;
	s->base = s->rela = s->secsym = s->sym = s->twin = NONE;
	s->out_index = NONE;
}

static void init_symbol(struct symbol *s, uint32_t index)
{
	s->index = index;
	s->sec = s->twin = s->parent = s->first_child = s->next_sibling = NONE;
	s->pfx = s->file = s->out_index = NONE;
	s->parent_block = -1;
}

static int read_sections(struct object *o, const struct cdo_elf *v, struct errbuf *eb)
{
	uint32_t shnum = (uint32_t)cdo_elf_nsections(v);
	struct section *shstr;
	uint32_t i;

	/* room for the output's extra sections without an early realloc */
	if (grow((void **)&o->secs, &o->secs_cap, shnum + 16, sizeof(*o->secs)))
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	o->nsecs = shnum;
	o->symtab = o->strtab = NONE;
	for (i = 0; i < shnum; i++) {
		struct section *s = &o->secs[i];

		init_section(s, i);
		memcpy(&s->sh, &cdo_elf_section(v, i)->sh, sizeof(s->sh));
		if (i == 0)
			continue;
		/* an empty section still has a place in the file (the view skips it) */
		if (s->sh.sh_type != SHT_NOBITS) {
			if (!range_ok(s->sh.sh_offset, s->sh.sh_size, o->map_size))
				return BAD("%s: section %u extends past the end of the file", o->path, i);
			s->data = o->map + s->sh.sh_offset;
			s->size = s->sh.sh_size;
		}
	}
	o->shstrtab = (uint32_t)cdo_elf_shstrndx(v);
	shstr = &o->secs[o->shstrtab];
	if (shstr->sh.sh_type != SHT_STRTAB || !shstr->data)
		return BAD("%s: missing section name string table", o->path);
	if (!shstr->size)
		return BAD("%s: section name string table is not NUL-terminated", o->path);

	for (i = 1; i < shnum; i++) {
		struct section *s = &o->secs[i];

		/* the view checked the offset and that the table ends in a NUL */
		s->name = (const char *)shstr->data + s->sh.sh_name;
		/*
		 * The writer lays the output out with these alignments; a
		 * huge one would pad the output without end.
		 */
		if (s->sh.sh_addralign & (s->sh.sh_addralign - 1))
			return BAD("%s: section %s has alignment %llu, not a power of two", o->path,
				   s->name, (unsigned long long)s->sh.sh_addralign);
		if (s->sh.sh_addralign > CDO_MAX_SECTION_ALIGN)
			return BAD("%s: section %s has alignment %llu, over the limit of %u", o->path,
				   s->name, (unsigned long long)s->sh.sh_addralign, CDO_MAX_SECTION_ALIGN);
		s->is_rela = s->sh.sh_type == SHT_RELA;
		s->is_text = s->sh.sh_type == SHT_PROGBITS && (s->sh.sh_flags & SHF_EXECINSTR);
		s->is_strings = (s->sh.sh_flags & SHF_STRINGS) != 0;
		s->is_debug = !s->is_rela && names_is_debug_section(s->name);
		if (s->sh.sh_type == SHT_REL)
			return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: SHT_REL section %s is not supported",
				       o->path, s->name);
	}
	if (!cdo_elf_symtab(v))
		return BAD("%s: missing symbol table", o->path);
	o->symtab = (uint32_t)cdo_elf_symtab(v);
	return 0;
}

static int read_symbols(struct object *o, const struct cdo_elf *v, struct errbuf *eb)
{
	struct section *st = &o->secs[o->symtab];
	struct section *strs;
	uint32_t i, n;

	if (!st->size)
		return BAD("%s: bad symbol table entry size", o->path);
	if (o->secs[st->sh.sh_link].sh.sh_type != SHT_STRTAB || !o->secs[st->sh.sh_link].data)
		return BAD("%s: missing symbol string table", o->path);
	o->strtab = st->sh.sh_link;
	strs = &o->secs[o->strtab];
	if (!strs->size)
		return BAD("%s: symbol string table is not NUL-terminated", o->path);

	if (cdo_elf_nsymbols(v) > UINT32_MAX / 2)
		return BAD("%s: too many symbols", o->path);
	n = (uint32_t)cdo_elf_nsymbols(v);

	if (grow((void **)&o->syms, &o->syms_cap, n + 64, sizeof(*o->syms)))
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	o->nsyms = n;
	for (i = 0; i < n; i++) {
		struct symbol *s = &o->syms[i];
		struct cdo_elf_symbol y;
		uint32_t shndx;

		cdo_elf_symbol(v, i, &y);
		shndx = y.shndx;
		init_symbol(s, i);
		memcpy(&s->sym, &y.raw, sizeof(s->sym));
		s->bind = y.bind;
		s->type = y.type;
		s->name = (const char *)strs->data + s->sym.st_name;
		/* the view resolved SHN_XINDEX; what is left reserved has no section */
		if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
			continue;
		s->sec = shndx;
		/* later stages do arithmetic on these: keep symbols inside their section */
		if (s->type != STT_SECTION &&
		    (s->sym.st_value > o->secs[shndx].sh.sh_size ||
		     s->sym.st_size > o->secs[shndx].sh.sh_size - s->sym.st_value))
			return BAD("%s: symbol %s extends past the end of section %s", o->path, s->name,
				   o->secs[shndx].name);
		if (s->type == STT_SECTION) {
			/* section symbols go by their section's name */
			o->secs[shndx].secsym = i;
			s->name = o->secs[shndx].name;
		}
	}
	return 0;
}

static int read_relas(struct object *o, const struct cdo_elf *v, struct errbuf *eb)
{
	uint64_t total = 0;
	struct rela *pool;
	uint32_t i, j;

	for (i = 1; i < o->nsecs; i++) {
		struct section *s = &o->secs[i];

		if (!s->is_rela)
			continue;
		/* entry size, symbol table link and symbol indexes: checked by the view */
		if (s->sh.sh_info == 0)
			return BAD("%s: relocation section %s applies to section %u, out of range",
				   o->path, s->name, (unsigned)s->sh.sh_info);
		total += cdo_elf_nrelocs(v, i);
	}
	pool = calloc(total ? total : 1, sizeof(*pool));
	if (!pool)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	o->rela_pool = pool;

	for (i = 1; i < o->nsecs; i++) {
		struct section *s = &o->secs[i];
		struct section *base;

		if (!s->is_rela)
			continue;
		/* a table (another relocation section...) is refused by the view */
		base = &o->secs[s->sh.sh_info];
		s->base = base->index;
		s->is_debug = base->is_debug;
		base->rela = i;
		s->relas = pool;
		s->nrelas = (uint32_t)cdo_elf_nrelocs(v, i);
		pool += s->nrelas;
		for (j = 0; j < s->nrelas; j++) {
			struct rela *r = &s->relas[j];
			struct cdo_elf_reloc raw;

			cdo_elf_reloc(v, i, j, &raw);
			r->offset = raw.offset;
			r->addend = raw.addend;
			r->type = raw.type;
			r->sym = raw.sym;
			if (base->sh.sh_type != SHT_NOBITS &&
			    !range_ok(r->offset, o->arch->rela_width(r->type), base->sh.sh_size))
				return BAD("%s: relocation at %s+0x%llx is past the end of its section",
					   o->path, base->name, (unsigned long long)r->offset);
		}
	}
	return 0;
}

static int decode_text(const struct object *o, struct section *s, struct errbuf *eb)
{
	size_t bad = 0;
	long n;

	if (s->insn_starts || !s->size)
		return 0;
	/* an instruction is at least one byte long */
	s->insn_starts = malloc(sizeof(uint32_t) * (s->size + 1));
	if (!s->insn_starts)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	n = o->arch->insn_boundaries(s->data, s->size, s->insn_starts, s->size + 1, &bad);
	if (n < 0)
		return err_set(eb, CDO_ERR_UNSUPPORTED,
			       "%s: can't decode instruction in section %s at offset 0x%zx",
			       o->path, s->name, bad);
	s->ninsns = (uint32_t)n;
	return 0;
}

int section_rela_target_offset(struct object *o, uint32_t rs, const struct rela *r,
			       int64_t *off, struct errbuf *eb)
{
	struct section *base = &o->secs[o->secs[rs].base];
	enum rela_place place;
	uint32_t lo, hi, next;
	int err;

	*off = r->addend;
	place = o->arch->rela_place(r->type);
	if (!base->is_text || place == RELA_ABSOLUTE)
		return 0;
	if (place != RELA_PC_RELATIVE)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: unhandled rela type %u at %s+0x%llx",
			       o->path, r->type, base->name, (unsigned long long)r->offset);
	err = decode_text(o, base, eb);
	if (err)
		return err;
	/* the last instruction starting at or before the relocated field */
	lo = 0;
	hi = base->ninsns;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (base->insn_starts[mid] <= r->offset)
			lo = mid;
		else
			hi = mid;
	}
	if (!base->ninsns || base->insn_starts[lo] > r->offset)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: can't find instruction for rela at %s+0x%llx",
			       o->path, base->name, (unsigned long long)r->offset);
	next = lo + 1 < base->ninsns ? base->insn_starts[lo + 1] : (uint32_t)base->size;
	if (r->offset >= next)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: can't find instruction for rela at %s+0x%llx",
			       o->path, base->name, (unsigned long long)r->offset);
	if (__builtin_add_overflow(r->addend, (int64_t)next - (int64_t)r->offset, off))
		return err_set(eb, CDO_ERR_MALFORMED, "%s: relocation addend out of range at %s+0x%llx",
			       o->path, base->name, (unsigned long long)r->offset);
	return 0;
}

int object_resolve_strings(struct object *o, struct errbuf *eb)
{
	uint32_t i, j;

	for (i = 1; i < o->nsecs; i++) {
		struct section *s = &o->secs[i];

		if (!s->is_rela || object_skips_debug_compare(o, i))
			continue;
		for (j = 0; j < s->nrelas; j++) {
			struct rela *r = &s->relas[j];
			const struct symbol *sym = &o->syms[r->sym];
			const struct section *ts;
			int64_t toff, at;
			int err;

			if (sym->sec == NONE)
				continue;
			ts = &o->secs[sym->sec];
			if (!ts->is_strings)
				continue;
			err = section_rela_target_offset(o, i, r, &toff, eb);
			if (err)
				return err;
			if (__builtin_add_overflow((int64_t)sym->sym.st_value, toff, &at))
				at = -1;
			if (!ts->data || at < 0 || (uint64_t)at >= ts->size ||
			    !memchr(ts->data + at, '\0', ts->size - (uint64_t)at))
				return BAD("%s: relocation at %s+0x%llx points outside string section %s",
					   o->path, o->secs[s->base].name,
					   (unsigned long long)r->offset, ts->name);
			r->string = (const char *)ts->data + at;
		}
	}
	return 0;
}

static int build_name_indexes(struct object *o, struct errbuf *eb)
{
	uint32_t i;

	/* capacity leaves room for the sections and symbols we add later */
	if (hidx_init(&o->sec_names, o->secs_cap, 0) || hidx_init(&o->sym_names, o->syms_cap, 0))
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	for (i = 1; i < o->nsecs; i++)
		hidx_add(&o->sec_names, hash_str(o->secs[i].name), i);
	for (i = 0; i < o->nsyms; i++)
		if (o->syms[i].type != STT_SECTION)
			hidx_add(&o->sym_names, hash_str(o->syms[i].name), i);
	return 0;
}

static int parse_object(struct object *o, struct errbuf *eb)
{
	struct cdo_elf_error ve;
	struct cdo_elf *v;
	int err;

	/*
	 * The view checks what any reader needs (headers, bounds, names,
	 * indexes); what follows checks what the object model needs on top.
	 * The object copies what it keeps, so the view goes once it is read.
	 */
	v = cdo_elf_open_mem(o->map, o->map_size, &ve);
	if (!v)
		return view_failed(o, &ve, eb);
	err = check_header(o, v, eb);
	if (!err)
		err = read_sections(o, v, eb);
	if (!err)
		err = read_symbols(o, v, eb);
	if (!err)
		err = read_relas(o, v, eb);
	cdo_elf_close(v);
	if (!err)
		err = build_name_indexes(o, eb);
	return err;
}

int object_load(struct object *o, const char *path, struct errbuf *eb)
{
	struct stat st;
	void *map;
	int fd, err;

	o->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		err = errno;
		close(fd);
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return err_set(eb, CDO_ERR_IO, "%s: not a regular file", path);
	}
	if (st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return BAD("%s: file too short for an ELF header (%lld bytes)", path,
			   (long long)st.st_size);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = errno;
	close(fd);
	if (map == MAP_FAILED)
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(err));
	o->map = map;
	o->map_size = (size_t)st.st_size;
	o->owns_map = true;
	return parse_object(o, eb);
}

int object_load_mem(struct object *o, const char *name, const void *buf, size_t size,
		    struct errbuf *eb)
{
	o->path = name;
	if (!buf && size)
		return err_set(eb, CDO_ERR_USAGE, "%s: no buffer", name);
	o->owns_map = false;
	/* the view copies every structure out, so any alignment will do */
	o->map = buf ? buf : (const uint8_t *)"";
	o->map_size = size;
	if (size < sizeof(Elf64_Ehdr))
		return BAD("%s: file too short for an ELF header (%zu bytes)", name, size);
	return parse_object(o, eb);
}

void object_free(struct object *o)
{
	uint32_t i;

	if (!o)
		return;
	for (i = 0; i < o->nsecs; i++) {
		free(o->secs[i].owned);
		free(o->secs[i].insn_starts);
		object_relas_changed(o, i);
		if (o->secs[i].relas_cap)
			free(o->secs[i].relas);
	}
	free(o->secs);
	free(o->syms);
	free(o->rela_pool);
	hidx_free(&o->sec_names);
	hidx_free(&o->sym_names);
	span_index_free(&o->spans);
	if (o->map && o->owns_map)
		munmap((void *)o->map, o->map_size);
	memset(o, 0, sizeof(*o));
}

uint32_t object_find_section(const struct object *o, const char *name)
{
	uint32_t i;

	hidx_for_each(&o->sec_names, hash_str(name), i)
		if (!strcmp(o->secs[i].name, name))
			return i;
	return NONE;
}

uint32_t object_find_symbol(const struct object *o, const char *name)
{
	uint32_t i;

	hidx_for_each(&o->sym_names, hash_str(name), i)
		if (!strcmp(o->syms[i].name, name))
			return i;
	return NONE;
}

uint32_t object_add_section(struct object *o, const char *name, uint32_t type,
			    uint64_t flags, uint64_t entsize, uint64_t align)
{
	struct section *s;
	uint32_t i = o->nsecs;

	if (grow((void **)&o->secs, &o->secs_cap, i + 1, sizeof(*o->secs)))
		return NONE;
	s = &o->secs[i];
	memset(s, 0, sizeof(*s));
	init_section(s, i);
	s->name = name;
	s->sh.sh_type = type;
	s->sh.sh_flags = flags;
	s->sh.sh_entsize = entsize;
	s->sh.sh_addralign = align;
	s->is_rela = type == SHT_RELA;
	s->created = true;
	s->include = true;
	s->status = ST_NEW;
	o->nsecs++;
	/* the name index was sized with spare room for what we add */
	if (i < o->sec_names.capacity)
		hidx_add(&o->sec_names, hash_str(name), i);
	return i;
}

uint32_t object_add_symbol(struct object *o, const char *name, uint8_t bind, uint8_t type,
			   uint32_t sec)
{
	struct symbol *s;
	uint32_t i = o->nsyms;

	if (grow((void **)&o->syms, &o->syms_cap, i + 1, sizeof(*o->syms)))
		return NONE;
	s = &o->syms[i];
	memset(s, 0, sizeof(*s));
	init_symbol(s, i);
	s->name = name;
	s->bind = bind;
	s->type = type;
	s->sym.st_info = ELF64_ST_INFO(bind, type);
	s->sec = sec;
	s->created = true;
	s->include = true;
	s->status = ST_NEW;
	if (type == STT_SECTION && sec != NONE)
		o->secs[sec].secsym = i;
	o->nsyms++;
	if (type != STT_SECTION && i < o->sym_names.capacity)
		hidx_add(&o->sym_names, hash_str(name), i);
	return i;
}

const struct rela_index *object_relas_by_offset(struct object *o, uint32_t rs)
{
	struct section *s = &o->secs[rs];

	if (s->by_offset)
		return s->by_offset;
	s->by_offset = malloc(sizeof(*s->by_offset));
	if (!s->by_offset)
		return NULL;
	if (rela_index_build(s->by_offset, s->relas, s->nrelas, RELA_BY_OFFSET, NULL, 0)) {
		free(s->by_offset);
		s->by_offset = NULL;
	}
	return s->by_offset;
}

void object_relas_changed(struct object *o, uint32_t rs)
{
	struct section *s = &o->secs[rs];

	if (!s->by_offset)
		return;
	rela_index_free(s->by_offset);
	free(s->by_offset);
	s->by_offset = NULL;
}

int object_add_rela(struct object *o, uint32_t rs, uint64_t offset, uint32_t type,
		    uint32_t sym, int64_t addend)
{
	struct section *s = &o->secs[rs];
	struct rela *r;

	object_relas_changed(o, rs);
	/* relas still in the shared pool have no room to grow: copy them out */
	if (!s->relas_cap || s->nrelas == s->relas_cap) {
		uint32_t cap = s->relas_cap ? s->relas_cap * 2 : 16;

		if (!s->relas_cap) {
			while (cap < s->nrelas + 1)
				cap *= 2;
			r = malloc(sizeof(*r) * cap);
			if (!r)
				return CDO_ERR_NOMEM;
			if (s->nrelas)
				memcpy(r, s->relas, sizeof(*r) * s->nrelas);
		} else {
			r = realloc(s->relas, sizeof(*r) * cap);
			if (!r)
				return CDO_ERR_NOMEM;
		}
		s->relas = r;
		s->relas_cap = cap;
	}
	r = &s->relas[s->nrelas++];
	memset(r, 0, sizeof(*r));
	r->offset = offset;
	r->type = type;
	r->sym = sym;
	r->addend = addend;
	return 0;
}
