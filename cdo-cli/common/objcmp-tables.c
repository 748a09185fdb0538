// SPDX-License-Identifier: GPL-2.0
/*
 * objcmp-tables: read one create-diff-object output object into the tables
 * of records that cdo-objcmp compares (see objcmp-tables.h), decoding the
 * .kpatch.* sections entry by entry.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objcmp-tables.h"

#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH	0xff20
#endif

/* Entry sizes of the create-diff-object output tables (64-bit targets). */
#define FUNC_SIZE	56
#define KSYM_SIZE	40
#define KRELA_SIZE	40
#define ARCH_SIZE	16

/* Every string a side makes lives until the end; keep them on one list. */
struct keep {
	struct keep *next;
	char s[];
};

static const char *keep_str(struct keep **list, const char *s)
{
	size_t n = strlen(s) + 1;
	struct keep *k = xmalloc(sizeof(*k) + n);

	memcpy(k->s, s, n);
	k->next = *list;
	*list = k;
	return k->s;
}

static void keep_free(struct keep **list)
{
	while (*list) {
		struct keep *k = *list;

		*list = k->next;
		free(k);
	}
}

/* ---- the tables --------------------------------------------------------- */

const struct table_desc objcmp_tables[NTABLES] = {
	[T_HDR] = {
		.what = "ELF header",
		.nlabel = { "type", "machine", "flags", "osabi", "abiversion" },
		.nfmt = { FMT_DEC, FMT_DEC, FMT_HEX, FMT_DEC, FMT_DEC },
	},
	[T_SEC] = {
		.what = "section", .nkey_s = 1,
		.slabel = { NULL, "link", "info" },
		.nlabel = { "type", "flags", "entsize", "addralign", "size", "link", "info" },
		.nfmt = { FMT_SHTYPE, FMT_SHFLAGS, FMT_DEC, FMT_DEC, FMT_DEC, FMT_DEC, FMT_DEC },
		.bloblabel = "contents",
	},
	[T_SYM] = {
		.what = "symbol", .nkey_s = 1,
		.slabel = { NULL, "section" },
		.nlabel = { "type", "bind", "visibility", "value", "size" },
		.nfmt = { FMT_STTYPE, FMT_STBIND, FMT_STVIS, FMT_HEX, FMT_DEC },
	},
	[T_REL] = {
		.what = "relocation", .nkey_s = 1, .nkey_n = 1,
		.slabel = { NULL, "target" },
		.nlabel = { NULL, "type", "addend" },
		.nfmt = { FMT_HEX, FMT_RTYPE, FMT_ADDEND },
		.order_per_s0 = true, .rel_style = true,
	},
	[T_STR] = {
		.what = ".kpatch.strings string", .nkey_s = 1,
		.slabel = { NULL, "problem" },
		.set = true,
	},
	[T_FUNC] = {
		.what = ".kpatch.funcs entry", .nkey_s = 1, .decoded = true,
	},
	[T_KSYM] = {
		.what = ".kpatch.symbols entry", .nkey_s = 1, .decoded = true,
	},
	[T_KRELA] = {
		.what = ".kpatch.relocations entry", .nkey_s = 1, .decoded = true,
	},
	[T_ARCH] = {
		.what = ".kpatch.arch entry", .nkey_s = 1, .decoded = true,
	},
};

static struct rec *table_add(struct table *t)
{
	struct rec *r;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	r = &t->v[t->n];
	memset(r, 0, sizeof(*r));
	r->ord = t->n++;
	return r;
}

/* ---- one side: an object turned into tables ----------------------------- */

enum kind { K_NONE, K_STRINGS, K_FUNCS, K_KSYMS, K_KRELAS, K_ARCH };

/* A decoded .kpatch.* section: its relocations sorted by offset. */
struct dsec {
	size_t sec;
	enum kind kind;
	struct cdo_elf_reloc *r;
	bool *used;
	size_t nr, cap;
	size_t nent;
	const char **key;	/* per entry, for naming stray relocations */
	const char **text;	/* per entry (.kpatch.symbols), for ksym fields */
};

static bool sec_ok(const struct side *sd, uint32_t i)
{
	return i != 0 && i < cdo_elf_nsections(sd->ev);
}

