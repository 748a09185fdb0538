// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a relocatable ELF object into the object model.
 *
 * We parse the mapped file ourselves instead of going through libelf:
 * Debian's libelf is not thread-safe (lazy section loading writes shared
 * state), we want the two objects read on two threads, and every offset
 * and index gets checked here once so later stages can trust them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "object.h"
#include "names.h"

#define BAD(...) err_set(eb, CDO_ERR_MALFORMED, __VA_ARGS__)

static bool range_ok(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

/* A NUL-terminated string at @off inside a string table, or NULL. */
static const char *strtab_at(const struct object *o, const struct section *st, uint64_t off)
{
	const char *s;

	if (!st->data || off >= st->size)
		return NULL;
	s = (const char *)st->data + off;
	if (!memchr(s, '\0', st->size - off))
		return NULL;
	(void)o;
	return s;
}

static int read_headers(struct object *o, struct errbuf *eb, uint32_t *shnum, uint32_t *shstrndx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o->map;
	const Elf64_Shdr *sh0;

	if (o->map_size < EI_NIDENT || memcmp(o->map, ELFMAG, SELFMAG))
		return BAD("%s: not an ELF file", o->path);
	if (o->map[EI_CLASS] != ELFCLASS64)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: not a 64-bit ELF object", o->path);
	if (o->map[EI_DATA] != ELFDATA2LSB)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: not a little-endian ELF object", o->path);
	if (o->map_size < sizeof(Elf64_Ehdr))
		return BAD("%s: truncated ELF header", o->path);
	memcpy(&o->ehdr, eh, sizeof(o->ehdr));
	o->arch = arch_for_machine(o->ehdr.e_machine);
	if (!o->arch)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: unsupported machine %u (only x86-64)",
			       o->path, o->ehdr.e_machine);
	if (o->ehdr.e_type != ET_REL)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: not a relocatable object", o->path);
	if (o->ehdr.e_shentsize != sizeof(Elf64_Shdr))
		return BAD("%s: bad section header size %u", o->path, o->ehdr.e_shentsize);
	if (!o->ehdr.e_shoff || !range_ok(o->ehdr.e_shoff, sizeof(Elf64_Shdr), o->map_size))
		return BAD("%s: section header table outside the file", o->path);
	if (o->ehdr.e_shoff % 8)
		return BAD("%s: misaligned section header table", o->path);

	sh0 = (const Elf64_Shdr *)(o->map + o->ehdr.e_shoff);
	/* extended numbering: the real counts live in section 0 */
	*shnum = o->ehdr.e_shnum ? o->ehdr.e_shnum : (uint32_t)sh0->sh_size;
	if (sh0->sh_size > UINT32_MAX - 1)
		return BAD("%s: too many sections", o->path);
	*shstrndx = o->ehdr.e_shstrndx == SHN_XINDEX ? sh0->sh_link : o->ehdr.e_shstrndx;
	if (!*shnum || !range_ok(o->ehdr.e_shoff, (uint64_t)*shnum * sizeof(Elf64_Shdr), o->map_size))
		return BAD("%s: section header table outside the file", o->path);
	if (*shstrndx >= *shnum || *shstrndx == SHN_UNDEF)
		return BAD("%s: section name table index %u out of range", o->path, *shstrndx);
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

static int read_sections(struct object *o, struct errbuf *eb, uint32_t shnum, uint32_t shstrndx)
{
	const Elf64_Shdr *shdrs = (const Elf64_Shdr *)(o->map + o->ehdr.e_shoff);
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
		memcpy(&s->sh, &shdrs[i], sizeof(s->sh));
		if (i == 0)
			continue;
		if (s->sh.sh_type != SHT_NOBITS) {
			if (!range_ok(s->sh.sh_offset, s->sh.sh_size, o->map_size))
				return BAD("%s: section %u extends past the end of the file", o->path, i);
			s->data = o->map + s->sh.sh_offset;
			s->size = s->sh.sh_size;
		}
	}
	o->shstrtab = shstrndx;
	shstr = &o->secs[shstrndx];
	if (shstr->sh.sh_type != SHT_STRTAB || !shstr->data)
		return BAD("%s: missing section name string table", o->path);
	if (!shstr->size || shstr->data[shstr->size - 1] != '\0')
		return BAD("%s: section name string table is not NUL-terminated", o->path);

	for (i = 1; i < shnum; i++) {
		struct section *s = &o->secs[i];

		s->name = strtab_at(o, shstr, s->sh.sh_name);
		if (!s->name)
			return BAD("%s: section %u has a name outside the string table", o->path, i);
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
		if (s->sh.sh_type == SHT_SYMTAB) {
			if (o->symtab != NONE)
				return BAD("%s: more than one symbol table", o->path);
			o->symtab = i;
		}
	}
	if (o->symtab == NONE)
		return BAD("%s: missing symbol table", o->path);
	return 0;
}

