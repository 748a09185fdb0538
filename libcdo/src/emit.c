// SPDX-License-Identifier: GPL-2.0
/*
 * Building the output model from the selected part of the patched
 * object: the .kpatch.* tables kpatch-build's later tools consume
 * (create-klp-module turns them into .klp.sym/.klp.rela), the
 * relocations that must become livepatch relocations, __mcount_loc, and
 * the final symbol order.
 *
 * Layouts (x86-64, kpatch's kpatch-patch.h and kpatch-intermediate.h):
 *	struct kpatch_patch_func  56 bytes: new_addr, new_size, old_addr,
 *		old_size, sympos, name, objname
 *	struct kpatch_symbol      40 bytes: src, sympos, bind, type, name,
 *		objname
 *	struct kpatch_relocation  40 bytes: dest, type, external, addend,
 *		objname, ksym
 *	struct kpatch_arch        16 bytes: sec, objname
 * Pointer fields are left zero and filled by pointer relocations
 * (the architecture's rela_pointer, R_X86_64_64) against section symbols,
 * because `ld -r` concatenates these sections from every object of the
 * patch.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "explain.h"
#include "parentcache.h"
#include "special.h"
#include "names.h"

#define FUNC_SIZE 56
#define FUNC_NEW_ADDR 0
#define FUNC_NEW_SIZE 8
#define FUNC_OLD_ADDR 16
#define FUNC_OLD_SIZE 24
#define FUNC_SYMPOS 32
#define FUNC_NAME 40
#define FUNC_OBJNAME 48

#define KSYM_SIZE 40
#define KSYM_SRC 0
#define KSYM_SYMPOS 8
#define KSYM_BIND 16
#define KSYM_TYPE 17
#define KSYM_NAME 24
#define KSYM_OBJNAME 32

#define KRELA_SIZE 40
#define KRELA_DEST 0
#define KRELA_TYPE 8
#define KRELA_EXTERNAL 12
#define KRELA_ADDEND 16
#define KRELA_OBJNAME 24
#define KRELA_KSYM 32

#define KARCH_SIZE 16
#define KARCH_SEC 0
#define KARCH_OBJNAME 8

#define CALLBACK_OBJNAME 8

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static int push_u32(uint32_t **arr, uint32_t *n, uint32_t *cap, uint32_t v)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 64;
		uint32_t *a = realloc(*arr, sizeof(**arr) * c);

		if (!a)
			return -1;
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = v;
	return 0;
}

struct emit {
	struct diff *d;
	struct object *p;
	uint32_t secs_cap, syms_cap;
};

static int out_section(struct emit *e, uint32_t s)
{
	if (push_u32(&e->d->out_secs, &e->d->n_out_secs, &e->secs_cap, s))
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	return 0;
}

static int out_symbol(struct emit *e, uint32_t y)
{
	if (push_u32(&e->d->out_syms, &e->d->n_out_syms, &e->syms_cap, y))
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	return 0;
}

/* A data section and its relocation section, both ours. */
static int new_section_pair(struct emit *e, const char *name, const char *rela_name,
			    uint64_t entsize, uint64_t nr, uint32_t *sec)
{
	struct object *p = e->p;
	uint32_t s, r;
	uint8_t *buf;

	s = object_add_section(p, name, SHT_PROGBITS, SHF_ALLOC, entsize, 8);
	if (s == NONE)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	buf = calloc(1, entsize * nr + 1);
	if (!buf)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	p->secs[s].owned = buf;
	p->secs[s].data = buf;
	p->secs[s].size = p->secs[s].sh.sh_size = entsize * nr;
	if (rela_name) {
		r = object_add_section(p, rela_name, SHT_RELA, SHF_INFO_LINK, sizeof(Elf64_Rela), 8);
		if (r == NONE)
			return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
		p->secs[r].base = s;
		p->secs[s].rela = r;
	}
	if (out_section(e, s) || (rela_name && out_section(e, p->secs[s].rela)))
		return sink_status(&e->d->sink);
	*sec = s;
	return 0;
}

static int add_rela(struct emit *e, uint32_t rs, uint64_t off, uint32_t sym, int64_t addend)
{
	if (object_add_rela(e->p, rs, off, e->p->arch->rela_pointer, sym, addend))
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	return 0;
}