static const char *shndx_name(struct side *sd, uint32_t shndx)
{
	char buf[32];

	if (shndx < SHN_LORESERVE)
		return shndx ? cdo_elf_section(sd->ev, shndx)->name : "UND";
	switch (shndx) {
	case SHN_ABS:
		return "ABS";
	case SHN_COMMON:
		return "COMMON";
	case SHN_LIVEPATCH:
		return "LIVEPATCH";
	}
	snprintf(buf, sizeof(buf), "SHN_0x%x", shndx);
	return keep_str(&sd->keep, buf);
}

/* The name a relocation or a symbol comparison uses for symbol @i. */
static const char *sym_name(const struct side *sd, uint32_t i)
{
	struct cdo_elf_symbol ys, *y = &ys;

	cdo_elf_symbol(sd->ev, i, &ys);
	if (y->type == STT_SECTION && sec_ok(sd, y->shndx))
		return cdo_elf_section(sd->ev, y->shndx)->name;
	return y->name;
}

/*
 * The string that @off points at in .kpatch.strings section @sec, or NULL
 * when @off is outside it or the string runs off its end.
 */
static const char *string_at(const struct side *sd, uint32_t sec, int64_t off)
{
	const struct cdo_elf_section *s = cdo_elf_section(sd->ev, sec);

	if (!s->data || off < 0 || (uint64_t)off >= s->sh.sh_size)
		return NULL;
	if (!memchr(s->data + off, '\0', s->sh.sh_size - (uint64_t)off))
		return NULL;
	return (const char *)s->data + off;
}

/* Where symbol @i plus @addend points inside its section. */
static int64_t sym_offset(const struct side *sd, uint32_t i, int64_t addend)
{
	struct cdo_elf_symbol ys, *y = &ys;

	cdo_elf_symbol(sd->ev, i, &ys);
	return (int64_t)((y->type == STT_SECTION ? 0 : y->value) + (uint64_t)addend);
}

static void classify_sections(struct side *sd)
{
	size_t i;

	sd->kind = xcalloc(cdo_elf_nsections(sd->ev), 1);
	sd->dslot = xcalloc(cdo_elf_nsections(sd->ev), sizeof(*sd->dslot));
	for (i = 1; i < cdo_elf_nsections(sd->ev); i++) {
		const struct cdo_elf_section *s = cdo_elf_section(sd->ev, i);
		enum kind k = K_NONE;

		if (s->sh.sh_type == SHT_NOBITS)
			continue;
		if (!strcmp(s->name, ".kpatch.strings"))
			k = K_STRINGS;
		else if (!strcmp(s->name, ".kpatch.funcs"))
			k = K_FUNCS;
		else if (!strcmp(s->name, ".kpatch.symbols"))
			k = K_KSYMS;
		else if (!strcmp(s->name, ".kpatch.relocations"))
			k = K_KRELAS;
		else if (!strcmp(s->name, ".kpatch.arch"))
			k = K_ARCH;
		sd->kind[i] = (unsigned char)k;
		if (k == K_NONE || k == K_STRINGS)
			continue;
		if (sd->nds == sd->dscap) {
			sd->dscap = sd->dscap ? sd->dscap * 2 : 4;
			sd->ds = xrealloc(sd->ds, sd->dscap * sizeof(*sd->ds));
		}
		memset(&sd->ds[sd->nds], 0, sizeof(*sd->ds));
		sd->ds[sd->nds].sec = i;
		sd->ds[sd->nds].kind = k;
		sd->dslot[i] = (uint32_t)++sd->nds;
	}
}

static void add_header(struct side *sd)
{
	struct rec *r = table_add(&sd->t[T_HDR]);
	const Elf64_Ehdr *eh = cdo_elf_header(sd->ev);

	r->n[0] = eh->e_type;
	r->n[1] = eh->e_machine;
	r->n[2] = eh->e_flags;
	r->n[3] = eh->e_ident[EI_OSABI];
	r->n[4] = eh->e_ident[EI_ABIVERSION];
	r->absent = 0x60;
}

/* A group's contents name its members, so it compares by names. */
static const unsigned char *group_text(struct side *sd, size_t i, size_t *len)
{
	struct sbuf b = { 0 };
	size_t n, count = cdo_elf_ngroup(sd->ev, i);
	const char *kept;

	sb_printf(&b, "flags=0x%x members=", count ? cdo_elf_group(sd->ev, i, 0) : 0);
	for (n = 1; n < count; n++)
		sb_printf(&b, "%s%s", n > 1 ? "," : "", cdo_elf_section(sd->ev, cdo_elf_group(sd->ev, i, n))->name);
	kept = keep_str(&sd->keep, b.p);
	free(b.p);
	*len = strlen(kept);
	return (const unsigned char *)kept;
}

