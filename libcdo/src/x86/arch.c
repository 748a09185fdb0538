// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 table of operations (arch.h): every relocation type and
 * opcode the diff engine relies on.
 */
#include <elf.h>
#include <string.h>

#include "arch.h"
#include "x86/insn.h"

static unsigned int x86_64_rela_width(uint32_t type)
{
	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
	case R_X86_64_PC64:
	case R_X86_64_GOTOFF64:
	case R_X86_64_GOTPC64:
		return 8;
	case R_X86_64_16:
	case R_X86_64_PC16:
		return 2;
	case R_X86_64_8:
	case R_X86_64_PC8:
		return 1;
	default:
		return 4;
	}
}

/*
 * Under -mcmodel=kernel code takes addresses with R_X86_64_32S and
 * R_X86_64_64; calls, jumps and RIP-relative operands are PC32/PLT32,
 * relative to the end of the instruction (not of the field: an immediate
 * may follow it).  R_X86_64_NONE marks the __fentry__ NOP of old
 * recordmcount kernels, a call in waiting.
 */
static enum rela_place x86_64_rela_place(uint32_t type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_32S:
		return RELA_ABSOLUTE;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_NONE:
		return RELA_PC_RELATIVE;
	default:
		return RELA_UNHANDLED;
	}
}

static enum debug_rela x86_64_debug_rela(uint32_t type, unsigned int *width)
{
	*width = x86_64_rela_width(type);
	switch (type) {
	case R_X86_64_NONE:
	case R_X86_64_PC32:
	case R_X86_64_PC64:
		return DEBUG_RELA_SKIP;
	case R_X86_64_64:
	case R_X86_64_32:
	case R_X86_64_32S:
		return DEBUG_RELA_ADDRESS;
	case R_X86_64_DTPOFF32:
	case R_X86_64_DTPOFF64:
		*width = type == R_X86_64_DTPOFF64 ? 8 : 4;
		return DEBUG_RELA_TLS;
	default:
		return DEBUG_RELA_UNKNOWN;
	}
}

static bool x86_64_is_fentry_rela(uint32_t type)
{
	return type == R_X86_64_NONE || type == R_X86_64_PC32 || type == R_X86_64_PLT32;
}

/* The 5-byte NOP (0f 1f 44 00 00) becomes `call rel32` (e8 00 00 00 00). */
static bool x86_64_fentry_nop_to_call(uint8_t *code, size_t size)
{
	if (!code || size < 5 || code[0] != 0x0f)
		return false;
	code[0] = 0xe8;
	memset(code + 1, 0, 4);
	return true;
}

/*
 * jcc/jmp rel8 (7x, eb), call/jmp rel32 (e8, e9), jcc rel32 (0f 8x), after
 * any segment prefixes (branch hints, the cs of a padded thunk call)
 */
static unsigned int x86_64_insn_branch_disp(const uint8_t *p, unsigned int len)
{
	if (!p || !len)
		return 0;
	while (len > 1 && (p[0] == 0x2e || p[0] == 0x3e)) {
		p++;
		len--;
	}
	if (len == 2 && ((p[0] >= 0x70 && p[0] <= 0x7f) || p[0] == 0xeb))
		return 1;
	if (len == 5 && (p[0] == 0xe8 || p[0] == 0xe9))
		return 4;
	if (len == 6 && p[0] == 0x0f && p[1] >= 0x80 && p[1] <= 0x8f)
		return 4;
	return 0;
}

/* 90, 66 90, 0f 1f /0 and their operand-size and segment prefixed forms */
static bool x86_64_insn_is_nop(const uint8_t *p, unsigned int len)
{
	unsigned int i = 0;

	while (i < len && (p[i] == 0x66 || p[i] == 0x2e || p[i] == 0x3e))
		i++;
	if (i < len && p[i] == 0x90)
		return i + 1 == len;
	return i + 1 < len && p[i] == 0x0f && p[i + 1] == 0x1f;
}