static int string_offset(struct emit *e, const char *s, int64_t *off)
{
	*off = strtab_offset(&e->d->kstrings, s);
	if (*off < 0)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	return 0;
}

/* Keep what was selected, in input order; references to dropped
 * sections become undefined symbols. */
static int migrate(struct emit *e)
{
	struct object *p = e->p;
	uint32_t i;

	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (!s->include)
			continue;
		if (out_section(e, i))
			return sink_status(&e->d->sink);
		if (!s->is_rela && s->secsym != NONE && !p->syms[s->secsym].include)
			s->secsym = NONE;
	}
	for_each_symbol(p, i) {
		struct symbol *y = &p->syms[i];

		if (!y->include)
			continue;
		if (out_symbol(e, i))
			return sink_status(&e->d->sink);
		y->strip = SYM_KEEP;
		if (y->sec != NONE && !p->secs[y->sec].include)
			y->sec = NONE;
	}
	return 0;
}

static int add_modinfo(struct emit *e)
{
	struct diff *d = e->d;
	uint32_t s;
	uint8_t *buf;

	if (!d->modinfo_len)
		return 0;
	/* upstream sets the entry size to the whole size; keep that */
	s = object_add_section(e->p, ".modinfo", SHT_PROGBITS, SHF_ALLOC, d->modinfo_len, 8);
	buf = malloc(d->modinfo_len);
	if (s == NONE || !buf) {
		free(buf);
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	}
	memcpy(buf, d->modinfo, d->modinfo_len);
	e->p->secs[s].owned = buf;
	e->p->secs[s].data = buf;
	e->p->secs[s].size = e->p->secs[s].sh.sh_size = d->modinfo_len;
	return out_section(e, s);
}

static int add_strings_section(struct emit *e)
{
	struct object *p = e->p;
	uint32_t s = object_add_section(p, ".kpatch.strings", SHT_PROGBITS, SHF_ALLOC, 1, 1);
	uint32_t y;

	if (s == NONE)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	y = object_add_symbol(p, p->secs[s].name, STB_LOCAL, STT_SECTION, s);
	if (y == NONE)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	e->d->kstrings_sec = s;
	e->d->kstrings_sym = y;
	if (out_section(e, s) || out_symbol(e, y))
		return sink_status(&e->d->sink);
	return 0;
}

static int add_funcs(struct emit *e)
{
	struct diff *d = e->d;
	struct object *p = e->p;
	uint32_t fs, k, n = 0, idx = 0;
	int64_t objname_off;
	int err;

	for (k = 0; k < d->n_out_syms; k++) {
		const struct symbol *y = &p->syms[d->out_syms[k]];

		if (y->type == STT_FUNC && y->status == ST_CHANGED && y->parent == NONE)
			n++;
	}
	err = new_section_pair(e, ".kpatch.funcs", ".rela.kpatch.funcs", FUNC_SIZE, n, &fs);
	if (!err)
		err = string_offset(e, d->parent_name, &objname_off);
	for (k = 0; k < d->n_out_syms && !err; k++) {
		uint32_t yi = d->out_syms[k];
		struct symbol *y = &p->syms[yi];
		uint8_t *ent = p->secs[fs].owned + (size_t)idx * FUNC_SIZE;
		uint32_t rs = p->secs[fs].rela;
		struct parent_sym res;
		int64_t name_off;
		int found;

		if (y->type != STT_FUNC || y->status != ST_CHANGED || y->parent != NONE)
			continue;
		found = parent_cache_lookup(d, yi, &res);
		if (found < 0)
			return found;
		if (!found)
			return sink_unsupported(&d->sink, "can't find symbol '%s' in symbol table", y->name);
		if (y->bind == STB_LOCAL && res.global)
			return sink_unsupported(&d->sink, "can't find local symbol '%s' in symbol table", y->name);
		/*
		 * Made local so that other objects of the patch module (the
		 * callback code, say) cannot call the new version before its
		 * relocations are applied.
		 */
		y->bind = STB_LOCAL;
		y->sym.st_info = ELF64_ST_INFO(STB_LOCAL, y->type);
		put64(ent + FUNC_NEW_SIZE, y->sym.st_size);
		put64(ent + FUNC_OLD_ADDR, res.addr);
		put64(ent + FUNC_OLD_SIZE, res.size);
		put64(ent + FUNC_SYMPOS, res.sympos);
		err = string_offset(e, y->name, &name_off);
		if (!err)
			err = add_rela(e, rs, (uint64_t)idx * FUNC_SIZE + FUNC_NEW_ADDR, yi, 0);
		if (!err)
			err = add_rela(e, rs, (uint64_t)idx * FUNC_SIZE + FUNC_NAME, d->kstrings_sym, name_off);
		if (!err)
			err = add_rela(e, rs, (uint64_t)idx * FUNC_SIZE + FUNC_OBJNAME, d->kstrings_sym,
				       objname_off);
		if (!err)
			err = sink_add_item(&d->sink, CDO_ITEM_CHANGED_FUNC, &(struct cdo_item){
				.name = y->name, .section = p->secs[y->sec].name, .sympos = res.sympos,
				.old_addr = res.addr, .old_size = res.size, .new_size = y->sym.st_size,
				.objname = d->parent_name, .reason = function_change_reason(p, yi) });
		idx++;
	}
	return err;
}

