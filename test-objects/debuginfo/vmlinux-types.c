// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for vmlinux's debug info in the struct-size tests: one
 * object of each special-section struct, so that the unit's DWARF
 * describes them all, as vmlinux's does.  Passed as --debuginfo.
 */
#include <kstub.h>

struct bug_entry dbg_bug_entry;
struct exception_table_entry dbg_exception_table_entry;
struct jump_entry dbg_jump_entry;
struct alt_instr dbg_alt_instr;
struct paravirt_patch_site dbg_paravirt_patch_site;
struct orc_entry dbg_orc_entry;
struct static_call_site dbg_static_call_site;
struct pi_entry dbg_pi_entry;
