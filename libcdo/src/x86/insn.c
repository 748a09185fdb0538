// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 instruction-length decoder.
 *
 * Every opcode map is a 16x16 grid of one-letter length classes, laid out
 * like the opcode charts in the Intel SDM (row = high nibble), so a table
 * can be checked against the manual by eye.  A small side table lists the
 * opcodes whose ModRM.reg (or, for register forms, whole ModRM byte)
 * selects between defined and undefined encodings.
 *
 * Everything here is 64-bit mode: 06/07/27/60/61/9A/... are invalid,
 * C4/C5 are always VEX and 62 always EVEX, moffs are 8 bytes.
 */
#include "x86/insn.h"

/*
 * Length classes.  The letter says what follows the opcode byte:
 *   .  undefined opcode
 *   -  nothing
 *   p  never looked up: prefix or escape byte, handled before the tables
 *   m  ModRM (+ SIB + displacement)
 *   r  ModRM that is always a register form: MOV to/from CR/DR ignore
 *      the mod bits, so no SIB or displacement ever follows
 *   i  ModRM + imm8
 *   I  ModRM + imm16/32 (operand size; always imm32 behind VEX/XOP,
 *      where a 66 prefix is not allowed)
 *   t  ModRM + imm8 for /0 and /1 only (group 3 TEST)
 *   T  ModRM + imm16/32 for /0 and /1 only
 *   x  ModRM, + imm8 imm8 with a 66 or F2 prefix (EXTRQ/INSERTQ; without
 *      a prefix the same opcode is VMREAD)
 *   b  imm8 (including rel8)
 *   w  imm16
 *   z  imm16/32 by operand size; REX.W keeps 32
 *   j  rel32: in 64-bit mode a 66 prefix does not make it rel16 on Intel
 *      CPUs, and the kernel's decoder (so upstream kpatch) agrees
 *   v  imm16/32/64 by operand size (MOV r, imm)
 *   o  moffs: 8 bytes, 4 with a 67 prefix
 *   e  imm16 + imm8 (ENTER)
 */
typedef const char opmap_t[16][17];

static opmap_t map_one = {
	/*  0123456789abcdef */
	"mmmmbz..mmmmbz.p",	/* 0 */
	"mmmmbz..mmmmbz..",	/* 1 */
	"mmmmbzp.mmmmbzp.",	/* 2 */
	"mmmmbzp.mmmmbzp.",	/* 3 */
	"pppppppppppppppp",	/* 4  REX */
	"----------------",	/* 5 */
	"..pmppppzIbi----",	/* 6 */
	"bbbbbbbbbbbbbbbb",	/* 7 */
	"iI.immmmmmmmmmmm",	/* 8 */
	"----------.-----",	/* 9 */
	"oooo----bz------",	/* a */
	"bbbbbbbbvvvvvvvv",	/* b */
	"iiw-ppiIe-w--b.-",	/* c */
	"mmmm...-mmmmmmmm",	/* d */
	"bbbbbbbbjj.b----",	/* e */
	"p-pp--tT------mm",	/* f */
};

/*
 * 0F map.  3DNow! (0F 0E, 0F 0F) is left undefined: no current CPU runs
 * it and no compiler we care about emits it.  UD0 (0F FF) is two bytes,
 * as on AMD and in the kernel's own decoder: the kernel emits it as a
 * bare `.byte 0x0f, 0xff` (refcount overflow traps, .text..refcount),
 * which objdump, following Intel, would decode with a ModRM.
 */
static opmap_t map_0f = {
	/*  0123456789abcdef */
	"mmmm.-----.-.m..",	/* 0 */
	"mmmmmmmmmmmmmmmm",	/* 1 */
	"rrrr....mmmmmmmm",	/* 2 */
	"------.-p.p.....",	/* 3 */
	"mmmmmmmmmmmmmmmm",	/* 4 */
	"mmmmmmmmmmmmmmmm",	/* 5 */
	"mmmmmmmmmmmmmmmm",	/* 6 */
	"iiiimmm-xm..mmmm",	/* 7 */
	"jjjjjjjjjjjjjjjj",	/* 8 */
	"mmmmmmmmmmmmmmmm",	/* 9 */
	"---mimmm---mimmm",	/* a */
	"mmmmmmmmmmimmmmm",	/* b */
	"mmimiiim--------",	/* c */
	"mmmmmmmmmmmmmmmm",	/* d */
	"mmmmmmmmmmmmmmmm",	/* e */
	"mmmmmmmmmmmmmmm-",	/* f */
};

