// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the architecture tables (arch.c, x86/arch.c): the
 * relocation facts and the __fentry__ rewrite the stages rely on.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch.h"

static void test_lookup(void **state)
{
	(void)state;
	assert_ptr_equal(arch_for_machine(EM_X86_64), &x86_64_arch_ops);
	assert_null(arch_for_machine(EM_AARCH64));
	assert_null(arch_for_machine(EM_386));
	assert_null(arch_for_machine(EM_NONE));
}

static void test_x86_64_relocations(void **state)
{
	const struct arch_ops *a = &x86_64_arch_ops;

	(void)state;
	assert_int_equal(a->rela_none, R_X86_64_NONE);
	assert_int_equal(a->rela_pointer, R_X86_64_64);
	assert_int_equal(a->rela_addr, R_X86_64_32S);
	assert_int_equal(a->rela_fentry, R_X86_64_PC32);

	assert_int_equal(a->rela_width(R_X86_64_NONE), 0);
	assert_int_equal(a->rela_width(R_X86_64_64), 8);
	assert_int_equal(a->rela_width(R_X86_64_PC64), 8);
	assert_int_equal(a->rela_width(R_X86_64_GOTOFF64), 8);
	assert_int_equal(a->rela_width(R_X86_64_GOTPC64), 8);
	assert_int_equal(a->rela_width(R_X86_64_32S), 4);
	assert_int_equal(a->rela_width(R_X86_64_PC32), 4);
	assert_int_equal(a->rela_width(R_X86_64_PLT32), 4);
	assert_int_equal(a->rela_width(R_X86_64_16), 2);
	assert_int_equal(a->rela_width(R_X86_64_PC16), 2);
	assert_int_equal(a->rela_width(R_X86_64_8), 1);
	assert_int_equal(a->rela_width(R_X86_64_PC8), 1);

	assert_int_equal(a->rela_place(R_X86_64_64), RELA_ABSOLUTE);
	assert_int_equal(a->rela_place(R_X86_64_32S), RELA_ABSOLUTE);
	assert_int_equal(a->rela_place(R_X86_64_PC32), RELA_PC_RELATIVE);
	assert_int_equal(a->rela_place(R_X86_64_PLT32), RELA_PC_RELATIVE);
	assert_int_equal(a->rela_place(R_X86_64_NONE), RELA_PC_RELATIVE);
	assert_int_equal(a->rela_place(R_X86_64_32), RELA_UNHANDLED);
	assert_int_equal(a->rela_place(R_X86_64_GOTPCREL), RELA_UNHANDLED);

	assert_true(a->is_fentry_rela(R_X86_64_NONE));
	assert_true(a->is_fentry_rela(R_X86_64_PC32));
	assert_true(a->is_fentry_rela(R_X86_64_PLT32));
	assert_false(a->is_fentry_rela(R_X86_64_64));
	assert_false(a->is_fentry_rela(R_X86_64_32S));
}

static void test_x86_64_fentry_nop(void **state)
{
	const struct arch_ops *a = &x86_64_arch_ops;
	uint8_t nop[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00, 0x55 };
	const uint8_t call[] = { 0xe8, 0x00, 0x00, 0x00, 0x00, 0x55 };
	uint8_t other[] = { 0x55, 0x48, 0x89, 0xe5, 0x90 };
	const uint8_t other_copy[] = { 0x55, 0x48, 0x89, 0xe5, 0x90 };

	(void)state;
	assert_true(a->fentry_nop_to_call(nop, sizeof(nop)));
	assert_memory_equal(nop, call, sizeof(call));
	/* the relocated field follows the one-byte opcode */
	assert_int_equal(a->fentry_field_offset, 1);
	assert_false(a->fentry_nop_to_call(other, sizeof(other)));
	assert_memory_equal(other, other_copy, sizeof(other));
	/* too short for the call: left alone */
	assert_false(a->fentry_nop_to_call(nop, 4));
	assert_false(a->fentry_nop_to_call(NULL, 5));
}

