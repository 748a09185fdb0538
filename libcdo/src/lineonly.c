// SPDX-License-Identifier: GPL-2.0
/*
 * The __LINE__-only change rule (lineonly.h).
 *
 * An unrelated hunk above a function moves its code down; every WARN(),
 * might_sleep(), ext4_error() or journal start then passes another
 * __LINE__ and the function's bytes differ, though nothing it does has
 * changed.  Upstream recognises this for a fixed list of callees.  The
 * line tables say it for any: the immediate that differs is the line the
 * instruction itself belongs to, in the original as in the patched
 * object (or the line that called the subroutine inlined there, as
 * ext4_journal_start() passes its caller's __LINE__ down).
 */
#include <string.h>

#include "dwarfstage.h"
#include "lineonly.h"
#include "names.h"

static bool is_line_consumer(const char *n)
{
	return !strcmp(n, "__warn_printk") || has_prefix(n, "warn_slowpath_") ||
	       !strcmp(n, "__might_sleep") || !strcmp(n, "___might_sleep") ||
	       !strcmp(n, "__might_fault") || !strcmp(n, "printk") || !strcmp(n, "_printk") ||
	       !strcmp(n, "lockdep_rcu_suspicious") || !strcmp(n, "__btrfs_abort_transaction") ||
	       !strcmp(n, "__btrfs_handle_fs_error") || !strcmp(n, "__btrfs_panic");
}

/*
 * Does the first interesting call after @after take __LINE__?  The
 * immediate that differs must be an argument of a WARN/might_sleep/printk
 * style call, whose relocation is the next one that is not a string, a
 * once-flag or __func__.
 */
static bool next_call_takes_line(const struct diff *d, const struct section *rs, uint64_t after,
				 const struct rela_index *by_offset)
{
	uint32_t j;

	/*
	 * Upstream walks the relocations in file order from the first and
	 * skips those before @after: start where that walk would first stop
	 * instead of walking to it per differing instruction.
	 */
	for (j = rela_index_first_at_or_after(by_offset, rs->relas, after); j < rs->nrelas; j++) {
		const struct rela *r = &rs->relas[j];
		const char *n = d->patched.syms[r->sym].name;

		if (r->offset < after || r->string)
			continue;
		if (has_prefix(n, "__warned.") || has_prefix(n, "__already_done.") ||
		    has_prefix(n, "__func__."))
			continue;
		return is_line_consumer(n);
	}
	return false;
}

/* The line tables of both objects and the addresses of one section in them. */
struct line_tables {
	const struct debuginfo *di[2];	/* [0] original, [1] patched */
	uint64_t base[2];		/* the section's address in each */
};

/*
 * Do the instructions at @off of @a (patched) and @b (original), both
 * @len bytes, differ only in an immediate that each line table gives as
 * the instruction's line?
 */
static bool immediate_is_line(const struct arch_ops *arch, const struct line_tables *lt,
			      const uint8_t *a, const uint8_t *b, uint64_t off, unsigned int len)
{
	unsigned int ia, wa, ib, wb, k;
	uint64_t va = 0, vb = 0;

	if (!arch->insn_immediate || !arch->insn_immediate(a, len, &ia, &wa) ||
	    !arch->insn_immediate(b, len, &ib, &wb) || ia != ib || wa != wb || wa > 8)
		return false;
	for (k = 0; k < len; k++)
		if ((k < ia || k >= ia + wa) && a[k] != b[k])
			return false;
	for (k = wa; k > 0; k--) {
		va = va << 8 | a[ia + k - 1];
		vb = vb << 8 | b[ia + k - 1];
	}
	return debuginfo_is_line(lt->di[1], lt->base[1], lt->base[1] + off, va) &&
	       debuginfo_is_line(lt->di[0], lt->base[0], lt->base[0] + off, vb);
}

int line_only_change(struct diff *d, uint32_t i, bool *only, struct errbuf *eb)
{
	const struct section *a = &d->patched.secs[i];
	const struct section *b = &d->orig.secs[a->twin];
	const struct arch_ops *arch = d->patched.arch;
	const struct rela_index *by_offset;
	struct line_tables lt = { { NULL, NULL }, { 0, 0 } };
	bool found_any = false;
	uint64_t off = 0;

	*only = false;
	if (a->status != ST_CHANGED || a->is_rela || !a->is_text || a->sh.sh_size != b->sh.sh_size ||
	    a->rela == NONE || d->patched.secs[a->rela].status != ST_SAME || !a->data || !b->data)
		return 0;
	by_offset = object_relas_by_offset(&d->patched, a->rela);
	if (!by_offset)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	if (d->dwarf_flags & CDO_DWARF_LINE_ONLY) {
		lt.di[0] = dwarf_of(d, 0);
		lt.di[1] = dwarf_of(d, 1);
		if (lt.di[0] && lt.di[1]) {
			lt.base[0] = delf_section_addr(&d->dwarf->elf[0], a->twin);
			lt.base[1] = delf_section_addr(&d->dwarf->elf[1], i);
		}
	}
	while (off < a->size) {
		unsigned int la = arch->insn_length(a->data + off, a->size - off);
		unsigned int lb = arch->insn_length(b->data + off, b->size - off);

		if (!la || !lb)
			return err_set(eb, CDO_ERR_UNSUPPORTED,
				       "can't decode instruction in section %s at offset 0x%llx",
				       a->name, (unsigned long long)off);
		if (la != lb)
			return 0;
		if (memcmp(a->data + off, b->data + off, la)) {
			bool upstream = arch->insn_is_load_immediate(a->data + off, la) &&
					arch->insn_is_load_immediate(b->data + off, lb) &&
					next_call_takes_line(d, &d->patched.secs[a->rela], off + la,
							     by_offset);

			if (!upstream && !(lt.di[0] && lt.di[1] &&
					   immediate_is_line(arch, &lt, a->data + off, b->data + off,
							     off, la)))
				return 0;
			found_any = true;
		}
		off += la;
	}
	if (!found_any)
		return err_set(eb, CDO_ERR_UNSUPPORTED,
			       "no instruction changes detected for changed section %s", a->name);
	*only = true;
	return 0;
}