/* 0F 38 without VEX/EVEX: SSSE3, SSE4, SHA, AES, KL, MOVBE/CRC32, ... */
static opmap_t map_0f38 = {
	/*  0123456789abcdef */
	"mmmmmmmmmmmm....",	/* 0 */
	"m...mm.m....mmm.",	/* 1 */
	"mmmmmm..mmmm....",	/* 2 */
	"mmmmmm.mmmmmmmmm",	/* 3 */
	"mm..............",	/* 4 */
	"................",	/* 5 */
	"................",	/* 6 */
	"................",	/* 7 */
	"mmm.............",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"........mmmmmm.m",	/* c */
	"........m..mmmmm",	/* d */
	"................",	/* e */
	"mm...mm.mmmmm...",	/* f */
};

/* 0F 3A without VEX/EVEX: every opcode takes an imm8. */
static opmap_t map_0f3a = {
	/*  0123456789abcdef */
	"........iiiiiiii",	/* 0 */
	"....iiii........",	/* 1 */
	"iii.............",	/* 2 */
	"................",	/* 3 */
	"iii.i...........",	/* 4 */
	"................",	/* 5 */
	"iiii............",	/* 6 */
	"................",	/* 7 */
	"................",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"............i.ii",	/* c */
	"...............i",	/* d */
	"................",	/* e */
	"i...............",	/* f */
};

/*
 * Maps reached through VEX (C4/C5), EVEX (62) and XOP (8F).  Every
 * instruction there has a ModRM byte, except VZEROUPPER/VZEROALL (VEX 0F
 * 77), and immediates are one byte, except XOP map A's imm32.  An opcode
 * is marked defined when some setting of the prefix's pp, W and L fields
 * defines it; those fields themselves are not checked.  The grids were
 * cross-checked opcode by opcode against GNU objdump 2.40; newer VEX
 * opcodes it does not know (SHA512, SM3, SM4, AVX-VNNI-INT16,
 * AMX-COMPLEX) were added by hand.  AVX10.2 and APX are not covered.
 */
static opmap_t map_vex_0f = {
	/*  0123456789abcdef */
	"................",	/* 0 */
	"mmmmmmmm........",	/* 1 */
	"........mmmmmmmm",	/* 2 */
	"................",	/* 3 */
	".mm.mmmm..mm....",	/* 4 */
	"mmmmmmmmmmmmmmmm",	/* 5 */
	"mmmmmmmmmmmmmmmm",	/* 6 */
	"iiiimmm-....mmmm",	/* 7 */
	"................",	/* 8 */
	"mmmm....mm......",	/* 9 */
	"..............m.",	/* a */
	"................",	/* b */
	"..i.iii.........",	/* c */
	"mmmmmmmmmmmmmmmm",	/* d */
	"mmmmmmmmmmmmmmmm",	/* e */
	"mmmmmmmmmmmmmmm.",	/* f */
};

static opmap_t map_vex_0f38 = {
	/*  0123456789abcdef */
	"mmmmmmmmmmmmmmmm",	/* 0 */
	"...m..mmmmm.mmm.",	/* 1 */
	"mmmmmm..mmmmmmmm",	/* 2 */
	"mmmmmmmmmmmmmmmm",	/* 3 */
	"mm...mmm.m.m....",	/* 4 */
	"mmmm....mmm.m.m.",	/* 5 */
	"............m...",	/* 6 */
	"..m.....mm......",	/* 7 */
	"............m.m.",	/* 8 */
	"mmmm..mmmmmmmmmm",	/* 9 */
	"......mmmmmmmmmm",	/* a */
	"mm..mmmmmmmmmmmm",	/* b */
	"...........mmm.m",	/* c */
	"..mm......mmmmmm",	/* d */
	"mmmmmmmmmmmmmmmm",	/* e */
	"..mm.mmm........",	/* f */
};

static opmap_t map_vex_0f3a = {
	/*  0123456789abcdef */
	"iii.iii.iiiiiiii",	/* 0 */
	"....iiiiii...i..",	/* 1 */
	"iii.............",	/* 2 */
	"iiii....ii......",	/* 3 */
	"iii.i.i.iiiii...",	/* 4 */
	"............iiii",	/* 5 */
	"iiii....iiiiiiii",	/* 6 */
	"........iiiiiiii",	/* 7 */
	"................",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"..............ii",	/* c */
	"..............ii",	/* d */
	"................",	/* e */
	"i...............",	/* f */
};

