/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstub.h - a minimal stand-in for the kernel headers, so that the
 * test-object cases compile into objects shaped like x86-64 kernel objects
 * (v5.15 layouts) without a kernel tree.
 *
 * The special sections are emitted with the same inline-asm shapes the
 * kernel uses, so create-diff-object sees the same relocation patterns:
 *
 *   __bug_table          12 bytes: s32 bug_addr, s32 file, u16 line, u16 flags
 *   __ex_table           12 bytes: s32 insn, s32 fixup, s32 handler (+ .fixup code)
 *   __jump_table         16 bytes: s32 code, s32 target, s64 key (+branch bit)
 *   .static_call_sites    8 bytes: s32 addr, s32 key   (objtool writes these)
 *   .altinstructions     12 bytes: s32 instr, s32 repl, u16 cpuid, u8 len, u8 replen
 *   .parainstructions    16 bytes: u64 instr, u8 type, u8 len, padding
 *   .smp_locks            4 bytes: s32 lock-prefix address
 *   .printk_index         8 bytes: a pointer to a struct pi_entry (44 bytes, packed)
 *
 * Everything here is written for these tests; only the layouts and names
 * follow the kernel, because create-diff-object keys on them.
 */
#ifndef KSTUB_H
#define KSTUB_H

/* ---- basic types and compiler glue ---------------------------------- */

typedef signed char s8;
typedef unsigned char u8;
typedef signed short s16;
typedef unsigned short u16;
typedef signed int s32;
typedef unsigned int u32;
typedef signed long long s64;
typedef unsigned long long u64;
typedef unsigned long size_t;
typedef long ssize_t;
typedef _Bool bool;
typedef struct { int counter; } atomic_t;

#define true 1
#define false 0
#define NULL ((void *)0)

#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)
#define ___PASTE(a, b)		a##b
#define __PASTE(a, b)		___PASTE(a, b)
#define __UNIQUE_ID(prefix)	__PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define __section(s)		__attribute__((__section__(s)))
#define __used			__attribute__((__used__))
#define __maybe_unused		__attribute__((__unused__))
#define __cold			__attribute__((__cold__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define noinline		__attribute__((__noinline__))
#define __noclone		__attribute__((__noclone__))
#define __always_inline		inline __attribute__((__always_inline__))
#define notrace			__attribute__((__no_instrument_function__))
#define __noreturn		__attribute__((__noreturn__))
#define __weak			__attribute__((__weak__))

/*
 * Put a function in a COMDAT section group of its own, the way C++ emits
 * inline functions: the section name smuggles the group flags to gas and
 * the trailing "#" comments out the flags gcc appends.
 */
#define __comdat(name)		__attribute__((__section__(".text." #name \
				",\"axG\",@progbits," #name ",comdat #")))

#define __init			__section(".init.text") __cold notrace
#define __initdata		__section(".init.data")
#define __exit			__section(".exit.text") __cold notrace
#define __read_mostly		__section(".data..read_mostly")
#define __ro_after_init		__section(".data..ro_after_init")
#define __cacheline_aligned	__aligned(64) __section(".data..cacheline_aligned")

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" : : : "memory")
#define unreachable()		__builtin_unreachable()
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define asm_volatile_goto(x...)	do { asm goto(x); asm (""); } while (0)

#define _ASM_PTR	" .quad "
#define _ASM_ALIGN	" .balign 8 "
#define ASM_UD2		".byte 0x0f, 0x0b"
#define BYTES_NOP5	0x0f, 0x1f, 0x44, 0x00, 0x00

