// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the x86-64 instruction-length decoder (x86/insn.c).
 *
 * Every instruction is decoded from a heap buffer of exactly the size
 * under test, so an over-read past @avail is an ASan error, not a silent
 * pass.  Three sources of truth: a hand-checked table per encoding
 * category, thousands of instructions objdump decoded in real code
 * (insn_vectors.h), and invariants checked on random bytes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "x86/insn.h"
#include "insn_vectors.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static size_t parse_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		unsigned int b;

		if (sscanf(hex, "%2x", &b) != 1)
			fail_msg("bad hex in test vector: %s", hex);
		assert_true(n < cap);
		out[n++] = (uint8_t)b;
	}
	assert_true(hex[0] == '\0');
	return n;
}

/* Decodes @avail bytes of @bytes from a buffer of exactly @avail bytes. */
static unsigned int decode_exact(const uint8_t *bytes, size_t avail)
{
	uint8_t *buf = malloc(avail);	/* malloc(0) too: ASan flags any read */
	unsigned int len;

	if (avail)
		assert_non_null(buf);
	if (buf)
		memcpy(buf, bytes, avail);
	len = x86_insn_length(buf, avail);
	free(buf);
	return len;
}

/*
 * @hex is one instruction of @want bytes, possibly followed by more bytes
 * (which must not change the answer).  Every prefix shorter than the
 * instruction is truncated and must give 0.
 */
static void check_insn(const char *hex, unsigned int want, const char *what)
{
	uint8_t bytes[64];
	size_t n = parse_hex(hex, bytes, sizeof(bytes)), k;
	unsigned int got;

	got = decode_exact(bytes, n);
	if (got != want)
		fail_msg("%s (%s): length %u, want %u", what, hex, got, want);
	if (!want)
		return;
	for (k = 0; k < want; k++) {
		got = decode_exact(bytes, k);
		if (got)
			fail_msg("%s (%s): %zu of %u bytes decode as %u", what, hex, k,
				 want, got);
	}
	/* Junk after the instruction is never part of it. */
	memset(bytes + n, 0x66, sizeof(bytes) - n);
	got = decode_exact(bytes, sizeof(bytes));
	if (got != want)
		fail_msg("%s (%s): length %u with bytes after, want %u", what, hex,
			 got, want);
}

struct hand_case {
	const char *hex;
	unsigned int len;	/* 0: invalid */
	const char *what;
};