static bool is_core_module_symbol(const char *n)
{
	return !strcmp(n, "kpatch_shadow_alloc") || !strcmp(n, "kpatch_shadow_free") ||
	       !strcmp(n, "kpatch_shadow_get");
}

/*
 * Must this relocation be resolved by the livepatch core against the
 * running kernel, rather than by the module loader?
 */
static int need_klp_reloc(struct diff *d, uint32_t rs, const struct rela *r, bool *need)
{
	const struct object *p = &d->patched;
	const struct symbol *t = &p->syms[r->sym];
	struct parent_sym res;
	int found;

	*need = false;
	if (p->secs[rs].is_debug)
		return 0;
	if (is_core_module_symbol(t->name))
		return 0;
	if (t->sec != NONE) {
		/*
		 * Code of this object is in the patch module, except that a
		 * pointer to an old function must keep pointing at the
		 * original, which may be called after the patch is gone.
		 * Functions with a '.' in the name (nested, clones) and new
		 * functions are referenced directly.
		 */
		bool funcptr = t->type == STT_FUNC && t->parent == NONE &&
			       r->addend == (int32_t)t->sym.st_value && r->type == p->arch->rela_addr;

		*need = funcptr && t->status != ST_NEW && !strchr(t->name, '.');
		return 0;
	}
	found = parent_cache_lookup((struct diff *)d, r->sym, &res);
	if (found <= 0)
		return found;	/* not in the parent: another object of the patch */
	if (t->bind == STB_LOCAL) {
		if (res.global)
			return sink_unsupported(&d->sink, "can't find local symbol '%s' in symbol table", t->name);
		*need = true;
		return 0;
	}
	if (res.exported) {
		/* module exports may be loaded after the patch */
		*need = strcmp(res.objname, "vmlinux") != 0;
		return 0;
	}
	*need = res.global != 0;
	return 0;
}

static bool skip_for_klp(const char *rela_name)
{
	return !strcmp(rela_name, ".rela.kpatch.funcs") || !strcmp(rela_name, ".rela.kpatch.relocations") ||
	       !strcmp(rela_name, ".rela.kpatch.symbols");
}

