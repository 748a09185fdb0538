// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF view of the DWARF reader (dwarfelf.h): section table, synthetic
 * section addresses of relocatable objects, relocated debug sections.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarfelf.h"

#define NO_SEC UINT32_MAX
#define BAD(...) err_set(eb, CDO_ERR_MALFORMED, __VA_ARGS__)

static bool in_bounds(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

static int read_sections(struct delf *e, struct errbuf *eb)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	const char *names;
	uint64_t names_size, next = 0x10000;
	uint32_t shnum, shstrndx, i;

	if (e->size < sizeof(eh) || memcmp(e->map, ELFMAG, SELFMAG))
		return BAD("%s: not an ELF file", e->path);
	if (e->map[EI_CLASS] != ELFCLASS64 || e->map[EI_DATA] != ELFDATA2LSB)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: not a 64-bit little-endian ELF file",
			       e->path);
	memcpy(&eh, e->map, sizeof(eh));
	e->type = eh.e_type;
	e->machine = eh.e_machine;
	if (!eh.e_shoff)
		return BAD("%s: no section headers", e->path);
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || !in_bounds(eh.e_shoff, sizeof(sh), e->size))
		return BAD("%s: bad section header table", e->path);
	memcpy(&sh, e->map + eh.e_shoff, sizeof(sh));
	shnum = eh.e_shnum ? eh.e_shnum : (uint32_t)sh.sh_size;
	shstrndx = eh.e_shstrndx == SHN_XINDEX ? sh.sh_link : eh.e_shstrndx;
	if (!shnum || (uint64_t)shnum * sizeof(sh) > e->size ||
	    !in_bounds(eh.e_shoff, (uint64_t)shnum * sizeof(sh), e->size) || shstrndx >= shnum)
		return BAD("%s: bad section header table", e->path);
	e->secs = calloc(shnum, sizeof(*e->secs));
	if (!e->secs)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	e->nsecs = shnum;
	memcpy(&sh, e->map + eh.e_shoff + (uint64_t)shstrndx * sizeof(sh), sizeof(sh));
	if (sh.sh_type == SHT_NOBITS || !in_bounds(sh.sh_offset, sh.sh_size, e->size) ||
	    !sh.sh_size || e->map[sh.sh_offset + sh.sh_size - 1])
		return BAD("%s: bad section name table", e->path);
	names = (const char *)e->map + sh.sh_offset;
	names_size = sh.sh_size;
	for (i = 0; i < shnum; i++) {
		struct delf_sec *s = &e->secs[i];
		uint64_t align;

		memcpy(&sh, e->map + eh.e_shoff + (uint64_t)i * sizeof(sh), sizeof(sh));
		if (sh.sh_name >= names_size)
			return BAD("%s: section %u: bad name", e->path, i);
		s->name = names + sh.sh_name;
		s->size = sh.sh_size;
		s->flags = sh.sh_flags;
		s->type = sh.sh_type;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		s->rela = NO_SEC;
		if (i && sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL) {
			if (!in_bounds(sh.sh_offset, sh.sh_size, e->size))
				return BAD("%s: section %s lies outside the file", e->path, s->name);
			s->data = e->map + sh.sh_offset;
		}
		if (e->type != ET_REL) {
			s->addr = sh.sh_addr;
			continue;
		}
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		align = sh.sh_addralign > 1 ? sh.sh_addralign : 1;
		if (align & (align - 1) || align > (1u << 21))
			return BAD("%s: section %s: bad alignment", e->path, s->name);
		next = (next + align - 1) & ~(align - 1);
		s->addr = next;
		/* a gap after empty sections too, so each start is unique */
		next += sh.sh_size ? sh.sh_size : 1;
		if (next > (UINT64_C(1) << 48))
			return BAD("%s: sections too large", e->path);
	}
	for (i = 1; i < shnum; i++) {
		struct delf_sec *s = &e->secs[i];

		if (s->type != SHT_RELA || s->info >= shnum || !s->info)
			continue;
		if (e->secs[s->info].rela == NO_SEC)
			e->secs[s->info].rela = i;
	}
	return 0;
}

int delf_open_mem(struct delf *e, const char *name, const void *buf, size_t size,
		  struct errbuf *eb)
{
	int err;

	memset(e, 0, sizeof(*e));
	e->path = name;
	e->map = buf;
	e->size = size;
	err = read_sections(e, eb);
	if (err)
		delf_close(e);
	return err;
}

