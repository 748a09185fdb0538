// SPDX-License-Identifier: GPL-2.0
/*
 * Per-object facts derived right after loading: which functions have an
 * ftrace call site, which symbol a section was made for ("bundled"),
 * .cold/.part children, call-padding prefixes, section groups, and the
 * rewrite of section-symbol relocations into symbol relocations so that
 * relocations compare equal across builds.
 */
#include <stdlib.h>
#include <string.h>

#include "prepare.h"
#include "names.h"

static void find_fentry_calls(struct object *o)
{
	uint32_t i;

	for_each_symbol(o, i) {
		struct symbol *s = &o->syms[i];
		const struct section *sec, *rs;
		const struct rela *first;

		if (s->type != STT_FUNC || s->is_pfx || s->sec == NONE)
			continue;
		sec = &o->secs[s->sec];
		if (sec->rela == NONE)
			continue;
		rs = &o->secs[sec->rela];
		if (!rs->nrelas)
			continue;
		/* the first relocation of the section is the __fentry__ call */
		first = &rs->relas[0];
		if (o->arch->is_fentry_rela(first->type) &&
		    !strcmp(o->syms[first->sym].name, "__fentry__"))
			s->has_fentry = true;
	}
}

static uint64_t position_key(uint32_t sec, uint64_t value)
{
	uint64_t k[2] = { sec, value };

	return hash_bytes(k, sizeof(k));
}

/* __pfx_/__cfi_ symbols cover the padding in front of a function. */
static int link_prefixes(struct object *o, struct errbuf *eb)
{
	struct hidx at;
	bool any = false;
	uint32_t i, f;
	int err = 0;

	for_each_symbol(o, i) {
		const struct symbol *s = &o->syms[i];

		if (s->type == STT_FUNC && (has_prefix(s->name, "__pfx_") || has_prefix(s->name, "__cfi_")))
			any = true;
	}
	if (!any)
		return 0;
	if (hidx_init(&at, o->nsyms, 0))
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	for_each_symbol(o, i)
		if (o->syms[i].type == STT_FUNC && o->syms[i].sec != NONE)
			hidx_add(&at, position_key(o->syms[i].sec, o->syms[i].sym.st_value), i);
	for_each_symbol(o, i) {
		struct symbol *p = &o->syms[i];
		bool found = false;

		if (p->type != STT_FUNC || !(has_prefix(p->name, "__pfx_") || has_prefix(p->name, "__cfi_")))
			continue;
		hidx_for_each(&at, position_key(p->sec, p->sym.st_value + p->sym.st_size), f) {
			struct symbol *fn = &o->syms[f];

			if (fn->sec != p->sec || fn->sym.st_value != p->sym.st_value + p->sym.st_size)
				continue;
			/* aliases of one function share its prefix */
			p->is_pfx = true;
			fn->pfx = i;
			found = true;
		}
		if (!found) {
			err = err_set(eb, CDO_ERR_UNSUPPORTED, "missing func for %s", p->name);
			break;
		}
	}
	hidx_free(&at);
	return err;
}

static bool name_is_suffix_of(const char *secname, const char *prefix, const char *symname)
{
	size_t n = strlen(prefix);

	return !strncmp(secname, prefix, n) && !strcmp(secname + n, symname);
}

/* Was section @sec made for symbol @s alone (-ffunction/data-sections)? */
static bool is_bundleable(const struct object *o, const struct symbol *s)
{
	const char *sn = o->secs[s->sec].name;

	if (s->type == STT_FUNC) {
		if (name_is_suffix_of(sn, ".text.", s->name) ||
		    name_is_suffix_of(sn, ".text.hot.", s->name) ||
		    name_is_suffix_of(sn, ".text.unlikely.", s->name))
			return true;
		/* foo.cold lives in .text.unlikely.foo */
		return has_prefix(sn, ".text.unlikely.") && strstr(s->name, ".cold") &&
		       !strncmp(sn + strlen(".text.unlikely."), s->name,
				strlen(sn) - strlen(".text.unlikely."));
	}
	if (s->type == STT_OBJECT)
		return name_is_suffix_of(sn, ".data.", s->name) ||
		       name_is_suffix_of(sn, ".data.rel.", s->name) ||
		       name_is_suffix_of(sn, ".data.rel.ro.", s->name) ||
		       name_is_suffix_of(sn, ".data.rel.ro.local.", s->name) ||
		       name_is_suffix_of(sn, ".data.rel.local.", s->name) ||
		       name_is_suffix_of(sn, ".rodata.", s->name) ||
		       name_is_suffix_of(sn, ".bss.", s->name);
	return false;
}

