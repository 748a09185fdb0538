// SPDX-License-Identifier: GPL-2.0
/*
 * Reading DWARF with libdwarf into struct debuginfo (debuginfo.h).
 *
 * libdwarf (Debian 12: 20210528) is fed through its object-access
 * interface from our own ELF view (dwarfelf.c), with relocations applied
 * by us, so that the sections of a relocatable object get distinct
 * addresses and buffers the caller holds can be read too.
 *
 * Thread safety, from libdwarf 20210528's sources: a Dwarf_Debug holds
 * all its state, and the process-wide variables are set only by calls
 * this file never makes: the dwarf_set_*() settings, the ELF readers
 * (dwarf_init_path(), dwarf_init_b(), dwarf_elf_init() set
 * _dwarf_get_elf_flags_func_ptr, which every later init reads), section
 * groups above 2 (dwarf_groups.c keeps its search in statics) and the
 * full-path builders of dwarf_srcfiles() and dwarf_linesrc() (static
 * buffers in create_fullest_file_path()).  File names are therefore
 * taken raw with dwarf_srclines_files_data_b() and joined here.  Under
 * these rules different Dwarf_Debug handles may be used from different
 * threads at once, which the TSan run of `make check` exercises.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>

#include "debuginfo.h"
#include "grow.h"

#define NO_FILE UINT32_MAX
#define MAX_DEPTH 64

static const char *const struct_names[DI_NSTRUCTS] = {
	"bug_entry", "exception_table_entry", "jump_entry", "alt_instr",
	"paravirt_patch_site", "orc_entry", "static_call_site", "pi_entry",
};

static const char *const struct_variables[DI_NSTRUCTS] = {
	"BUG_STRUCT_SIZE", "EX_STRUCT_SIZE", "JUMP_STRUCT_SIZE", "ALT_STRUCT_SIZE",
	"PARA_STRUCT_SIZE", "ORC_STRUCT_SIZE", "STATIC_CALL_STRUCT_SIZE",
	"PRINTK_INDEX_STRUCT_SIZE",
};

const char *di_struct_name(enum di_struct k)
{
	return (unsigned int)k < DI_NSTRUCTS ? struct_names[k] : NULL;
}

const char *di_struct_variable(enum di_struct k)
{
	return (unsigned int)k < DI_NSTRUCTS ? struct_variables[k] : NULL;
}

/* ---- the object-access interface over struct delf ---------------------- */

struct access {
	const struct delf *e;
	uint32_t *map;		/* libdwarf's index -> ELF index; [0] is a null section */
	uint32_t n;
	uint8_t **data;		/* relocated copies, made when libdwarf loads one */
	struct errbuf eb;	/* why a load failed */
};

static int acc_section_info(void *obj, Dwarf_Half i, Dwarf_Obj_Access_Section *ret, int *err)
{
	struct access *a = obj;

	(void)err;
	if (i >= a->n)
		return DW_DLV_NO_ENTRY;
	memset(ret, 0, sizeof(*ret));
	if (!i) {
		ret->name = "";
		return DW_DLV_OK;
	}
	ret->type = 1;	/* SHT_PROGBITS */
	ret->size = a->e->secs[a->map[i]].size;
	ret->name = a->e->secs[a->map[i]].name;
	return DW_DLV_OK;
}

static Dwarf_Endianness acc_byte_order(void *obj)
{
	(void)obj;
	return DW_OBJECT_LSB;
}

static Dwarf_Small acc_length_size(void *obj)
{
	(void)obj;
	return 4;
}

static Dwarf_Small acc_pointer_size(void *obj)
{
	(void)obj;
	return 8;
}

static Dwarf_Unsigned acc_section_count(void *obj)
{
	return ((struct access *)obj)->n;
}