/* @klp: one flag per relocation of the output's rela sections, in order */
static int convert_klp_relocations(struct emit *e, uint8_t *klp)
{
	struct diff *d = e->d;
	struct object *p = e->p;
	size_t at = 0;
	uint32_t k, j, nr = 0, idx = 0, ks, kr, ksym_sym, n_rela_secs;
	int64_t objname_off;
	int err = 0;

	/* decide first; the sections are sized from the count */
	n_rela_secs = d->n_out_secs;
	for (k = 0; k < n_rela_secs; k++) {
		uint32_t rs = d->out_secs[k];
		struct section *s = &p->secs[rs];

		if (!s->is_rela || skip_for_klp(s->name))
			continue;
		for (j = 0; j < s->nrelas; j++) {
			bool need;

			nr++;
			err = need_klp_reloc(d, rs, &s->relas[j], &need);
			if (err)
				return err;
			klp[at++] = need;
		}
	}
	err = new_section_pair(e, ".kpatch.relocations", ".rela.kpatch.relocations", KRELA_SIZE, nr, &kr);
	if (!err)
		err = new_section_pair(e, ".kpatch.symbols", ".rela.kpatch.symbols", KSYM_SIZE, nr, &ks);
	if (err)
		return err;
	ksym_sym = object_add_symbol(p, p->secs[ks].name, STB_LOCAL, STT_SECTION, ks);
	if (ksym_sym == NONE || out_symbol(e, ksym_sym))
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	err = string_offset(e, d->parent_name, &objname_off);
	if (err)
		return err;

	at = 0;
	for (k = 0; k < n_rela_secs; k++) {
		uint32_t rs = d->out_secs[k], base, keep = 0;
		struct section *s = &p->secs[rs];
		bool special;

		if (!s->is_rela || skip_for_klp(s->name))
			continue;
		base = s->base;
		special = is_special_section_name(p->secs[base].name);
		for (j = 0; j < s->nrelas; j++) {
			struct rela r = s->relas[j];
			struct symbol *t = &p->syms[r.sym];
			uint8_t *ksym = p->secs[ks].owned + (size_t)idx * KSYM_SIZE;
			uint8_t *krela = p->secs[kr].owned + (size_t)idx * KRELA_SIZE;
			struct parent_sym res;
			int64_t name_off, symobj_off;
			int found;

			if (!klp[at++]) {
				t->strip = SYM_USED;
				s->relas[keep++] = r;
				continue;
			}
			/*
			 * A module's special sections are initialized when the
			 * patch loads, possibly before the patched module does.
			 */
			if (!d->klp_arch && !d->vmlinux && special)
				return sink_unsupported(&d->sink, "unsupported klp relocation reference to symbol '%s' in module-specific special section '%s'",
							t->name, p->secs[base].name);
			found = parent_cache_lookup(d, r.sym, &res);
			if (found < 0)
				return found;
			if (!found)
				return sink_unsupported(&d->sink, "can't find symbol '%s' in symbol table", t->name);
			put64(ksym + KSYM_SRC, d->vmlinux ? res.addr : 0);
			put64(ksym + KSYM_SYMPOS, res.sympos);
			ksym[KSYM_BIND] = t->bind;
			ksym[KSYM_TYPE] = t->type;
			err = string_offset(e, t->name, &name_off);
			if (!err)
				err = string_offset(e, res.objname, &symobj_off);
			if (!err)
				err = add_rela(e, p->secs[ks].rela, (uint64_t)idx * KSYM_SIZE + KSYM_NAME,
					       d->kstrings_sym, name_off);
			if (!err)
				err = add_rela(e, p->secs[ks].rela, (uint64_t)idx * KSYM_SIZE + KSYM_OBJNAME,
					       d->kstrings_sym, symobj_off);
			if (err)
				return err;
			put64(krela + KRELA_ADDEND, (uint64_t)r.addend);
			put32(krela + KRELA_TYPE, r.type);
			put32(krela + KRELA_EXTERNAL, !d->vmlinux && res.exported);
			if (p->secs[base].secsym == NONE) {
				/* newer toolchains omit unused section symbols */
				uint32_t ss = object_add_symbol(p, p->secs[base].name, STB_LOCAL,
							       STT_SECTION, base);

				if (ss == NONE || out_symbol(e, ss))
					return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
				s = &p->secs[rs];
				t = &p->syms[r.sym];
			}
			err = add_rela(e, p->secs[kr].rela, (uint64_t)idx * KRELA_SIZE + KRELA_DEST,
				       p->secs[base].secsym, (int64_t)r.offset);
			if (!err)
				err = add_rela(e, p->secs[kr].rela, (uint64_t)idx * KRELA_SIZE + KRELA_OBJNAME,
					       d->kstrings_sym, objname_off);
			if (!err)
				err = add_rela(e, p->secs[kr].rela, (uint64_t)idx * KRELA_SIZE + KRELA_KSYM,
					       ksym_sym, (int64_t)idx * KSYM_SIZE);
			if (!err)
				err = sink_add_item(&d->sink, CDO_ITEM_KLP_RELOC, &(struct cdo_item){
					.name = t->name, .section = p->secs[base].name,
					.sympos = res.sympos, .old_addr = res.addr,
					.objname = res.objname });
			if (err)
				return err;
			/* symbols of this object may still be needed by other relocations */
			if (t->sec == NONE && t->strip != SYM_USED)
				t->strip = SYM_STRIP;
			idx++;
		}
		s->nrelas = keep;
		object_relas_changed(p, rs);
	}
	p->secs[ks].size = p->secs[ks].sh.sh_size = (uint64_t)idx * KSYM_SIZE;
	p->secs[kr].size = p->secs[kr].sh.sh_size = (uint64_t)idx * KRELA_SIZE;
	return 0;
}

