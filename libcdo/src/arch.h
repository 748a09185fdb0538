/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_ARCH_H
#define CDO_ARCH_H

/*
 * What the diff engine knows about an architecture, in one table of
 * operations per architecture (x86/arch.c for x86-64): which relocation
 * types mean what, and the few instruction facts the stages need.
 * Generic code asks the object's table (o->arch) and never names a
 * relocation type or an opcode itself.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a relocation in code finds the address it refers to. */
enum rela_place {
	RELA_ABSOLUTE,		/* the addend is the offset into the target */
	RELA_PC_RELATIVE,	/* relative to the end of its instruction */
	RELA_UNHANDLED,		/* a type the diff engine does not follow */
};

/* How a relocation in a debug section is applied when reading DWARF. */
enum debug_rela {
	DEBUG_RELA_SKIP,	/* nothing to write (none, or PC-relative: .eh_frame only) */
	DEBUG_RELA_ADDRESS,	/* symbol's address (its section's too) + addend */
	DEBUG_RELA_TLS,		/* offset in the TLS block: symbol value + addend */
	DEBUG_RELA_UNKNOWN,	/* a type the DWARF reader does not apply */
};

/* Room insn_normalize() needs. */
#define ARCH_NORM_MAX 32

struct arch_ops {
	const char *name;
	uint16_t machine;		/* ELF e_machine */

	/*
	 * Relocation types, by what they are used for:
	 * @rela_none:      no relocation (and the NOP recordmcount leaves
	 *                  where the __fentry__ call goes)
	 * @rela_pointer:   a pointer-sized absolute address (the pointer
	 *                  fields of the .kpatch.* tables)
	 * @rela_addr:      an absolute address taken in code (a function
	 *                  pointer, or the end of a section)
	 * @rela_fentry:    the __fentry__ call a patch module needs
	 */
	uint32_t rela_none;
	uint32_t rela_pointer;
	uint32_t rela_addr;
	uint32_t rela_fentry;

	/* Bytes a relocation of @type writes; 0 for types we do not know. */
	unsigned int (*rela_width)(uint32_t type);
	/* How a relocation of @type in code finds its target. */
	enum rela_place (*rela_place)(uint32_t type);
	/* How a relocation of @type in debug info is applied, and its width in *@width. */
	enum debug_rela (*debug_rela)(uint32_t type, unsigned int *width);
	/* Can a relocation of @type be the __fentry__ call at a function's start? */
	bool (*is_fentry_rela)(uint32_t type);
	/*
	 * The relocated field of the __fentry__ call starts this many bytes
	 * into the call instruction.
	 */
	unsigned int fentry_field_offset;
	/*
	 * Turn the NOP an old recordmcount leaves at a function's start into
	 * the call a patch module needs, in place; false when @code does not
	 * start with that NOP.
	 */
	bool (*fentry_nop_to_call)(uint8_t *code, size_t size);

	/* Length of the instruction at @p (1..), or 0 when undecodable. */
	unsigned int (*insn_length)(const uint8_t *p, size_t avail);
	/* Instruction start offsets of a code buffer: see x86_insn_boundaries(). */
	long (*insn_boundaries)(const uint8_t *code, size_t size, uint32_t *starts,
				size_t max, size_t *bad_off);
	/*
	 * Does the instruction at @p load an immediate into an argument
	 * register, the way a __LINE__ argument is passed?
	 */
	bool (*insn_is_load_immediate)(const uint8_t *p, unsigned int len);
	/*
	 * Bytes at the end of the instruction at @p (@len bytes) that hold a
	 * PC-relative branch displacement, 0 for other instructions.  They
	 * change whenever code between the branch and its target does.
	 */
	unsigned int (*insn_branch_disp)(const uint8_t *p, unsigned int len);
	/* Is the instruction at @p a NOP (alignment padding, a patch site)? */
	bool (*insn_is_nop)(const uint8_t *p, unsigned int len);
	/*
	 * The immediate operand of the instruction at @p (@len bytes): its
	 * offset in *@off and width in *@width; false when it has none.
	 */
	bool (*insn_immediate)(const uint8_t *p, unsigned int len, unsigned int *off,
			       unsigned int *width);
	/*
	 * Write to @out (room for ARCH_NORM_MAX bytes) the instruction at @p
	 * (@len bytes) with what register allocation, stack layout and
	 * branch distances choose left out: register numbers (and the
	 * encodings only some registers need), displacements of stack slots,
	 * a branch reduced to its kind and condition (a short and a near
	 * jump to the same place compare equal).  Two instructions that
	 * differ only in those give the same bytes; the form is for
	 * comparing, not decoding.  Fields to be left out of the comparison
	 * (relocated ones) are zeroed in @p before.
	 * Return: the bytes written.
	 */
	unsigned int (*insn_normalize)(const uint8_t *p, unsigned int len, uint8_t *out);
	/*
	 * Does the instruction at @p (@len bytes) only move a value between
	 * registers and stack slots, or jump without a condition?  Register
	 * allocation and block layout add and remove such instructions
	 * (spills, reloads, a jump over a block laid out elsewhere) when
	 * code near them changes; they do not compute anything.
	 */
	bool (*insn_is_shuffle)(const uint8_t *p, unsigned int len);
	/*
	 * Take the order of a compare's operands out of @norm, the form
	 * insn_normalize() gave the instruction at @p (@len bytes, @n bytes
	 * of @norm), and return its new length.  gcc writes one test as
	 * `cmp a,b; jl` or as `cmp b,a; jg` depending on where it keeps a
	 * and b; with registers and stack slots left out, the two must
	 * read the same.  A compare of a register or memory operand with a
	 * register (or stack slot) is written in one direction, and the
	 * conditions of the jumps, sets and conditional moves that read its
	 * flags follow it: swapped when the compare was, reduced to the
	 * relation without its direction (less or greater) when the
	 * operands are both registers or slots, whose order the normalized
	 * form does not keep.  @state carries this from one instruction to
	 * the next; it is 0 at a function's start.
	 */
	unsigned int (*insn_compare_order)(const uint8_t *p, unsigned int len, uint8_t *norm,
					   unsigned int n, int *state);
	/*
	 * Names of the thunks an indirect call or jump goes through, one per
	 * register (x86's "__x86_indirect_thunk_rax"), as the prefix before
	 * the register: a call through another register is the same call.
	 * NULL-terminated; NULL when there are none.
	 */
	const char *const *register_thunks;
	/*
	 * The symbol a return jumps to when the kernel replaces ret with a
	 * jump to a thunk (x86's "__x86_return_thunk"), or NULL.
	 */
	const char *return_thunk;
};

extern const struct arch_ops x86_64_arch_ops;

/* The table for ELF machine @machine, or NULL when it is not supported. */
const struct arch_ops *arch_for_machine(uint16_t machine);

#endif