/* Checked against the SDM and, where they agree, objdump 2.40. */
static const struct hand_case hand_cases[] = {
	/* one-byte map, legacy prefixes, REX */
	{ "90", 1, "nop" },
	{ "6690", 2, "xchg %ax,%ax" },
	{ "f390", 2, "pause" },
	{ "cc", 1, "int3" },
	{ "cd80", 2, "int $0x80" },
	{ "f1", 1, "int1" },
	{ "c3", 1, "ret" },
	{ "c3cc", 1, "ret; int3 (SLS)" },
	{ "c20800", 3, "ret $8" },
	{ "ca0800", 3, "lret $8" },
	{ "c8100000", 4, "enter $0x10,$0" },
	{ "9c", 1, "pushf" },
	{ "9d", 1, "popf" },
	{ "669c", 2, "pushfw" },
	{ "91", 1, "xchg %eax,%ecx" },
	{ "4991", 2, "xchg %rax,%r9" },
	{ "870f", 2, "xchg %ecx,(%rdi)" },
	{ "48870f", 3, "xchg %rcx,(%rdi)" },
	{ "f0ff07", 3, "lock incl (%rdi)" },
	{ "f00fc10e", 4, "lock xadd %ecx,(%rsi)" },
	{ "f0480fb10f", 5, "lock cmpxchg %rcx,(%rdi)" },
	{ "f0480fab07", 5, "lock bts %rax,(%rdi)" },
	{ "f3a4", 2, "rep movsb" },
	{ "f348a5", 3, "rep movsq" },
	{ "f3aa", 2, "rep stos" },
	{ "64488b042528000000", 9, "mov %fs:0x28,%rax" },
	{ "65488b042500000000", 9, "mov %gs:0,%rax" },
	{ "4840c3", 3, "a second REX replaces the first" },
	{ "486690", 3, "a REX before a legacy prefix is ignored, not an insn" },
	/* immediates by operand size */
	{ "0544332211", 5, "add $imm32,%eax" },
	{ "66053412", 4, "add $imm16,%ax" },
	{ "480544332211", 6, "add $imm32,%rax" },
	{ "81c144332211", 6, "add $imm32,%ecx" },
	{ "6681c13412", 5, "add $imm16,%cx" },
	{ "664881c144332211", 8, "REX.W overrides 66 for Iz" },
	{ "83c001", 3, "add $1,%eax" },
	{ "6a01", 2, "push $1" },
	{ "6844332211", 5, "push $imm32" },
	{ "66683412", 4, "pushw $imm16" },
	{ "69c044332211", 6, "imul $imm32,%eax,%eax" },
	{ "6bc003", 3, "imul $3,%eax,%eax" },
	{ "b844332211", 5, "mov $imm32,%eax" },
	{ "66b83412", 4, "mov $imm16,%ax" },
	{ "48b88877665544332211", 10, "movabs $imm64,%rax" },
	{ "49bb8877665544332211", 10, "movabs $imm64,%r11" },
	{ "6648b88877665544332211", 11, "REX.W overrides 66 for MOV imm64" },
	{ "41be01000000", 6, "mov $1,%r14d" },
	{ "b001", 2, "mov $1,%al" },
	{ "c6400801", 4, "movb $1,8(%rax)" },
	{ "48c7c0ffffffff", 7, "mov $-1,%rax" },
	{ "66c700341200", 5, "movw $0x1234,(%rax)" },
	{ "c1e003", 3, "shl $3,%eax" },
	{ "a8 01", 2, "test $1,%al" },
	{ "a944332211", 5, "test $imm32,%eax" },
	/* group 3: only TEST (/0, /1) has an immediate */
	{ "f6c101", 3, "test $1,%cl" },
	{ "f6c901", 3, "test $1,%cl (/1 alias)" },
	{ "f6d1", 2, "not %cl" },
	{ "f7c100000100", 6, "test $0x10000,%ecx" },
	{ "66f7c10001", 5, "test $0x100,%cx" },
	{ "48f7c1feffffff", 7, "test $-2,%rcx" },
	{ "f7d8", 2, "neg %eax" },
	{ "f7f1", 2, "div %ecx" },
	{ "f6050100000007", 7, "testb $7,1(%rip)" },
	{ "f7050100000044332211", 10, "testl $imm32,1(%rip)" },
	{ "f72501000000", 6, "mull 1(%rip)" },
	/* moffs: 8-byte address, 4 with 67 */
	{ "a08877665544332211", 9, "movabs moffs,%al" },
	{ "48a18877665544332211", 10, "movabs moffs,%rax" },
	{ "66a38877665544332211", 10, "movabs %ax,moffs" },
	{ "67a144332211", 6, "addr32 mov moffs32,%eax" },
	/* ModRM, SIB, displacement */
	{ "8b00", 2, "mov (%rax),%eax" },
	{ "8b4508", 3, "mov 8(%rbp),%eax" },
	{ "8b8500010000", 6, "mov 0x100(%rbp),%eax" },
	{ "8b0424", 3, "mov (%rsp),%eax" },
	{ "8b442408", 4, "mov 8(%rsp),%eax" },
	{ "8b842400010000", 7, "mov 0x100(%rsp),%eax" },
	{ "8b042544332211", 7, "mov abs32,%eax (SIB, no base)" },
	{ "8b048d00000000", 7, "mov 0(,%rcx,4),%eax" },
	{ "8b448d00", 4, "mov 0(%rbp,%rcx,4),%eax" },
	{ "8b0544332211", 6, "mov rel(%rip),%eax" },
	{ "418b4500", 4, "mov 0(%r13),%eax" },
	{ "418b0424", 4, "mov (%r12),%eax" },
	{ "418b0544332211", 7, "r13 with mod 0 is still RIP-relative" },
	{ "678b00", 3, "mov (%eax),%eax" },
	{ "678b0544332211", 7, "mov rel(%eip),%eax" },
	{ "8d00", 2, "lea (%rax),%eax" },
	{ "488d3d44332211", 7, "lea rel(%rip),%rdi" },
	/* branches */
	{ "ebfe", 2, "jmp rel8" },
	{ "7400", 2, "je rel8" },
	{ "e3fe", 2, "jrcxz" },
	{ "e2fe", 2, "loop" },
	{ "e800000000", 5, "call rel32 (__fentry__)" },
	{ "e900000000", 5, "jmp rel32 (return thunk)" },
	{ "2ee800000000", 6, "cs call rel32 (retpoline thunk call)" },
	{ "66e800000000", 6, "66 does not shrink rel32 (Intel, kernel)" },
	{ "0f8400000000", 6, "je rel32" },
	{ "0f8ffcffffff", 6, "jg rel32" },
	{ "660f8400000000", 7, "66 jcc rel32" },
	{ "ffd0", 2, "call *%rax" },
	{ "41ffe3", 3, "jmp *%r11" },
	{ "ff2500000000", 6, "jmp *rel(%rip)" },
	{ "ff14c500000000", 7, "call *0(,%rax,8)" },
	{ "ff1c24", 3, "lcall *(%rsp)" },
	{ "ff2c24", 3, "ljmp *(%rsp)" },
	{ "f390", 2, "retpoline: pause" },
	{ "48890424", 4, "retpoline: mov %rax,(%rsp)" },
	/* 0F map: traps, NOPs, system instructions */
	{ "0f0b", 2, "ud2 (BUG)" },
	{ "0fb94001", 4, "ud1 1(%rax),%eax (WARN)" },
	{ "0fb9c8", 3, "ud1 %eax,%ecx" },
	{ "0fff", 2, "ud0: no ModRM, as the kernel decodes it" },
	{ "0f1f00", 3, "nopl (%rax)" },
	{ "0f1f4000", 4, "nopl 0(%rax)" },
	{ "0f1f440000", 5, "nopl 0(%rax,%rax,1) (jump label)" },
	{ "660f1f440000", 6, "nopw 0(%rax,%rax,1)" },
	{ "0f1f8000000000", 7, "nopl 0L(%rax)" },
	{ "0f1f840000000000", 8, "nopl 0L(%rax,%rax,1)" },
	{ "660f1f840000000000", 9, "nopw 0L(%rax,%rax,1)" },
	{ "662e0f1f840000000000", 10, "cs nopw" },
	{ "6666662e0f1f840000000000", 12, "data16 data16 cs nopw" },
	{ "0f18 08", 3, "prefetcht0 (%rax)" },
	{ "0f0d08", 3, "prefetchw (%rax)" },
	{ "0f01ca", 3, "clac" },
	{ "0f01cb", 3, "stac" },
	{ "0f01f8", 3, "swapgs" },
	{ "0f01f9", 3, "rdtscp" },
	{ "0f01d0", 3, "xgetbv" },
	{ "0f01c1", 3, "vmcall" },
	{ "0f01d9", 3, "vmmcall" },
	{ "0f01c6", 3, "wrmsrns" },
	{ "0f01ee", 3, "rdpkru" },
	{ "0f0118", 3, "lidt (%rax)" },
	{ "0f0138", 3, "invlpg (%rax)" },
	{ "f20f00f0", 4, "lkgs %ax" },
	{ "0f00d8", 3, "ltr %ax" },
	{ "0faee8", 3, "lfence" },
	{ "0faef0", 3, "mfence" },
	{ "0faef8", 3, "sfence" },
	{ "0fae38", 3, "clflush (%rax)" },
	{ "660fae38", 4, "clflushopt (%rax)" },
	{ "660fae30", 4, "clwb (%rax)" },
	{ "f3480faec0", 5, "rdfsbase %rax" },
	{ "0fae20", 3, "xsave (%rax)" },
	{ "0f32", 2, "rdmsr" },
	{ "0f30", 2, "wrmsr" },
	{ "0fa2", 2, "cpuid" },
	{ "0f31", 2, "rdtsc" },
	{ "0f05", 2, "syscall" },
	{ "480f07", 3, "sysretq" },
	{ "0f09", 2, "wbinvd" },
	{ "f4", 1, "hlt" },
	{ "48cf", 2, "iretq" },
	{ "0f20d8", 3, "mov %cr3,%rax" },
	{ "0f22d8", 3, "mov %rax,%cr3" },
	{ "440f20c0", 4, "mov %cr8,%rax" },
	{ "0f2000", 3, "mov %cr0,%rax: CR moves ignore mod" },
	{ "0f21f8", 3, "mov %db7,%rax" },
	{ "f0480fc70f", 5, "lock cmpxchg16b (%rdi)" },
	{ "0fc70f", 3, "cmpxchg8b (%rdi)" },
	{ "480fc7f0", 4, "rdrand %rax" },
	{ "0fc7f8", 3, "rdseed %eax" },
	{ "f30f1efa", 4, "endbr64" },
	{ "f30f1efb", 4, "endbr32" },
	{ "0f94c0", 3, "sete %al" },
	{ "480f44c1", 4, "cmove %rcx,%rax" },
	{ "0fb6c0", 3, "movzbl %al,%eax" },
	{ "480fbe0424", 5, "movsbq (%rsp),%rax" },
	{ "0fa3c8", 3, "bt %ecx,%eax" },
	{ "0fbae005", 4, "bt $5,%eax" },
	{ "0fa4c103", 4, "shld $3,%eax,%ecx" },
	{ "0fc8", 2, "bswap %eax" },
	{ "490fc8", 3, "bswap %r8" },
	{ "f3480fb8c1", 5, "popcnt %rcx,%rax" },
	{ "0f78c8", 3, "vmread %rcx,%rax" },
	{ "660f78c10408", 6, "extrq $4,$8,%xmm1" },
	{ "f20f78ca0408", 6, "insertq $4,$8,%xmm2,%xmm1" },
	{ "660fefc0", 4, "pxor %xmm0,%xmm0" },
	{ "660f70c11b", 5, "pshufd $0x1b,%xmm1,%xmm0" },
	{ "0fc6c11b", 4, "shufps $0x1b,%xmm1,%xmm0" },
	{ "0fa7c8", 3, "xcryptecb (VIA)" },
	{ "f30fa7c8", 4, "rep xcryptecb (VIA)" },
	{ "c6f803", 3, "xabort $3" },
	{ "c7f800000000", 6, "xbegin rel32" },
	{ "66c7f80000", 5, "xbegin rel16" },
	/* x87 */
	{ "d9e8", 2, "fld1" },
	{ "dd1c24", 3, "fstpl (%rsp)" },
	{ "db2c24", 3, "fldt (%rsp)" },
	{ "dfe0", 2, "fnstsw %ax" },
	{ "9b", 1, "fwait is an instruction of its own" },
	/* 0F38, 0F3A */
	{ "660f3800c1", 5, "pshufb %xmm1,%xmm0" },
	{ "0f38f007", 4, "movbe (%rdi),%eax" },
	{ "f20f38f1c1", 5, "crc32l %ecx,%eax" },
	{ "660f388207", 5, "invpcid (%rdi),%rax" },
	{ "660f38dcc1", 5, "aesenc %xmm1,%xmm0" },
	{ "0f38cbc1", 4, "sha256rnds2 %xmm1,%xmm0" },
	{ "660f3a0fc108", 6, "palignr $8,%xmm1,%xmm0" },
	{ "660f3a44c100", 6, "pclmulqdq $0,%xmm1,%xmm0" },
	{ "660f3a16c001", 6, "pextrd $1,%xmm0,%eax" },
	{ "f30f3af0c001", 6, "hreset $1" },
	/* VEX */
	{ "c5f877", 3, "vzeroupper" },
	{ "c5fc77", 3, "vzeroall" },
	{ "c5f96fc1", 4, "vmovdqa %xmm1,%xmm0" },
	{ "c5fd6f00", 4, "vmovdqa (%rax),%ymm0" },
	{ "c5f970c11b", 5, "vpshufd $0x1b,%xmm1,%xmm0" },
	{ "c5f8ae10", 4, "vldmxcsr (%rax)" },
	{ "c4e27d58c0", 5, "vpbroadcastd %xmm0,%ymm0" },
	{ "c4e3fd00c14e", 6, "vpermq $0x4e,%ymm1,%ymm0" },
	{ "c4e2f1f7c0", 5, "shlx %rcx,%rax,%rax" },
	{ "c4e3fbf0c003", 6, "rorx $3,%rax,%rax" },
	{ "c4e17a10442408", 7, "vmovss 8(%rsp),%xmm0" },
	{ "c4e37d4ac110", 6, "vblendvps %ymm1,..,%ymm0 (is4)" },
	{ "67c5f96f00", 5, "addr32 vmovdqa (%eax),%xmm0" },
	{ "2ec5f877", 4, "cs vzeroupper" },
	{ "c4e27b49c0", 5, "tilezero %tmm0" },
	{ "c4e77bf6c044332211", 9, "rdmsr $imm32,%rax (MSR_IMM, VEX map 7)" },
	/* EVEX */
	{ "62f1fd486f00", 6, "vmovdqa64 (%rax),%zmm0" },
	{ "62f1fd486f4001", 7, "vmovdqa64 0x40(%rax),%zmm0 (disp8*N)" },
	{ "62f3fd4825c196", 7, "vpternlogq $0x96,%zmm1,%zmm0,%zmm0" },
	{ "62f27d485800", 6, "vpbroadcastd (%rax),%zmm0" },
	{ "62f1fd48c2c100", 7, "vcmppd $0,%zmm1,%zmm0,%k0" },
	{ "62f57c4858c1", 6, "vaddph %zmm1,%zmm0,%zmm0 (map 5)" },
	{ "62f67d482cc1", 6, "vscalefph %zmm1,%zmm0,%zmm0 (map 6)" },
	{ "62f27d4992048d00000000", 11, "vgatherdps 0(,%zmm1,4),%zmm0{%k1}" },
	/* XOP (AMD) */
	{ "8fe878c0c103", 6, "vprotb $3,%xmm1,%xmm0" },
	{ "8fe97801c8", 5, "blcfill %eax,%eax" },
	{ "8fea7810c044332211", 9, "bextr $imm32,%eax,%eax" },
	{ "8fc0", 2, "pop %rax" },
	{ "8f00", 2, "pop (%rax)" },
	/* the 15-byte limit */
	{ "6666666666666666666666666666" "90", 15, "14 prefixes + nop" },
	{ "666666666666666666666666666666" "90", 0, "15 prefixes + nop" },
	{ "6666666666662e0f1f840000000000", 15, "15-byte nopw" },
	{ "666666666666662e0f1f840000000000", 0, "16-byte nopw" },
	{ "f0662e488184248877665544332211", 15, "lock cs addq $imm32,disp32(%rsp)" },
	{ "f0662e3e488184248877665544332211", 0, "the same with one more prefix" },

	/* undefined in 64-bit mode */
	{ "0600000000000000", 0, "push %es" },
	{ "0700000000000000", 0, "pop %es" },
	{ "0e00000000000000", 0, "push %cs" },
	{ "1600000000000000", 0, "push %ss" },
	{ "1700000000000000", 0, "pop %ss" },
	{ "1e00000000000000", 0, "push %ds" },
	{ "1f00000000000000", 0, "pop %ds" },
	{ "2700000000000000", 0, "daa" },
	{ "2f00000000000000", 0, "das" },
	{ "3700000000000000", 0, "aaa" },
	{ "3f00000000000000", 0, "aas" },
	{ "6000000000000000", 0, "pusha" },
	{ "6100000000000000", 0, "popa" },
	{ "6200000000000000", 0, "bound (EVEX with map 0)" },
	{ "8200000000000000", 0, "82 alias of 80" },
	{ "9a00000000000000", 0, "lcall ptr16:32" },
	{ "c400000000000000", 0, "les (VEX3 with map 0)" },
	{ "c4e47d0000000000", 0, "VEX3 map 4" },
	{ "ce00000000000000", 0, "into" },
	{ "d400000000000000", 0, "aam" },
	{ "d500000000000000", 0, "aad" },
	{ "d600000000000000", 0, "salc" },
	{ "ea00000000000000", 0, "ljmp ptr16:32" },
	{ "66c5f877", 0, "66 before VEX" },
	{ "48c5f877", 0, "REX before VEX" },
	{ "f3c4e27d58c0", 0, "F3 before VEX" },
	{ "f062f1fd486f00", 0, "LOCK before EVEX" },
	{ "c5f88000000000", 0, "VEX 0F 80 (no VEX Jcc)" },
	{ "c5f80b", 0, "VEX 0F 0B" },
	{ "62f9fd486f00", 0, "EVEX reserved P0 bit 3 set" },
	{ "62f1f9486f00", 0, "EVEX P1 bit 2 clear" },
	{ "62f4fd486f00", 0, "EVEX map 4" },
	{ "62f7fd486f00", 0, "EVEX map 7" },
	{ "8fe0", 0, "8F /4" },
	{ "8fe878ff00", 0, "XOP map 8 FF" },
	{ "8feb7800c0", 0, "XOP map B" },
	{ "8dc0", 0, "lea with a register" },
	{ "fed0", 0, "FE /2" },
	{ "ffd8", 0, "lcall with a register" },
	{ "ffe8", 0, "ljmp with a register" },
	{ "fff8", 0, "FF /7" },
	{ "c6f900", 0, "C6 /7 other than F8" },
	{ "c60801", 0, "C6 /1" },
	{ "c7c800000000", 0, "C7 /1" },
	{ "0f0e", 0, "femms (3DNow!)" },
	{ "0f0fc0b4", 0, "3DNow!" },
	{ "0f04", 0, "0F 04" },
	{ "0f24c0", 0, "mov %tr" },
	{ "0f36", 0, "0F 36" },
	{ "0f01c7", 0, "0F 01 C7" },
	{ "0f01eb", 0, "0F 01 EB" },
	{ "0faef9", 0, "0F AE F9" },
	{ "0fbad005", 0, "0F BA /2" },
	{ "0fc7c8", 0, "cmpxchg16b with a register" },
	{ "0fb2c0", 0, "lss with a register" },
	{ "0fa7c9", 0, "VIA 0F A7 C9" },
	{ "0f7300", 0, "psrlq $imm with memory" },
	{ "d9d8", 0, "x87 D9 D8" },
	{ "db20", 0, "x87 DB /4 memory" },
	{ "0f3850c0", 0, "0F 38 50" },
	{ "660f3882c1", 0, "invpcid with a register" },
	{ "0f3a00c000", 0, "0F 3A 00" },
	{ "66", 0, "lone prefix" },
	{ "48", 0, "lone REX" },
	{ "0f", 0, "lone escape" },
	{ "0f38", 0, "lone 0F 38" },
	{ "c5", 0, "lone VEX2" },
	{ "62f1fd48", 0, "EVEX without opcode" },
};