/*
 * The decisions live beside the relocations rather than in them: a flag
 * in struct rela would cost 8 bytes on each of an object's relocations.
 */
static int add_klp_relocations(struct emit *e)
{
	struct object *p = e->p;
	size_t total = 0;
	uint8_t *klp;
	uint32_t k;
	int err;

	for (k = 0; k < e->d->n_out_secs; k++) {
		const struct section *s = &p->secs[e->d->out_secs[k]];

		if (s->is_rela && !skip_for_klp(s->name))
			total += s->nrelas;
	}
	klp = malloc(total ? total : 1);
	if (!klp)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	err = convert_klp_relocations(e, klp);
	free(klp);
	return err;
}

static int add_arch_section(struct emit *e)
{
	static const char *const arch_secs[] = { ".parainstructions", ".altinstructions" };
	struct diff *d = e->d;
	struct object *p = e->p;
	uint32_t ka, idx = 0;
	int64_t objname_off;
	size_t k;
	int err;

	if (!d->klp_arch)
		return 0;
	err = new_section_pair(e, ".kpatch.arch", ".rela.kpatch.arch", KARCH_SIZE, 2, &ka);
	if (!err)
		err = string_offset(e, d->parent_name, &objname_off);
	for (k = 0; k < 2 && !err; k++) {
		uint32_t s = NONE, i;

		for (i = 0; i < d->n_out_secs; i++)
			if (!strcmp(p->secs[d->out_secs[i]].name, arch_secs[k]))
				s = d->out_secs[i];
		if (s == NONE)
			continue;
		if (p->secs[s].secsym == NONE) {
			uint32_t ss = object_add_symbol(p, p->secs[s].name, STB_LOCAL, STT_SECTION, s);

			if (ss == NONE || out_symbol(e, ss))
				return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		}
		err = add_rela(e, p->secs[ka].rela, (uint64_t)idx * KARCH_SIZE + KARCH_SEC,
			       p->secs[s].secsym, 0);
		if (!err)
			err = add_rela(e, p->secs[ka].rela, (uint64_t)idx * KARCH_SIZE + KARCH_OBJNAME,
				       d->kstrings_sym, objname_off);
		idx++;
	}
	p->secs[ka].size = p->secs[ka].sh.sh_size = (uint64_t)idx * KARCH_SIZE;
	return err;
}

static int add_callback_objnames(struct emit *e)
{
	struct diff *d = e->d;
	struct object *p = e->p;
	int64_t objname_off;
	uint32_t k;
	int err = string_offset(e, d->parent_name, &objname_off);

	for (k = 0; k < d->n_out_secs && !err; k++) {
		const char *n = p->secs[d->out_secs[k]].name;

		if (!strcmp(n, ".rela.kpatch.callbacks.pre_patch") ||
		    !strcmp(n, ".rela.kpatch.callbacks.post_patch") ||
		    !strcmp(n, ".rela.kpatch.callbacks.pre_unpatch") ||
		    !strcmp(n, ".rela.kpatch.callbacks.post_unpatch"))
			err = add_rela(e, d->out_secs[k], CALLBACK_OBJNAME, d->kstrings_sym, objname_off);
	}
	return err;
}

static int fill_strings(struct emit *e)
{
	struct section *s = &e->p->secs[e->d->kstrings_sec];
	uint8_t *buf = malloc(e->d->kstrings.len + 1);

	if (!buf)
		return sink_fail(&e->d->sink, CDO_ERR_NOMEM, "out of memory");
	if (e->d->kstrings.len)
		memcpy(buf, e->d->kstrings.buf, e->d->kstrings.len);
	s->owned = buf;
	s->data = buf;
	s->size = s->sh.sh_size = e->d->kstrings.len;
	return 0;
}

/* One __mcount_loc entry per function the patch carries, as recordmcount
 * would have made for it, so ftrace can patch it. */