static void test_x86_64_instructions(void **state)
{
	const struct arch_ops *a = &x86_64_arch_ops;
	/* push %rbp; mov $0x2a,%esi; call rel32; ret */
	const uint8_t code[] = { 0x55, 0xbe, 0x2a, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0xc3 };
	uint32_t starts[sizeof(code)];
	size_t bad = 0;

	(void)state;
	assert_int_equal(a->insn_length(code, sizeof(code)), 1);
	assert_int_equal(a->insn_length(code + 1, sizeof(code) - 1), 5);
	assert_true(a->insn_is_load_immediate(code + 1, 5));
	assert_false(a->insn_is_load_immediate(code + 6, 5));
	assert_int_equal(a->insn_boundaries(code, sizeof(code), starts, sizeof(code), &bad), 4);
	assert_int_equal(starts[0], 0);
	assert_int_equal(starts[1], 1);
	assert_int_equal(starts[2], 6);
	assert_int_equal(starts[3], 11);
}

/* the immediate operand: where it is and how wide */
static void test_x86_64_immediate(void **state)
{
	const struct arch_ops *a = &x86_64_arch_ops;
	static const struct {
		uint8_t b[12];
		unsigned int len, off, width;	/* width 0: none */
	} cases[] = {
		{ { 0xbe, 0x2a, 0, 0, 0 }, 5, 1, 4 },			/* mov $0x2a,%esi */
		{ { 0x41, 0xb8, 0x2a, 0, 0, 0 }, 6, 2, 4 },		/* mov $0x2a,%r8d */
		{ { 0xc7, 0x44, 0x24, 0x08, 0x2a, 0, 0, 0 }, 8, 4, 4 },	/* movl $0x2a,8(%rsp) */
		{ { 0x83, 0xfb, 0x03 }, 3, 2, 1 },			/* cmp $3,%ebx */
		{ { 0x66, 0xb8, 0x34, 0x12 }, 4, 2, 2 },		/* mov $0x1234,%ax */
		{ { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 }, 10, 2, 8 },	/* movabs */
		{ { 0xe8, 0, 0, 0, 0 }, 5, 0, 0 },			/* call: rel32 */
		{ { 0x75, 0x09 }, 2, 0, 0 },				/* jne: rel8 */
		{ { 0x89, 0xfe }, 2, 0, 0 },				/* mov %edi,%esi */
		{ { 0x8b, 0x05, 0, 0, 0, 0 }, 6, 0, 0 },		/* mov 0(%rip),%eax */
	};
	unsigned int k, off, width;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bool has = a->insn_immediate(cases[k].b, cases[k].len, &off, &width);

		assert_int_equal(has, cases[k].width != 0);
		if (has) {
			assert_int_equal(off, cases[k].off);
			assert_int_equal(width, cases[k].width);
		}
	}
	/* a length that is not the instruction's: no immediate */
	assert_false(a->insn_immediate(cases[0].b, 4, &off, &width));
}