static int bundle_symbols(struct object *o, struct errbuf *eb)
{
	uint32_t i;

	for_each_symbol(o, i) {
		struct symbol *s = &o->syms[i];
		uint64_t expected;

		if (s->sec == NONE || !is_bundleable(o, s))
			continue;
		expected = s->pfx != NONE ? o->syms[s->pfx].sym.st_size : 0;
		if (s->sym.st_value != expected)
			return err_set(eb, CDO_ERR_UNSUPPORTED,
				       "symbol %s at offset %llu within section %s, expected %llu",
				       s->name, (unsigned long long)s->sym.st_value,
				       o->secs[s->sec].name, (unsigned long long)expected);
		o->secs[s->sec].sym = i;
	}
	return 0;
}

/*
 * The first function called @name defined in @o.  Every later stage walks
 * from a child to its parent's section, so a parent that is not a
 * function defined here (a FILE or undefined symbol of that name) is no
 * parent.
 */
static uint32_t find_defined_function(const struct object *o, const char *name)
{
	uint32_t i, best = NONE;

	hidx_for_each(&o->sym_names, hash_str(name), i) {
		const struct symbol *s = &o->syms[i];

		if (s->type == STT_FUNC && s->sec != NONE && !strcmp(s->name, name) &&
		    (best == NONE || i < best))
			best = i;
	}
	return best;
}

static int detect_children(struct object *o, struct errbuf *eb)
{
	uint32_t *last_child;
	uint32_t i;

	last_child = malloc(sizeof(*last_child) * o->nsyms);
	if (!last_child)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	for_each_symbol(o, i)
		last_child[i] = NONE;

	for_each_symbol(o, i) {
		struct symbol *s = &o->syms[i];
		const char *cut;
		char *pname;
		uint32_t p;

		/* only code of this object is split off: an undefined name is not */
		if (s->type != STT_FUNC || s->sec == NONE)
			continue;
		cut = strstr(s->name, ".cold");
		if (!cut)
			cut = strstr(s->name, ".part.");
		if (!cut)
			continue;
		pname = strndup(s->name, (size_t)(cut - s->name));
		if (!pname) {
			free(last_child);
			return err_set(eb, CDO_ERR_NOMEM, "out of memory");
		}
		p = find_defined_function(o, pname);
		free(pname);
		if (p == NONE) {
			if (strstr(s->name, ".cold") == cut) {
				free(last_child);
				return err_set(eb, CDO_ERR_UNSUPPORTED,
					       "failed to find parent function for %s", s->name);
			}
			continue;
		}
		s->parent = p;
		if (last_child[p] == NONE)
			o->syms[p].first_child = i;
		else
			o->syms[last_child[p]].next_sibling = i;
		last_child[p] = i;
	}
	free(last_child);
	return 0;
}

static int mark_grouped(struct object *o, struct errbuf *eb)
{
	uint32_t i;

	for_each_section(o, i) {
		const struct section *g = &o->secs[i];
		uint64_t w;

		if (g->sh.sh_type != SHT_GROUP)
			continue;
		if (!g->data || g->size % 4)
			return err_set(eb, CDO_ERR_MALFORMED, "%s: malformed section group %s",
				       o->path, g->name);
		/* word 0 holds the flags (GRP_COMDAT) */
		for (w = 1; w < g->size / 4; w++) {
			uint32_t member;

			memcpy(&member, g->data + w * 4, 4);
			if (member == 0 || member >= o->nsecs)
				return err_set(eb, CDO_ERR_MALFORMED,
					       "%s: section group %s names section %u, out of range",
					       o->path, g->name, member);
			o->secs[member].grouped = true;
		}
	}
	return 0;
}

static bool keeps_section_symbol(const char *name)
{
	return names_is_ubsan(name) || !strcmp(name, ".toc") || !strcmp(name, ".fixup") ||
	       !strcmp(name, ".altinstr_replacement") || !strcmp(name, ".altinstr_aux") ||
	       !strcmp(name, ".text..refcount") || has_prefix(name, "__ftr_alt_");
}

/*
 * Rewrite "section + offset" references into "symbol + offset" so that
 * a reference compares equal when the section layout around it moved.
 */