static int add_mcount(struct emit *e)
{
	struct diff *d = e->d;
	struct object *p = e->p;
	uint32_t ms, k, n = 0, idx = 0;
	int err;

	for (k = 0; k < d->n_out_syms; k++) {
		const struct symbol *y = &p->syms[d->out_syms[k]];

		if (y->type == STT_FUNC && y->status != ST_SAME && y->has_fentry && y->sec != NONE)
			n++;
	}
	err = new_section_pair(e, "__mcount_loc", ".rela__mcount_loc", 8, n, &ms);
	for (k = 0; k < d->n_out_syms && !err; k++) {
		uint32_t yi = d->out_syms[k];
		struct symbol *y = &p->syms[yi];
		struct section *text;
		struct rela *first;

		/* a function whose section stays out has no code here to trace */
		if (y->type != STT_FUNC || y->status == ST_SAME || !y->has_fentry || y->sec == NONE)
			continue;
		text = &p->secs[y->sec];
		if (text->rela == NONE || !p->secs[text->rela].nrelas)
			return sink_unsupported(&d->sink, "%s: missing __fentry__ relocation", y->name);
		first = &p->secs[text->rela].relas[0];
		if (first->type == p->arch->rela_none) {
			/*
			 * Old recordmcount kernels leave a NOP where the call
			 * goes; a patch module needs the real call.
			 */
			uint8_t *copy;

			if (!text->data || !text->size)
				return sink_unsupported(&d->sink, "%s: unexpected instruction at the start of the function",
							y->name);
			copy = malloc(text->size);
			if (!copy)
				return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
			memcpy(copy, text->data, text->size);
			if (!p->arch->fentry_nop_to_call(copy, text->size)) {
				free(copy);
				return sink_unsupported(&d->sink, "%s: unexpected instruction at the start of the function",
							y->name);
			}
			free(text->owned);
			text->owned = copy;
			text->data = copy;
			first->type = p->arch->rela_fentry;
		}
		err = add_rela(e, p->secs[ms].rela, (uint64_t)idx * 8, yi,
			       (int64_t)first->offset - (int64_t)p->arch->fentry_field_offset -
			       (int64_t)y->sym.st_value);
		idx++;
	}
	return err;
}

static int symbol_group(const struct object *p, uint32_t y)
{
	const struct symbol *s = &p->syms[y];

	if (!s->name[0] && s->type != STT_SECTION)
		return 0;
	if (s->type == STT_FILE)
		return 1;
	if (s->bind == STB_LOCAL && s->type == STT_FUNC)
		return 2;
	if (s->bind == STB_LOCAL)
		return 3;
	return 4;
}

/* Locals first (ELF requires it), in upstream's grouping; stable. */
static int reorder_and_strip(struct emit *e)
{
	struct diff *d = e->d;
	const struct object *p = e->p;
	uint32_t *sorted = malloc(sizeof(uint32_t) * (d->n_out_syms + 1));
	uint32_t g, k, n = 0;

	if (!sorted)
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	for (g = 0; g <= 4; g++)
		for (k = 0; k < d->n_out_syms; k++) {
			uint32_t y = d->out_syms[k];

			if (symbol_group(p, y) == (int)g && p->syms[y].strip != SYM_STRIP)
				sorted[n++] = y;
		}
	free(d->out_syms);
	d->out_syms = sorted;
	d->n_out_syms = n;
	return 0;
}

int emit_output(struct diff *d)
{
	struct emit e = { .d = d, .p = &d->patched };
	uint32_t max_strings = d->patched.nsyms + 16, i;
	int err;

	for_each_section(&d->patched, i)
		if (d->patched.secs[i].is_rela && d->patched.secs[i].include)
			max_strings += d->patched.secs[i].nrelas;
	if (strtab_init(&d->kstrings, max_strings))
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	err = migrate(&e);
	if (!err)
		err = add_modinfo(&e);
	if (!err)
		err = add_strings_section(&e);
	if (!err)
		err = add_funcs(&e);
	if (!err)
		err = add_klp_relocations(&e);
	if (!err)
		err = add_arch_section(&e);
	if (!err)
		err = add_callback_objnames(&e);
	if (!err)
		err = fill_strings(&e);
	if (!err)
		err = add_mcount(&e);
	if (!err)
		err = reorder_and_strip(&e);
	return err;
}