static opmap_t map_evex_0f = {
	/*  0123456789abcdef */
	"................",	/* 0 */
	"mmmmmmmm........",	/* 1 */
	"........mmmmmmmm",	/* 2 */
	"................",	/* 3 */
	"................",	/* 4 */
	".m..mmmmmmmmmmmm",	/* 5 */
	"mmmmmmmmmmmmmmmm",	/* 6 */
	"iiiimmm.mmmm..mm",	/* 7 */
	"................",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"..i.iii.........",	/* c */
	".mmmmmm.mmmmmmmm",	/* d */
	"mmmmmmmmmmmmmmmm",	/* e */
	".mmmmmm.mmmmmmm.",	/* f */
};

static opmap_t map_evex_0f38 = {
	/*  0123456789abcdef */
	"m...m......mmm..",	/* 0 */
	"mmmmmmm.mmmmmmmm",	/* 1 */
	"mmmmmmmmmmmmmm..",	/* 2 */
	"mmmmmmmmmmmmmmmm",	/* 3 */
	"m.mmmmmm....mmmm",	/* 4 */
	"mmmmmm..mmmm....",	/* 5 */
	"..mmmmm.m.......",	/* 6 */
	"mmmm.mmmmmmmmmmm",	/* 7 */
	"...m....mmmm.m.m",	/* 8 */
	"mmmm..mmmmmmmmmm",	/* 9 */
	"mmmm..mmmmmmmmmm",	/* a */
	"....mmmmmmmmmmmm",	/* b */
	"....m.mmm.mmmm.m",	/* c */
	"............mmmm",	/* d */
	"................",	/* e */
	"................",	/* f */
};

static opmap_t map_evex_0f3a = {
	/*  0123456789abcdef */
	"ii.iii..iiii...i",	/* 0 */
	"....iiiiiiii.iii",	/* 1 */
	"iiii.iii........",	/* 2 */
	"........iiii..ii",	/* 3 */
	"..iii...........",	/* 4 */
	"ii..iiii........",	/* 5 */
	"......ii........",	/* 6 */
	"iiii............",	/* 7 */
	"................",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"..i...........ii",	/* c */
	"................",	/* d */
	"................",	/* e */
	"................",	/* f */
};

static opmap_t map_evex_5 = {
	/*  0123456789abcdef */
	"................",	/* 0 */
	"mm...........m..",	/* 1 */
	"..........m.mmmm",	/* 2 */
	"................",	/* 3 */
	"................",	/* 4 */
	".m......mmmmmmmm",	/* 5 */
	"..............m.",	/* 6 */
	"........mmmmmmm.",	/* 7 */
	"................",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"................",	/* c */
	"................",	/* d */
	"................",	/* e */
	"................",	/* f */
};

static opmap_t map_evex_6 = {
	/*  0123456789abcdef */
	"................",	/* 0 */
	"...m............",	/* 1 */
	"............mm..",	/* 2 */
	"................",	/* 3 */
	"..mm........mmmm",	/* 4 */
	"......mm........",	/* 5 */
	"................",	/* 6 */
	"................",	/* 7 */
	"................",	/* 8 */
	"......mmmmmmmmmm",	/* 9 */
	"......mmmmmmmmmm",	/* a */
	"......mmmmmmmmmm",	/* b */
	"................",	/* c */
	"......mm........",	/* d */
	"................",	/* e */
	"................",	/* f */
};

static opmap_t map_xop_8 = {
	/*  0123456789abcdef */
	"................",	/* 0 */
	"................",	/* 1 */
	"................",	/* 2 */
	"................",	/* 3 */
	"................",	/* 4 */
	"................",	/* 5 */
	"................",	/* 6 */
	"................",	/* 7 */
	".....iii......ii",	/* 8 */
	".....iii......ii",	/* 9 */
	"..ii..i.........",	/* a */
	"......i.........",	/* b */
	"iiii........iiii",	/* c */
	"................",	/* d */
	"............iiii",	/* e */
	"................",	/* f */
};