static void test_hand_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(hand_cases); i++) {
		char hex[128];
		size_t j, k = 0;

		/* spaces in the table are for reading only */
		for (j = 0; hand_cases[i].hex[j] && k + 1 < sizeof(hex); j++)
			if (hand_cases[i].hex[j] != ' ')
				hex[k++] = hand_cases[i].hex[j];
		hex[k] = '\0';
		check_insn(hex, hand_cases[i].len, hand_cases[i].what);
	}
}

static void check_vectors(const char *const *vec, size_t n, const char *src)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_insn(vec[i], (unsigned int)(strlen(vec[i]) / 2), src);
}

static void test_kernel_vectors(void **state)
{
	(void)state;
	assert_true(ARRAY_SIZE(insn_vectors_kernel) > 300);
	check_vectors(insn_vectors_kernel, ARRAY_SIZE(insn_vectors_kernel),
		      "kernel vector");
}

/* the user shapes, one opcode map per header (see insn_vectors.h) */
static void test_user_vectors_onebyte(void **state)
{
	(void)state;
	assert_true(ARRAY_SIZE(insn_vectors_onebyte) > 3000);
	check_vectors(insn_vectors_onebyte, ARRAY_SIZE(insn_vectors_onebyte),
		      "user vector, one-byte map");
}