static int replace_section_symbols(struct object *o, struct errbuf *eb)
{
	bool found_any = false;
	uint32_t i, j;
	int err = 0;

	if (span_index_build(&o->spans, o)) {
		span_index_free(&o->spans);
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	}
	for_each_section(o, i) {
		struct section *rs = &o->secs[i];
		const struct section *base;

		if (!rs->is_rela)
			continue;
		base = &o->secs[rs->base];
		if (base->is_debug ||
		    !strcmp(base->name, "__patchable_function_entries"))
			continue;
		for (j = 0; j < rs->nrelas; j++) {
			struct rela *r = &rs->relas[j];
			const struct symbol *ts = &o->syms[r->sym];
			const struct section *tsec;
			int64_t target;
			uint32_t repl;
			bool end_ref;

			if (ts->type != STT_SECTION || ts->sec == NONE)
				continue;
			if (keeps_section_symbol(ts->name))
				continue;
			tsec = &o->secs[ts->sec];
			if (tsec->sym != NONE) {
				r->sym = tsec->sym;
				r->addend = (int64_t)((uint64_t)r->addend - o->syms[tsec->sym].sym.st_value);
				continue;
			}
			err = section_rela_target_offset(o, i, r, &target, eb);
			if (err)
				goto out;
			end_ref = base->is_text && !tsec->is_text && r->type == o->arch->rela_addr &&
				  r->addend == (int64_t)tsec->sh.sh_size;
			repl = span_index_covering(&o->spans, o, ts->sec, target, end_ref);
			if (repl != NONE) {
				found_any = true;
				r->sym = repl;
				r->addend = (int64_t)((uint64_t)r->addend - o->syms[repl].sym.st_value);
				continue;
			}
			/*
			 * Upstream reports a missing replacement only until the
			 * first successful one in the object (its flag is never
			 * reset); we keep that so the same inputs are accepted.
			 */
			if (!found_any && !names_is_string_literal_section(tsec->name) &&
			    !names_is_clang_unnamed_data(ts->name) && !has_prefix(ts->name, ".rodata")) {
				err = err_set(eb, CDO_ERR_UNSUPPORTED,
					      "%s+0x%llx: can't find replacement symbol for %s+%lld reference",
					      base->name, (unsigned long long)r->offset, ts->name,
					      (long long)r->addend);
				goto out;
			}
		}
	}
out:
	return err;
}

static void classify_statics(struct object *o);

int prepare_object(struct object *o, struct errbuf *eb)
{
	int err;

	/* the rest of loading first: which debug relocations need strings depends on groups */
	err = mark_grouped(o, eb);
	if (!err)
		err = object_resolve_strings(o, eb);
	if (!err)
		err = link_prefixes(o, eb);
	if (!err) {
		find_fentry_calls(o);
		err = bundle_symbols(o, eb);
	}
	if (!err)
		err = detect_children(o, eb);
	if (!err)
		err = replace_section_symbols(o, eb);
	if (!err)
		classify_statics(o);
	return err;
}

int compare_headers(struct diff *d)
{
	const Elf64_Ehdr *a = &d->orig.ehdr, *b = &d->patched.ehdr;

	if (memcmp(a->e_ident, b->e_ident, EI_NIDENT) || a->e_type != b->e_type ||
	    a->e_machine != b->e_machine || a->e_version != b->e_version ||
	    a->e_entry != b->e_entry || a->e_phoff != b->e_phoff || a->e_flags != b->e_flags ||
	    a->e_ehsize != b->e_ehsize || a->e_phentsize != b->e_phentsize ||
	    a->e_shentsize != b->e_shentsize)
		return sink_diff_fatal(&d->sink, "ELF headers differ");
	if (a->e_phnum || b->e_phnum)
		return sink_diff_fatal(&d->sink, "ELF contains program header");
	return 0;
}

static bool is_dynamic_debug_symbol(const struct object *o, const struct symbol *s)
{
	const char *sn;

	if (s->sec == NONE)
		return false;
	sn = o->secs[s->sec].name;
	if (s->type != STT_OBJECT && s->type != STT_SECTION)
		return false;
	return !strcmp(sn, "__verbose") || !strcmp(sn, "__dyndbg");
}

/*
 * Statics the compiler or kernel macros create per call site (lockdep
 * keys, WARN_ONCE flags, __func__, ratelimit state...): they are not
 * correlated by name because a patch may add or remove call sites.
 */