/* register numbers, stack slots and branch distances left out; the rest kept */
static void test_x86_64_mask_regs(void **state)
{
	const struct arch_ops *a = &x86_64_arch_ops;
	static const struct {
		uint8_t x[8], y[8];
		unsigned int len;
		bool same;
		unsigned int ylen;	/* when not @len */
	} cases[] = {
		/* mov %r15,%rdi vs mov %rbx,%rsi */
		{ { 0x4c, 0x89, 0xff }, { 0x48, 0x89, 0xde }, 3, true },
		/* mov 0x18(%r12),%rdi vs mov 0x18(%rbx),%rax: same field */
		{ { 0x49, 0x8b, 0x7c, 0x24, 0x18 }, { 0x48, 0x8b, 0x43, 0x18 }, 5, true, 4 },
		/* mov 0x70(%r13),%edx vs mov 0x70(%r12),%eax: the same field */
		{ { 0x41, 0x8b, 0x55, 0x70 }, { 0x41, 0x8b, 0x44, 0x24, 0x70 }, 4, true, 5 },
		/* mov %rsi,0x0(%r13) vs mov %rsi,(%r14) */
		{ { 0x49, 0x89, 0x75, 0x00 }, { 0x49, 0x89, 0x36 }, 4, true, 3 },
		/* cmpl $0x7,0x560(%r11) vs cmpl $0x7,0x560(%rcx): REX.B only */
		{ { 0x41, 0x83, 0xbb, 0x60, 0x05, 0, 0, 0x07 }, { 0x83, 0xb9, 0x60, 0x05, 0, 0, 0x07 },
		  8, true, 7 },
		/* mov 0x18(%rbx),%eax vs mov 0x18(%rbx),%rax: operand size stays */
		{ { 0x8b, 0x43, 0x18 }, { 0x48, 0x8b, 0x43, 0x18 }, 3, false, 4 },
		/* mov (%rax,%rdx,8),%rax vs mov (%rax,%rdx,4),%rax: scale stays */
		{ { 0x48, 0x8b, 0x04, 0xd0 }, { 0x48, 0x8b, 0x04, 0x90 }, 4, false },
		/* mov 0x18(%rbx),%rdi vs mov 0x20(%rbx),%rdi: another field */
		{ { 0x48, 0x8b, 0x7b, 0x18 }, { 0x48, 0x8b, 0x7b, 0x20 }, 4, false },
		/* mov -0x70(%rbp),%rdx vs mov -0x68(%rbp),%rcx: stack slots */
		{ { 0x48, 0x8b, 0x55, 0x90 }, { 0x48, 0x8b, 0x4d, 0x98 }, 4, true },
		/* mov 0x18(%rbp),%rax vs mov 0x18(%rbx),%rax: %rbp as a register, a field */
		{ { 0x48, 0x8b, 0x45, 0x18 }, { 0x48, 0x8b, 0x43, 0x18 }, 4, true },
		/* mov 0x18(%rbp),%rax vs mov 0x20(%rbp),%rax: another field */
		{ { 0x48, 0x8b, 0x45, 0x18 }, { 0x48, 0x8b, 0x45, 0x20 }, 4, false },
		/* movzbl 0x0(%rbp,%rdx,1),%esi vs movzbl (%rdi,%rdx,1),%ecx */
		{ { 0x0f, 0xb6, 0x74, 0x15, 0x00 }, { 0x0f, 0xb6, 0x0c, 0x17 }, 5, true, 4 },
		/* mov 0x8(%rsp),%eax vs mov 0x10(%rsp),%edx */
		{ { 0x8b, 0x44, 0x24, 0x08 }, { 0x8b, 0x54, 0x24, 0x10 }, 4, true },
		/* push %rbx vs push %r12 */
		{ { 0x53 }, { 0x41, 0x54 }, 1, true, 2 },
		/* push %rbx vs push %rbp */
		{ { 0x53 }, { 0x55 }, 1, true },
		/* add $8,%rax vs sub $8,%rax: /0 and /5 of group 1 */
		{ { 0x48, 0x83, 0xc0, 0x08 }, { 0x48, 0x83, 0xe8, 0x08 }, 4, false },
		/* add $8,%rax vs add $8,%rcx */
		{ { 0x48, 0x83, 0xc0, 0x08 }, { 0x48, 0x83, 0xc1, 0x08 }, 4, true },
		/* mov $1,%esi vs mov $2,%esi: immediates stay */
		{ { 0xbe, 1, 0, 0, 0 }, { 0xbe, 2, 0, 0, 0 }, 5, false },
		/* mov 0(%rip),%eax vs mov 0(%rip),%edx */
		{ { 0x8b, 0x05, 0, 0, 0, 0 }, { 0x8b, 0x15, 0, 0, 0, 0 }, 6, true },
	};
	unsigned int k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		uint8_t mx[ARCH_NORM_MAX], my[ARCH_NORM_MAX];
		unsigned int lx, ly;

		lx = a->insn_normalize(cases[k].x, cases[k].len, mx);
		ly = a->insn_normalize(cases[k].y, cases[k].ylen ? cases[k].ylen : cases[k].len, my);
		assert_true(lx <= ARCH_NORM_MAX && ly <= ARCH_NORM_MAX);
		if ((lx == ly && memcmp(mx, my, lx) == 0) != cases[k].same)
			fail_msg("case %u: masked forms %s", k, cases[k].same ? "differ" : "agree");
	}
	/* undecodable bytes are copied as they are */
	{
		const uint8_t bad[2] = { 0x0f, 0x0b };
		uint8_t out[2];

		assert_int_equal(a->insn_normalize(bad, 1, out), 1);
		assert_int_equal(out[0], 0x0f);
	}
	/* branches: kind and condition only */
	{
		const uint8_t jb8[] = { 0x72, 0x73 }, jb32[] = { 0x0f, 0x82, 0x80, 0, 0, 0 };
		const uint8_t jae8[] = { 0x73, 0x73 }, jmp8[] = { 0xeb, 0xcd };
		const uint8_t jmp32[] = { 0xe9, 1, 2, 3, 4 };
		uint8_t o1[8], o2[8];

		assert_int_equal(a->insn_normalize(jb8, 2, o1), 2);
		assert_int_equal(a->insn_normalize(jb32, 6, o2), 2);
		assert_memory_equal(o1, o2, 2);
		assert_int_equal(a->insn_normalize(jae8, 2, o2), 2);
		assert_memory_not_equal(o1, o2, 2);
		assert_int_equal(a->insn_normalize(jmp8, 2, o1), 1);
		assert_int_equal(a->insn_normalize(jmp32, 5, o2), 1);
		assert_int_equal(o1[0], o2[0]);
	}
}

