// SPDX-License-Identifier: GPL-2.0
/*
 * Selection: what goes into the output.  Changed functions, new globals,
 * callbacks and forced sections are the roots; a section brings its
 * section symbol, its relocations and every symbol they reference; a
 * symbol brings its section only when it is a section symbol or not the
 * same as before (unchanged functions and data stay in the running
 * kernel and are reached through klp relocations).
 */
#include <stdlib.h>
#include <string.h>

#include "include.h"
#include "names.h"

/*
 * Iterative, because chains of new functions calling new functions can
 * be as long as the object is large.
 */
static void include_from(struct diff *d, uint32_t *stack, uint32_t top)
{
	struct object *p = &d->patched;

	while (top) {
		uint32_t y = stack[--top];
		struct symbol *s = &p->syms[y];
		struct section *sec;
		const struct section *rs;
		uint32_t j;

		if (s->sec == NONE || (s->type != STT_SECTION && s->status == ST_SAME))
			continue;
		sec = &p->secs[s->sec];
		if (sec->include)
			continue;
		sec->include = true;
		if (sec->secsym != NONE)
			p->syms[sec->secsym].include = true;
		if (sec->rela == NONE)
			continue;
		p->secs[sec->rela].include = true;
		rs = &p->secs[sec->rela];
		for (j = 0; j < rs->nrelas; j++) {
			uint32_t t = rs->relas[j].sym;

			if (p->syms[t].include)
				continue;
			p->syms[t].include = true;
			stack[top++] = t;
		}
	}
}

/* Each symbol is pushed at most once (when it first becomes included),
 * so a stack of nsyms entries never overflows. */
static uint32_t *work_stack(struct diff *d)
{
	static uint32_t no_stack[1];
	uint32_t *st = malloc(sizeof(uint32_t) * (d->patched.nsyms + 1));

	if (!st) {
		sink_fail(&d->sink, CDO_ERR_NOMEM, "out of memory");
		return no_stack;	/* include_symbol() then does nothing */
	}
	return st;
}

void include_symbol(struct diff *d, uint32_t y)
{
	uint32_t *st;

	if (d->patched.syms[y].include)
		return;
	d->patched.syms[y].include = true;
	st = work_stack(d);
	if (sink_status(&d->sink)) {
		return;
	}
	st[0] = y;
	include_from(d, st, 1);
	free(st);
}

void include_section(struct diff *d, uint32_t sec)
{
	struct object *p = &d->patched;
	uint32_t *st, top = 0, j;
	struct section *s = &p->secs[sec];

	if (s->include)
		return;
	s->include = true;
	if (s->secsym != NONE)
		p->syms[s->secsym].include = true;
	if (s->rela == NONE)
		return;
	p->secs[s->rela].include = true;
	st = work_stack(d);
	if (sink_status(&d->sink))
		return;
	for (j = 0; j < p->secs[s->rela].nrelas; j++) {
		uint32_t t = p->secs[s->rela].relas[j].sym;

		if (!p->syms[t].include) {
			p->syms[t].include = true;
			st[top++] = t;
		}
	}
	include_from(d, st, top);
	free(st);
}

static void include_standard(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i;

	for_each_section(p, i) {
		const char *n = p->secs[i].name;

		if (!strcmp(n, ".shstrtab") || !strcmp(n, ".strtab") || !strcmp(n, ".symtab") ||
		    !strcmp(n, ".toc") || !strcmp(n, ".rodata") || !strcmp(n, ".rodata.str") ||
		    names_is_string_literal_section(n))
			include_section(d, i);
	}
	/* the tables the writer rebuilds, by index: their names prove nothing */
	include_section(d, p->symtab);
	include_section(d, p->strtab);
	include_section(d, p->shstrtab);
	for_each_symbol(p, i)
		if (p->syms[i].sec != NONE && names_is_string_literal_section(p->secs[p->syms[i].sec].name))
			p->syms[i].include = true;
	p->syms[0].include = true;
}

static void include_changed_functions(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i;

	for_each_symbol(p, i) {
		struct symbol *y = &p->syms[i];

		if (y->status == ST_CHANGED && y->type == STT_FUNC) {
			d->changed_funcs++;
			include_symbol(d, i);
			if (y->pfx != NONE)
				include_symbol(d, y->pfx);
		}
		if (y->type == STT_FILE)
			y->include = true;
	}
}

static bool is_callback_section(const char *n)
{
	static const char *const names[] = {
		".kpatch.callbacks.pre_patch", ".kpatch.callbacks.post_patch",
		".kpatch.callbacks.pre_unpatch", ".kpatch.callbacks.post_unpatch",
	};
	size_t k;

	if (has_prefix(n, ".rela"))
		n += strlen(".rela");
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(n, names[k]))
			return true;
	return false;
}