static bool x86_64_insn_immediate(const uint8_t *p, unsigned int len, unsigned int *off,
				  unsigned int *width)
{
	struct x86_insn f;

	if (!p || x86_insn_decode(p, len, &f) != len || f.imm_at == X86_NO_FIELD)
		return false;
	*off = f.imm_at;
	*width = f.imm_len;
	return true;
}

/*
 * Opcodes whose ModRM.reg extends the opcode (groups) rather than naming
 * a register: 80-83, 8f, c0, c1, c6, c7, d0-d3, d8-df, f6, f7, fe, ff, and
 * 0f 00, 01, 18-1f, 71-73, ae, b9, ba, c7.
 */
static bool reg_is_opcode(const struct x86_insn *f, uint8_t op)
{
	if (f->map == 0)
		return (op >= 0x80 && op <= 0x83) || op == 0x8f || op == 0xc0 || op == 0xc1 ||
		       op == 0xc6 || op == 0xc7 || (op >= 0xd0 && op <= 0xd3) ||
		       (op >= 0xd8 && op <= 0xdf) || op == 0xf6 || op == 0xf7 || op == 0xfe ||
		       op == 0xff;
	if (f->map == 1)
		return op <= 0x01 || (op >= 0x18 && op <= 0x1f) || (op >= 0x71 && op <= 0x73) ||
		       op == 0xae || op == 0xb9 || op == 0xba || op == 0xc7;
	return true;	/* VEX/EVEX/XOP and 0F 38/3A: left as they are */
}

/*
 * gcc computes a sum or a product by a power of two with lea when it
 * wants the result in another register, and with add or shl in place
 * when it does not: `lea (%rbx,%rbx,1),%eax` is `add %ebx,%ebx`, `lea
 * 0x0(,%rsi,8),%rax` is `shl $0x3,%rax`, registers aside.  Writes the
 * normalized add (01 c0) or shl (c1 e0 k) for those two forms of lea
 * (no displacement), with REX.W as it is, and returns true.
 */
static bool lea_as_arithmetic(const uint8_t *p, const struct x86_insn *f, uint8_t rex,
			      uint8_t *out, unsigned int *n)
{
	uint8_t m, sib, scale;
	unsigned int k;
	bool no_base;

	if (f->modrm_at == X86_NO_FIELD || f->sib_at == X86_NO_FIELD)
		return false;
	m = p[f->modrm_at];
	sib = p[f->sib_at];
	scale = sib >> 6;
	if ((m >> 6) == 3 || (m & 7) != 4 || (((sib >> 3) & 7) == 4 && !(rex & 2)))
		return false;	/* not base + index * scale */
	for (k = 0; k < f->disp_len; k++)
		if (p[f->disp_at + k])
			return false;
	no_base = (m >> 6) == 0 && (sib & 7) == 5;
	if (no_base != !!scale)
		return false;	/* a copy (no base, scale 1) or base + index * 2^k */
	if (rex & 8)
		out[(*n)++] = 0x48;
	if (!no_base) {
		out[(*n)++] = 0x01;
		out[(*n)++] = 0xc0;
	} else {
		out[(*n)++] = 0xc1;
		out[(*n)++] = 0xe0;
		out[(*n)++] = scale;
	}
	return true;
}

/*
 * The instruction at @p in a form where what register allocation and
 * frame layout choose is left out: register numbers (and so the REX
 * bits, SIB bytes and displacement sizes that only some registers need:
 * 0x18(%r12) is 49 8b 44 24 18, 0x18(%rbx) 48 8b 43 18) and the
 * displacements of stack slots (%rsp or %rbp based).  What stays:
 * prefixes, REX.W, the opcode, an opcode extension in ModRM.reg, whether
 * an operand is a register or memory, a memory operand's kind
 * (RIP-relative, indexed and its scale, absolute, stack) and other
 * displacements by value (struct fields), immediates.  Branches become
 * their kind and condition alone: 7x rel8 and 0f 8x rel32 both 0f 8x, eb
 * and e9 both e9.  VEX/EVEX/XOP instructions are copied as they are.
 */