/* The normalized forms of @x and @y (@xl, @yl bytes): are they the same? */
static bool same_normal(const uint8_t *x, unsigned int xl, const uint8_t *y, unsigned int yl)
{
	const struct arch_ops *a = &x86_64_arch_ops;
	uint8_t mx[ARCH_NORM_MAX], my[ARCH_NORM_MAX];
	unsigned int lx = a->insn_normalize(x, xl, mx), ly = a->insn_normalize(y, yl, my);

	return lx == ly && !memcmp(mx, my, lx);
}

/* What only some registers can do, or do shorter, written the general way. */
static void test_x86_64_register_forms(void **state)
{
	/* lea (%rbx,%rbx,1),%eax and add %ebx,%ebx; lea 0x0(,%rsi,8),%rax and shl $0x3,%rax */
	static const uint8_t lea_add[] = { 0x8d, 0x04, 0x1b }, add[] = { 0x01, 0xdb };
	static const uint8_t lea_shl[] = { 0x48, 0x8d, 0x04, 0xf5, 0, 0, 0, 0 };
	static const uint8_t shl[] = { 0x48, 0xc1, 0xe6, 0x03 }, shl2[] = { 0x48, 0xc1, 0xe6, 0x02 };
	/* lea 0x8(%rbx,%rbx,1),%eax: a displacement, no add */
	static const uint8_t lea_disp[] = { 0x8d, 0x44, 0x1b, 0x08 };
	/* lea (%rbx,%rbx,1),%rax: REX.W stays */
	static const uint8_t lea_add64[] = { 0x48, 0x8d, 0x04, 0x1b };
	/* cltq and movslq %edx,%rdx; cwtl and movswl %dx,%edx */
	static const uint8_t cltq[] = { 0x48, 0x98 }, movslq[] = { 0x48, 0x63, 0xd2 };
	static const uint8_t cwtl[] = { 0x98 }, movswl[] = { 0x0f, 0xbf, 0xd2 };
	/* cs call rel32 (a padded call to __x86_indirect_thunk_r8) and call rel32 */
	static const uint8_t cs_call[] = { 0x2e, 0xe8, 0, 0, 0, 0 }, call[] = { 0xe8, 0, 0, 0, 0 };
	static const uint8_t cs_jmp[] = { 0x2e, 0xe9, 0, 0, 0, 0 }, jmp[] = { 0xe9, 1, 2, 3, 4 };
	const struct arch_ops *a = &x86_64_arch_ops;

	(void)state;
	assert_true(same_normal(lea_add, sizeof(lea_add), add, sizeof(add)));
	assert_false(same_normal(lea_add64, sizeof(lea_add64), add, sizeof(add)));
	assert_true(same_normal(lea_shl, sizeof(lea_shl), shl, sizeof(shl)));
	assert_false(same_normal(lea_shl, sizeof(lea_shl), shl2, sizeof(shl2)));
	assert_false(same_normal(lea_disp, sizeof(lea_disp), add, sizeof(add)));
	assert_true(same_normal(cltq, sizeof(cltq), movslq, sizeof(movslq)));
	assert_true(same_normal(cwtl, sizeof(cwtl), movswl, sizeof(movswl)));
	assert_false(same_normal(cltq, sizeof(cltq), movswl, sizeof(movswl)));
	assert_true(same_normal(cs_call, sizeof(cs_call), call, sizeof(call)));
	assert_true(same_normal(cs_jmp, sizeof(cs_jmp), jmp, sizeof(jmp)));
	/* the prefixed call's displacement is a branch distance all the same */
	assert_int_equal(a->insn_branch_disp(cs_call, sizeof(cs_call)), 4);
	assert_int_equal(a->insn_branch_disp((const uint8_t[]){ 0x3e, 0x74, 0x10 }, 3), 1);
	assert_int_equal(a->insn_branch_disp((const uint8_t[]){ 0x2e, 0x2e }, 2), 0);
}

