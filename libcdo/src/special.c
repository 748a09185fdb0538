// SPDX-License-Identifier: GPL-2.0
/*
 * Special sections: tables the kernel walks at load time (bug table,
 * exception table, jump labels, alternatives, ...).  Each is an array of
 * fixed-size entries with relocations into the code; the output keeps
 * only the entries that point at code the patch carries.
 *
 * One table names every section, where its entry size comes from, which
 * extra rule filters its entries (and what is said when it refuses some),
 * and the hooks a section needs beyond that, in the order upstream
 * processes them (.fixup must come before __ex_table, whose addends it
 * rewrites).  The walk over the entries (regenerate()) is the same for
 * every section and names none.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarfstage.h"
#include "include.h"
#include "parentcache.h"
#include "special.h"
#include "names.h"

enum size_source {
	SIZE_FIXED,		/* @fixed bytes */
	SIZE_OPTION,		/* a field of struct cdo_struct_sizes */
	SIZE_FIXUP,		/* groups delimited by __ex_table references */
};

/* What the walk over special sections carries from one section to the next. */
struct regen {
	int64_t *ex_addend;	/* pending __ex_table addends, see move_ex_table_addends() */
	uint32_t ex_nrelas;
	/*
	 * __ex_table's references into .fixup, by where they point (addend),
	 * and for each the next one in file order that points further
	 * (NONE if none): .fixup's entries are found from these instead of
	 * rescanning __ex_table per entry.  Valid while .fixup is walked
	 * (__ex_table's addends change only afterwards).
	 */
	struct rela_index fixup_refs;
	uint32_t *next_further;	/* by __ex_table relocation */
};

/*
 * An entry (@n relocations, indexes @relas into rela section @rs) that
 * references code the patch carries: *keep says whether it stays.
 * Return: 0, 1 when the entry is refused (the patch cannot be built;
 * the reason was logged), or a negative status.
 */
typedef int (*group_filter_fn)(struct diff *d, uint32_t rs, const uint32_t *relas,
			       uint32_t n, bool *keep);
/* Before the entries of section @sec are grouped: 0 or a negative status. */
typedef int (*section_hook_fn)(struct diff *d, uint32_t sec, struct regen *rg);
/* An entry kept: it moves from offset @src to @dst and is @size bytes. */
typedef void (*keep_hook_fn)(struct diff *d, struct regen *rg, uint64_t src, uint64_t dst,
			     uint64_t size);
/* Once every special section is done, when this one is in the output. */
typedef void (*finish_hook_fn)(struct diff *d);

struct special_section {
	const char *name;
	enum size_source source;
	uint32_t fixed;
	size_t size_field;	/* offsetof(struct cdo_struct_sizes, ...) */
	const char *env_name;	/* how kpatch-build passes the size */
	group_filter_fn filter;
	const char *refused;	/* message when @filter refused entries (%d: how many) */
	section_hook_fn before;
	keep_hook_fn on_keep;
	finish_hook_fn finish;
};

static int jump_label_filter(struct diff *d, uint32_t rs, const uint32_t *relas, uint32_t n,
			     bool *keep);
static int static_call_filter(struct diff *d, uint32_t rs, const uint32_t *relas, uint32_t n,
			      bool *keep);
static int save_ex_table_addends(struct diff *d, uint32_t sec, struct regen *rg);
static void move_ex_table_addends(struct diff *d, struct regen *rg, uint64_t src, uint64_t dst,
				  uint64_t size);
static int apply_ex_table_addends(struct diff *d, uint32_t sec, struct regen *rg);
static void include_alt_replacements(struct diff *d);

#define SIZE_OF(field, env) .source = SIZE_OPTION, \
	.size_field = offsetof(struct cdo_struct_sizes, field), .env_name = env
#define SIZE_BYTES(n) .source = SIZE_FIXED, .fixed = n