#define __initcall(fn) \
	static int (*__initcall_##fn)(void) __used __section(".initcall6.init") = fn
#define module_init(fn)		__initcall(fn)

/* ---- symbols that live in "vmlinux" --------------------------------- */

extern unsigned long volatile jiffies;
extern int panic_on_warn;
void *kmalloc(size_t size, unsigned int flags);
void kfree(const void *p);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
int sprintf(char *buf, const char *fmt, ...) __printf(2, 3);
void schedule(void);
void msleep(unsigned int ms);
#define GFP_KERNEL 0xcc0u

/* ---- printk with the printk index (5.15 include/linux/printk.h) ----- */

#define KERN_SOH	"\001"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_INFO	KERN_SOH "6"

struct pi_entry {
	const char *fmt;
	const char *func;
	const char *file;
	unsigned int line;
	const char *level;
	const char *subsys_fmt_prefix;
} __packed;

__printf(1, 2) __cold int _printk(const char *fmt, ...);

#define __printk_index_emit(_fmt, _level, _subsys_fmt_prefix)		\
	do {								\
		if (__builtin_constant_p(_fmt)) {			\
			static const struct pi_entry _entry __used = {	\
				.fmt = (_fmt),				\
				.func = __func__,			\
				.file = __FILE__,			\
				.line = __LINE__,			\
				.level = (_level),			\
				.subsys_fmt_prefix = (_subsys_fmt_prefix), \
			};						\
			static const struct pi_entry *_entry_ptr	\
			__used __section(".printk_index") = &_entry;	\
		}							\
	} while (0)

#define printk(fmt, ...)						\
	({								\
		__printk_index_emit(fmt, NULL, NULL);			\
		_printk(fmt, ##__VA_ARGS__);				\
	})
#define pr_err(fmt, ...)	printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO fmt, ##__VA_ARGS__)

/* ---- BUG/WARN with __bug_table (5.15 arch/x86/include/asm/bug.h) ---- */

#define BUGFLAG_WARNING		(1 << 0)
#define BUGFLAG_ONCE		(1 << 1)
#define BUGFLAG_DONE		(1 << 2)
#define BUGFLAG_NO_CUT_HERE	(1 << 3)
#define BUGFLAG_TAINT(taint)	((taint) << 8)

struct bug_entry {
	s32 bug_addr_disp;
	s32 file_disp;
	u16 line;
	u16 flags;
};

/* objtool's annotation; create-diff-object must ignore .discard.* */
#define annotate_reachable()						\
	asm volatile("%c0:\n\t"						\
		     ".pushsection .discard.reachable\n\t"		\
		     ".long %c0b - .\n\t"				\
		     ".popsection\n\t" : : "i" (__COUNTER__))

#define _BUG_FLAGS(ins, flags)						\
do {									\
	asm volatile("1:\t" ins "\n"					\
		     ".pushsection __bug_table,\"aw\"\n"		\
		     "2:\t.long 1b - 2b\t# bug_entry::bug_addr\n"	\
		     "\t.long %c0 - 2b\t# bug_entry::file\n"		\
		     "\t.word %c1\t# bug_entry::line\n"			\
		     "\t.word %c2\t# bug_entry::flags\n"		\
		     "\t.org 2b+%c3\n"					\
		     ".popsection"					\
		     : : "i" (__FILE__), "i" (__LINE__),		\
			 "i" (flags),					\
			 "i" (sizeof(struct bug_entry)));		\
} while (0)

#define BUG()								\
do {									\
	_BUG_FLAGS(ASM_UD2, 0);						\
	unreachable();							\
} while (0)

#define BUG_ON(cond)	do { if (unlikely(cond)) BUG(); } while (0)

#define __WARN_FLAGS(flags)						\
do {									\
	_BUG_FLAGS(ASM_UD2, BUGFLAG_WARNING | (flags));			\
	annotate_reachable();						\
} while (0)

__printf(1, 2) __cold void __warn_printk(const char *fmt, ...);

#define __WARN_printf(taint, arg...)					\
do {									\
	__warn_printk(arg);						\
	__WARN_FLAGS(BUGFLAG_NO_CUT_HERE | BUGFLAG_TAINT(taint));	\
} while (0)

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_FLAGS(BUGFLAG_TAINT(9));				\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(condition) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_FLAGS(BUGFLAG_ONCE | BUGFLAG_TAINT(9));		\
	unlikely(__ret_warn_on);					\
})

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_printf(9, format);				\
	unlikely(__ret_warn_on);					\
})

/* The generic WARN_ONCE keeps its own __already_done flag in .data.once. */
#define WARN_ONCE(condition, format...) ({				\
	static bool __section(".data.once") __already_done;		\
	int __ret_do_once = !!(condition);				\
									\
	if (unlikely(__ret_do_once && !__already_done)) {		\
		__already_done = true;					\
		WARN(1, format);					\
	}								\
	unlikely(__ret_do_once);					\
})

/*
 * Pre-4.11 x86 kernels (and other architectures today) passed __FILE__ and
 * __LINE__ to the slow path, so the line ends up in an instruction
 * ("mov $line,%esi"): the shape create-diff-object's __LINE__ filter knows.
 */
