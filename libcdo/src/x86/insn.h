/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 instruction-length decoding.
 *
 * The diff engine only needs to know where instructions start and end
 * (to walk a function instruction by instruction and to find the
 * instruction containing a relocated byte), never what they do, so this
 * is a length decoder, not a disassembler.  It decodes 64-bit mode only.
 */
#ifndef CDO_X86_INSN_H
#define CDO_X86_INSN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The architectural limit; longer byte sequences raise #GP. */
#define X86_INSN_MAX_LEN 15

/**
 * x86_insn_length() - length of one instruction
 * @p:     first byte of the instruction
 * @avail: bytes readable at @p; nothing at or past p[avail] is read
 *
 * Decodes legacy prefixes, REX, the one-byte, 0F, 0F38 and 0F3A maps,
 * VEX (C4/C5), EVEX (62) and XOP (8F) encodings.  Where CPUs or tools
 * disagree, the kernel's own decoder wins (upstream kpatch uses it):
 * a 66 prefix does not shrink a near branch's rel32, UD0 (0F FF) is two
 * bytes, FWAIT (9B) is an instruction of its own, a REX followed by
 * another prefix is ignored rather than being an instruction.
 *
 * Return: the length (1..15), or 0 when the bytes are truncated, longer
 * than 15 bytes, or not a defined instruction.  Checked: every opcode of
 * every map, ModRM-dependent groups and memory-only/register-only forms
 * of the legacy maps, VEX/EVEX/XOP map numbers and the prefixes that
 * make VEX/EVEX/XOP #UD.  Not checked: mandatory-prefix combinations
 * (an opcode is accepted when some prefix defines it), LOCK legality,
 * VEX/EVEX pp/W/L fields and ModRM groups.  3DNow!, APX (REX2, EVEX map
 * 4) and AVX10.2 are not decoded.
 */
unsigned int x86_insn_length(const uint8_t *p, size_t avail);

/* A field an instruction does not have. */
#define X86_NO_FIELD 0xff

/*
 * Where the parts of one decoded instruction are, as offsets from its
 * first byte (X86_NO_FIELD when absent).
 * @len:      its length
 * @rex_at:   the REX prefix that applies (directly before the opcode)
 * @op_at:    the opcode byte (the last one, after 0F, 0F 38, 0F 3A or a
 *            VEX/EVEX/XOP prefix)
 * @map:      its map: 0 one-byte, 1 0F, 2 0F 38, 3 0F 3A, 4 VEX/EVEX/XOP
 * @modrm_at: ModRM, @sib_at: SIB
 * @disp_at:  the memory displacement (or moffs), @disp_len bytes
 * @imm_at:   the immediate operand(s), @imm_len bytes; branch
 *            displacements (rel8, rel32) are not immediates
 */
struct x86_insn {
	uint8_t len;
	uint8_t rex_at, op_at, map;
	uint8_t modrm_at, sib_at;
	uint8_t disp_at, disp_len;
	uint8_t imm_at, imm_len;
};

/**
 * x86_insn_decode() - length and fields of one instruction
 * @p:     first byte of the instruction
 * @avail: bytes readable at @p
 * @f:     receives the fields; all absent when the bytes do not decode
 *
 * The same decoding as x86_insn_length(), which calls it.
 *
 * Return: the length, or 0 as x86_insn_length().
 */
unsigned int x86_insn_decode(const uint8_t *p, size_t avail, struct x86_insn *f);

/**
 * x86_insn_is_load_immediate() - the __LINE__ argument-load pattern
 * @p:   first byte of the instruction
 * @len: its length as returned by x86_insn_length()
 *
 * The line-number-only change rule accepts a differing instruction only
 * when it loads the line number into the second or third argument
 * register: `mov $imm32, %esi` (BE id) or `mov $imm32, %edx` (BA id).
 * Exactly like upstream kpatch's insn_is_load_immediate() on x86, only
 * the first byte is looked at, so any prefix makes it false: 41 BE
 * (`mov $imm, %r14d`), 48 BA (`movabs $imm64, %rdx`), 66 BE (`mov
 * $imm16, %si`), and even 40 BE, an empty REX in front of the very same
 * `mov $imm32, %esi`, which compilers never emit.  For a decoded
 * instruction whose first byte is BE or BA, @len is always 5.
 *
 * Return: true when @p is not NULL, @len is at least 1 and p[0] is 0xBE
 * or 0xBA.
 */
bool x86_insn_is_load_immediate(const uint8_t *p, unsigned int len);

/**
 * x86_insn_boundaries() - instruction start offsets of a code buffer
 * @code:    the bytes, decoded from offset 0
 * @size:    number of bytes (at most UINT32_MAX)
 * @starts:  receives the start offset of each instruction, ascending;
 *           may be NULL when @max is 0
 * @max:     capacity of @starts
 * @bad_off: set to the offset of the first undecodable instruction when
 *           -1 is returned; may be NULL
 *
 * Only the first @max offsets are stored.  A buffer of @size bytes never
 * holds more than @size instructions, so @max == @size always suffices.
 *
 * Return: the number of instructions in the buffer (which may exceed
 * @max, like snprintf), or -1 when an instruction cannot be decoded or
 * runs past the end (*bad_off says where) or @size is too large (then
 * *bad_off is 0).
 */
long x86_insn_boundaries(const uint8_t *code, size_t size, uint32_t *starts,
			 size_t max, size_t *bad_off);

#endif /* CDO_X86_INSN_H */