static const struct special_section special_sections[] = {
	{ "__bug_table", SIZE_OF(bug, "BUG_STRUCT_SIZE") },
	/* entries run to the next one __ex_table references; its addends follow them */
	{ ".fixup", .source = SIZE_FIXUP,
	  .before = save_ex_table_addends, .on_keep = move_ex_table_addends },
	{ "__ex_table", SIZE_OF(ex, "EX_STRUCT_SIZE"), .before = apply_ex_table_addends },
	{ "__jump_table", SIZE_OF(jump, "JUMP_STRUCT_SIZE"), .filter = jump_label_filter,
	  .refused = "Found %d unsupported jump label(s) in the patched code. Use static_key_enabled() instead." },
	{ ".printk_index", SIZE_OF(printk_index, "PRINTK_INDEX_STRUCT_SIZE") },
	{ ".smp_locks", SIZE_BYTES(4) },
	{ ".parainstructions", SIZE_OF(para, "PARA_STRUCT_SIZE") },
	/* replacement code is only reachable through .altinstructions */
	{ ".altinstructions", SIZE_OF(alt, "ALT_STRUCT_SIZE"), .finish = include_alt_replacements },
	{ ".static_call_sites", SIZE_OF(static_call, "STATIC_CALL_STRUCT_SIZE"),
	  .filter = static_call_filter,
	  .refused = "Found %d unsupported static call(s) in the patched code. Use KPATCH_STATIC_CALL() instead." },
	{ ".call_sites", SIZE_BYTES(4) },
	{ ".retpoline_sites", SIZE_BYTES(4) },
	{ ".return_sites", SIZE_BYTES(4) },
};

/* Sections a kernel with .klp.arch cannot take from a patch module. */
static const char *const klp_arch_refused[] = {
	"__jump_table", "__tracepoints", "__tracepoints_ptrs", "__tracepoints_strings",
};

#define N_SPECIAL (sizeof(special_sections) / sizeof(special_sections[0]))

bool is_special_section_name(const char *name)
{
	size_t k;

	for (k = 0; k < N_SPECIAL; k++)
		if (!strcmp(name, special_sections[k].name))
			return true;
	return false;
}

uint32_t special_sizes_needed(const struct object *p)
{
	uint32_t need = 0;
	size_t k;

	for (k = 0; k < N_SPECIAL; k++)
		if (special_sections[k].source == SIZE_OPTION &&
		    object_find_section(p, special_sections[k].name) != NONE)
			need |= 1u << (special_sections[k].size_field / sizeof(uint32_t));
	if (object_find_section(p, ".orc_unwind") != NONE)
		need |= 1u << (offsetof(struct cdo_struct_sizes, orc) / sizeof(uint32_t));
	return need;
}

static bool is_dynamic_debug_key(const struct object *p, uint32_t y)
{
	const struct symbol *s = &p->syms[y];
	const char *sn;

	if (s->sec == NONE || (s->type != STT_OBJECT && s->type != STT_SECTION))
		return false;
	sn = p->secs[s->sec].name;
	return !strcmp(sn, "__verbose") || !strcmp(sn, "__dyndbg");
}

/* Does the parent define @y in a module rather than in vmlinux? */
static int key_in_module(struct diff *d, uint32_t y, bool *in_module)
{
	struct parent_sym res;
	int found;

	*in_module = false;
	if (!d->parent)
		return 0;
	found = parent_cache_lookup(d, y, &res);
	if (found < 0)
		return found;
	*in_module = found && strcmp(res.objname, "vmlinux");
	return 0;
}

static int jump_label_filter(struct diff *d, uint32_t rs, const uint32_t *relas, uint32_t n,
			     bool *keep)
{
	struct object *p = &d->patched;
	const struct rela *code, *key;
	const char *keyname;
	bool tracepoint, dyndbg, in_module;
	int err;

	*keep = false;
	if (n != 3)
		return sink_unsupported(&d->sink, "BUG: __jump_table has an unexpected format");
	code = &p->secs[rs].relas[relas[0]];
	key = &p->secs[rs].relas[relas[2]];
	keyname = p->syms[key->sym].name;
	tracepoint = has_prefix(keyname, "__tracepoint_");
	dyndbg = is_dynamic_debug_key(p, key->sym);

	if (d->klp_arch) {
		/* such kernels cannot apply jump labels in patch modules */
		if (tracepoint || dyndbg)
			return 0;
		sink_error(&d->sink, "Found a jump label at %s()+0x%llx, using key %s.  Jump labels aren't supported with this kernel.  Use static_key_enabled() instead.",
			   p->syms[code->sym].name, (unsigned long long)code->addend, keyname);
		return 1;
	}
	err = key_in_module(d, key->sym, &in_module);
	if (err)
		return err;
	if (in_module) {
		/*
		 * klp relocations for module keys may be applied after the
		 * patch module's jump labels were initialized.
		 */
		if (tracepoint || dyndbg)
			return 0;
		sink_error(&d->sink, "Found a jump label at %s()+0x%llx, using key %s, which is defined in a module.  Use static_key_enabled() instead.",
			   p->syms[code->sym].name, (unsigned long long)code->addend, keyname);
		return 1;
	}
	/* dynamic debug keys are not reached through klp relocations */
	if (dyndbg)
		include_symbol(d, key->sym);
	*keep = true;
	return 0;
}