static void include_callbacks(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i;

	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (!is_callback_section(s->name))
			continue;
		s->include = true;
		d->callbacks = true;
		if (s->is_rela && s->nrelas) {
			uint32_t fn = s->relas[0].sym;

			sink_info(&d->sink, "found callback: %s", p->syms[fn].name);
			sink_add_item(&d->sink, CDO_ITEM_CALLBACK, &(struct cdo_item){
				.name = p->syms[fn].name, .section = p->secs[s->base].name });
			include_symbol(d, fn);
		} else if (!s->is_rela && s->secsym != NONE) {
			p->syms[s->secsym].include = true;
		}
	}
	/* the callback structs are reached through their section */
	for_each_symbol(p, i)
		if (p->syms[i].type == STT_OBJECT && p->syms[i].sec != NONE &&
		    is_callback_section(p->secs[p->syms[i].sec].name))
			p->syms[i].include = false;
}

static void include_forced(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i, j;

	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (strcmp(s->name, ".kpatch.force") && strcmp(s->name, ".rela.kpatch.force"))
			continue;
		s->include = true;
		if (!s->is_rela) {
			if (s->secsym != NONE)
				p->syms[s->secsym].include = true;
			continue;
		}
		for (j = 0; j < s->nrelas; j++)
			sink_info(&d->sink, "function '%s' marked with KPATCH_FORCE_UNSAFE!",
				  p->syms[s->relas[j].sym].name);
	}
	for_each_symbol(p, i)
		if (has_prefix(p->syms[i].name, "__kpatch_force_func_"))
			p->syms[i].include = false;
}

static void include_new_globals(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i;

	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];

		if (y->bind == STB_GLOBAL && y->sec != NONE && y->status == ST_NEW) {
			include_symbol(d, i);
			d->new_globals++;
			sink_add_item(&d->sink, CDO_ITEM_NEW_GLOBAL, &(struct cdo_item){
				.name = y->name, .section = p->secs[y->sec].name,
				.new_size = y->sym.st_size });
		}
	}
}

/* Debug info comes along whole, minus what points at dropped code. */
static void include_debug(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t i, j, k;

	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (!s->is_debug)
			continue;
		s->include = true;
		if (!s->is_rela && s->secsym != NONE)
			p->syms[s->secsym].include = true;
	}
	for_each_section(p, i) {
		struct section *s = &p->secs[i];

		if (!s->is_rela || !s->is_debug)
			continue;
		for (j = k = 0; j < s->nrelas; j++) {
			const struct symbol *t = &p->syms[s->relas[j].sym];

			if (t->sec == NONE || !p->secs[t->sec].include)
				continue;
			s->relas[k++] = s->relas[j];
		}
		s->nrelas = k;
		object_relas_changed(p, i);
	}
}

int include_all(struct diff *d)
{
	include_standard(d);
	include_changed_functions(d);
	include_callbacks(d);
	include_forced(d);
	include_new_globals(d);
	include_debug(d);
	return sink_status(&d->sink);
}

void report_changes(struct diff *d)
{
	const struct object *p = &d->patched;
	uint32_t i;

	for_each_symbol(p, i) {
		const struct symbol *y = &p->syms[i];
		struct cdo_item item = { .name = y->name };

		if (!y->include || y->sec == NONE || y->type != STT_FUNC || y->parent != NONE || y->is_pfx)
			continue;
		item.section = p->secs[y->sec].name;
		item.new_size = y->sym.st_size;
		if (y->status == ST_NEW) {
			sink_info(&d->sink, "new function: %s", y->name);
			sink_add_item(&d->sink, CDO_ITEM_NEW_FUNC, &item);
		} else if (y->status == ST_CHANGED) {
			sink_info(&d->sink, "changed function: %s", y->name);
		}
	}
}

int verify_patchability(struct diff *d)
{
	const struct object *p = &d->patched;
	uint32_t i;
	int errs = 0;

	for_each_section(p, i) {
		const struct section *s = &p->secs[i];

		if (s->status == ST_CHANGED && !s->include) {
			sink_error(&d->sink, "changed section %s not selected for inclusion", s->name);
			errs++;
		}
		if (s->status != ST_SAME && s->grouped) {
			sink_error(&d->sink, "changed section %s is part of a section group", s->name);
			errs++;
		}
		if (s->sh.sh_type == SHT_GROUP && s->status == ST_NEW) {
			sink_error(&d->sink, "new/changed group sections are not supported");
			errs++;
		}
		if (s->include && s->status != ST_NEW &&
		    (has_prefix(s->name, ".data") || has_prefix(s->name, ".bss")) &&
		    strcmp(s->name, ".data.unlikely") && strcmp(s->name, ".data..unlikely") &&
		    strcmp(s->name, ".data.once") && strcmp(s->name, ".data..once")) {
			sink_error(&d->sink, "data section %s selected for inclusion", s->name);
			errs++;
		}
	}
	if (errs)
		return sink_diff_fatal(&d->sink, "%d unsupported section change(s)", errs);
	return 0;
}