static unsigned int x86_64_insn_normalize(const uint8_t *p, unsigned int len, uint8_t *out)
{
	struct x86_insn f;
	unsigned int n = 0, k, opstart, tail;
	uint8_t op, rex = 0;

	memcpy(out, p, len);
	if (!len || x86_insn_decode(p, len, &f) != len)
		return len;
	if (len == 2 && p[0] >= 0x70 && p[0] <= 0x7f) {
		out[0] = 0x0f;
		out[1] = (uint8_t)(0x80 + (p[0] & 0x0f));
		return 2;
	}
	if (len == 6 && p[0] == 0x0f && p[1] >= 0x80 && p[1] <= 0x8f)
		return 2;
	if ((len == 2 && p[0] == 0xeb) || (len == 5 && p[0] == 0xe9)) {
		out[0] = 0xe9;
		return 1;
	}
	if (f.map > 3)
		return len;
	op = p[f.op_at];
	opstart = f.op_at - (f.map == 0 ? 0 : f.map == 1 ? 1 : 2);
	if (f.rex_at != X86_NO_FIELD)
		rex = p[f.rex_at];
	/*
	 * legacy prefixes, then REX.W alone; but a segment prefix on a
	 * direct call or jump (cs call __x86_indirect_thunk_r8, padding
	 * so that the call the kernel patches in fits) changes nothing
	 */
	for (k = 0; k < opstart; k++)
		if (k != f.rex_at &&
		    !(f.map == 0 && (op == 0xe8 || op == 0xe9) && (p[k] == 0x2e || p[k] == 0x3e)))
			out[n++] = p[k];
	if (f.map == 0 && op == 0xe9 && !n) {
		out[0] = 0xe9;
		return 1;
	}
	/* cltq and cwtl: the sign extension (movslq, movswl) that only %eax has */
	if (f.map == 0 && op == 0x98 && !n) {
		if (rex & 8) {
			out[n++] = 0x48;
			out[n++] = 0x63;
		} else {
			out[n++] = 0x0f;
			out[n++] = 0xbf;
		}
		out[n++] = 0xc0;
		return n;
	}
	if (f.map == 0 && op == 0x8d && !n && lea_as_arithmetic(p, &f, rex, out, &n))
		return n;
	if (rex & 8)
		out[n++] = 0x48;
	for (k = opstart; k <= f.op_at; k++)
		out[n++] = p[k];
	if ((f.map == 0 && ((op >= 0x50 && op <= 0x5f) || (op >= 0x91 && op <= 0x97) ||
			    (op >= 0xb0 && op <= 0xbf))) ||
	    (f.map == 1 && op >= 0xc8 && op <= 0xcf))
		out[n - 1] &= 0xf8;	/* register in the opcode */
	tail = f.op_at + 1;
	if (f.modrm_at != X86_NO_FIELD) {
		uint8_t m = p[f.modrm_at], mod = m >> 6, rm = m & 7;
		uint8_t form = reg_is_opcode(&f, op) ? m & 0x38 : 0;
		bool stack = false;

		if (mod == 3) {
			out[n++] = 0xc0 | form;
		} else {
			int32_t disp = 0;
			uint8_t sib = f.sib_at != X86_NO_FIELD ? p[f.sib_at] : 0;
			bool index = rm == 4 && (((sib >> 3) & 7) != 4 || (rex & 2));

			if (rm == 4)
				stack = (sib & 7) == 4 && !(rex & 1);	/* %rsp + disp */
			else if (rm == 5 && mod != 0)
				stack = !(rex & 1);			/* %rbp + disp */
			if (rm == 4 && mod != 0 && (sib & 7) == 5 && !(rex & 1))
				stack = true;				/* %rbp + index + disp */
			for (k = f.disp_len; k > 0; k--)
				disp = (int32_t)((uint32_t)disp << 8 | p[f.disp_at + k - 1]);
			if (f.disp_len == 1)
				disp = (int8_t)disp;
			/*
			 * a frame's slots are below %rbp; at or above it,
			 * %rbp is a register like any other (the kernel
			 * without frame pointers), pointing at a struct
			 */
			if (stack && rm != 4 && disp >= 0)
				stack = false;
			if (stack && rm == 4 && (sib & 7) == 5 && disp >= 0)
				stack = false;
			if (stack)
				disp = 0;
			/* 0x40 memory, 0x80 a stack slot (0xc0 is a register) */
			out[n++] = (stack ? 0x80 : 0x40) | form | (mod == 0 && rm == 5 ? 1 : 0) |
				   (index ? 2 : 0) | (rm == 4 && mod == 0 && (sib & 7) == 5 ? 4 : 0);
			if (index)
				out[n++] = sib >> 6;
			for (k = 0; k < 4; k++)
				out[n++] = (uint8_t)((uint32_t)disp >> (8 * k));
		}
		tail = f.imm_at != X86_NO_FIELD ? f.imm_at : len;
	}
	/* the immediate (or moffs) as it is */
	for (k = tail; k < len; k++)
		out[n++] = p[k];
	return n;
}