static int acc_load_section(void *obj, Dwarf_Half i, Dwarf_Small **ret, int *err)
{
	struct access *a = obj;

	if (!i || i >= a->n)
		return DW_DLV_NO_ENTRY;
	if (!a->data[i] && delf_relocated(a->e, a->map[i], &a->data[i], &a->eb)) {
		*err = DW_DLE_RELOC_SECTION_RELOC_TARGET_SIZE_UNKNOWN;
		return DW_DLV_ERROR;
	}
	*ret = a->data[i];
	return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods access_methods = {
	.get_section_info = acc_section_info,
	.get_byte_order = acc_byte_order,
	.get_length_size = acc_length_size,
	.get_pointer_size = acc_pointer_size,
	.get_section_count = acc_section_count,
	.load_section = acc_load_section,
	.relocate_a_section = NULL,
};

/* ---- reading ------------------------------------------------------------ */

struct reader {
	Dwarf_Debug dbg;
	struct debuginfo *di;
	const struct delf *e;
	struct errbuf *eb;
	const struct di_request *rq;
	uint32_t wanted;	/* structs not found yet */
	uint32_t *cu_files;	/* the unit's file numbers -> di->files */
	uint64_t cu_nfiles;
	Dwarf_Half cu_version;
	uint64_t cu_base;
	size_t lines_cap, funcs_cap, inlined_cap;
	uint32_t inline_level;	/* inlined subroutines around the DIE walked */
	int err;
};

static int dw_fail(struct reader *r, Dwarf_Error derr, const char *what)
{
	if (!r->err)
		r->err = err_set(r->eb, CDO_ERR_MALFORMED, "%s: bad DWARF (%s): %s", r->e->path,
				 what, derr ? dwarf_errmsg(derr) : "unknown error");
	if (derr)
		dwarf_dealloc_error(r->dbg, derr);
	return r->err;
}

static int nomem(struct reader *r)
{
	if (!r->err)
		r->err = err_set(r->eb, CDO_ERR_NOMEM, "out of memory");
	return r->err;
}

static const char *keep_string(struct reader *r, const char *s, size_t len)
{
	struct debuginfo *di = r->di;
	char *c;

	if (di->nstrings == di->strings_cap) {
		size_t cap = di->strings_cap ? di->strings_cap * 2 : 64;
		char **n = realloc(di->strings, cap * sizeof(*n));

		if (!n)
			return NULL;
		di->strings = n;
		di->strings_cap = cap;
	}
	c = malloc(len + 1);
	if (!c)
		return NULL;
	memcpy(c, s, len);
	c[len] = '\0';
	di->strings[di->nstrings++] = c;
	return c;
}

/* "dir/name" without "./" pieces; the unit's own directory is left out. */
static char *join_path(const char *dir, const char *name)
{
	size_t dl, nl;
	char *p;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (name[0] == '/' || !dir || !*dir || !strcmp(dir, "."))
		return strdup(name);
	while (dir[0] == '.' && dir[1] == '/')
		dir += 2;
	dl = strlen(dir);
	nl = strlen(name);
	p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

static uint32_t intern_file(struct reader *r, char *path)
{
	struct debuginfo *di = r->di;
	uint32_t k;
	char **n;

	for (k = 0; k < di->nfiles; k++)
		if (!strcmp(di->files[k], path)) {
			free(path);
			return k;
		}
	n = realloc(di->files, (di->nfiles + 1) * sizeof(*n));
	if (!n) {
		free(path);
		return NO_FILE;
	}
	di->files = n;
	di->files[di->nfiles] = path;
	return di->nfiles++;
}

/* The unit's file table, into r->cu_files (indexed by DWARF file number). */
static int read_file_table(struct reader *r, Dwarf_Line_Context lc)
{
	Dwarf_Signed base = 0, count = 0, end = 0, f;
	Dwarf_Error derr = NULL;

	if (dwarf_srclines_files_indexes(lc, &base, &count, &end, &derr) != DW_DLV_OK)
		return dw_fail(r, derr, "line table files");
	if (end < 0 || base < 0 || end > 1000000)
		return dw_fail(r, NULL, "line table files");
	r->cu_files = malloc(((size_t)end + 1) * sizeof(*r->cu_files));
	if (!r->cu_files)
		return nomem(r);
	r->cu_nfiles = (uint64_t)end;
	for (f = 0; f < end; f++)
		r->cu_files[f] = NO_FILE;
	for (f = base; f < end; f++) {
		const char *name = NULL, *dir = NULL;
		Dwarf_Unsigned dirx = 0, mtime = 0, len = 0;
		Dwarf_Form_Data16 *md5 = NULL;
		char *path;

		if (dwarf_srclines_files_data_b(lc, f, &name, &dirx, &mtime, &len, &md5, &derr) !=
		    DW_DLV_OK)
			return dw_fail(r, derr, "line table file");
		if (!name)
			continue;
		/* directory 0 is the unit's own (implicit before DWARF 5) */
		if (dirx && dwarf_srclines_include_dir_data(lc, (Dwarf_Signed)dirx, &dir, &derr) !=
		    DW_DLV_OK)
			return dw_fail(r, derr, "line table directory");
		path = join_path(dirx ? dir : NULL, name);
		if (!path)
			return nomem(r);
		r->cu_files[f] = intern_file(r, path);
		if (r->cu_files[f] == NO_FILE)
			return nomem(r);
	}
	return 0;
}

static uint32_t cu_file(const struct reader *r, Dwarf_Unsigned f)
{
	return f < r->cu_nfiles ? r->cu_files[f] : NO_FILE;
}

static int read_lines(struct reader *r, Dwarf_Die cu)
{
	Dwarf_Unsigned version = 0;
	Dwarf_Small tables = 0;
	Dwarf_Line_Context lc = NULL;
	Dwarf_Line *lines = NULL;
	Dwarf_Signed n = 0, k;
	Dwarf_Error derr = NULL;
	int res;

	res = dwarf_srclines_b(cu, &version, &tables, &lc, &derr);
	if (res == DW_DLV_NO_ENTRY)
		return 0;
	if (res != DW_DLV_OK)
		return dw_fail(r, derr, "line table");
	if (read_file_table(r, lc))
		goto out;
	if (dwarf_srclines_from_linecontext(lc, &lines, &n, &derr) != DW_DLV_OK) {
		dw_fail(r, derr, "line table rows");
		goto out;
	}
	for (k = 0; k < n; k++) {
		struct di_line *l;
		Dwarf_Addr addr = 0;
		Dwarf_Unsigned line = 0, file = 0;
		Dwarf_Bool end = 0;

		if (dwarf_lineaddr(lines[k], &addr, &derr) != DW_DLV_OK ||
		    dwarf_lineno(lines[k], &line, &derr) != DW_DLV_OK ||
		    dwarf_line_srcfileno(lines[k], &file, &derr) != DW_DLV_OK ||
		    dwarf_lineendsequence(lines[k], &end, &derr) != DW_DLV_OK) {
			dw_fail(r, derr, "line table row");
			goto out;
		}
		if (grow_array((void **)&r->di->lines, &r->lines_cap, r->di->nlines, sizeof(*l))) {
			nomem(r);
			goto out;
		}
		l = &r->di->lines[r->di->nlines++];
		l->addr = addr;
		l->line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
		l->file = cu_file(r, file);
		l->end = end != 0;
		l->order = (uint32_t)(r->di->nlines - 1);
	}
out:
	dwarf_srclines_dealloc_b(lc);
	return r->err;
}

/* @die's attribute @at, or NULL when it has none (a libdwarf error counts as none). */
static Dwarf_Attribute get_attr(struct reader *r, Dwarf_Die die, Dwarf_Half at)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error derr = NULL;

	if (dwarf_attr(die, at, &attr, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		return NULL;
	}
	return attr;
}

static bool udata_attr(struct reader *r, Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *v)
{
	Dwarf_Attribute attr = get_attr(r, die, at);
	Dwarf_Error derr = NULL;
	int res;

	if (!attr)
		return false;
	res = dwarf_formudata(attr, v, &derr);
	if (derr) {
		dwarf_dealloc_error(r->dbg, derr);
		derr = NULL;
	}
	/*
	 * DWARF 5's DW_FORM_implicit_const (gcc's choice for a decl_file or
	 * call_file that all DIEs of an abbreviation share) is a signed
	 * constant, which this libdwarf reads only with dwarf_formsdata()
	 */
	if (res != DW_DLV_OK) {
		Dwarf_Signed sv = 0;

		res = dwarf_formsdata(attr, &sv, &derr);
		if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		if (res == DW_DLV_OK && sv < 0)
			res = DW_DLV_NO_ENTRY;
		*v = (Dwarf_Unsigned)sv;
	}
	dwarf_dealloc_attribute(attr);
	return res == DW_DLV_OK;
}

static bool ref_attr(struct reader *r, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off)
{
	Dwarf_Attribute attr = get_attr(r, die, at);
	Dwarf_Error derr = NULL;
	int res;

	if (!attr)
		return false;
	res = dwarf_global_formref(attr, off, &derr);
	if (derr)
		dwarf_dealloc_error(r->dbg, derr);
	dwarf_dealloc_attribute(attr);
	return res == DW_DLV_OK;
}

static bool has_attr(struct reader *r, Dwarf_Die die, Dwarf_Half at)
{
	Dwarf_Bool has = 0;
	Dwarf_Error derr = NULL;

	if (dwarf_hasattr(die, at, &has, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		return false;
	}
	return has != 0;
}

/* Name and declaration of @die, following abstract origins and specifications. */
static void describe(struct reader *r, Dwarf_Die die, struct di_code *c)
{
	Dwarf_Die cur = die, next;
	int hop;

	for (hop = 0; hop < 4 && cur; hop++) {
		Dwarf_Error derr = NULL;
		Dwarf_Unsigned v;
		Dwarf_Off off;
		char *name = NULL;

		if (!c->name && dwarf_diename(cur, &name, &derr) == DW_DLV_OK && name)
			c->name = keep_string(r, name, strlen(name));
		if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		if (c->file == NO_FILE && udata_attr(r, cur, DW_AT_decl_file, &v))
			c->file = cu_file(r, v);
		if (!c->line && udata_attr(r, cur, DW_AT_decl_line, &v))
			c->line = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		if (c->name && c->file != NO_FILE && c->line)
			break;
		if (!ref_attr(r, cur, DW_AT_abstract_origin, &off) &&
		    !ref_attr(r, cur, DW_AT_specification, &off))
			break;
		next = NULL;
		derr = NULL;
		if (dwarf_offdie_b(r->dbg, off, 1, &next, &derr) != DW_DLV_OK) {
			if (derr)
				dwarf_dealloc_error(r->dbg, derr);
			break;
		}
		if (cur != die)
			dwarf_dealloc_die(cur);
		cur = next;
	}
	if (cur && cur != die)
		dwarf_dealloc_die(cur);
}

static int add_code(struct reader *r, bool inlined, const struct di_code *proto, uint64_t lo,
		    uint64_t hi)
{
	struct debuginfo *di = r->di;
	struct di_code *c;

	/*
	 * an inlined call can be left with no code of its own, all of it on
	 * its caller's lines (low_pc == high_pc): it is still a call of that
	 * line (srcdiff.c's add_calls()) and covers no address
	 */
	if (hi < lo || (hi == lo && !inlined))
		return 0;
	if (inlined) {
		if (grow_array((void **)&di->inlined, &r->inlined_cap, di->ninlined, sizeof(*c)))
			return nomem(r);
		c = &di->inlined[di->ninlined++];
	} else {
		if (grow_array((void **)&di->funcs, &r->funcs_cap, di->nfuncs, sizeof(*c)))
			return nomem(r);
		c = &di->funcs[di->nfuncs++];
	}
	*c = *proto;
	c->order = (uint32_t)(inlined ? di->ninlined : di->nfuncs);
	c->lo = lo;
	c->hi = hi;
	return 0;
}

/* DW_AT_ranges of @die, one add_code() per range. */
static int add_ranges(struct reader *r, Dwarf_Die die, bool inlined, const struct di_code *proto)
{
	Dwarf_Attribute attr = get_attr(r, die, DW_AT_ranges);
	Dwarf_Error derr = NULL;
	Dwarf_Half form = 0;

	if (!attr)
		return 0;
	if (dwarf_whatform(attr, &form, &derr) != DW_DLV_OK)
		goto bad;
	if (r->cu_version >= 5) {
		Dwarf_Rnglists_Head head = NULL;
		Dwarf_Unsigned val = 0, count = 0, global = 0, k;

		if ((form == DW_FORM_rnglistx ? dwarf_formudata(attr, &val, &derr) :
						 dwarf_global_formref(attr, &val, &derr)) != DW_DLV_OK)
			goto bad;
		if (dwarf_rnglists_get_rle_head(attr, form, val, &head, &count, &global, &derr) !=
		    DW_DLV_OK)
			goto bad;
		for (k = 0; k < count && !r->err; k++) {
			unsigned int len = 0, code = 0;
			Dwarf_Unsigned raw1, raw2, lo = 0, hi = 0;
			Dwarf_Bool unavailable = 0;

			if (dwarf_get_rnglists_entry_fields_a(head, k, &len, &code, &raw1, &raw2,
							      &unavailable, &lo, &hi, &derr) !=
			    DW_DLV_OK) {
				dwarf_dealloc_rnglists_head(head);
				goto bad;
			}
			if (code == DW_RLE_end_of_list)
				break;
			if (code == DW_RLE_base_address || code == DW_RLE_base_addressx ||
			    unavailable)
				continue;
			add_code(r, inlined, proto, lo, hi);
		}
		dwarf_dealloc_rnglists_head(head);
	} else {
		Dwarf_Ranges *ranges = NULL;
		Dwarf_Signed count = 0, k;
		Dwarf_Unsigned bytes = 0;
		Dwarf_Off off = 0, real = 0;
		uint64_t base = r->cu_base;

		if (dwarf_global_formref(attr, &off, &derr) != DW_DLV_OK)
			goto bad;
		if (dwarf_get_ranges_b(r->dbg, off, die, &real, &ranges, &count, &bytes, &derr) !=
		    DW_DLV_OK)
			goto bad;
		for (k = 0; k < count && !r->err; k++) {
			if (ranges[k].dwr_type == DW_RANGES_END)
				break;
			if (ranges[k].dwr_type == DW_RANGES_ADDRESS_SELECTION) {
				base = ranges[k].dwr_addr2;
				continue;
			}
			add_code(r, inlined, proto, base + ranges[k].dwr_addr1,
				 base + ranges[k].dwr_addr2);
		}
		dwarf_ranges_dealloc(r->dbg, ranges, count);
	}
	dwarf_dealloc_attribute(attr);
	return r->err;
bad:
	dwarf_dealloc_attribute(attr);
	return dw_fail(r, derr, "ranges");
}

/* The code of a function or inlined subroutine DIE. */
static int add_die_code(struct reader *r, Dwarf_Die die, bool inlined, uint32_t depth)
{
	struct di_code c = { .file = NO_FILE, .call_file = NO_FILE, .depth = depth };
	Dwarf_Addr lo = 0, hi = 0;
	Dwarf_Half form = 0;
	enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
	Dwarf_Error derr = NULL;
	Dwarf_Unsigned v;
	bool has_lo;

	has_lo = dwarf_lowpc(die, &lo, &derr) == DW_DLV_OK;
	if (derr) {
		dwarf_dealloc_error(r->dbg, derr);
		derr = NULL;
	}
	if (!has_lo && !has_attr(r, die, DW_AT_ranges))
		return 0;	/* no code: a declaration or an abstract instance */
	describe(r, die, &c);
	if (inlined) {
		if (udata_attr(r, die, DW_AT_call_file, &v))
			c.call_file = cu_file(r, v);
		if (udata_attr(r, die, DW_AT_call_line, &v))
			c.call_line = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	}
	if (!has_lo)
		return add_ranges(r, die, inlined, &c);
	if (dwarf_highpc_b(die, &hi, &form, &cls, &derr) != DW_DLV_OK) {
		if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		return 0;
	}
	if (cls == DW_FORM_CLASS_CONSTANT)
		hi += lo;
	return add_code(r, inlined, &c, lo, hi);
}

static int walk(struct reader *r, Dwarf_Die die, uint32_t depth, bool in_func);

/*
 * A DIE's offset, which must lie past @after: a DW_AT_sibling that points
 * back would have the walk go round the same DIEs forever.
 */
static int forward_offset(struct reader *r, Dwarf_Die die, Dwarf_Off after, Dwarf_Off *off)
{
	Dwarf_Error derr = NULL;

	if (dwarf_dieoffset(die, off, &derr) != DW_DLV_OK)
		return dw_fail(r, derr, "DIE offset");
	if (*off <= after && !r->err)
		r->err = err_set(r->eb, CDO_ERR_MALFORMED,
				 "%s: bad DWARF (DIE siblings): the DIE after 0x%llx is at 0x%llx, not past it",
				 r->e->path, (unsigned long long)after, (unsigned long long)*off);
	return r->err;
}

static int walk_children(struct reader *r, Dwarf_Die parent, uint32_t depth, bool in_func)
{
	Dwarf_Die child = NULL, next;
	Dwarf_Error derr = NULL;
	Dwarf_Off at = 0, off;
	int res;

	if (depth >= MAX_DEPTH)
		return 0;
	/* the first child follows its parent: only DW_AT_sibling jumps */
	res = dwarf_child(parent, &child, &derr);
	if (res == DW_DLV_NO_ENTRY)
		return 0;
	if (res != DW_DLV_OK)
		return dw_fail(r, derr, "DIE children");
	while (child && !r->err) {
		if (forward_offset(r, child, at, &off))
			break;
		at = off;
		walk(r, child, depth + 1, in_func);
		next = NULL;
		res = dwarf_siblingof_b(r->dbg, child, 1, &next, &derr);
		dwarf_dealloc_die(child);
		child = NULL;
		if (res == DW_DLV_ERROR)
			return dw_fail(r, derr, "DIE siblings");
		if (res == DW_DLV_OK)
			child = next;
	}
	if (child)
		dwarf_dealloc_die(child);
	return r->err;
}

/* A top-level struct definition kpatch-build would take the size of. */
static void check_struct(struct reader *r, Dwarf_Die die)
{
	Dwarf_Error derr = NULL;
	Dwarf_Unsigned size = 0;
	char *name = NULL;
	int k;

	if (dwarf_diename(die, &name, &derr) != DW_DLV_OK || !name) {
		if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		return;
	}
	for (k = 0; k < DI_NSTRUCTS; k++) {
		if (!(r->wanted & (1u << k)) || strcmp(name, struct_names[k]))
			continue;
		if (has_attr(r, die, DW_AT_declaration))
			return;
		if (dwarf_bytesize(die, &size, &derr) != DW_DLV_OK) {
			if (derr)
				dwarf_dealloc_error(r->dbg, derr);
			return;
		}
		if (size && size <= UINT32_MAX) {
			r->di->sizes[k] = (uint32_t)size;
			r->wanted &= ~(1u << k);
		}
		return;
	}
}

static int walk(struct reader *r, Dwarf_Die die, uint32_t depth, bool in_func)
{
	Dwarf_Half tag = 0;
	Dwarf_Error derr = NULL;

	if (dwarf_tag(die, &tag, &derr) != DW_DLV_OK)
		return dw_fail(r, derr, "DIE tag");
	if (tag == DW_TAG_structure_type && depth == 1 && r->wanted)
		check_struct(r, die);
	if (!r->rq->code)
		return 0;
	switch (tag) {
	case DW_TAG_subprogram:
		if (!in_func && add_die_code(r, die, false, 0))
			return r->err;
		return walk_children(r, die, depth, true);
	case DW_TAG_inlined_subroutine: {
		int err;

		/* lexical blocks between do not nest calls: count only these */
		if (in_func && add_die_code(r, die, true, r->inline_level + 1))
			return r->err;
		r->inline_level++;
		err = walk_children(r, die, depth, in_func);
		r->inline_level--;
		return err;
	}
	case DW_TAG_lexical_block:
		return in_func ? walk_children(r, die, depth, in_func) : 0;
	default:
		return 0;
	}
}

static int read_unit(struct reader *r)
{
	Dwarf_Die cu = NULL;
	Dwarf_Error derr = NULL;
	Dwarf_Addr base = 0;

	if (dwarf_siblingof_b(r->dbg, NULL, 1, &cu, &derr) != DW_DLV_OK)
		return dw_fail(r, derr, "unit DIE");
	r->cu_base = 0;
	if (!r->di->unit_name) {
		char *name = NULL;

		if (dwarf_diename(cu, &name, &derr) == DW_DLV_OK && name)
			r->di->unit_name = keep_string(r, name, strlen(name));
		else if (derr)
			dwarf_dealloc_error(r->dbg, derr);
		derr = NULL;
	}
	if (dwarf_lowpc(cu, &base, &derr) == DW_DLV_OK)
		r->cu_base = base;
	else if (derr)
		dwarf_dealloc_error(r->dbg, derr);
	free(r->cu_files);
	r->cu_files = NULL;
	r->cu_nfiles = 0;
	if (r->rq->code)
		read_lines(r, cu);
	if (!r->err && (r->wanted || r->rq->code))
		walk_children(r, cu, 0, false);
	dwarf_dealloc_die(cu);
	return r->err;
}

static int cmp_line(const void *a, const void *b)
{
	const struct di_line *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* equal addresses: keep table order */
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_code(const void *a, const void *b)
{
	const struct di_code *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The sections libdwarf is given: what we read, nothing it would parse for naught. */
static bool wanted_section(const char *name)
{
	static const char *const names[] = {
		".debug_info", ".debug_abbrev", ".debug_str", ".debug_line", ".debug_line_str",
		".debug_str_offsets", ".debug_addr", ".debug_ranges", ".debug_rnglists",
	};
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (!strcmp(name, names[k]))
			return true;
	return false;
}

/*
 * libdwarf 20210528 frees a .debug_rnglists unit it could not read and
 * then uses it (dwarf_rnglists.c, internal_load_rnglists_contexts(): no
 * return after the error), a double free the fuzzer found.  Its headers
 * are checked here first, as strictly as DWARF 5 and x86-64 allow.
 */
static int check_rnglists(const char *path, const uint8_t *d, uint64_t size, struct errbuf *eb)
{
	uint64_t off = 0;

	while (off < size) {
		uint64_t len, hdr = 4, count;
		uint32_t l32;
		uint16_t version;

		if (size - off < 4)
			goto bad;
		memcpy(&l32, d + off, 4);
		len = l32;
		if (l32 == 0xffffffff) {
			if (size - off < 12)
				goto bad;
			memcpy(&len, d + off + 4, 8);
			hdr = 12;
		} else if (l32 >= 0xfffffff0) {
			goto bad;
		}
		if (len < 8 || len > size - off - hdr)
			goto bad;
		memcpy(&version, d + off + hdr, 2);
		memcpy(&l32, d + off + hdr + 4, 4);
		count = l32;
		if (version != 5 || d[off + hdr + 2] != 8 || d[off + hdr + 3] != 0 ||
		    count > (len - 8) / (hdr == 4 ? 4 : 8))
			goto bad;
		off += hdr + len;
	}
	return 0;
bad:
	return err_set(eb, CDO_ERR_MALFORMED, "%s: bad DWARF: .debug_rnglists unit at offset %llu",
		       path, (unsigned long long)off);
}

int debuginfo_read(struct debuginfo *di, const struct delf *e, const struct di_request *rq,
		   struct errbuf *eb)
{
	Dwarf_Obj_Access_Interface iface;
	struct access acc;
	struct reader r;
	Dwarf_Error derr = NULL;
	uint32_t i;
	int res;

	memset(di, 0, sizeof(*di));
	memset(&acc, 0, sizeof(acc));
	memset(&r, 0, sizeof(r));
	acc.e = e;
	acc.map = calloc(e->nsecs + 1, sizeof(*acc.map));
	acc.data = calloc(e->nsecs + 1, sizeof(*acc.data));
	if (!acc.map || !acc.data) {
		free(acc.map);
		free(acc.data);
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	}
	acc.n = 1;
	for (i = 1; i < e->nsecs; i++) {
		uint32_t k;
		bool dup = false;

		if (!delf_is_dwarf(e, i) || !wanted_section(e->secs[i].name))
			continue;
		if (e->secs[i].flags & 0x800 /* SHF_COMPRESSED */) {
			for (k = 1; k < acc.n; k++)
				free(acc.data[k]);
			free(acc.map);
			free(acc.data);
			return err_set(eb, CDO_ERR_UNSUPPORTED,
				       "%s: compressed debug section %s is not supported", e->path,
				       e->secs[i].name);
		}
		for (k = 1; k < acc.n; k++)
			dup = dup || !strcmp(e->secs[acc.map[k]].name, e->secs[i].name);
		if (dup || acc.n >= 0xffff)
			continue;
		/*
		 * Checked as libdwarf will see it, relocated (a relocation can
		 * rewrite a header), and handed over as checked.
		 */
		if (!strcmp(e->secs[i].name, ".debug_rnglists") &&
		    (delf_relocated(e, i, &acc.data[acc.n], eb) ||
		     check_rnglists(e->path, acc.data[acc.n], e->secs[i].size, eb))) {
			for (k = 1; k <= acc.n; k++)
				free(acc.data[k]);
			free(acc.map);
			free(acc.data);
			return eb->status;
		}
		if (!strcmp(e->secs[i].name, ".debug_info"))
			di->has_info = true;
		acc.map[acc.n++] = i;
	}
	if (!di->has_info) {
		for (i = 1; i < acc.n; i++)
			free(acc.data[i]);
		free(acc.map);
		free(acc.data);
		return 0;
	}
	iface.object = &acc;
	iface.methods = &access_methods;
	res = dwarf_object_init_b(&iface, NULL, NULL, DW_GROUPNUMBER_BASE, &r.dbg, &derr);
	if (res != DW_DLV_OK) {
		if (acc.eb.status)
			res = err_copy(eb, &acc.eb);
		else
			res = err_set(eb, CDO_ERR_MALFORMED, "%s: bad DWARF: %s", e->path,
				      derr ? dwarf_errmsg(derr) : "no usable debug sections");
		if (derr)
			dwarf_dealloc_error(NULL, derr);
		goto out;
	}
	r.di = di;
	r.e = e;
	r.eb = eb;
	r.rq = rq;
	r.wanted = rq->sizes & ((1u << DI_NSTRUCTS) - 1);
	while (!r.err && (r.wanted || rq->code)) {
		Dwarf_Unsigned len = 0, typeoff = 0, next = 0;
		Dwarf_Half version = 0, addr_size = 0, off_size = 0, ext_size = 0, cu_type = 0;
		Dwarf_Off abbrev = 0;
		Dwarf_Sig8 sig;

		res = dwarf_next_cu_header_d(r.dbg, 1, &len, &version, &abbrev, &addr_size,
					     &off_size, &ext_size, &sig, &typeoff, &next, &cu_type,
					     &derr);
		if (res == DW_DLV_NO_ENTRY)
			break;
		if (res != DW_DLV_OK) {
			dw_fail(&r, derr, "unit header");
			break;
		}
		r.cu_version = version;
		read_unit(&r);
	}
	if (r.err && acc.eb.status) {
		/* a relocation problem surfaced as a libdwarf error: say the real one */
		err_clear(eb);
		err_copy(eb, &acc.eb);
	}
	res = r.err;
	dwarf_object_finish(r.dbg, &derr);
	if (!res && di->nlines)
		qsort(di->lines, di->nlines, sizeof(*di->lines), cmp_line);
	if (!res && di->nfuncs)
		qsort(di->funcs, di->nfuncs, sizeof(*di->funcs), cmp_code);
	if (!res && di->ninlined)
		qsort(di->inlined, di->ninlined, sizeof(*di->inlined), cmp_code);
out:
	free(r.cu_files);
	for (i = 0; i < acc.n; i++)
		free(acc.data[i]);
	free(acc.map);
	free(acc.data);
	if (res)
		debuginfo_free(di);
	return res;
}

void debuginfo_free(struct debuginfo *di)
{
	size_t k;

	for (k = 0; k < di->nfiles; k++)
		free(di->files[k]);
	for (k = 0; k < di->nstrings; k++)
		free(di->strings[k]);
	free(di->files);
	free(di->strings);
	free(di->lines);
	free(di->funcs);
	free(di->inlined);
	memset(di, 0, sizeof(*di));
}

/*
 * How many of the @n elements of @size bytes at @v, sorted by the
 * uint64_t at offset @key, have it at or below @addr.
 */
static size_t count_at_or_below(const void *v, size_t n, size_t size, size_t key, uint64_t addr)
{
	const char *p = v;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k;

		memcpy(&k, p + mid * size + key, sizeof(k));
		if (k <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct di_line *debuginfo_line_at(const struct debuginfo *di, uint64_t addr)
{
	/* the last row at or below @addr */
	size_t k = count_at_or_below(di->lines, di->nlines, sizeof(*di->lines),
				     offsetof(struct di_line, addr), addr);

	if (!k || di->lines[k - 1].end)
		return NULL;
	return &di->lines[k - 1];
}

bool debuginfo_is_line(const struct debuginfo *di, uint64_t base, uint64_t addr, uint64_t v)
{
	const struct di_line *row = debuginfo_line_at(di, addr);
	size_t k;

	if (!v || v > UINT32_MAX)
		return false;
	/*
	 * the row that holds the instruction: the last at its address (an
	 * earlier one there, such as the function's opening line, is not
	 * its line)
	 */
	if (row && row->line == v)
		return true;
	/* the call lines of the subroutines inlined around it */
	k = count_at_or_below(di->inlined, di->ninlined, sizeof(*di->inlined),
			      offsetof(struct di_code, lo), addr);
	for (; k > 0 && di->inlined[k - 1].lo >= base; k--)
		if (addr < di->inlined[k - 1].hi && di->inlined[k - 1].call_line == v)
			return true;
	return false;
}