static void add_sections(struct side *sd)
{
	const struct cdo_elf *ev = sd->ev;
	size_t i;

	for (i = 1; i < cdo_elf_nsections(ev); i++) {
		const struct cdo_elf_section *s = cdo_elf_section(ev, i);
		struct rec *r = table_add(&sd->t[T_SEC]);
		uint32_t type = s->sh.sh_type;
		bool strtab_role = i == cdo_elf_strtab(ev) || i == cdo_elf_shstrndx(ev);
		bool info_is_sec = type == SHT_REL || type == SHT_RELA ||
				   (s->sh.sh_flags & SHF_INFO_LINK);

		r->ord = i;
		r->s[0] = s->name;
		r->n[0] = type;
		r->n[1] = s->sh.sh_flags;
		r->n[2] = s->sh.sh_entsize;
		r->n[3] = s->sh.sh_addralign;
		r->n[4] = s->sh.sh_size;
		/* String tables and .kpatch.strings have layout-dependent sizes. */
		if (strtab_role || sd->kind[i] == K_STRINGS)
			r->absent |= 1u << 4;
		if (sec_ok(sd, s->sh.sh_link)) {
			r->s[1] = cdo_elf_section(ev, s->sh.sh_link)->name;
			r->absent |= 1u << 5;
		} else {
			r->n[5] = s->sh.sh_link;
		}
		if (info_is_sec && sec_ok(sd, s->sh.sh_info)) {
			r->s[2] = cdo_elf_section(ev, s->sh.sh_info)->name;
			r->absent |= 1u << 6;
		} else if (type == SHT_GROUP) {
			r->s[2] = sym_name(sd, s->sh.sh_info);
			r->absent |= 1u << 6;
		} else {
			r->n[6] = s->sh.sh_info;
		}

		if (type == SHT_GROUP) {
			r->blob = group_text(sd, i, &r->bloblen);
			continue;
		}
		if (type == SHT_NOBITS || type == SHT_REL || type == SHT_RELA ||
		    type == SHT_SYMTAB || type == SHT_DYNSYM || type == SHT_SYMTAB_SHNDX ||
		    strtab_role || sd->kind[i] != K_NONE)
			continue;
		r->blob = s->data ? s->data : (const unsigned char *)"";
		r->bloblen = s->data ? s->sh.sh_size : 0;
	}
}

static void add_symbols(struct side *sd)
{
	const struct cdo_elf *ev = sd->ev;
	size_t i;

	for (i = 1; i < cdo_elf_nsymbols(ev); i++) {
		struct cdo_elf_symbol ys, *y = &ys;
		struct rec *r = table_add(&sd->t[T_SYM]);

		cdo_elf_symbol(ev, i, &ys);
		r->ord = i;
		r->s[0] = sym_name(sd, (uint32_t)i);
		r->s[1] = shndx_name(sd, y->shndx);
		r->n[0] = y->type;
		r->n[1] = y->bind;
		r->n[2] = ELF64_ST_VISIBILITY(y->other);
		r->n[3] = y->type == STT_SECTION ? 0 : y->value;
		r->n[4] = y->size;
		r->absent = 0x60;
		if (y->type == STT_SECTION)
			r->absent |= 1u << 3;
	}
}

/* Relocations that .kpatch.* decoding reads instead of the generic table. */
static void collect_decoded_reloc(struct side *sd, size_t target, const struct cdo_elf_reloc *rel)
{
	struct dsec *d = &sd->ds[sd->dslot[target] - 1];

	if (d->nr == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->r = xrealloc(d->r, d->cap * sizeof(*d->r));
	}
	d->r[d->nr++] = *rel;
}