__cold void warn_slowpath_fmt(const char *file, const int line,
			      const char *fmt, ...);
#define WARN_SLOWPATH(condition, format...) ({				\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		warn_slowpath_fmt(__FILE__, __LINE__, format);		\
	unlikely(__ret_warn_on);					\
})

/* The old (4.x) WARN_ONCE: the flag is a __warned static in .data.unlikely. */
#define WARN_SLOWPATH_ONCE(condition, format...) ({			\
	static bool __section(".data.unlikely") __warned;		\
	int __ret_warn_once = !!(condition);				\
									\
	if (unlikely(__ret_warn_once && !__warned)) {			\
		__warned = true;					\
		WARN_SLOWPATH(1, format);				\
	}								\
	unlikely(__ret_warn_once);					\
})

void __might_sleep(const char *file, int line);
#define might_sleep()	do { __might_sleep(__FILE__, __LINE__); } while (0)

/* ---- exception table with .fixup (5.15 asm/asm.h, asm/uaccess.h) ----- */

#define _ASM_EXTABLE_HANDLE(from, to, handler)				\
	" .pushsection \"__ex_table\",\"a\"\n"				\
	" .balign 4\n"							\
	" .long (" #from ") - .\n"					\
	" .long (" #to ") - .\n"					\
	" .long (" #handler ") - .\n"					\
	" .popsection\n"
#define _ASM_EXTABLE(from, to)	_ASM_EXTABLE_HANDLE(from, to, ex_handler_default)
#define _ASM_EXTABLE_UA(from, to) _ASM_EXTABLE_HANDLE(from, to, ex_handler_uaccess)

#define EFAULT 14

/* Read an int from a "user" pointer; a fault lands in .fixup. */
#define get_user_int(x, ptr) ({						\
	int __gu_err = 0;						\
	int __gu_val;							\
	asm volatile("\n"						\
		     "1:	movl %2,%1\n"				\
		     "2:\n"						\
		     ".section .fixup,\"ax\"\n"				\
		     "3:	mov %3,%0\n"				\
		     "	xorl %1,%1\n"					\
		     "	jmp 2b\n"					\
		     ".previous\n"					\
		     _ASM_EXTABLE_UA(1b, 3b)				\
		     : "+r" (__gu_err), "=r" (__gu_val)			\
		     : "m" (*(ptr)), "i" (-EFAULT));			\
	(x) = __gu_val;							\
	__gu_err;							\
})

/* rdmsr with an exception-table entry and no .fixup (handler only). */
static __always_inline unsigned long long rdmsr_safe_stub(unsigned int msr)
{
	unsigned int lo = 0, hi = 0;

	asm volatile("1: rdmsr\n"
		     "2:\n"
		     _ASM_EXTABLE_HANDLE(1b, 2b, ex_handler_rdmsr_unsafe)
		     : "+a" (lo), "+d" (hi) : "c" (msr));
	return ((unsigned long long)hi << 32) | lo;
}

/* ---- jump labels (5.15 arch/x86/include/asm/jump_label.h) ----------- */

struct jump_entry {
	s32 code;
	s32 target;
	long key;
};
struct static_key {
	atomic_t enabled;
	union {
		unsigned long type;
		struct jump_entry *entries;
	};
};
struct static_key_true { struct static_key key; };
struct static_key_false { struct static_key key; };

#define STATIC_KEY_INIT_TRUE	{ .enabled = { 1 }, { .type = 1UL } }
#define STATIC_KEY_INIT_FALSE	{ .enabled = { 0 }, { .type = 0UL } }
#define DEFINE_STATIC_KEY_TRUE(name) \
	struct static_key_true name = { .key = STATIC_KEY_INIT_TRUE }
#define DEFINE_STATIC_KEY_FALSE(name) \
	struct static_key_false name = { .key = STATIC_KEY_INIT_FALSE }
#define DECLARE_STATIC_KEY_FALSE(name) extern struct static_key_false name
#define DECLARE_STATIC_KEY_TRUE(name) extern struct static_key_true name

#define JUMP_TABLE_ENTRY						\
	".pushsection __jump_table,  \"aw\" \n\t"			\
	_ASM_ALIGN "\n\t"						\
	".long 1b - . \n\t"						\
	".long %l[l_yes] - . \n\t"					\
	_ASM_PTR "%c0 + %c1 - .\n\t"					\
	".popsection \n\t"

