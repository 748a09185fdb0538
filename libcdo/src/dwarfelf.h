/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_DWARFELF_H
#define CDO_DWARFELF_H

/*
 * What the DWARF reader needs on top of the ELF view (cdo/elf.h, which
 * reads and checks the file for every reader of the project): section
 * addresses and the debug sections with their relocations applied.  It
 * reads any 64-bit little-endian ELF file (a relocatable object, a .ko,
 * vmlinux), independently of the object model, so the --debuginfo file
 * and the inputs are read the same way.
 *
 * In a relocatable object every code section starts at address 0, so
 * two functions of an object built with -ffunction-sections would share
 * addresses.  Each allocated section is given an address of its own
 * here, laid out one after the other as `ld -r` would, and relocations
 * are applied with those addresses: an address in the DWARF then names
 * one section and one offset in it (delf_section_addr()).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdo/elf.h"
#include "error.h"

struct delf_sec {
	const char *name;
	const uint8_t *data;	/* NULL for NOBITS */
	uint64_t size;
	uint64_t addr;		/* synthetic in a relocatable object */
	uint64_t flags;
	uint32_t type, link, info;
	uint32_t rela;		/* the SHT_RELA section relocating this one, or UINT32_MAX */
};

struct delf {
	const char *path;
	struct cdo_elf *view;
	const uint8_t *map;
	size_t size;
	uint16_t type, machine;
	struct delf_sec *secs;
	uint32_t nsecs;
};

/* Read the ELF in @buf (kept, not copied); messages name @name. */
int delf_open_mem(struct delf *e, const char *name, const void *buf, size_t size,
		  struct errbuf *eb);
/* Map @path and read it; delf_close() unmaps it. */
int delf_open_file(struct delf *e, const char *path, struct errbuf *eb);
void delf_close(struct delf *e);

/* Does section @i hold DWARF the reader uses (.debug_*, not in a group)? */
bool delf_is_dwarf(const struct delf *e, uint32_t i);

/*
 * delf_relocated() - a copy of section @i with its relocations applied
 * Return: 0 and a malloc()ed *@out the caller frees, or a negative
 * cdo_status (an unknown relocation type, a relocation out of bounds).
 */
int delf_relocated(const struct delf *e, uint32_t i, uint8_t **out, struct errbuf *eb);

/* The address section @i (an ELF index) was given. */
static inline uint64_t delf_section_addr(const struct delf *e, uint32_t i)
{
	return i < e->nsecs ? e->secs[i].addr : 0;
}

#endif