static void test_user_vectors_0f(void **state)
{
	(void)state;
	assert_true(ARRAY_SIZE(insn_vectors_0f) > 3000);
	check_vectors(insn_vectors_0f, ARRAY_SIZE(insn_vectors_0f), "user vector, 0F maps");
}

static void test_user_vectors_vex(void **state)
{
	(void)state;
	assert_true(ARRAY_SIZE(insn_vectors_vex) > 300);
	check_vectors(insn_vectors_vex, ARRAY_SIZE(insn_vectors_vex),
		      "user vector, VEX/XOP/EVEX");
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/*
 * Random bytes, biased towards prefixes and escapes so that deep paths
 * are reached: whatever the answer, it never exceeds what was available,
 * never depends on bytes after the instruction, and every shorter input
 * is truncated.
 */
static void test_random_invariants(void **state)
{
	static const uint8_t hot[] = {
		0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x48, 0x41, 0x0f, 0x38, 0x3a,
		0xc4, 0xc5, 0x62, 0x8f, 0xe1, 0xe2, 0xe3, 0xf1, 0x7d, 0xfd, 0x48,
		0x04, 0x05, 0x44, 0x84, 0x25, 0xc0, 0xf6, 0xf7,
	};
	uint8_t bytes[X86_INSN_MAX_LEN + 4];
	unsigned int round, len, again, shorter;
	size_t i, avail;

	(void)state;
	for (round = 0; round < 200000; round++) {
		for (i = 0; i < sizeof(bytes); i++) {
			uint64_t r = rng();

			bytes[i] = (r & 3) ? (uint8_t)(r >> 8) : hot[(r >> 8) % sizeof(hot)];
		}
		avail = rng() % (sizeof(bytes) + 1);
		len = decode_exact(bytes, avail);
		assert_true(len <= avail && len <= X86_INSN_MAX_LEN);
		if (!len)
			continue;
		again = decode_exact(bytes, len);
		assert_int_equal(again, len);
		shorter = decode_exact(bytes, len - 1);
		assert_int_equal(shorter, 0);
	}
}

static void test_null_and_empty(void **state)
{
	static const uint8_t nop = 0x90;

	(void)state;
	assert_int_equal(x86_insn_length(NULL, 5), 0);
	assert_int_equal(x86_insn_length(&nop, 0), 0);
	assert_int_equal(x86_insn_length(&nop, 1), 1);
}

static void test_load_immediate(void **state)
{
	static const struct {
		const char *hex;
		bool want;
	} cases[] = {
		{ "be70000000", true },		/* mov $0x70,%esi: WARN() line */
		{ "baf7010000", true },		/* mov $0x1f7,%edx */
		{ "41be70000000", false },	/* mov $0x70,%r14d: REX, as upstream */
		{ "40be70000000", false },	/* empty REX: first byte is not BE */
		{ "48c7c670000000", false },	/* mov $0x70,%rsi */
		{ "66be7000", false },		/* mov $0x70,%si */
		{ "bf70000000", false },	/* %edi is the first argument */
		{ "b970000000", false },	/* %ecx */
		{ "b870000000", false },	/* %eax */
		{ "e800000000", false },
	};
	uint8_t bytes[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = parse_hex(cases[i].hex, bytes, sizeof(bytes));
		assert_int_equal(x86_insn_length(bytes, n), n);
		if (x86_insn_is_load_immediate(bytes, (unsigned int)n) != cases[i].want)
			fail_msg("load-immediate %s: want %d", cases[i].hex, cases[i].want);
	}
	bytes[0] = 0xbe;
	assert_false(x86_insn_is_load_immediate(bytes, 0));
	assert_false(x86_insn_is_load_immediate(NULL, 5));
}

/* WARN()-like code: endbr, fentry call, nops, load-immediate, ud2, ret. */
static const char boundary_code[] =
	"f30f1efa"		/* 0  endbr64 */
	"e800000000"		/* 4  call __fentry__ */
	"0f1f440000"		/* 9  jump-label nop */
	"be70000000"		/* 14 mov $0x70,%esi */
	"48c7c700000000"	/* 19 mov $0,%rdi */
	"c6050000000001"	/* 26 movb $1,rel(%rip) */
	"e800000000"		/* 33 call */
	"0f0b"			/* 38 ud2 */
	"660f1f840000000000"	/* 40 nopw */
	"c3";			/* 49 ret */
static const uint32_t boundary_starts[] = { 0, 4, 9, 14, 19, 26, 33, 38, 40, 49 };

static void test_boundaries(void **state)
{
	uint8_t bytes[64], *buf;
	uint32_t starts[16];
	size_t n, bad = 12345, i;
	long got;

	(void)state;
	n = parse_hex(boundary_code, bytes, sizeof(bytes));
	buf = malloc(n);
	assert_non_null(buf);
	memcpy(buf, bytes, n);

	got = x86_insn_boundaries(buf, n, starts, ARRAY_SIZE(starts), &bad);
	assert_int_equal(got, ARRAY_SIZE(boundary_starts));
	for (i = 0; i < ARRAY_SIZE(boundary_starts); i++)
		assert_int_equal(starts[i], boundary_starts[i]);
	assert_int_equal(bad, 12345);	/* untouched on success */

	/* Too small an array: the count is still the full one. */
	memset(starts, 0xff, sizeof(starts));
	got = x86_insn_boundaries(buf, n, starts, 3, NULL);
	assert_int_equal(got, ARRAY_SIZE(boundary_starts));
	assert_int_equal(starts[2], 9);
	assert_int_equal(starts[3], UINT32_MAX);
	assert_int_equal(x86_insn_boundaries(buf, n, NULL, 0, NULL),
			 ARRAY_SIZE(boundary_starts));
	assert_int_equal(x86_insn_boundaries(buf, 0, NULL, 0, NULL), 0);

	/* The "instruction containing byte X" search the callers do. */
	got = x86_insn_boundaries(buf, n, starts, ARRAY_SIZE(starts), NULL);
	assert_int_equal(got, ARRAY_SIZE(boundary_starts));
	for (i = 0; i < n; i++) {
		size_t lo = 0, hi = (size_t)got;

		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;

			if (starts[mid] <= i)
				lo = mid;
			else
				hi = mid;
		}
		assert_true(boundary_starts[lo] <= i);
		assert_true(lo + 1 == ARRAY_SIZE(boundary_starts) ||
			    boundary_starts[lo + 1] > i);
	}

	/* Cut inside the movb: the last instruction is truncated. */
	got = x86_insn_boundaries(buf, 30, starts, ARRAY_SIZE(starts), &bad);
	assert_int_equal(got, -1);
	assert_int_equal(bad, 26);
	free(buf);

	/* An undefined opcode in the middle. */
	n = parse_hex("90" "4889e5" "06" "c3", bytes, sizeof(bytes));
	buf = malloc(n);
	assert_non_null(buf);
	memcpy(buf, bytes, n);
	got = x86_insn_boundaries(buf, n, starts, ARRAY_SIZE(starts), &bad);
	assert_int_equal(got, -1);
	assert_int_equal(bad, 4);
	got = x86_insn_boundaries(buf, n, starts, ARRAY_SIZE(starts), NULL);
	assert_int_equal(got, -1);
	free(buf);

	/* Bad arguments. */
	bad = 7;
	assert_int_equal(x86_insn_boundaries(NULL, 4, starts, 4, &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(x86_insn_boundaries(bytes, 1, NULL, 4, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_cases),
		cmocka_unit_test(test_kernel_vectors),
		cmocka_unit_test(test_user_vectors_onebyte),
		cmocka_unit_test(test_user_vectors_0f),
		cmocka_unit_test(test_user_vectors_vex),
		cmocka_unit_test(test_random_invariants),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_load_immediate),
		cmocka_unit_test(test_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