/*
 * mov between registers and stack slots (88, 89, 8a, 8b with a register
 * or %rsp/%rbp-based operand), push and pop of a register (50-5f), the
 * frame's allocation (add or sub of an immediate to %rsp) and release
 * (leave), jmp (eb, e9) and ret (c3): gcc copies a function's exit into the blocks that
 * return, or merges them, as it lays the blocks out.
 */
static bool x86_64_insn_is_shuffle(const uint8_t *p, unsigned int len)
{
	struct x86_insn f;
	uint8_t op, rex = 0, m, mod, rm;

	if (!p || x86_insn_decode(p, len, &f) != len || f.map != 0)
		return false;
	op = p[f.op_at];
	if (f.rex_at != X86_NO_FIELD)
		rex = p[f.rex_at];
	if ((op >= 0x50 && op <= 0x5f) || op == 0xeb || op == 0xe9 || op == 0xc3 || op == 0xc9)
		return true;
	/* add/sub $imm,%rsp: the frame's size */
	if ((op == 0x81 || op == 0x83) && f.modrm_at != X86_NO_FIELD &&
	    (p[f.modrm_at] == 0xc4 || p[f.modrm_at] == 0xec) && (rex & 0x09) == 0x08)
		return true;
	if (op < 0x88 || op > 0x8b || f.modrm_at == X86_NO_FIELD)
		return false;
	m = p[f.modrm_at];
	mod = m >> 6;
	rm = m & 7;
	if (mod == 3)
		return true;
	if (rm == 5)
		return mod != 0 && !(rex & 1);	/* %rbp + disp, not RIP-relative */
	return rm == 4 && f.sib_at != X86_NO_FIELD && (p[f.sib_at] & 7) == 4 &&
	       ((p[f.sib_at] >> 3) & 7) == 4 && !(rex & 3);	/* %rsp, no index */
}

/* The condition code of a jcc, setcc or cmovcc with its operands swapped: b <-> a, l <-> g. */
static uint8_t swapped_condition(uint8_t cc)
{
	static const uint8_t swap[16] = { 0x0, 0x1, 0x7, 0x6, 0x4, 0x5, 0x3, 0x2,
					  0x8, 0x9, 0xa, 0xb, 0xf, 0xe, 0xd, 0xc };

	return swap[cc & 0xf];
}

/* What the last compare left in the flags, for x86_64_insn_compare_order(). */
enum compare_state {
	CMP_NONE,	/* not a compare of two operands */
	CMP_AS_IS,	/* a compare written in the canonical direction */
	CMP_SWAPPED,	/* one written the other way round */
	CMP_UNORDERED,	/* registers or stack slots: the direction is lost */
};

/*
 * cmp r/m,r (38, 39) subtracts the register from the r/m operand, cmp
 * r,r/m (3a, 3b) the other way round; 38/39 is the canonical direction.
 * The normalized form (x86_64_insn_normalize()) has the opcode after the
 * legacy prefixes and REX.W, and then the ModRM stand-in: 0xc0 for a
 * register, 0x80 for a stack slot (four displacement bytes follow),
 * anything else for memory.  Normalized jcc is 0f 8x alone.
 */