/*
 * Normalize the instructions @v (lengths @len, @n of them) in sequence,
 * through insn_compare_order(), into one buffer; its length.
 */
static unsigned int normal_run(const uint8_t (*v)[8], const unsigned int *len, unsigned int n,
			       uint8_t *out)
{
	const struct arch_ops *a = &x86_64_arch_ops;
	unsigned int k, total = 0, m;
	int state = 0;

	for (k = 0; k < n; k++) {
		m = a->insn_normalize(v[k], len[k], out + total);
		m = a->insn_compare_order(v[k], len[k], out + total, m, &state);
		out[total + m] = 0xee;	/* a separator no form ends with */
		total += m + 1;
	}
	return total;
}

static bool same_run(const uint8_t (*x)[8], const unsigned int *xl, const uint8_t (*y)[8],
		     const unsigned int *yl, unsigned int n)
{
	uint8_t ox[8 * ARCH_NORM_MAX], oy[8 * ARCH_NORM_MAX];
	unsigned int lx = normal_run(x, xl, n, ox), ly = normal_run(y, yl, n, oy);

	return lx == ly && !memcmp(ox, oy, lx);
}

/* A compare and the conditions that read it, whichever way round it is written. */
static void test_x86_64_compare_order(void **state)
{
	/* cmp %r12d,0x8(%rbx); jl  ==  cmp 0x8(%rbx),%r12d; jg */
	static const uint8_t m1[][8] = { { 0x44, 0x39, 0x63, 0x08 }, { 0x7c, 0x10 } };
	static const uint8_t m2[][8] = { { 0x44, 0x3b, 0x63, 0x08 }, { 0x0f, 0x8f, 1, 0, 0, 0 } };
	static const uint8_t m3[][8] = { { 0x44, 0x3b, 0x63, 0x08 }, { 0x7c, 0x10 } };
	static const unsigned int ml[] = { 4, 2 }, ml2[] = { 4, 6 };
	/* cmp %ecx,%esi; jb  ==  cmp %esi,%ecx; ja  ==  cmp %esi,0x20(%rsp); ja */
	static const uint8_t r1[][8] = { { 0x39, 0xce }, { 0x72, 0x10 } };
	static const uint8_t r2[][8] = { { 0x39, 0xf1 }, { 0x77, 0x10 } };
	static const uint8_t r3[][8] = { { 0x39, 0x74, 0x24, 0x20 }, { 0x77, 0x10 } };
	/* but jb is not jae, nor je jne */
	static const uint8_t r4[][8] = { { 0x39, 0xf1 }, { 0x73, 0x10 } };
	static const unsigned int rl[] = { 2, 2 }, rl3[] = { 4, 2 };
	/* setl after the swapped compare, then jle: both follow it */
	static const uint8_t s1[][8] = { { 0x44, 0x39, 0x63, 0x08 }, { 0x0f, 0x9c, 0xc0 },
					 { 0x7e, 0x10 } };
	static const uint8_t s2[][8] = { { 0x44, 0x3b, 0x63, 0x08 }, { 0x0f, 0x9f, 0xc0 },
					 { 0x7d, 0x10 } };
	static const unsigned int sl[] = { 4, 3, 2 };
	/* an instruction between: the jump no longer reads the compare */
	static const uint8_t t1[][8] = { { 0x44, 0x3b, 0x63, 0x08 }, { 0x85, 0xc0 }, { 0x7c, 0x10 } };
	static const uint8_t t2[][8] = { { 0x44, 0x3b, 0x63, 0x08 }, { 0x85, 0xc0 }, { 0x7f, 0x10 } };
	static const unsigned int tl[] = { 4, 2, 2 };
	/* cmovg %eax,%ebx and cmovle %eax,%ebx: registers aside, one choice */
	static const uint8_t c1[][8] = { { 0x0f, 0x4f, 0xd8 } }, c2[][8] = { { 0x0f, 0x4e, 0xd8 } };
	/* from memory, the condition stays */
	static const uint8_t c3[][8] = { { 0x0f, 0x4f, 0x43, 0x08 } };
	static const uint8_t c4[][8] = { { 0x0f, 0x4e, 0x43, 0x08 } };
	static const unsigned int cl[] = { 3 }, cl4[] = { 4 };

	(void)state;
	assert_true(same_run(m1, ml, m2, ml2, 2));
	assert_false(same_run(m1, ml, m3, ml, 2));
	assert_true(same_run(r1, rl, r2, rl, 2));
	assert_true(same_run(r1, rl, r3, rl3, 2));
	assert_false(same_run(r1, rl, r4, rl, 2));
	assert_true(same_run(s1, sl, s2, sl, 3));
	assert_true(same_run(t1, tl, t1, tl, 3));
	assert_false(same_run(t1, tl, t2, tl, 3));
	assert_true(same_run(c1, cl, c2, cl, 1));
	assert_false(same_run(c3, cl4, c4, cl4, 1));
	/* the thunks are named per register */
	assert_non_null(x86_64_arch_ops.register_thunks);
	assert_string_equal(x86_64_arch_ops.register_thunks[0], "__x86_indirect_thunk_");
}

