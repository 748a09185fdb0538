// SPDX-License-Identifier: GPL-2.0
/*
 * The DWARF reader's side of the ELF view (dwarfelf.h): the section table
 * taken from the checked view, synthetic section addresses of relocatable
 * objects, relocated debug sections.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "dwarfelf.h"

#include "arch.h"

#define NO_SEC UINT32_MAX
#define BAD(...) err_set(eb, CDO_ERR_MALFORMED, __VA_ARGS__)

static bool in_bounds(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

/* The view's verdict on a file as a status of ours, naming the file. */
static int view_failed(const char *path, const struct cdo_elf_error *ve, struct errbuf *eb)
{
	switch (ve->fault) {
	case CDO_ELF_IO:
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, ve->msg);
	case CDO_ELF_UNSUPPORTED:
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s: %s", path, ve->msg);
	case CDO_ELF_NOMEM:
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	case CDO_ELF_MALFORMED:
		break;
	}
	return BAD("%s: %s", path, ve->msg);
}

/* The section table from the checked view, and the synthetic addresses. */
static int read_sections(struct delf *e, struct errbuf *eb)
{
	const Elf64_Ehdr *eh = cdo_elf_header(e->view);
	uint64_t next = 0x10000;
	uint32_t shnum = (uint32_t)cdo_elf_nsections(e->view), i;

	e->type = eh->e_type;
	e->machine = eh->e_machine;
	if (!shnum)
		return BAD("%s: no section headers", e->path);
	e->secs = calloc(shnum, sizeof(*e->secs));
	if (!e->secs)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	e->nsecs = shnum;
	for (i = 0; i < shnum; i++) {
		const struct cdo_elf_section *vs = cdo_elf_section(e->view, i);
		struct delf_sec *s = &e->secs[i];
		uint64_t align;

		s->name = vs->name;
		s->data = vs->data;
		s->size = vs->sh.sh_size;
		s->flags = vs->sh.sh_flags;
		s->type = vs->sh.sh_type;
		s->link = vs->sh.sh_link;
		s->info = vs->sh.sh_info;
		s->rela = NO_SEC;
		if (!s->data && s->size && s->type != SHT_NOBITS && s->type != SHT_NULL && i)
			return BAD("%s: section %s has no contents", e->path, s->name);
		if (e->type != ET_REL) {
			s->addr = vs->sh.sh_addr;
			continue;
		}
		if (!(s->flags & SHF_ALLOC))
			continue;
		align = vs->sh.sh_addralign > 1 ? vs->sh.sh_addralign : 1;
		if (align & (align - 1) || align > (1u << 21))
			return BAD("%s: section %s: bad alignment", e->path, s->name);
		next = (next + align - 1) & ~(align - 1);
		s->addr = next;
		/* a gap after empty sections too, so each start is unique */
		next += s->size ? s->size : 1;
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

static int open_view(struct delf *e, const char *name, struct cdo_elf *view,
		     const struct cdo_elf_error *ve, struct errbuf *eb)
{
	int err;

	if (!view)
		return view_failed(name, ve, eb);
	e->path = name;
	e->view = view;
	e->map = cdo_elf_image(view, &e->size);
	err = read_sections(e, eb);
	if (err)
		delf_close(e);
	return err;
}

int delf_open_mem(struct delf *e, const char *name, const void *buf, size_t size,
		  struct errbuf *eb)
{
	struct cdo_elf_error ve;

	memset(e, 0, sizeof(*e));
	return open_view(e, name, cdo_elf_open_mem(buf, size, &ve), &ve, eb);
}

int delf_open_file(struct delf *e, const char *path, struct errbuf *eb)
{
	struct cdo_elf_error ve;

	memset(e, 0, sizeof(*e));
	return open_view(e, path, cdo_elf_open(path, &ve), &ve, eb);
}

void delf_close(struct delf *e)
{
	cdo_elf_close(e->view);
	free(e->secs);
	memset(e, 0, sizeof(*e));
}

bool delf_is_dwarf(const struct delf *e, uint32_t i)
{
	const struct delf_sec *s = &e->secs[i];

	return i && i < e->nsecs && s->data && s->type == SHT_PROGBITS &&
	       !(s->flags & SHF_GROUP) && !strncmp(s->name, ".debug_", 7);
}

int delf_relocated(const struct delf *e, uint32_t i, uint8_t **out, struct errbuf *eb)
{
	const struct delf_sec *s = &e->secs[i], *rs;
	const struct arch_ops *arch;
	uint64_t j, n;
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
	arch = arch_for_machine(e->machine);
	if (!arch) {
		free(buf);
		return err_set(eb, CDO_ERR_UNSUPPORTED,
			       "%s: relocating debug info of machine %u is not supported", e->path,
			       e->machine);
	}
	rs = &e->secs[s->rela];
	/* the view decodes symbols of the one symbol table; it must be this one's */
	if (!rs->link || rs->link != cdo_elf_symtab(e->view)) {
		free(buf);
		return BAD("%s: %s: bad symbol table link", e->path, rs->name);
	}
	n = cdo_elf_nrelocs(e->view, s->rela);
	for (j = 0; j < n; j++) {
		struct cdo_elf_reloc r;
		struct cdo_elf_symbol sym;
		uint64_t v;
		unsigned int w;
		enum debug_rela how;

		cdo_elf_reloc(e->view, s->rela, j, &r);
		how = arch->debug_rela(r.type, &w);
		if (how == DEBUG_RELA_UNKNOWN) {
			free(buf);
			return err_set(eb, CDO_ERR_UNSUPPORTED,
				       "%s: %s: relocation type %u in debug info is not supported",
				       e->path, rs->name, r.type);
		}
		if (how == DEBUG_RELA_SKIP)
			continue;
		if (!in_bounds(r.offset, (uint64_t)w, s->size)) {
			free(buf);
			return BAD("%s: %s: relocation %llu out of bounds", e->path, rs->name,
				   (unsigned long long)j);
		}
		cdo_elf_symbol(e->view, r.sym, &sym);	/* r.sym is checked by the view */
		v = sym.value + (uint64_t)r.addend;
		if (how == DEBUG_RELA_ADDRESS && sym.shndx != SHN_UNDEF && sym.shndx < SHN_LORESERVE && sym.shndx < e->nsecs)
			v += e->secs[sym.shndx].addr;
		if (w == 8) {
			memcpy(buf + r.offset, &v, 8);
		} else {
			uint32_t v32 = (uint32_t)v;

			memcpy(buf + r.offset, &v32, 4);
		}
	}
	*out = buf;
	return 0;
}