int delf_open_file(struct delf *e, const char *path, struct errbuf *eb)
{
	struct stat st;
	void *map;
	int fd, err;

	memset(e, 0, sizeof(*e));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		err = err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return BAD("%s: not an ELF file", path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(errno));
	err = delf_open_mem(e, path, map, (size_t)st.st_size, eb);
	if (err) {
		munmap(map, (size_t)st.st_size);
		return err;
	}
	e->owns_map = true;
	return 0;
}

void delf_close(struct delf *e)
{
	if (e->owns_map && e->map)
		munmap((void *)e->map, e->size);
	free(e->secs);
	memset(e, 0, sizeof(*e));
}

bool delf_is_dwarf(const struct delf *e, uint32_t i)
{
	const struct delf_sec *s = &e->secs[i];

	return i && i < e->nsecs && s->data && s->type == SHT_PROGBITS &&
	       !(s->flags & SHF_GROUP) && !strncmp(s->name, ".debug_", 7);
}

/* Width written by a relocation of @type, 0 for none, -1 unknown (x86-64). */
static int x86_64_width(uint32_t type, bool *pcrel, bool *tls)
{
	*pcrel = *tls = false;
	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		return 8;
	case R_X86_64_32:
	case R_X86_64_32S:
		return 4;
	case R_X86_64_PC32:
		*pcrel = true;
		return 4;
	case R_X86_64_PC64:
		*pcrel = true;
		return 8;
	case R_X86_64_DTPOFF32:
		*tls = true;
		return 4;
	case R_X86_64_DTPOFF64:
		*tls = true;
		return 8;
	default:
		return -1;
	}
}

int delf_relocated(const struct delf *e, uint32_t i, uint8_t **out, struct errbuf *eb)
{
	const struct delf_sec *s = &e->secs[i], *rs, *symtab;
	uint64_t j, n, nsyms;
	uint8_t *buf;

	*out = NULL;
	buf = malloc(s->size ? s->size : 1);
	if (!buf)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	memcpy(buf, s->data, s->size);
	if (e->type != ET_REL || s->rela == NO_SEC) {
		*out = buf;
		return 0;
	}
	if (e->machine != EM_X86_64) {
		free(buf);
		return err_set(eb, CDO_ERR_UNSUPPORTED,
			       "%s: relocating debug info of machine %u is not supported", e->path,
			       e->machine);
	}
	rs = &e->secs[s->rela];
	if (rs->link >= e->nsecs || e->secs[rs->link].type != SHT_SYMTAB ||
	    !e->secs[rs->link].data) {
		free(buf);
		return BAD("%s: %s: bad symbol table link", e->path, e->secs[s->rela].name);
	}
	symtab = &e->secs[rs->link];
	nsyms = symtab->size / sizeof(Elf64_Sym);
	n = rs->size / sizeof(Elf64_Rela);
	for (j = 0; j < n; j++) {
		Elf64_Rela r;
		Elf64_Sym sym;
		uint64_t symi, v;
		uint32_t type;
		bool pcrel, tls;
		int w;

		memcpy(&r, rs->data + j * sizeof(r), sizeof(r));
		type = (uint32_t)ELF64_R_TYPE(r.r_info);
		symi = ELF64_R_SYM(r.r_info);
		w = x86_64_width(type, &pcrel, &tls);
		if (w < 0) {
			free(buf);
			return err_set(eb, CDO_ERR_UNSUPPORTED,
				       "%s: %s: relocation type %u in debug info is not supported",
				       e->path, rs->name, type);
		}
		if (!w || pcrel)
			continue;	/* PC-relative ones live in .eh_frame only */
		if (symi >= nsyms || !in_bounds(r.r_offset, (uint64_t)w, s->size)) {
			free(buf);
			return BAD("%s: %s: relocation %llu out of bounds", e->path, rs->name,
				   (unsigned long long)j);
		}
		memcpy(&sym, symtab->data + symi * sizeof(sym), sizeof(sym));
		v = sym.st_value + (uint64_t)r.r_addend;
		if (!tls && sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE &&
		    sym.st_shndx < e->nsecs)
			v += e->secs[sym.st_shndx].addr;
		if (w == 8) {
			memcpy(buf + r.r_offset, &v, 8);
		} else {
			uint32_t v32 = (uint32_t)v;

			memcpy(buf + r.r_offset, &v32, 4);
		}
	}
	*out = buf;
	return 0;
}