static void add_relocs(struct side *sd)
{
	const struct cdo_elf *ev = sd->ev;
	size_t i, n, ord = 0;

	for (i = 1; i < cdo_elf_nsections(ev); i++) {
		size_t target = cdo_elf_section(ev, i)->sh.sh_info;
		size_t count = cdo_elf_nrelocs(ev, i);

		for (n = 0; n < count; n++) {
			struct cdo_elf_symbol ys, *y = &ys;
			struct cdo_elf_reloc rel;
			struct rec *r;
			const char *str = NULL;

			cdo_elf_reloc(ev, i, n, &rel);
			if (sec_ok(sd, (uint32_t)target) && sd->dslot[target]) {
				collect_decoded_reloc(sd, target, &rel);
				continue;
			}
			r = table_add(&sd->t[T_REL]);
			r->ord = ord++;
			r->s[0] = sec_ok(sd, (uint32_t)target) ? cdo_elf_section(ev, target)->name : "";
			r->n[0] = rel.offset;
			r->n[1] = rel.type;
			r->n[2] = (uint64_t)rel.addend;
			r->absent = 0x78;
			cdo_elf_symbol(ev, rel.sym, &ys);
			if (rel.sym && sec_ok(sd, y->shndx) && sd->kind[y->shndx] == K_STRINGS)
				str = string_at(sd, y->shndx, sym_offset(sd, rel.sym, rel.addend));
			if (str) {
				r->s[1] = str;
				r->quoted |= 1u << 1;
				r->absent |= 1u << 2;
			} else {
				r->s[1] = rel.sym ? sym_name(sd, rel.sym) : "*none*";
			}
		}
	}
}

static void add_strings(struct side *sd)
{
	const struct cdo_elf *ev = sd->ev;
	size_t i;

	for (i = 1; i < cdo_elf_nsections(ev); i++) {
		const struct cdo_elf_section *s = cdo_elf_section(ev, i);
		size_t off = 0;

		if (sd->kind[i] != K_STRINGS || !s->data)
			continue;
		while (off < s->sh.sh_size) {
			const char *p = (const char *)s->data + off;
			const char *end = memchr(p, '\0', s->sh.sh_size - off);
			struct rec *r = table_add(&sd->t[T_STR]);

			if (end) {
				r->s[0] = p;
				r->quoted = 1;
				off += (size_t)(end - p) + 1;
			} else {
				struct sbuf b = { 0 };

				sb_quote(&b, p, s->sh.sh_size - off);
				r->s[0] = keep_str(&sd->keep, b.p);
				r->s[1] = "not NUL-terminated";
				free(b.p);
				off = s->sh.sh_size;
			}
		}
	}
}

/* ---- .kpatch.* decoding ------------------------------------------------- */

static int cmp_reloc_offset(const void *a, const void *b)
{
	const struct cdo_elf_reloc *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* Same offset: any fixed order, so the text does not depend on input order. */
	if (x->sym != y->sym)
		return x->sym < y->sym ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->addend != y->addend)
		return x->addend < y->addend ? -1 : 1;
	return 0;
}

static uint32_t abs64_type(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64:
		return R_X86_64_64;
	case EM_AARCH64:
		return R_AARCH64_ABS64;
	case EM_PPC64:
		return R_PPC64_ADDR64;
	case EM_S390:
		return R_390_64;
#ifdef EM_LOONGARCH
	case EM_LOONGARCH:
		return R_LARCH_64;
#endif
	}
	return UINT32_MAX;
}

static const char *rtype_name(uint16_t machine, uint64_t t)
{
	static const char *const x86[] = {
		"NONE", "64", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT",
		"RELATIVE", "GOTPCREL", "32", "32S", "16", "PC16", "8", "PC8", "DTPMOD64",
		"DTPOFF64", "TPOFF64", "TLSGD", "TLSLD", "DTPOFF32", "GOTTPOFF", "TPOFF32",
		"PC64", "GOTOFF64", "GOTPC32", "GOT64", "GOTPCREL64", "GOTPC64", "GOTPLT64",
		"PLTOFF64", "SIZE32", "SIZE64", "GOTPC32_TLSDESC", "TLSDESC_CALL", "TLSDESC",
		"IRELATIVE", "RELATIVE64", NULL, NULL, "GOTPCRELX", "REX_GOTPCRELX",
	};
	static __thread char buf[32];

	if (machine == EM_X86_64 && t < sizeof(x86) / sizeof(x86[0]) && x86[t]) {
		snprintf(buf, sizeof(buf), "R_X86_64_%s", x86[t]);
		return buf;
	}
	snprintf(buf, sizeof(buf), "type %llu", (unsigned long long)t);
	return buf;
}