static opmap_t map_xop_9 = {
	/*  0123456789abcdef */
	".mm.............",	/* 0 */
	"..m.............",	/* 1 */
	"................",	/* 2 */
	"................",	/* 3 */
	"................",	/* 4 */
	"................",	/* 5 */
	"................",	/* 6 */
	"................",	/* 7 */
	"mmmm............",	/* 8 */
	"mmmmmmmmmmmm....",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	".mmm..mm...m....",	/* c */
	".mmm..mm...m....",	/* d */
	".mmm............",	/* e */
	"................",	/* f */
};

static opmap_t map_xop_a = {
	/*  0123456789abcdef */
	"................",	/* 0 */
	"I.I.............",	/* 1 */
	"................",	/* 2 */
	"................",	/* 3 */
	"................",	/* 4 */
	"................",	/* 5 */
	"................",	/* 6 */
	"................",	/* 7 */
	"................",	/* 8 */
	"................",	/* 9 */
	"................",	/* a */
	"................",	/* b */
	"................",	/* c */
	"................",	/* d */
	"................",	/* e */
	"................",	/* f */
};

enum opmap_id {
	MAP_ONE,
	MAP_0F,
	MAP_0F38,
	MAP_0F3A,
	MAP_VECTOR,	/* anything behind VEX, EVEX or XOP: no groups */
};

/* Bit n stands for ModRM byte 0xc0 + n, i.e. a register form. */
#define MODRM_BIT(b)	(UINT64_C(1) << ((b) - 0xc0))
#define MODRM_SPAN(lo, hi) \
	((UINT64_MAX >> (63 - ((hi) - 0xc0))) & (UINT64_MAX << ((lo) - 0xc0)))
/* Register forms of the ModRM.reg values set in an 8-bit mask. */
#define REG_FORMS(m) (						\
	((m) & 0x01 ? MODRM_SPAN(0xc0, 0xc7) : 0) |		\
	((m) & 0x02 ? MODRM_SPAN(0xc8, 0xcf) : 0) |		\
	((m) & 0x04 ? MODRM_SPAN(0xd0, 0xd7) : 0) |		\
	((m) & 0x08 ? MODRM_SPAN(0xd8, 0xdf) : 0) |		\
	((m) & 0x10 ? MODRM_SPAN(0xe0, 0xe7) : 0) |		\
	((m) & 0x20 ? MODRM_SPAN(0xe8, 0xef) : 0) |		\
	((m) & 0x40 ? MODRM_SPAN(0xf0, 0xf7) : 0) |		\
	((m) & 0x80 ? MODRM_SPAN(0xf8, 0xff) : 0))

/*
 * Opcodes (legacy encoding only) that are defined for some ModRM values
 * only.  @mem has bit r set when /r is valid with a memory operand (mod
 * 0-2); @reg has a bit per register-form ModRM byte (mod 3).  Prefix
 * requirements (F3 for RDFSBASE, 66 for CLWB, ...) are not modelled: an
 * encoding counts as defined when it is defined with some prefix.
 */
struct modrm_group {
	uint8_t map;
	uint8_t op;
	uint8_t mem;
	uint64_t reg;
};

#define MEM_ONLY	0xff, 0
#define REG_ONLY	0x00, UINT64_MAX

