// SPDX-License-Identifier: GPL-2.0
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "elf-mutator.h"
#include "fuzz-input.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);

/* Values that sit on the edges of what readers check. */
static const uint64_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 24, 32, 63, 64, 255, 256, 4095, 4096, 4097,
	0x7fff, 0x8000, 0xfeff, 0xff00, 0xff20, 0xfff1, 0xfff2, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 1ull << 40,
	0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 7,
};

struct view {
	uint8_t *buf;
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;		/* NULL when the table is not in the buffer */
	uint32_t nsec;
};

static int view_of(uint8_t *buf, size_t len, struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->buf = buf;
	v->len = len;
	if (len < sizeof(Elf64_Ehdr) || memcmp(buf, ELFMAG, SELFMAG))
		return -1;
	v->eh = (Elf64_Ehdr *)buf;
	if (v->eh->e_shoff && v->eh->e_shoff % 8 == 0 && v->eh->e_shoff < len &&
	    v->eh->e_shentsize == sizeof(Elf64_Shdr)) {
		uint64_t room = (len - v->eh->e_shoff) / sizeof(Elf64_Shdr);

		v->nsec = v->eh->e_shnum < room ? v->eh->e_shnum : (uint32_t)room;
		v->sh = v->nsec ? (Elf64_Shdr *)(buf + v->eh->e_shoff) : NULL;
	}
	return 0;
}

/* Section @i's contents, or NULL when they are not inside the buffer. */
static uint8_t *sec_data(const struct view *v, uint32_t i, uint64_t *size)
{
	const Elf64_Shdr *s = &v->sh[i];

	if (s->sh_type == SHT_NOBITS || s->sh_offset > v->len || s->sh_size > v->len - s->sh_offset)
		return NULL;
	*size = s->sh_size;
	return v->buf + s->sh_offset;
}

static int find_type(const struct view *v, uint32_t type, struct rng *r)
{
	uint32_t idx[64], n = 0, i;

	for (i = 1; i < v->nsec && n < 64; i++)
		if (v->sh[i].sh_type == type)
			idx[n++] = i;
	return n ? (int)idx[rng_below(r, n)] : -1;
}

static const char *sec_name(const struct view *v, uint32_t i)
{
	uint32_t str = v->eh->e_shstrndx;
	uint64_t size;
	const uint8_t *d;

	if (!v->sh || str >= v->nsec || i >= v->nsec)
		return NULL;
	d = sec_data(v, str, &size);
	if (!d || v->sh[i].sh_name >= size || !memchr(d + v->sh[i].sh_name, 0, size - v->sh[i].sh_name))
		return NULL;
	return (const char *)d + v->sh[i].sh_name;
}

static uint64_t pick_value(struct rng *r, uint64_t old)
{
	switch (rng_below(r, 6)) {
	case 0:
	case 1:
		return interesting[rng_below(r, sizeof(interesting) / sizeof(interesting[0]))];
	case 2:
		return old + 1 + rng_below(r, 16);
	case 3:
		return old - 1 - rng_below(r, 16);
	case 4:
		return old ^ (1ull << rng_below(r, 64));
	default:
		return rng_next(r);
	}
}

static void set_field(void *p, size_t width, uint64_t v)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	memcpy(p, b, width);
}