static int read_symbols(struct object *o, struct errbuf *eb)
{
	struct section *st = &o->secs[o->symtab];
	const Elf64_Sym *raw;
	const uint32_t *xindex = NULL;
	struct section *strs;
	uint32_t i, n;

	if (st->sh.sh_entsize != sizeof(Elf64_Sym) || st->size % sizeof(Elf64_Sym) || !st->size)
		return BAD("%s: bad symbol table entry size", o->path);
	if (st->sh.sh_offset % 8)
		return BAD("%s: misaligned symbol table", o->path);
	if (st->sh.sh_link == 0 || st->sh.sh_link >= o->nsecs ||
	    o->secs[st->sh.sh_link].sh.sh_type != SHT_STRTAB || !o->secs[st->sh.sh_link].data)
		return BAD("%s: missing symbol string table", o->path);
	o->strtab = st->sh.sh_link;
	strs = &o->secs[o->strtab];
	if (!strs->size || strs->data[strs->size - 1] != '\0')
		return BAD("%s: symbol string table is not NUL-terminated", o->path);

	n = (uint32_t)(st->size / sizeof(Elf64_Sym));
	if (st->size / sizeof(Elf64_Sym) > UINT32_MAX / 2)
		return BAD("%s: too many symbols", o->path);

	for (i = 1; i < o->nsecs; i++) {
		const struct section *x = &o->secs[i];

		if (x->sh.sh_type != SHT_SYMTAB_SHNDX || x->sh.sh_link != o->symtab)
			continue;
		if (x->size < (uint64_t)n * 4 || x->sh.sh_offset % 4)
			return BAD("%s: extended section index table too small", o->path);
		xindex = (const uint32_t *)x->data;
	}

	if (grow((void **)&o->syms, &o->syms_cap, n + 64, sizeof(*o->syms)))
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	o->nsyms = n;
	raw = (const Elf64_Sym *)st->data;
	for (i = 0; i < n; i++) {
		struct symbol *s = &o->syms[i];
		uint32_t shndx;

		init_symbol(s, i);
		memcpy(&s->sym, &raw[i], sizeof(s->sym));
		s->bind = ELF64_ST_BIND(s->sym.st_info);
		s->type = ELF64_ST_TYPE(s->sym.st_info);
		s->name = strtab_at(o, strs, s->sym.st_name);
		if (!s->name)
			return BAD("%s: symbol %u has a name outside the string table", o->path, i);
		shndx = s->sym.st_shndx;
		if (shndx == SHN_XINDEX) {
			if (!xindex)
				return BAD("%s: symbol %s uses an extended section index but there is no table",
					   o->path, s->name);
			shndx = xindex[i];
		} else if (shndx >= SHN_LORESERVE) {
			continue;
		}
		if (shndx == SHN_UNDEF)
			continue;
		if (shndx >= o->nsecs)
			return BAD("%s: symbol %s has section index %u out of range", o->path, s->name, shndx);
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

static int read_relas(struct object *o, struct errbuf *eb)
{
	uint64_t total = 0;
	struct rela *pool;
	uint32_t i, j;

	for (i = 1; i < o->nsecs; i++) {
		struct section *s = &o->secs[i];

		if (!s->is_rela)
			continue;
		if (s->sh.sh_entsize != sizeof(Elf64_Rela) || s->size % sizeof(Elf64_Rela))
			return BAD("%s: bad relocation entry size in %s", o->path, s->name);
		if (s->sh.sh_offset % 8)
			return BAD("%s: misaligned relocation section %s", o->path, s->name);
		if (s->sh.sh_info == 0 || s->sh.sh_info >= o->nsecs)
			return BAD("%s: relocation section %s applies to section %u, out of range",
				   o->path, s->name, (unsigned)s->sh.sh_info);
		if (s->sh.sh_link != o->symtab)
			return BAD("%s: relocation section %s does not use the symbol table", o->path, s->name);
		total += s->size / sizeof(Elf64_Rela);
	}
	pool = calloc(total ? total : 1, sizeof(*pool));
	if (!pool)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	o->rela_pool = pool;

	for (i = 1; i < o->nsecs; i++) {
		struct section *s = &o->secs[i];
		const Elf64_Rela *raw;
		struct section *base;

		if (!s->is_rela)
			continue;
		base = &o->secs[s->sh.sh_info];
		if (base->is_rela)
			return BAD("%s: relocation section %s applies to another relocation section",
				   o->path, s->name);
		s->base = base->index;
		s->is_debug = base->is_debug;
		base->rela = i;
		s->relas = pool;
		s->nrelas = (uint32_t)(s->size / sizeof(Elf64_Rela));
		pool += s->nrelas;
		raw = (const Elf64_Rela *)s->data;
		for (j = 0; j < s->nrelas; j++) {
			struct rela *r = &s->relas[j];
			uint64_t symi = ELF64_R_SYM(raw[j].r_info);

			r->offset = raw[j].r_offset;
			r->addend = raw[j].r_addend;
			r->type = (uint32_t)ELF64_R_TYPE(raw[j].r_info);
			if (symi >= o->nsyms)
				return BAD("%s: relocation %u of %s uses symbol %llu, out of range",
					   o->path, j, s->name, (unsigned long long)symi);
			r->sym = (uint32_t)symi;
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
	uint32_t shnum = 0, shstrndx = 0;
	int err;

	if (o->map_size < sizeof(Elf64_Ehdr))
		return BAD("%s: file too short for an ELF header (%zu bytes)", o->path,
			   o->map_size);
	err = read_headers(o, eb, &shnum, &shstrndx);
	if (!err)
		err = read_sections(o, eb, shnum, shstrndx);
	if (!err)
		err = read_symbols(o, eb);
	if (!err)
		err = read_relas(o, eb);
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
	o->map = buf ? buf : (const uint8_t *)"";
	o->map_size = size;
	/*
	 * Headers and tables are read in place as ELF structures, which
	 * needs the 8-byte alignment a mapping has; a caller's buffer may
	 * start anywhere (inside a decompression buffer, an archive).
	 */
	if ((uintptr_t)buf % 8) {
		o->copy = malloc(size);
		if (!o->copy)
			return err_set(eb, CDO_ERR_NOMEM, "out of memory");
		memcpy(o->copy, buf, size);
		o->map = o->copy;
	}
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
	free(o->copy);
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

int object_add_rela(struct object *o, uint32_t rs, uint64_t offset, uint32_t type,
		    uint32_t sym, int64_t addend)
{
	struct section *s = &o->secs[rs];
	struct rela *r;

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