static __always_inline bool arch_static_branch(struct static_key *key, bool branch)
{
	asm_volatile_goto("1:"
		".byte " __stringify(BYTES_NOP5) "\n\t"
		JUMP_TABLE_ENTRY
		: : "i" (key), "i" (branch) : : l_yes);
	return false;
l_yes:
	return true;
}

static __always_inline bool arch_static_branch_jump(struct static_key *key, bool branch)
{
	asm_volatile_goto("1:"
		"jmp %l[l_yes]\n\t"
		JUMP_TABLE_ENTRY
		: : "i" (key), "i" (branch) : : l_yes);
	return false;
l_yes:
	return true;
}

/* Only the usual pairings: likely on a _true key, unlikely on a _false key. */
#define static_branch_likely(x)		likely(!arch_static_branch(&(x)->key, true))
#define static_branch_unlikely(x)	unlikely(arch_static_branch(&(x)->key, false))
#define static_key_false(k)	unlikely(arch_static_branch((k), 0))
#define static_key_enabled(k)	(READ_ONCE((k)->enabled.counter) > 0)

/* ---- static calls (5.15 include/linux/static_call.h, INLINE flavour) - */

struct static_call_key {
	void *func;
	unsigned long type;
};

#define STATIC_CALL_KEY(name)	__PASTE(__SCK__, name)
#define STATIC_CALL_TRAMP(name)	__PASTE(__SCT__, name)
#define STATIC_CALL_TRAMP_STR(name) __stringify(STATIC_CALL_TRAMP(name))
#define STATIC_CALL_KEY_STR(name) __stringify(STATIC_CALL_KEY(name))

#define DECLARE_STATIC_CALL(name, func)					\
	extern struct static_call_key STATIC_CALL_KEY(name);		\
	extern __typeof__(func) STATIC_CALL_TRAMP(name)

#define DEFINE_STATIC_CALL(name, _func)					\
	DECLARE_STATIC_CALL(name, _func);				\
	struct static_call_key STATIC_CALL_KEY(name) = {		\
		.func = _func,						\
		.type = 1,						\
	}

/*
 * The kernel calls the trampoline from C and objtool records the call site
 * afterwards; without objtool the call and its site entry come from one asm
 * statement (one argument in %rdi, result in %rax, C calling convention).
 */