static bool compute_special_static(const struct object *o, uint32_t si)
{
	static const char *const vars[] = {
		"__key", "__warned", "__already_done.", "__func__", "__FUNCTION__",
		"_rs", "CSWTCH", "_entry",
	};
	const struct symbol *s;
	const char *p;
	size_t k;

	if (si == NONE)
		return false;
	s = &o->syms[si];
	if (is_dynamic_debug_symbol(o, s))
		return true;
	if (s->sec != NONE && names_is_clang_unnamed_data(o->secs[s->sec].name))
		return true;
	if (s->type == STT_SECTION) {
		if (s->sec == NONE || o->secs[s->sec].sym == NONE)
			return false;
		s = &o->syms[o->secs[s->sec].sym];
	}
	if (s->type != STT_OBJECT || s->bind != STB_LOCAL || s->sec == NONE)
		return false;
	if (!strcmp(o->secs[s->sec].name, ".data.once") || !strcmp(o->secs[s->sec].name, ".data..once"))
		return true;
	/*
	 * gcc names them "<var>.<n>", clang "<func>.<var>": a var at the
	 * start followed by '.', or a var right after any '.'.  One pass
	 * over the name; only '_' and 'C' can start a var.
	 */
	for (p = s->name; *p; p++) {
		if (p != s->name && p[-1] != '.')
			continue;
		if (*p != '_' && *p != 'C')
			continue;
		for (k = 0; k < sizeof(vars) / sizeof(vars[0]); k++) {
			if (!has_prefix(p, vars[k]))
				continue;
			if (p != s->name || p[strlen(vars[k])] == '.')
				return true;
		}
	}
	return false;
}

bool is_special_static(const struct object *o, uint32_t si)
{
	return si != NONE && o->syms[si].special_static;
}

bool is_normal_static_local(const struct object *o, uint32_t si)
{
	return o->syms[si].normal_static;
}

/* Both tests run for every symbol in several stages: decide them once. */
static void classify_statics(struct object *o)
{
	uint32_t i;

	for_each_symbol(o, i)
		o->syms[i].special_static = compute_special_static(o, i);
	for_each_symbol(o, i) {
		struct symbol *s = &o->syms[i];

		/* a static lives in a section: an undefined or absolute one is not */
		s->normal_static = s->type == STT_OBJECT && s->bind == STB_LOCAL &&
				   s->sec != NONE && !has_prefix(s->name, ".L") &&
				   strchr(s->name, '.') && !s->special_static;
	}
}

uint32_t correlated_parent(const struct object *o, uint32_t si)
{
	while (o->syms[si].parent != NONE && o->syms[o->syms[si].parent].twin == NONE)
		si = o->syms[si].parent;
	return o->syms[si].parent;
}

/*
 * Tie every symbol of the original to its FILE block in the parent's
 * symbol table, so that a local symbol is later looked up among the
 * locals of the right source file (static functions share names across
 * files).  Symbols after a FILE symbol belong to it up to the next one.
 */
int match_parent_blocks(struct diff *d)
{
	struct object *o = &d->orig;
	const char **names;
	unsigned char *types;
	bool *empty;
	uint32_t i, j;
	int err = 0;
	/*
	 * Each FILE symbol's query may walk every block of its name; real
	 * objects have a few FILE symbols, so a bound of many walks over the
	 * whole table only stops inputs made to be slow.
	 */
	uint64_t work;

	if (!d->parent)
		return 0;
	work = 32 * (uint64_t)parent_entry_count(d->parent) + (1u << 20);
	names = malloc(sizeof(*names) * o->nsyms);
	types = malloc(o->nsyms);
	empty = malloc(sizeof(*empty) * o->nsyms);
	if (!names || !types || !empty) {
		free(names);
		free(types);
		free(empty);
		return sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < o->nsyms && !err; i++) {
		struct parent_file_query q = { .file_name = o->syms[i].name, .work = &work };
		size_t n = 0;
		long block;

		if (o->syms[i].type != STT_FILE)
			continue;
		for (j = i + 1; j < o->nsyms && o->syms[j].type != STT_FILE; j++) {
			const struct symbol *s = &o->syms[j];

			if (s->bind == STB_LOCAL && (s->type == STT_FUNC || s->type == STT_OBJECT)) {
				empty[n] = s->type == STT_OBJECT && !s->sym.st_size && s->sec != NONE &&
					   !o->secs[s->sec].sh.sh_size;
				names[n] = s->name;
				types[n++] = s->type;
			}
		}
		q.local_names = names;
		q.local_types = types;
		q.local_empty = empty;
		q.n_locals = n;
		block = parent_match_file(d->parent, &q, d->sink.eb);
		if (block < 0) {
			err = (int)block;
			break;
		}
		for (j = i + 1; j < o->nsyms && o->syms[j].type != STT_FILE; j++) {
			o->syms[j].parent_block = block;
			o->syms[j].file = i;
		}
	}
	free(names);
	free(types);
	free(empty);
	return err;
}