static unsigned int x86_64_insn_compare_order(const uint8_t *p, unsigned int len, uint8_t *norm,
					      unsigned int n, int *state)
{
	struct x86_insn f;
	unsigned int oi;
	uint8_t op, cc;
	int was = *state;

	*state = CMP_NONE;
	if (!p || !len || x86_insn_decode(p, len, &f) != len || f.map > 1)
		return n;
	op = p[f.op_at];
	/* the prefixes and escape before it, less the REX but for REX.W */
	oi = f.op_at - (f.rex_at != X86_NO_FIELD) + (f.rex_at != X86_NO_FIELD && (p[f.rex_at] & 8));
	if (f.map == 0 && op >= 0x38 && op <= 0x3b && f.modrm_at != X86_NO_FIELD && oi + 1 < n) {
		uint8_t form = norm[oi + 1] & 0xc0;

		norm[oi] = op & ~2;
		if (form == 0xc0 || form == 0x80) {
			/* a slot is a register that was spilled */
			norm[oi + 1] = 0xc0;
			*state = CMP_UNORDERED;
			return oi + 2;
		}
		*state = op & 2 ? CMP_SWAPPED : CMP_AS_IS;
		return n;
	}
	if ((f.map == 0 && (op & 0xf0) == 0x70) || (f.map == 1 && (op & 0xf0) == 0x80)) {
		if (n == 2 && norm[0] == 0x0f)
			oi = 1;	/* jcc, short or near: 0f 8x */
	} else if (!(f.map == 1 && ((op & 0xf0) == 0x90 || (op & 0xf0) == 0x40))) {
		return n;	/* neither a setcc nor a cmovcc */
	}
	if (oi >= n)
		return n;
	cc = norm[oi] & 0xf;
	if (was == CMP_SWAPPED)
		cc = swapped_condition(cc);
	else if (was == CMP_UNORDERED && swapped_condition(cc) < cc)
		cc = swapped_condition(cc);
	/*
	 * cmovg %eax,%ebx and cmovle %ebx,%eax choose the same value: with
	 * the registers left out, a condition and its negation are one
	 */
	if (f.map == 1 && (op & 0xf0) == 0x40 && f.modrm_at != X86_NO_FIELD &&
	    (p[f.modrm_at] >> 6) == 3)
		cc &= ~1;
	norm[oi] = (uint8_t)((norm[oi] & 0xf0) | cc);
	/* the flags stay for the next reader (jl then je) */
	*state = was;
	return n;
}

/* Retpolines (and the call-depth and ITS variants): one per register. */
static const char *const x86_64_register_thunks[] = {
	"__x86_indirect_thunk_", "__x86_indirect_call_thunk_", "__x86_indirect_jump_thunk_",
	"__x86_indirect_its_thunk_", NULL,
};

const struct arch_ops x86_64_arch_ops = {
	.name = "x86-64",
	.machine = EM_X86_64,
	.rela_none = R_X86_64_NONE,
	.rela_pointer = R_X86_64_64,
	.rela_addr = R_X86_64_32S,
	.rela_fentry = R_X86_64_PC32,
	.rela_width = x86_64_rela_width,
	.rela_place = x86_64_rela_place,
	.debug_rela = x86_64_debug_rela,
	.is_fentry_rela = x86_64_is_fentry_rela,
	.fentry_field_offset = 1,	/* after the e8 opcode */
	.fentry_nop_to_call = x86_64_fentry_nop_to_call,
	.insn_length = x86_insn_length,
	.insn_boundaries = x86_insn_boundaries,
	.insn_is_load_immediate = x86_insn_is_load_immediate,
	.insn_branch_disp = x86_64_insn_branch_disp,
	.insn_is_nop = x86_64_insn_is_nop,
	.insn_immediate = x86_64_insn_immediate,
	.insn_normalize = x86_64_insn_normalize,
	.insn_is_shuffle = x86_64_insn_is_shuffle,
	.insn_compare_order = x86_64_insn_compare_order,
	.register_thunks = x86_64_register_thunks,
	.return_thunk = "__x86_return_thunk",
};