#define static_call1(name, arg) ({					\
	long __sc_ret;							\
	long __sc_arg = (long)(arg);					\
	asm volatile("1: call " STATIC_CALL_TRAMP_STR(name) "\n\t"	\
		     ".pushsection .static_call_sites, \"a\"\n\t"	\
		     ".balign 4\n\t"					\
		     ".long 1b - .\n\t"					\
		     ".long " STATIC_CALL_KEY_STR(name) " - .\n\t"	\
		     ".popsection"					\
		     : "=a" (__sc_ret), "+D" (__sc_arg)			\
		     : : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",	\
			 "memory", "cc");				\
	__sc_ret;							\
})

/* ---- tracepoints (jump label on __tracepoint_X + static call) -------- */

struct tracepoint {
	const char *name;
	struct static_key key;
	struct static_call_key *static_call_key;
	void *static_call_tramp;
	void *iterator;
	int (*regfunc)(void);
	void (*unregfunc)(void);
	void *funcs;
};

#define DECLARE_TRACE1(name, type, arg)					\
	extern struct tracepoint __tracepoint_##name;			\
	extern struct static_call_key __SCK__tp_func_##name;		\
	static __always_inline void trace_##name(type arg)		\
	{								\
		if (static_key_false(&__tracepoint_##name.key))		\
			static_call1(tp_func_##name, arg);		\
	}

/* ---- dynamic debug (pr_debug through __dyndbg and a jump label) ----- */

struct _ddebug {
	const char *modname;
	const char *function;
	const char *filename;
	const char *format;
	unsigned int lineno:18;
	unsigned int flags:8;
	union {
		struct static_key_true dd_key_true;
		struct static_key_false dd_key_false;
	} key;
} __aligned(8);

void __dynamic_pr_debug(struct _ddebug *descriptor, const char *fmt, ...);

#define __pr_debug_id(id, fmt, ...) do {					\
	static struct _ddebug __aligned(8) __section("__dyndbg")	id __used = { \
		.modname = "kstub",					\
		.function = __func__,					\
		.filename = __FILE__,					\
		.format = (fmt),					\
		.lineno = __LINE__,					\
		.key.dd_key_false = { .key = STATIC_KEY_INIT_FALSE },	\
	};								\
	if (static_branch_unlikely(&id.key.dd_key_false))		\
		__dynamic_pr_debug(&id, fmt, ##__VA_ARGS__);		\
} while (0)

/* The id is expanded once, before __pr_debug_id pastes it in. */
#define pr_debug(fmt, ...) __pr_debug_id(__UNIQUE_ID(ddebug), fmt, ##__VA_ARGS__)

/*
 * The other special-section entries, as the kernel declares them (their
 * sizes are what kpatch-build reads from vmlinux's debug info; the
 * objects' own debug info has only those their code uses).
 */
struct exception_table_entry {
	int insn, fixup, handler;
};
struct static_call_site {
	s32 addr;
	s32 key;
};
struct paravirt_patch_site {
	u8 *instr;
	u8 type;
	u8 len;
};
struct orc_entry {
	s16 sp_offset;
	s16 bp_offset;
	unsigned sp_reg:4;
	unsigned bp_reg:4;
	unsigned type:2;
	unsigned end:1;
} __packed;

/* ---- alternatives (5.15 arch/x86/include/asm/alternative.h) ---------- */

struct alt_instr {
	s32 instr_offset;
	s32 repl_offset;
	u16 cpuid;
	u8 instrlen;
	u8 replacementlen;
} __packed;

#define X86_FEATURE_ALWAYS	(3 * 32 + 21)
#define X86_FEATURE_ERMS	(9 * 32 + 9)
#define X86_FEATURE_SMAP	(9 * 32 + 20)

#define alt_slen	"662b-661b"
#define alt_total_slen	"663b-661b"
#define alt_rlen	"6651f-6641f"

#define OLDINSTR(oldinstr)						\
	"661:\n\t" oldinstr "\n662:\n"					\
	".skip -(((" alt_rlen ")-(" alt_slen ")) > 0) * "		\
		"((" alt_rlen ")-(" alt_slen ")),0x90\n"		\
	"663:\n"

#define ALTINSTR_ENTRY(feature)						\
	" .long 661b - .\n"						\
	" .long 6641f - .\n"						\
	" .word " __stringify(feature) "\n"				\
	" .byte " alt_total_slen "\n"					\
	" .byte " alt_rlen "\n"

#define ALTINSTR_REPLACEMENT(newinstr)					\
	"6641:\n\t" newinstr "\n6651:\n"

#define ALTERNATIVE(oldinstr, newinstr, feature)			\
	OLDINSTR(oldinstr)						\
	".pushsection .altinstructions,\"a\"\n"				\
	ALTINSTR_ENTRY(feature)						\
	".popsection\n"							\
	".pushsection .altinstr_replacement, \"ax\"\n"			\
	ALTINSTR_REPLACEMENT(newinstr)					\
	".popsection\n"

#define alternative(oldinstr, newinstr, feature)			\
	asm volatile(ALTERNATIVE(oldinstr, newinstr, feature) : : : "memory")

static __always_inline void stac(void)
{
	alternative("", "stac", X86_FEATURE_SMAP);
}

static __always_inline void clac(void)
{
	alternative("", "clac", X86_FEATURE_SMAP);
}

/* An alternative whose replacement calls out: the replacement has a rela. */
static __always_inline void clear_page_stub(void *page)
{
	asm volatile(ALTERNATIVE("call clear_page_orig",
				 "call clear_page_erms", X86_FEATURE_ERMS)
		     : "+D" (page)
		     : : "memory", "rax", "rcx", "cc");
}

/* ---- paravirt (5.15 arch/x86/include/asm/paravirt_types.h) ----------- */

struct pv_irq_ops {
	void *save_fl;
	void *irq_disable;
	void *irq_enable;
};
struct paravirt_patch_template {
	struct pv_irq_ops irq;
};
extern struct paravirt_patch_template pv_ops;

#define _paravirt_alt(insn_string, type)				\
	"771:\n\t" insn_string "\n" "772:\n"				\
	".pushsection .parainstructions,\"a\"\n"			\
	_ASM_ALIGN "\n"							\
	_ASM_PTR " 771b\n"						\
	"  .byte " type "\n"						\
	"  .byte 772b-771b\n"						\
	".popsection\n"

#define PARAVIRT_PATCH(x) \
	(__builtin_offsetof(struct paravirt_patch_template, x) / sizeof(void *))

#define PVOP_VCALL0(op)							\
	asm volatile(_paravirt_alt("call *%[paravirt_opptr];",		\
				   "%c[paravirt_typenum]")		\
		     : : [paravirt_opptr] "m" (pv_ops.op),		\
			 [paravirt_typenum] "i" (PARAVIRT_PATCH(op))	\
		     : "memory", "cc", "rax", "rcx", "rdx", "rsi", "rdi", \
		       "r8", "r9", "r10", "r11")

static __always_inline void arch_local_irq_disable(void)
{
	PVOP_VCALL0(irq.irq_disable);
}

static __always_inline void arch_local_irq_enable(void)
{
	PVOP_VCALL0(irq.irq_enable);
}

#define local_irq_disable()	arch_local_irq_disable()
#define local_irq_enable()	arch_local_irq_enable()

/* ---- atomics with LOCK_PREFIX (.smp_locks) --------------------------- */

#define LOCK_PREFIX_HERE						\
	".pushsection .smp_locks,\"a\"\n"				\
	".balign 4\n"							\
	".long 671f - .\n"						\
	".popsection\n"							\
	"671:"
#define LOCK_PREFIX LOCK_PREFIX_HERE "\n\tlock; "

static __always_inline void atomic_inc(atomic_t *v)
{
	asm volatile(LOCK_PREFIX "incl %0" : "+m" (v->counter) : : "memory");
}

static __always_inline void atomic_add(int i, atomic_t *v)
{
	asm volatile(LOCK_PREFIX "addl %1,%0"
		     : "+m" (v->counter) : "ir" (i) : "memory");
}

/* ---- kpatch macros (the shapes of kpatch's kpatch-macros.h) ---------- */

#define KPATCH_IGNORE_SECTION(_sec)					\
	char *__UNIQUE_ID(kpatch_ignore_section_)			\
		__section(".kpatch.ignore.sections") = _sec;

#define KPATCH_IGNORE_FUNCTION(_fn)					\
	void *__kpatch_ignore_func_##_fn				\
		__section(".kpatch.ignore.functions") = _fn;

#define KPATCH_FORCE_UNSAFE(_fn)					\
	void *__kpatch_force_func_##_fn __section(".kpatch.force") = _fn;

struct klp_object;
typedef int (*kpatch_pre_patch_call_t)(struct klp_object *obj);
typedef void (*kpatch_post_patch_call_t)(struct klp_object *obj);
typedef void (*kpatch_pre_unpatch_call_t)(struct klp_object *obj);
typedef void (*kpatch_post_unpatch_call_t)(struct klp_object *obj);

/* objname is filled in by create-diff-object through a relocation. */
#define __KPATCH_CALLBACK(kind, type, _fn)				\
	static struct {							\
		type fn;						\
		char *objname;						\
	} kpatch_##kind##_data __section(".kpatch.callbacks." #kind)	\
		__used = { .fn = _fn, .objname = NULL };

#define KPATCH_PRE_PATCH_CALLBACK(_fn) \
	__KPATCH_CALLBACK(pre_patch, kpatch_pre_patch_call_t, _fn)
#define KPATCH_POST_PATCH_CALLBACK(_fn) \
	__KPATCH_CALLBACK(post_patch, kpatch_post_patch_call_t, _fn)
#define KPATCH_PRE_UNPATCH_CALLBACK(_fn) \
	__KPATCH_CALLBACK(pre_unpatch, kpatch_pre_unpatch_call_t, _fn)
#define KPATCH_POST_UNPATCH_CALLBACK(_fn) \
	__KPATCH_CALLBACK(post_unpatch, kpatch_post_unpatch_call_t, _fn)

/*
 * A case built with -g3 can define KSTUB_VARIANT before including this
 * file to change the macro list of this header, which gcc puts into a
 * COMDAT group of its own (a grouped .debug_macro section).
 */
#ifndef KSTUB_VARIANT
#define KSTUB_VARIANT 0
#endif

#endif /* KSTUB_H */