/* Text for the target of one relocation found in a .kpatch.* table. */
static void describe_target(struct side *sd, const struct cdo_elf_reloc *rel, struct sbuf *b)
{
	struct cdo_elf_symbol ys, *y = &ys;
	int64_t off = sym_offset(sd, rel->sym, rel->addend);

	cdo_elf_symbol(sd->ev, rel->sym, &ys);
	if (rel->sym == 0) {
		sb_printf(b, "*none*");
		sb_addend(b, rel->addend);
	} else if (sec_ok(sd, y->shndx) && sd->kind[y->shndx] == K_STRINGS &&
		   string_at(sd, y->shndx, off)) {
		const char *s = string_at(sd, y->shndx, off);

		sb_quote(b, s, strlen(s));
	} else if (sec_ok(sd, y->shndx) && sd->kind[y->shndx] == K_KSYMS &&
		   sd->ds[sd->dslot[y->shndx] - 1].text && off >= 0 && off % KSYM_SIZE == 0 &&
		   (uint64_t)off / KSYM_SIZE < sd->ds[sd->dslot[y->shndx] - 1].nent) {
		sb_printf(b, "{%s}", sd->ds[sd->dslot[y->shndx] - 1].text[off / KSYM_SIZE]);
	} else {
		sb_printf(b, "%s", sym_name(sd, rel->sym));
		sb_addend(b, rel->addend);
	}
	if (rel->type != abs64_type(cdo_elf_header(sd->ev)->e_machine))
		sb_printf(b, " (%s)", rtype_name(cdo_elf_header(sd->ev)->e_machine, rel->type));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Describe the pointer field at @off in @d: what its relocations point at,
 * or its raw value when it has none.  The relocations are marked used.
 */
static void describe_pointer(struct side *sd, struct dsec *d, uint64_t off, struct sbuf *b)
{
	const unsigned char *data = cdo_elf_section(sd->ev, d->sec)->data;
	uint64_t raw = get_u64(data + off);
	size_t lo = 0, hi = d->nr, n;
	bool any = false;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->r[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (n = lo; n < d->nr && d->r[n].offset == off; n++) {
		if (any)
			sb_printf(b, " & ");
		describe_target(sd, &d->r[n], b);
		d->used[n] = true;
		any = true;
	}
	if (!any && raw)
		sb_printf(b, "0x%llx", (unsigned long long)raw);
	else if (!any)
		sb_printf(b, "NULL");
	else if (raw)
		sb_printf(b, " raw=0x%llx", (unsigned long long)raw);
}

static const char *name_of(const char *const *names, size_t n, uint64_t v)
{
	return v < n && names[v] ? names[v] : NULL;
}

static const char *const st_types[] = { "NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE",
					"COMMON", "TLS", NULL, NULL, NULL, "GNU_IFUNC" };
static const char *const st_binds[] = { "LOCAL", "GLOBAL", "WEAK", NULL, NULL, NULL,
					NULL, NULL, NULL, NULL, "GNU_UNIQUE" };
static const char *const st_vis[] = { "DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED" };

#define NAMES(a) (a), sizeof(a) / sizeof((a)[0])

/**
 * objcmp_fmt_num() - Append the text of one numeric field of a record.
 * @b: the string to append to.
 * @f: how the field prints.
 * @v: its value.
 * @machine: the object's e_machine, which names relocation types.
 */
void objcmp_fmt_num(struct sbuf *b, enum fmt f, uint64_t v, uint16_t machine)
{
	static const char flagch[] = "WAXxMSILOGTC";	/* bits 0..11; 'x' is unused bit 3 */
	const char *nm = NULL;
	int i;

	switch (f) {
	case FMT_DEC:
		sb_printf(b, "%llu", (unsigned long long)v);
		return;
	case FMT_HEX:
		sb_printf(b, "0x%llx", (unsigned long long)v);
		return;
	case FMT_ADDEND:
		sb_addend(b, (int64_t)v);
		return;
	case FMT_SHTYPE: {
		static const char *const t[] = { "NULL", "PROGBITS", "SYMTAB", "STRTAB", "RELA",
			"HASH", "DYNAMIC", "NOTE", "NOBITS", "REL", "SHLIB", "DYNSYM", NULL, NULL,
			"INIT_ARRAY", "FINI_ARRAY", "PREINIT_ARRAY", "GROUP", "SYMTAB_SHNDX" };

		nm = name_of(NAMES(t), v);
		if (!nm && v == SHT_X86_64_UNWIND && machine == EM_X86_64)
			nm = "X86_64_UNWIND";
		break;
	}
	case FMT_SHFLAGS:
		if (!v) {
			sb_printf(b, "0");
			return;
		}
		for (i = 0; i < 12; i++)
			if (v & (1ull << i) && i != 3)
				sb_printf(b, "%c", flagch[i]);
		if (v & SHF_EXCLUDE)
			sb_printf(b, "E");
		v &= ~(0xff7ull | SHF_EXCLUDE);
		if (v)
			sb_printf(b, "+0x%llx", (unsigned long long)v);
		return;
	case FMT_STTYPE:
		nm = name_of(NAMES(st_types), v);
		break;
	case FMT_STBIND:
		nm = name_of(NAMES(st_binds), v);
		break;
	case FMT_STVIS:
		nm = name_of(NAMES(st_vis), v);
		break;
	case FMT_RTYPE:
		sb_printf(b, "%s", rtype_name(machine, v));
		return;
	}
	if (nm)
		sb_printf(b, "%s", nm);
	else
		sb_printf(b, "%llu", (unsigned long long)v);
}

static void decode_entry(struct side *sd, struct dsec *d, size_t e, struct sbuf *key,
			 struct sbuf *b)
{
	const unsigned char *p = cdo_elf_section(sd->ev, d->sec)->data;
	uint16_t m = cdo_elf_header(sd->ev)->e_machine;

	switch (d->kind) {
	case K_FUNCS:
		p += e * FUNC_SIZE;
		describe_pointer(sd, d, e * FUNC_SIZE + 40, key);
		sb_printf(b, "new_addr=");
		describe_pointer(sd, d, e * FUNC_SIZE + 0, b);
		sb_printf(b, " new_size=%llu old_addr=0x%llx old_size=%llu sympos=%llu name=%s objname=",
			  (unsigned long long)get_u64(p + 8), (unsigned long long)get_u64(p + 16),
			  (unsigned long long)get_u64(p + 24), (unsigned long long)get_u64(p + 32),
			  key->p);
		describe_pointer(sd, d, e * FUNC_SIZE + 48, b);
		break;
	case K_KSYMS:
		p += e * KSYM_SIZE;
		describe_pointer(sd, d, e * KSYM_SIZE + 24, key);
		sb_printf(b, "name=%s objname=", key->p);
		describe_pointer(sd, d, e * KSYM_SIZE + 32, b);
		sb_printf(b, " src=0x%llx sympos=%llu", (unsigned long long)get_u64(p),
			  (unsigned long long)get_u64(p + 8));
		sb_printf(b, " bind=");
		objcmp_fmt_num(b, FMT_STBIND, p[16], m);
		sb_printf(b, " type=");
		objcmp_fmt_num(b, FMT_STTYPE, p[17], m);
		if (get_u64(p + 16) >> 16)
			sb_printf(b, " padding=0x%llx", (unsigned long long)(get_u64(p + 16) >> 16));
		break;
	case K_KRELAS:
		p += e * KRELA_SIZE;
		describe_pointer(sd, d, e * KRELA_SIZE + 0, key);
		sb_printf(b, "dest=%s type=%s external=%d addend=", key->p,
			  rtype_name(m, get_u32(p + 8)), (int32_t)get_u32(p + 12));
		sb_addend(b, (int64_t)get_u64(p + 16));
		sb_printf(b, " objname=");
		describe_pointer(sd, d, e * KRELA_SIZE + 24, b);
		sb_printf(b, " ksym=");
		describe_pointer(sd, d, e * KRELA_SIZE + 32, b);
		break;
	case K_ARCH:
		describe_pointer(sd, d, e * ARCH_SIZE + 0, key);
		sb_printf(b, "sec=%s objname=", key->p);
		describe_pointer(sd, d, e * ARCH_SIZE + 8, b);
		break;
	default:
		break;
	}
}

static size_t entry_size(enum kind k)
{
	switch (k) {
	case K_FUNCS:
		return FUNC_SIZE;
	case K_KSYMS:
		return KSYM_SIZE;
	case K_KRELAS:
		return KRELA_SIZE;
	case K_ARCH:
		return ARCH_SIZE;
	default:
		return 1;
	}
}

static int table_of(enum kind k)
{
	switch (k) {
	case K_FUNCS:
		return T_FUNC;
	case K_KSYMS:
		return T_KSYM;
	case K_KRELAS:
		return T_KRELA;
	default:
		return T_ARCH;
	}
}

static void decode_section(struct side *sd, struct dsec *d)
{
	const struct cdo_elf_section *s = cdo_elf_section(sd->ev, d->sec);
	size_t esz = entry_size(d->kind), e, n;
	struct table *t = &sd->t[table_of(d->kind)];
	struct sbuf key = { 0 }, b = { 0 };
	size_t tail;

	if (d->nr)
		qsort(d->r, d->nr, sizeof(*d->r), cmp_reloc_offset);
	d->used = xcalloc(d->nr, sizeof(*d->used));
	d->nent = s->data ? s->sh.sh_size / esz : 0;
	d->key = xcalloc(d->nent, sizeof(*d->key));
	if (d->kind == K_KSYMS)
		d->text = xcalloc(d->nent, sizeof(*d->text));

	for (e = 0; e < d->nent; e++) {
		struct rec *r = table_add(t);

		sb_reset(&key);
		sb_reset(&b);
		decode_entry(sd, d, e, &key, &b);
		r->s[0] = d->key[e] = keep_str(&sd->keep, key.p);
		r->s[1] = keep_str(&sd->keep, b.p);
		if (d->text)
			d->text[e] = r->s[1];
	}

	tail = s->data ? s->sh.sh_size % esz : 0;
	if (tail) {
		struct rec *r = table_add(t);

		sb_reset(&b);
		for (n = 0; n < tail; n++)
			sb_printf(&b, "%02x", s->data[d->nent * esz + n]);
		r->s[0] = "trailing bytes";
		r->s[1] = keep_str(&sd->keep, b.p);
	}

	/* Relocations on non-pointer fields or past the entries. */
	for (n = 0; n < d->nr; n++) {
		uint64_t off = d->r[n].offset;
		struct rec *r;

		if (d->used[n])
			continue;
		r = table_add(t);
		sb_reset(&b);
		if (off / esz < d->nent)
			sb_printf(&b, "in entry %s at +%llu: ", d->key[off / esz],
				  (unsigned long long)(off % esz));
		else
			sb_printf(&b, "past the entries at 0x%llx: ", (unsigned long long)off);
		describe_target(sd, &d->r[n], &b);
		r->s[0] = "stray relocation";
		r->s[1] = keep_str(&sd->keep, b.p);
	}
	free(key.p);
	free(b.p);
}

static void decode_kpatch(struct side *sd)
{
	static const enum kind order[] = { K_KSYMS, K_FUNCS, K_KRELAS, K_ARCH };
	size_t k, i;

	/* .kpatch.symbols first: .kpatch.relocations entries embed them. */
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < sd->nds; i++)
			if (sd->ds[i].kind == order[k])
				decode_section(sd, &sd->ds[i]);
}

/**
 * objcmp_load() - Read one object into tables.
 * @sd: the side to fill; objcmp_free() releases it, whatever the result.
 * @path: the object file.
 *
 * Out of memory exits with status 2, like the rest of cdo-objcmp.
 *
 * Return: 0, or -1 with the problem in @sd->err.msg.
 */
int objcmp_load(struct side *sd, const char *path)
{
	memset(sd, 0, sizeof(*sd));
	sd->path = path;
	sd->ev = cdo_elf_open(path, &sd->err);
	if (!sd->ev)
		return -1;
	classify_sections(sd);
	add_header(sd);
	add_sections(sd);
	add_symbols(sd);
	add_relocs(sd);
	add_strings(sd);
	decode_kpatch(sd);
	return 0;
}

/**
 * objcmp_free() - Release what objcmp_load() took.
 * @sd: the side.
 */
void objcmp_free(struct side *sd)
{
	size_t i;

	for (i = 0; i < NTABLES; i++)
		free(sd->t[i].v);
	for (i = 0; i < sd->nds; i++) {
		free(sd->ds[i].r);
		free(sd->ds[i].used);
		free(sd->ds[i].key);
		free(sd->ds[i].text);
	}
	free(sd->ds);
	free(sd->kind);
	free(sd->dslot);
	keep_free(&sd->keep);
	cdo_elf_close(sd->ev);
}