static int static_call_filter(struct diff *d, uint32_t rs, const uint32_t *relas, uint32_t n,
			      bool *keep)
{
	struct object *p = &d->patched;
	const struct rela *code, *key;
	const char *keyname;
	bool in_module;
	int err;

	*keep = false;
	if (n != 2)
		return sink_unsupported(&d->sink, "BUG: .static_call_sites has an unexpected format");
	code = &p->secs[rs].relas[relas[0]];
	key = &p->secs[rs].relas[relas[1]];
	keyname = p->syms[key->sym].name;
	err = key_in_module(d, key->sym, &in_module);
	if (err)
		return err;
	if (in_module) {
		if (has_prefix(keyname, "__SCK__tp_func_"))
			return 0;
		sink_error(&d->sink, "Found a static call at %s()+0x%llx, using key %s, which is defined in a module.  Use KPATCH_STATIC_CALL() instead.",
			   p->syms[code->sym].name, (unsigned long long)code->addend, keyname);
		return 1;
	}
	*keep = true;
	return 0;
}

static bool is_fixup_ref(const struct object *p, const struct rela *r)
{
	return !strcmp(p->syms[r->sym].name, ".fixup");
}

/*
 * .fixup entries are as long as the distance to the next one referenced
 * from __ex_table, in the order of __ex_table's relocations: the entry at
 * @offset starts where the first reference to it (in file order) points
 * and ends where the next reference after that one pointing further does.
 */
static int fixup_group_size(struct diff *d, const struct regen *rg, uint64_t offset,
			    uint64_t *size)
{
	struct object *p = &d->patched;
	uint32_t ex = object_find_section(p, "__ex_table");
	uint32_t fixup = object_find_section(p, ".fixup");
	const struct rela_index *ix = &rg->fixup_refs;
	const struct section *rs;
	uint32_t k, j;

	if (ex == NONE || p->secs[ex].rela == NONE)
		return sink_unsupported(&d->sink, "missing .rela__ex_table section");
	rs = &p->secs[p->secs[ex].rela];
	/* equal addends keep file order: the first of them is upstream's find */
	k = rela_index_lower(ix, rs->relas, rela_key_of_addend((int64_t)offset));
	if (k == ix->n || rs->relas[rela_index_at(ix, k)].addend != (int64_t)offset)
		return sink_unsupported(&d->sink, "can't find .fixup rela group at offset %llu",
					(unsigned long long)offset);
	j = rg->next_further[rela_index_at(ix, k)];
	if (j != NONE) {
		*size = (uint64_t)rs->relas[j].addend - offset;
		return 0;
	}
	*size = p->secs[fixup].sh.sh_size - offset;
	return 0;
}

/*
 * __ex_table entries point into .fixup; when .fixup groups move, the
 * addends follow.  The new values are parked in @ex_addend and applied when
 * __ex_table itself is processed, so .fixup's group walk still sees the
 * old ones.
 */
static void move_ex_table_addends(struct diff *d, struct regen *rg, uint64_t src, uint64_t dst,
				  uint64_t size)
{
	struct object *p = &d->patched;
	uint32_t ex = object_find_section(p, "__ex_table");
	const struct rela_index *ix = &rg->fixup_refs;
	int64_t *ex_addend = rg->ex_addend;
	const struct section *rs;
	uint32_t k, end;

	if (!ex_addend || ex == NONE || p->secs[ex].rela == NONE)
		return;
	rs = &p->secs[p->secs[ex].rela];
	/* the references into [src, src + size): one range of the index */
	k = rela_index_lower(ix, rs->relas, rela_key_of_addend((int64_t)src));
	end = rela_index_lower(ix, rs->relas, rela_key_of_addend((int64_t)(src + size)));
	for (; k < end; k++) {
		uint32_t j = rela_index_at(ix, k);

		ex_addend[j] = rs->relas[j].addend - (int64_t)(src - dst);
	}
}