/* Sorted by map, then opcode: modrm_allowed() searches it by halves. */
static const struct modrm_group modrm_groups[] = {
	{ MAP_ONE, 0x8d, MEM_ONLY },				/* LEA */
	{ MAP_ONE, 0x8f, 0x01, REG_FORMS(0x01) },		/* POP Ev */
	{ MAP_ONE, 0xc6, 0x01, REG_FORMS(0x01) | MODRM_BIT(0xf8) }, /* XABORT */
	{ MAP_ONE, 0xc7, 0x01, REG_FORMS(0x01) | MODRM_BIT(0xf8) }, /* XBEGIN */
	/* x87: the holes between FNOP, FCHS, FLD1, ..., and the aliases */
	{ MAP_ONE, 0xd9, 0xfd, MODRM_SPAN(0xc0, 0xd0) | MODRM_SPAN(0xe0, 0xe1) |
			       MODRM_SPAN(0xe4, 0xe5) | MODRM_SPAN(0xe8, 0xee) |
			       MODRM_SPAN(0xf0, 0xff) },
	{ MAP_ONE, 0xda, 0xff, MODRM_SPAN(0xc0, 0xdf) | MODRM_BIT(0xe9) },
	{ MAP_ONE, 0xdb, 0xaf, MODRM_SPAN(0xc0, 0xe5) | MODRM_SPAN(0xe8, 0xf7) },
	{ MAP_ONE, 0xdc, 0xff, MODRM_SPAN(0xc0, 0xcf) | MODRM_SPAN(0xe0, 0xff) },
	{ MAP_ONE, 0xdd, 0xdf, MODRM_SPAN(0xc0, 0xc7) | MODRM_SPAN(0xd0, 0xef) },
	{ MAP_ONE, 0xde, 0xff, MODRM_SPAN(0xc0, 0xcf) | MODRM_BIT(0xd9) |
			       MODRM_SPAN(0xe0, 0xff) },
	{ MAP_ONE, 0xdf, 0xff, MODRM_SPAN(0xc0, 0xc7) | MODRM_BIT(0xe0) |
			       MODRM_SPAN(0xe8, 0xf7) },
	{ MAP_ONE, 0xfe, 0x03, REG_FORMS(0x03) },		/* INC/DEC Eb */
	{ MAP_ONE, 0xff, 0x7f, REG_FORMS(0x57) },		/* far CALL/JMP: memory only */
	{ MAP_0F, 0x00, 0x7f, REG_FORMS(0x7f) },		/* SLDT ... VERW, LKGS */
	{ MAP_0F, 0x01, 0xff,					/* LGDT, CLAC, SWAPGS, ... */
	  MODRM_SPAN(0xc0, 0xc6) | MODRM_SPAN(0xc8, 0xd1) | MODRM_SPAN(0xd4, 0xea) |
	  MODRM_SPAN(0xec, 0xff) },
	{ MAP_0F, 0x0d, MEM_ONLY },				/* PREFETCH, PREFETCHW */
	{ MAP_0F, 0x13, MEM_ONLY },				/* MOVLPS store */
	{ MAP_0F, 0x17, MEM_ONLY },				/* MOVHPS store */
	{ MAP_0F, 0x1a, 0x0f, UINT64_MAX },			/* MPX: bnd0-3 only */
	{ MAP_0F, 0x1b, 0x0f, UINT64_MAX },
	{ MAP_0F, 0x2b, MEM_ONLY },				/* MOVNTPS */
	{ MAP_0F, 0x50, REG_ONLY },				/* MOVMSKPS */
	{ MAP_0F, 0x71, 0x00, REG_FORMS(0x54) },		/* PSRLW/PSRAW/PSLLW imm */
	{ MAP_0F, 0x72, 0x00, REG_FORMS(0x54) },
	{ MAP_0F, 0x73, 0x00, REG_FORMS(0xcc) },
	{ MAP_0F, 0xa6, 0x00, MODRM_BIT(0xc0) | MODRM_BIT(0xc8) | MODRM_BIT(0xd0) },
	{ MAP_0F, 0xa7, 0x00, MODRM_BIT(0xc0) | MODRM_BIT(0xc8) | MODRM_BIT(0xd0) |
			      MODRM_BIT(0xd8) | MODRM_BIT(0xe0) | MODRM_BIT(0xe8) },
	{ MAP_0F, 0xae, 0xff, REG_FORMS(0x7f) | MODRM_BIT(0xf8) }, /* ..., SFENCE */
	{ MAP_0F, 0xb2, MEM_ONLY },				/* LSS, LFS, LGS */
	{ MAP_0F, 0xb4, MEM_ONLY },
	{ MAP_0F, 0xb5, MEM_ONLY },
	{ MAP_0F, 0xba, 0xf0, REG_FORMS(0xf0) },		/* BT/BTS/BTR/BTC imm */
	{ MAP_0F, 0xc3, MEM_ONLY },				/* MOVNTI */
	{ MAP_0F, 0xc5, REG_ONLY },				/* PEXTRW */
	{ MAP_0F, 0xc7, 0xfa, REG_FORMS(0xc0) },		/* CMPXCHG16B, RDRAND, ... */
	{ MAP_0F, 0xd7, REG_ONLY },				/* PMOVMSKB */
	{ MAP_0F, 0xe7, MEM_ONLY },				/* MOVNTQ */
	{ MAP_0F, 0xf0, MEM_ONLY },				/* LDDQU */
	{ MAP_0F, 0xf7, REG_ONLY },				/* MASKMOVQ */
	{ MAP_0F38, 0x2a, MEM_ONLY },				/* MOVNTDQA */
	{ MAP_0F38, 0x80, MEM_ONLY },				/* INVEPT, INVVPID, INVPCID */
	{ MAP_0F38, 0x81, MEM_ONLY },
	{ MAP_0F38, 0x82, MEM_ONLY },
	{ MAP_0F38, 0xd8, 0x0f, 0 },				/* AESENCWIDE128KL, ... */
	{ MAP_0F38, 0xf5, MEM_ONLY },				/* WRUSS */
	{ MAP_0F38, 0xf8, MEM_ONLY },				/* MOVDIR64B, ENQCMD */
	{ MAP_0F38, 0xf9, MEM_ONLY },				/* MOVDIRI */
	{ MAP_0F38, 0xfa, REG_ONLY },				/* ENCODEKEY128 */
	{ MAP_0F38, 0xfb, REG_ONLY },				/* ENCODEKEY256 */
	{ MAP_0F38, 0xfc, MEM_ONLY },				/* AADD, AAND, AOR, AXOR */
	{ MAP_0F3A, 0xf0, 0x00, MODRM_BIT(0xc0) },		/* HRESET */
};