/* What register allocation and block layout add or take away, and what not. */
static void test_x86_64_shuffle(void **state)
{
	static const struct {
		uint8_t b[8];
		unsigned int len;
		bool shuffle;
	} cases[] = {
		{ { 0x44, 0x89, 0x1c, 0x24 }, 4, true },	/* mov %r11d,(%rsp) */
		{ { 0x48, 0x89, 0x44, 0x24, 0x30 }, 5, true },	/* mov %rax,0x30(%rsp) */
		{ { 0x4c, 0x8b, 0x54, 0x24, 0x20 }, 5, true },	/* mov 0x20(%rsp),%r10 */
		{ { 0x48, 0x8b, 0x45, 0xf8 }, 4, true },	/* mov -0x8(%rbp),%rax */
		{ { 0x4c, 0x89, 0xd7 }, 3, true },		/* mov %r10,%rdi */
		{ { 0x41, 0x54 }, 2, true },			/* push %r12 */
		{ { 0x5b }, 1, true },				/* pop %rbx */
		{ { 0xeb, 0x10 }, 2, true },			/* jmp rel8 */
		{ { 0xe9, 1, 2, 3, 4 }, 5, true },		/* jmp rel32 */
		{ { 0xc3 }, 1, true },				/* ret */
		{ { 0xc9 }, 1, true },				/* leave */
		{ { 0x48, 0x83, 0xec, 0x08 }, 4, true },	/* sub $0x8,%rsp */
		{ { 0x48, 0x83, 0xc4, 0x08 }, 4, true },	/* add $0x8,%rsp */
		{ { 0x48, 0x83, 0xc0, 0x08 }, 4, false },	/* add $0x8,%rax */
		{ { 0x8b, 0x72, 0x48 }, 3, false },		/* mov 0x48(%rdx),%esi: a field */
		{ { 0x8b, 0x05, 0, 0, 0, 0 }, 6, false },	/* mov 0(%rip),%eax: a global */
		{ { 0x49, 0x8b, 0x04, 0x24 }, 4, false },	/* mov (%r12),%rax */
		{ { 0x4a, 0x8b, 0x04, 0x24 }, 4, false },	/* mov (%rsp,%r12,1),%rax */
		{ { 0x74, 0x10 }, 2, false },			/* je rel8 */
		{ { 0x39, 0xce }, 2, false },			/* cmp %ecx,%esi */
	};
	const struct arch_ops *a = arch_for_machine(EM_X86_64);
	unsigned int k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		if (a->insn_is_shuffle(cases[k].b, cases[k].len) != cases[k].shuffle)
			fail_msg("case %u: shuffle %d, want %d", k, !cases[k].shuffle,
				 cases[k].shuffle);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_x86_64_shuffle),
		cmocka_unit_test(test_x86_64_relocations),
		cmocka_unit_test(test_x86_64_fentry_nop),
		cmocka_unit_test(test_x86_64_instructions),
		cmocka_unit_test(test_x86_64_immediate),
		cmocka_unit_test(test_x86_64_mask_regs),
		cmocka_unit_test(test_x86_64_register_forms),
		cmocka_unit_test(test_x86_64_compare_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