static uint64_t get_field(const void *p, size_t width)
{
	uint8_t b[8] = { 0 };
	uint64_t v = 0;
	size_t i;

	memcpy(b, p, width);
	for (i = 0; i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void mutate_field(void *p, size_t width, struct rng *r)
{
	set_field(p, width, pick_value(r, get_field(p, width)));
}

static int mutate_ehdr(struct view *v, struct rng *r)
{
	Elf64_Ehdr *e = v->eh;

	switch (rng_below(r, 6)) {
	case 0:
		mutate_field(&e->e_shnum, 2, r);
		break;
	case 1:
		mutate_field(&e->e_shstrndx, 2, r);
		break;
	case 2:
		mutate_field(&e->e_shoff, 8, r);
		break;
	case 3:
		mutate_field(&e->e_shentsize, 2, r);
		break;
	case 4:
		mutate_field(&e->e_type, 2, r);
		break;
	default:
		e->e_ident[rng_below(r, EI_NIDENT)] = (uint8_t)rng_next(r);
		break;
	}
	return 0;
}

static int mutate_shdr(struct view *v, struct rng *r)
{
	Elf64_Shdr *s;
	uint32_t other;

	if (!v->sh || v->nsec < 2)
		return -1;
	s = &v->sh[1 + rng_below(r, v->nsec - 1)];
	other = (uint32_t)rng_below(r, v->nsec);
	switch (rng_below(r, 11)) {
	case 0:
		/* another section's name: two sections of one name */
		s->sh_name = v->sh[other].sh_name;
		break;
	case 1: {
		static const uint32_t types[] = {
			SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS,
			SHT_REL, SHT_GROUP, SHT_SYMTAB_SHNDX, SHT_NOTE, SHT_INIT_ARRAY, 0x6fffffff,
		};
		s->sh_type = types[rng_below(r, sizeof(types) / sizeof(types[0]))];
		break;
	}
	case 2:
		s->sh_flags ^= 1ull << rng_below(r, 12);
		break;
	case 3:
		mutate_field(&s->sh_offset, 8, r);
		break;
	case 4:
		mutate_field(&s->sh_size, 8, r);
		break;
	case 5:
		s->sh_link = rng_below(r, 4) ? other : (uint32_t)pick_value(r, s->sh_link);
		break;
	case 6:
		s->sh_info = rng_below(r, 4) ? other : (uint32_t)pick_value(r, s->sh_info);
		break;
	case 7:
		s->sh_addralign = rng_below(r, 2) ? 1ull << rng_below(r, 64) : pick_value(r, s->sh_addralign);
		break;
	case 8:
		mutate_field(&s->sh_entsize, 8, r);
		break;
	case 9: {
		/* move: swap two headers, so indexes into the table go stale */
		Elf64_Shdr t = *s;

		*s = v->sh[other ? other : 1];
		v->sh[other ? other : 1] = t;
		break;
	}
	default:
		/* the other section's contents and size */
		s->sh_offset = v->sh[other].sh_offset;
		s->sh_size = v->sh[other].sh_size;
		break;
	}
	return 0;
}

static int mutate_symbol(struct view *v, struct rng *r)
{
	int st = v->sh ? find_type(v, SHT_SYMTAB, r) : -1;
	uint64_t size;
	uint8_t *d;
	Elf64_Sym *sym, *other;
	uint64_t n;

	if (st < 0 || !(d = sec_data(v, (uint32_t)st, &size)) || size < 2 * sizeof(Elf64_Sym) ||
	    (uintptr_t)d % 8)
		return -1;
	n = size / sizeof(Elf64_Sym);
	sym = (Elf64_Sym *)d + rng_below(r, n);
	other = (Elf64_Sym *)d + rng_below(r, n);
	switch (rng_below(r, 8)) {
	case 0:
		sym->st_name = rng_below(r, 2) ? other->st_name : (uint32_t)pick_value(r, sym->st_name);
		break;
	case 1:
		sym->st_info = ELF64_ST_INFO(ELF64_ST_BIND(sym->st_info), rng_below(r, 8));
		break;
	case 2:
		sym->st_info = ELF64_ST_INFO(rng_below(r, 4), ELF64_ST_TYPE(sym->st_info));
		break;
	case 3: {
		static const uint16_t special[] = { SHN_UNDEF, SHN_ABS, SHN_COMMON, SHN_XINDEX, 0xff20 };

		sym->st_shndx = rng_below(r, 2) ? special[rng_below(r, 5)] : (uint16_t)rng_below(r, v->nsec + 2);
		break;
	}
	case 4:
		mutate_field(&sym->st_value, 8, r);
		break;
	case 5:
		mutate_field(&sym->st_size, 8, r);
		break;
	case 6: {
		Elf64_Sym t = *sym;

		*sym = *other;
		*other = t;
		break;
	}
	default:
		/* first global: the locals/globals split */
		v->sh[st].sh_info = (uint32_t)rng_below(r, n + 2);
		break;
	}
	return 0;
}

static int mutate_rela(struct view *v, struct rng *r)
{
	int rs = v->sh ? find_type(v, SHT_RELA, r) : -1;
	uint64_t size;
	uint8_t *d;
	Elf64_Rela *rel;

	if (rs < 0 || !(d = sec_data(v, (uint32_t)rs, &size)) || size < sizeof(Elf64_Rela) ||
	    (uintptr_t)d % 8)
		return -1;
	rel = (Elf64_Rela *)d + rng_below(r, size / sizeof(Elf64_Rela));
	switch (rng_below(r, 6)) {
	case 0:
		mutate_field(&rel->r_offset, 8, r);
		break;
	case 1:
		rel->r_info = ELF64_R_INFO(pick_value(r, ELF64_R_SYM(rel->r_info)) & 0xffffffff,
					   ELF64_R_TYPE(rel->r_info));
		break;
	case 2:
		rel->r_info = ELF64_R_INFO(ELF64_R_SYM(rel->r_info), rng_below(r, 43));
		break;
	case 3:
		mutate_field(&rel->r_addend, 8, r);
		break;
	case 4: {
		/* another entry of the same section */
		Elf64_Rela *o = (Elf64_Rela *)d + rng_below(r, size / sizeof(Elf64_Rela));

		*rel = *o;
		break;
	}
	default:
		/* the section it applies to */
		v->sh[rs].sh_info = (uint32_t)rng_below(r, v->nsec + 1);
		break;
	}
	return 0;
}

static int mutate_strtab(struct view *v, struct rng *r)
{
	int s = v->sh ? find_type(v, SHT_STRTAB, r) : -1;
	uint64_t size, at;
	uint8_t *d;

	if (s < 0 || !(d = sec_data(v, (uint32_t)s, &size)) || !size)
		return -1;
	at = rng_below(r, size);
	switch (rng_below(r, 4)) {
	case 0:
		d[at] = 0;
		break;
	case 1:
		d[at] = (uint8_t)"._acdLtx0"[rng_below(r, 9)];
		break;
	case 2:
		d[size - 1] = 'x';	/* lose the terminator */
		break;
	default: {
		/* copy one name over another, keeping lengths */
		uint64_t from = rng_below(r, size), n = 0;

		while (from + n < size && at + n < size && d[from + n] && d[at + n])
			n++;
		memmove(d + at, d + from, n);
		break;
	}
	}
	return 0;
}

static int mutate_group(struct view *v, struct rng *r)
{
	int g = v->sh ? find_type(v, SHT_GROUP, r) : -1;
	uint64_t size;
	uint8_t *d;
	uint32_t *w;

	if (g < 0 || !(d = sec_data(v, (uint32_t)g, &size)) || size < 4 || (uintptr_t)d % 4)
		return -1;
	w = (uint32_t *)d + rng_below(r, size / 4);
	switch (rng_below(r, 3)) {
	case 0:
		*w = (uint32_t)rng_below(r, v->nsec + 2);
		break;
	case 1:
		*w = (uint32_t)pick_value(r, *w);
		break;
	default:
		/* the signature symbol */
		v->sh[g].sh_info = (uint32_t)pick_value(r, v->sh[g].sh_info);
		break;
	}
	return 0;
}

static int mutate_contents(struct view *v, struct rng *r)
{
	int t = v->sh ? find_type(v, SHT_PROGBITS, r) : -1;
	uint64_t size, at;
	uint8_t *d;

	if (t < 0 || !(d = sec_data(v, (uint32_t)t, &size)) || !size)
		return -1;
	at = rng_below(r, size);
	/* single-byte opcodes and prefixes that change instruction lengths */
	d[at] = rng_below(r, 2) ? (uint8_t)"\x90\xc3\xe8\xe9\x0f\x66\x48\xcc\x00\xff"[rng_below(r, 10)]
				: (uint8_t)rng_next(r);
	return 0;
}

int elf_mutate(uint8_t *buf, size_t *len, size_t cap, struct rng *r)
{
	struct view v;
	unsigned int tries;

	if (view_of(buf, *len, &v))
		return -1;
	for (tries = 0; tries < 8; tries++) {
		int err;

		switch (rng_below(r, 16)) {
		case 0:
			err = mutate_ehdr(&v, r);
			break;
		case 1:
		case 2:
		case 3:
			err = mutate_shdr(&v, r);
			break;
		case 4:
		case 5:
		case 6:
			err = mutate_symbol(&v, r);
			break;
		case 7:
		case 8:
		case 9:
			err = mutate_rela(&v, r);
			break;
		case 10:
			err = mutate_strtab(&v, r);
			break;
		case 11:
			err = mutate_group(&v, r);
			break;
		case 12:
		case 13:
			err = mutate_contents(&v, r);
			break;
		case 14:
			/* truncate */
			*len = *len ? (size_t)rng_below(r, *len) : 0;
			err = 0;
			break;
		default:
			/* grow with zeros: headers and tables may move past the end */
			if (*len < cap) {
				size_t add = (size_t)rng_below(r, cap - *len < 256 ? cap - *len : 256) + 1;

				memset(buf + *len, 0, add);
				*len += add;
				err = 0;
			} else {
				err = -1;
			}
			break;
		}
		if (!err)
			return 0;
	}
	return -1;
}

int elf_mutate_pair(const uint8_t *a, size_t alen, uint8_t *b, size_t blen, struct rng *r)
{
	struct view va, vb;
	uint32_t match[64][2], n = 0, i, j;
	Elf64_Shdr *s;
	const Elf64_Shdr *t;

	if (view_of((uint8_t *)a, alen, &va) || view_of(b, blen, &vb) || !va.sh || !vb.sh)
		return -1;
	for (j = 1; j < vb.nsec && n < 64; j++) {
		const char *nb = sec_name(&vb, j);

		if (!nb || !*nb)
			continue;
		for (i = 1; i < va.nsec; i++) {
			const char *na = sec_name(&va, i);

			if (na && !strcmp(na, nb)) {
				match[n][0] = i;
				match[n][1] = j;
				n++;
				break;
			}
		}
	}
	if (!n)
		return -1;
	i = (uint32_t)rng_below(r, n);
	t = &va.sh[match[i][0]];
	s = &vb.sh[match[i][1]];
	switch (rng_below(r, 6)) {
	case 0: {
		/* retyped: PROGBITS <-> RELA <-> NOBITS <-> GROUP ... */
		static const uint32_t types[] = { SHT_PROGBITS, SHT_RELA, SHT_NOBITS, SHT_GROUP,
						  SHT_STRTAB, SHT_SYMTAB, SHT_NOTE };
		s->sh_type = types[rng_below(r, sizeof(types) / sizeof(types[0]))];
		if (s->sh_type == t->sh_type)
			s->sh_type = t->sh_type == SHT_RELA ? SHT_PROGBITS : SHT_RELA;
		break;
	}
	case 1:
		s->sh_flags = t->sh_flags ^ (1ull << rng_below(r, 12));
		break;
	case 2:
		/* resized: shrink within the file, or grow up to its end */
		s->sh_size = rng_below(r, 2) ? s->sh_size / (1 + rng_below(r, 4))
					     : s->sh_size + rng_below(r, 64);
		break;
	case 3: {
		/* renamed to the name of another section of @b */
		uint32_t o = 1 + (uint32_t)rng_below(r, vb.nsec - 1);

		s->sh_name = vb.sh[o].sh_name;
		break;
	}
	case 4: {
		/* moved: swap with another header of @b */
		uint32_t o = 1 + (uint32_t)rng_below(r, vb.nsec - 1);
		Elf64_Shdr tmp = *s;

		*s = vb.sh[o];
		vb.sh[o] = tmp;
		break;
	}
	default:
		/* the twin's entry size and alignment */
		s->sh_entsize = t->sh_entsize ? t->sh_entsize * 2 : 1;
		s->sh_addralign = t->sh_addralign << rng_below(r, 4);
		break;
	}
	return 0;
}

size_t elf_container_mutate(uint8_t *data, size_t size, size_t max, unsigned int seed,
			    unsigned int nparts, unsigned int nelf)
{
	struct fuzz_parts parts;
	uint8_t *buf[FUZZ_MAX_PARTS] = { 0 };
	size_t len[FUZZ_MAX_PARTS], cap[FUZZ_MAX_PARTS], out = 0;
	struct rng r = { seed * 0x2545f4914f6cdd1dull + 1 };
	unsigned int i, which, rounds;

	if (fuzz_split(data, size, nparts, &parts))
		return LLVMFuzzerMutate(data, size, max);
	for (i = 0; i < nparts; i++) {
		/* room to grow each part a little */
		cap[i] = parts.len[i] + 512;
		buf[i] = malloc(cap[i]);
		if (!buf[i])
			goto out;
		memcpy(buf[i], parts.p[i], parts.len[i]);
		len[i] = parts.len[i];
	}
	rounds = 1 + (unsigned int)rng_below(&r, 3);
	while (rounds--) {
		uint64_t what = rng_below(&r, 100);

		which = (unsigned int)rng_below(&r, nparts);
		if (what < 45 && which < nelf) {
			if (!elf_mutate(buf[which], &len[which], cap[which], &r))
				continue;
		} else if (what < 60 && nelf >= 2) {
			unsigned int other = which == 1 ? 0 : 1;

			if (!elf_mutate_pair(buf[other], len[other], buf[1 - other], len[1 - other], &r))
				continue;
		} else if (what < 65 && nelf >= 2) {
			/* the same object on both sides, or the sides swapped */
			unsigned int from = (unsigned int)rng_below(&r, 2);

			if (len[from] <= cap[1 - from]) {
				memcpy(buf[1 - from], buf[from], len[from]);
				len[1 - from] = len[from];
			}
			continue;
		}
		len[which] = LLVMFuzzerMutate(buf[which], len[which], cap[which]);
	}
	out = fuzz_pack(data, max, nparts, (const uint8_t *const *)buf, len);
out:
	for (i = 0; i < nparts; i++)
		free(buf[i]);
	return out ? out : size;
}