/* .fixup, before its entries move: the __ex_table addends as they are. */
static int save_ex_table_addends(struct diff *d, uint32_t sec, struct regen *rg)
{
	struct object *p = &d->patched;
	uint32_t ex = object_find_section(p, "__ex_table"), j, nrefs = 0, depth = 0;
	uint32_t *refs, *pending;
	const struct section *exr;
	int err = 0;

	(void)sec;
	if (ex == NONE || p->secs[ex].rela == NONE)
		return 0;
	exr = &p->secs[p->secs[ex].rela];
	rg->ex_nrelas = exr->nrelas;
	rg->ex_addend = malloc(sizeof(int64_t) * (exr->nrelas + 1));
	rg->next_further = malloc(sizeof(uint32_t) * (exr->nrelas + 1));
	refs = malloc(sizeof(uint32_t) * (exr->nrelas + 1));
	pending = malloc(sizeof(uint32_t) * (exr->nrelas + 1));
	if (!rg->ex_addend || !rg->next_further || !refs || !pending) {
		err = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		goto out;
	}
	/*
	 * The references into .fixup in file order, and for each the next
	 * one pointing further: a stack of references still waiting for
	 * theirs, whose addends never increase from bottom to top.
	 */
	for (j = 0; j < exr->nrelas; j++) {
		rg->ex_addend[j] = exr->relas[j].addend;
		rg->next_further[j] = NONE;
		if (!is_fixup_ref(p, &exr->relas[j]))
			continue;
		while (depth && exr->relas[pending[depth - 1]].addend < exr->relas[j].addend)
			rg->next_further[pending[--depth]] = j;
		pending[depth++] = j;
		refs[nrefs++] = j;
	}
	if (rela_index_build(&rg->fixup_refs, exr->relas, exr->nrelas, RELA_BY_ADDEND, refs,
			     nrefs))
		err = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
out:
	free(refs);
	free(pending);
	return err;
}

/* __ex_table, before its entries are grouped: the addends .fixup's moves left. */
static int apply_ex_table_addends(struct diff *d, uint32_t sec, struct regen *rg)
{
	struct object *p = &d->patched;
	struct section *rs = &p->secs[p->secs[sec].rela];
	uint32_t j;

	if (!rg->ex_addend)
		return 0;
	for (j = 0; j < rs->nrelas && j < rg->ex_nrelas; j++)
		if (is_fixup_ref(p, &rs->relas[j]))
			rs->relas[j].addend = rg->ex_addend[j];
	return 0;
}

static int group_size_of(struct diff *d, const struct special_section *ss,
			 const struct regen *rg, uint64_t offset, uint64_t *size)
{
	uint32_t v;

	switch (ss->source) {
	case SIZE_FIXED:
		*size = ss->fixed;
		return 0;
	case SIZE_FIXUP:
		return fixup_group_size(d, rg, offset, size);
	case SIZE_OPTION:
		memcpy(&v, (const char *)&d->sizes + ss->size_field, sizeof(v));
		if (!v)
			return sink_unsupported(&d->sink, "%s not set%s", ss->env_name,
						dwarf_size_missing_note(d, ss->size_field));
		*size = v;
		return 0;
	}
	return sink_unsupported(&d->sink, "internal error: bad size source");
}

static int regenerate(struct diff *d, const struct special_section *ss, uint32_t sec,
		      struct regen *rg)
{
	struct object *p = &d->patched;
	struct section *base = &p->secs[sec];
	uint32_t rsi = base->rela;
	struct section *rs = &p->secs[rsi];
	uint64_t src, dst = 0, gsize, total = base->sh.sh_size;
	uint32_t *in_group = NULL, *rgroup = NULL, *gfirst = NULL, j, g, kept = 0, ngroups = 0;
	uint64_t *gstart = NULL;
	struct rela *newrelas = NULL;
	uint8_t *dest = NULL;
	int err = 0, refused = 0;

	/*
	 * Entries are read from the section's bytes: a NOBITS section has
	 * none, whatever size its header claims.
	 */
	if (!base->data || base->size != total)
		return sink_unsupported(&d->sink, "%s: special section %s has no contents in the file",
					p->path, base->name);

	if (ss->before) {
		err = ss->before(d, sec, rg);
		if (err)
			return err;
	}