/* The decoder's position in the input and what the prefixes said. */
struct decoder {
	const uint8_t *p;
	size_t n;		/* readable bytes, capped at the 15-byte limit */
	size_t i;		/* next byte */
	bool opsize;		/* 66 */
	bool adsize;		/* 67 */
	bool ud_before_vex;	/* 66, F2, F3 or LOCK: all #UD before VEX/EVEX/XOP */
	uint8_t rep;		/* last of F2/F3, 0 if none */
	uint8_t rex;		/* REX byte directly before the opcode, 0 if none */
	struct x86_insn *f;	/* where the fields go */
};

static bool next_byte(struct decoder *d, uint8_t *b)
{
	if (d->i >= d->n)
		return false;
	*b = d->p[d->i++];
	return true;
}

static bool skip_bytes(struct decoder *d, size_t count)
{
	if (count > d->n - d->i)
		return false;
	d->i += count;
	return true;
}

static char opmap_class(opmap_t map, uint8_t op)
{
	return map[op >> 4][op & 0xf];
}

static bool modrm_allowed(enum opmap_id map, uint8_t op, uint8_t modrm)
{
	unsigned int key = (unsigned int)map << 8 | op;
	size_t lo = 0, hi = sizeof(modrm_groups) / sizeof(modrm_groups[0]);

	/* Binary search: the table is sorted by map, then opcode. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct modrm_group *g = &modrm_groups[mid];
		unsigned int gkey = (unsigned int)g->map << 8 | g->op;

		if (gkey < key) {
			lo = mid + 1;
		} else if (gkey > key) {
			hi = mid;
		} else {
			if (modrm >= 0xc0)
				return g->reg & MODRM_BIT(modrm);
			return g->mem & (1u << ((modrm >> 3) & 7));
		}
	}
	return true;
}

/* Reads ModRM and whatever SIB and displacement it calls for. */
static bool skip_modrm(struct decoder *d, bool reg_only, uint8_t *modrm)
{
	unsigned int mod, rm;
	uint8_t sib;
	size_t disp = 0;

	d->f->modrm_at = (uint8_t)d->i;
	if (!next_byte(d, modrm))
		return false;
	mod = *modrm >> 6;
	rm = *modrm & 7;
	if (reg_only || mod == 3)
		return true;
	/*
	 * 67 selects 32-bit addressing, which in 64-bit mode has the same
	 * ModRM/SIB layout as 64-bit addressing; REX.B does not change it
	 * either (r13 as a base still needs a displacement).
	 */
	if (rm == 4) {
		d->f->sib_at = (uint8_t)d->i;
		if (!next_byte(d, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	}
	if (mod == 0 && rm == 5)
		disp = 4;	/* RIP-relative */
	else if (mod == 1)
		disp = 1;
	else if (mod == 2)
		disp = 4;
	if (disp) {
		d->f->disp_at = (uint8_t)d->i;
		d->f->disp_len = (uint8_t)disp;
	}
	return skip_bytes(d, disp);
}

/* An immediate operand of @count bytes: where it is, then past it. */
static bool skip_imm(struct decoder *d, size_t count)
{
	if (count) {
		d->f->imm_at = (uint8_t)d->i;
		d->f->imm_len = (uint8_t)count;
	}
	return skip_bytes(d, count);
}

/* rel8 of the one-byte map: jcc, jrcxz, loop, jmp short */
static bool is_rel8(enum opmap_id map, uint8_t op)
{
	return map == MAP_ONE && ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3) ||
				  op == 0xeb);
}

static size_t imm_z(const struct decoder *d)
{
	return d->opsize && !(d->rex & 0x08) ? 2 : 4;
}

/* Everything after the opcode byte, as its class letter says. */
static bool decode_operands(struct decoder *d, char cls, enum opmap_id map,
			    uint8_t op)
{
	uint8_t modrm;
	size_t imm;
	bool reg_low;

	d->f->op_at = (uint8_t)(d->i - 1);
	d->f->map = (uint8_t)map;
	switch (cls) {
	case '-':
		return true;
	case 'b':
		return is_rel8(map, op) ? skip_bytes(d, 1) : skip_imm(d, 1);
	case 'w':
		return skip_imm(d, 2);
	case 'e':
		return skip_imm(d, 3);
	case 'z':
		return skip_imm(d, imm_z(d));
	case 'j':
		return skip_bytes(d, 4);
	case 'v':
		if (d->rex & 0x08)
			imm = 8;
		else
			imm = d->opsize ? 2 : 4;
		return skip_imm(d, imm);
	case 'o':
		d->f->disp_at = (uint8_t)d->i;
		d->f->disp_len = d->adsize ? 4 : 8;
		return skip_bytes(d, d->adsize ? 4 : 8);
	case 'm': case 'r': case 'i': case 'I': case 't': case 'T': case 'x':
		break;
	default:
		return false;
	}

	if (!skip_modrm(d, cls == 'r', &modrm))
		return false;
	if (!modrm_allowed(map, op, modrm))
		return false;
	reg_low = ((modrm >> 3) & 7) < 2;

	switch (cls) {
	case 'i':
		return skip_imm(d, 1);
	case 'I':
		return skip_imm(d, imm_z(d));
	case 't':
		return skip_imm(d, reg_low ? 1 : 0);
	case 'T':
		return skip_imm(d, reg_low ? imm_z(d) : 0);
	case 'x':
		return skip_imm(d, d->opsize || d->rep == 0xf2 ? 2 : 0);
	default:
		return true;
	}
}

static bool decode_0f(struct decoder *d)
{
	uint8_t op;

	if (!next_byte(d, &op))
		return false;
	if (op == 0x38) {
		if (!next_byte(d, &op))
			return false;
		return decode_operands(d, opmap_class(map_0f38, op), MAP_0F38, op);
	}
	if (op == 0x3a) {
		if (!next_byte(d, &op))
			return false;
		return decode_operands(d, opmap_class(map_0f3a, op), MAP_0F3A, op);
	}
	return decode_operands(d, opmap_class(map_0f, op), MAP_0F, op);
}

enum vector_prefix {
	VEC_VEX,
	VEC_EVEX,
	VEC_XOP,
};

static opmap_t *vector_map(enum vector_prefix kind, unsigned int map)
{
	switch (kind) {
	case VEC_VEX:
		switch (map) {
		case 1: return &map_vex_0f;
		case 2: return &map_vex_0f38;
		case 3: return &map_vex_0f3a;
		}
		break;
	case VEC_EVEX:
		switch (map) {
		case 1: return &map_evex_0f;
		case 2: return &map_evex_0f38;
		case 3: return &map_evex_0f3a;
		case 5: return &map_evex_5;
		case 6: return &map_evex_6;
		}
		break;
	case VEC_XOP:
		switch (map) {
		case 8: return &map_xop_8;
		case 9: return &map_xop_9;
		case 10: return &map_xop_a;
		}
		break;
	}
	return NULL;
}

/* The opcode and operands behind a VEX, EVEX or XOP prefix. */
static bool decode_vector(struct decoder *d, enum vector_prefix kind,
			  unsigned int map)
{
	opmap_t *grid = vector_map(kind, map);
	bool msr_imm = kind == VEC_VEX && map == 7;
	uint8_t op;
	char cls;

	if (!grid && !msr_imm)
		return false;
	if (!next_byte(d, &op))
		return false;
	if (grid)
		cls = opmap_class(*grid, op);
	else	/* VEX map 7 holds only RDMSR/WRMSRNS and URDMSR/UWRMSR imm32 */
		cls = op == 0xf6 || op == 0xf8 ? 'I' : '.';
	/* Group opcodes (VEX 0F 71-73, AE, 0F38 F3, ...) are not checked per /r. */
	return decode_operands(d, cls, MAP_VECTOR, op);
}

static bool decode_vex_evex_xop(struct decoder *d, uint8_t esc)
{
	uint8_t b1, b2, b3;

	/* 66/F2/F3/LOCK/REX in front of these prefixes raise #UD. */
	if (d->ud_before_vex || d->rex)
		return false;
	if (!next_byte(d, &b1))
		return false;
	switch (esc) {
	case 0xc5:		/* VEX2: R vvvv L pp, map 0F implied */
		return decode_vector(d, VEC_VEX, 1);
	case 0xc4:		/* VEX3: R X B mmmmm, W vvvv L pp */
		if (!next_byte(d, &b2))
			return false;
		return decode_vector(d, VEC_VEX, b1 & 0x1f);
	case 0x8f:		/* XOP: R X B mmmmm, W vvvv L pp */
		if (!next_byte(d, &b2))
			return false;
		return decode_vector(d, VEC_XOP, b1 & 0x1f);
	default:		/* EVEX: R X B R' 0 mmm, W vvvv 1 pp, z L'L b V' aaa */
		if (!next_byte(d, &b2) || !next_byte(d, &b3))
			return false;
		if ((b1 & 0x08) || !(b2 & 0x04))
			return false;
		return decode_vector(d, VEC_EVEX, b1 & 7);
	}
}

unsigned int x86_insn_decode(const uint8_t *p, size_t avail, struct x86_insn *f)
{
	struct decoder d = {
		.p = p,
		.n = avail < X86_INSN_MAX_LEN ? avail : X86_INSN_MAX_LEN,
		.f = f,
	};
	uint8_t op;
	bool ok;

	f->len = 0;
	f->rex_at = f->op_at = f->modrm_at = f->sib_at = X86_NO_FIELD;
	f->disp_at = f->imm_at = X86_NO_FIELD;
	f->disp_len = f->imm_len = 0;
	f->map = 0;
	if (!p)
		return 0;
	for (;;) {
		if (!next_byte(&d, &op))
			return 0;
		switch (op) {
		case 0x66:
			d.opsize = true;
			d.ud_before_vex = true;
			break;
		case 0x67:
			d.adsize = true;
			break;
		case 0xf2:
		case 0xf3:
			d.rep = op;
			d.ud_before_vex = true;
			break;
		case 0xf0:
			d.ud_before_vex = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			break;
		default:
			if ((op & 0xf0) == 0x40) {
				/* A later REX replaces an earlier one. */
				d.rex = op;
				f->rex_at = (uint8_t)(d.i - 1);
				continue;
			}
			goto opcode;
		}
		/* The CPU ignores a REX that is not right before the opcode. */
		d.rex = 0;
		f->rex_at = X86_NO_FIELD;
	}

opcode:
	switch (op) {
	case 0x0f:
		ok = decode_0f(&d);
		break;
	case 0xc4:
	case 0xc5:
	case 0x62:
		ok = decode_vex_evex_xop(&d, op);
		break;
	case 0x8f:
		/*
		 * XOP reuses POP Ev's opcode; its map field (8 or more)
		 * overlaps ModRM.reg, which must be 0 for POP.
		 */
		if (d.i < d.n && (d.p[d.i] & 0x1f) >= 8) {
			ok = decode_vex_evex_xop(&d, op);
			break;
		}
		/* fall through */
	default:
		ok = decode_operands(&d, opmap_class(map_one, op), MAP_ONE, op);
		break;
	}
	if (!ok)
		return 0;
	f->len = (uint8_t)d.i;
	return f->len;
}

unsigned int x86_insn_length(const uint8_t *p, size_t avail)
{
	struct x86_insn f;

	return x86_insn_decode(p, avail, &f);
}

bool x86_insn_is_load_immediate(const uint8_t *p, unsigned int len)
{
	return p && len >= 1 && (p[0] == 0xbe || p[0] == 0xba);
}

long x86_insn_boundaries(const uint8_t *code, size_t size, uint32_t *starts,
			 size_t max, size_t *bad_off)
{
	size_t off = 0;
	long count = 0;
	unsigned int len;

	if (size > UINT32_MAX || (size && !code) || (max && !starts)) {
		if (bad_off)
			*bad_off = 0;
		return -1;
	}
	while (off < size) {
		len = x86_insn_length(code + off, size - off);
		if (!len) {
			if (bad_off)
				*bad_off = off;
			return -1;
		}
		if ((size_t)count < max)
			starts[count] = (uint32_t)off;
		count++;
		off += len;
	}
	return count;
}
