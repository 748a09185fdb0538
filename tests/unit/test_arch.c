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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_x86_64_relocations),
		cmocka_unit_test(test_x86_64_fentry_nop),
		cmocka_unit_test(test_x86_64_instructions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