	/*
	 * Entries are contiguous, so every relocation belongs to the entry
	 * its offset falls in: bucket them once (keeping their order inside
	 * an entry) instead of rescanning all relocations per entry.
	 */
	for (src = 0; src < total; src += gsize) {
		err = group_size_of(d, ss, rg, src, &gsize);
		if (err)
			goto out;
		if (!gsize) {
			err = sink_unsupported(&d->sink, "%s: zero-sized entry", ss->name);
			goto out;
		}
		ngroups++;
	}
	dest = malloc(total ? total : 1);
	gstart = malloc(sizeof(*gstart) * (ngroups + 1));
	gfirst = calloc(ngroups + 2, sizeof(*gfirst));
	in_group = malloc(sizeof(*in_group) * (rs->nrelas + 1));
	rgroup = malloc(sizeof(*rgroup) * (rs->nrelas + 1));
	newrelas = malloc(sizeof(*newrelas) * (rs->nrelas + 1));
	if (!dest || !gstart || !gfirst || !in_group || !rgroup || !newrelas) {
		err = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (g = 0, src = 0; src < total; src += gsize, g++) {
		group_size_of(d, ss, rg, src, &gsize);
		gstart[g] = src;
	}
	gstart[ngroups] = total;
	for (j = 0; j < rs->nrelas; j++) {
		uint64_t off = rs->relas[j].offset;
		uint32_t lo = 0, hi = ngroups;

		rgroup[j] = NONE;
		if (off >= total || !ngroups)
			continue;
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (gstart[mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		rgroup[j] = lo;
		gfirst[lo + 1]++;
	}
	for (g = 0; g < ngroups; g++)
		gfirst[g + 1] += gfirst[g];
	{
		uint32_t *fill = malloc(sizeof(*fill) * (ngroups + 1));

		if (!fill) {
			err = sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(fill, gfirst, sizeof(*fill) * (ngroups + 1));
		for (j = 0; j < rs->nrelas; j++)
			if (rgroup[j] != NONE)
				in_group[fill[rgroup[j]]++] = j;
		free(fill);
	}

	for (g = 0; g < ngroups; g++) {
		const uint32_t *members = in_group + gfirst[g];
		uint32_t n_in = gfirst[g + 1] - gfirst[g];
		bool keep = false;

		src = gstart[g];
		gsize = gstart[g + 1] - src;
		for (j = 0; j < n_in; j++) {
			const struct symbol *t = &p->syms[rs->relas[members[j]].sym];

			if (t->type == STT_FUNC && t->sec != NONE && p->secs[t->sec].include)
				keep = true;
		}
		if (!keep)
			continue;
		if (ss->filter) {
			int res = ss->filter(d, rsi, members, n_in, &keep);

			if (res < 0) {
				err = res;
				goto out;
			}
			if (res == 1)
				refused++;
			if (!keep)
				continue;
		}
		for (j = 0; j < n_in; j++) {
			struct rela *r = &rs->relas[members[j]];

			/*
			 * A relocation that runs into the next entry means the
			 * entry size is wrong (a struct size for another kernel,
			 * say): the entry kept would carry half a relocation.
			 * Only kept entries are checked, as upstream's sizes do
			 * not fit every section (.printk_index holds pointers,
			 * PRINTK_INDEX_STRUCT_SIZE is the size of what they point
			 * to), and its entries are never kept.
			 */
			if (r->offset + p->arch->rela_width(r->type) > src + gsize) {
				err = sink_fail(&d->sink, CDO_ERR_MALFORMED,
						"%s: relocation at %s+0x%llx runs past its entry's end at 0x%llx: wrong entry size?",
						p->path, base->name, (unsigned long long)r->offset,
						(unsigned long long)(src + gsize));
				goto out;
			}
			r->offset -= src - dst;
			p->syms[r->sym].include = true;
			newrelas[kept++] = *r;
		}
		if (ss->on_keep)
			ss->on_keep(d, rg, src, dst, gsize);
		if (base->data)
			memcpy(dest + dst, base->data + src, gsize);
		else
			memset(dest + dst, 0, gsize);
		dst += gsize;
	}
	if (refused) {
		err = sink_unsupported(&d->sink, ss->refused, refused);
		goto out;
	}
	if (!dst) {
		/* nothing the patch carries is referenced */
		rs->status = base->status = ST_SAME;
		rs->include = base->include = false;
		goto out;
	}
	if (rs->relas_cap)
		free(rs->relas);
	rs->relas = newrelas;
	rs->nrelas = kept;
	object_relas_changed(p, rsi);
	rs->relas_cap = kept + 1;
	newrelas = NULL;
	rs->include = base->include = true;
	if (base->secsym != NONE)
		p->syms[base->secsym].include = true;
	free(base->owned);
	base->owned = dest;
	base->data = dest;
	base->size = dst;
	dest = NULL;
out:
	free(dest);
	free(in_group);
	free(rgroup);
	free(gstart);
	free(gfirst);
	free(newrelas);
	return err;
}

static void include_alt_replacements(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t s = object_find_section(p, ".altinstr_replacement");
	uint32_t i, j;

	if (s == NONE)
		return;
	p->secs[s].include = true;
	for_each_symbol(p, i)
		if (p->syms[i].sec == s)
			p->syms[i].include = true;
	if (p->secs[s].rela == NONE)
		return;
	p->secs[p->secs[s].rela].include = true;
	for (j = 0; j < p->secs[p->secs[s].rela].nrelas; j++)
		include_symbol(d, p->secs[p->secs[s].rela].relas[j].sym);
}

#define ORC_IP_SIZE 4

/*
 * ORC entries are split over two parallel arrays: .orc_unwind holds the
 * entry, .orc_unwind_ip a relocation to the code it describes.
 */
static int regenerate_orc(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t esz = d->sizes.orc, o = object_find_section(p, ".orc_unwind");
	uint32_t ip = object_find_section(p, ".orc_unwind_ip");
	struct section *os, *is, *irs;
	uint32_t j, src = 0, dst = 0;
	uint8_t *dest;

	if (!esz || o == NONE || ip == NONE)
		return 0;
	os = &p->secs[o];
	is = &p->secs[ip];
	if (os->sh.sh_size % esz)
		return sink_unsupported(&d->sink, "bad .orc_unwind size");
	if (is->sh.sh_size != (os->sh.sh_size / esz) * ORC_IP_SIZE)
		return sink_unsupported(&d->sink, ".orc_unwind/.orc_unwind_ip size mismatch");
	if (is->rela == NONE)
		return 0;
	irs = &p->secs[is->rela];
	dest = malloc(os->sh.sh_size ? os->sh.sh_size : 1);
	if (!dest)
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	for (j = 0; j < irs->nrelas; j++, src++) {
		struct rela r = irs->relas[j];
		const struct symbol *t = &p->syms[r.sym];

		if (t->type != STT_FUNC || t->sec == NONE || !p->secs[t->sec].include)
			continue;
		if ((uint64_t)(src + 1) * esz > os->size) {
			free(dest);
			return sink_fail(&d->sink, CDO_ERR_MALFORMED, "%s: more .orc_unwind_ip entries than .orc_unwind entries",
					 p->path);
		}
		memcpy(dest + (size_t)dst * esz, os->data + (size_t)src * esz, esz);
		r.offset = (uint64_t)dst * ORC_IP_SIZE;
		p->syms[r.sym].include = true;
		irs->relas[dst] = r;
		dst++;
	}
	if (!dst) {
		free(dest);
		os->status = is->status = irs->status = ST_SAME;
		os->include = is->include = irs->include = false;
		return 0;
	}
	irs->nrelas = dst;
	object_relas_changed(p, is->rela);
	os->include = is->include = irs->include = true;
	free(os->owned);
	os->owned = dest;
	os->data = dest;
	os->size = (uint64_t)dst * esz;
	is->size = (uint64_t)dst * ORC_IP_SIZE;
	return 0;
}

static bool is_klp_arch_refused(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(klp_arch_refused) / sizeof(klp_arch_refused[0]); k++)
		if (!strcmp(name, klp_arch_refused[k]))
			return true;
	return false;
}

int process_special_sections(struct diff *d)
{
	struct object *p = &d->patched;
	struct regen rg = { 0 };
	bool finish[N_SPECIAL] = { false };
	size_t k;
	uint32_t i;
	int err = 0;

	for (k = 0; k < N_SPECIAL && !err; k++) {
		uint32_t s = object_find_section(p, special_sections[k].name);

		if (s == NONE || p->secs[s].rela == NONE)
			continue;
		err = regenerate(d, &special_sections[k], s, &rg);
		finish[k] = !err && special_sections[k].finish && p->secs[s].include;
	}
	free(rg.ex_addend);
	free(rg.next_further);
	rela_index_free(&rg.fixup_refs);
	if (err)
		return err;
	for (k = 0; k < N_SPECIAL; k++)
		if (finish[k])
			special_sections[k].finish(d);
	if (d->klp_arch) {
		for_each_section(p, i) {
			struct section *s = &p->secs[i];

			if (!is_klp_arch_refused(s->name))
				continue;
			s->status = ST_SAME;
			s->include = false;
			if (s->rela != NONE) {
				p->secs[s->rela].status = ST_SAME;
				p->secs[s->rela].include = false;
			}
		}
	}
	return regenerate_orc(d);
}
