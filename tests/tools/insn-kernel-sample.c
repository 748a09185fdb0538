// SPDX-License-Identifier: GPL-2.0
/*
 * Source of the kernel-style half of tests/unit/insn_vectors.h.  It is
 * never linked or run: gen-insn-vectors.sh compiles it with the flags a
 * kernel build uses (-mcmodel=kernel, -mno-red-zone, -mfentry, retpoline
 * thunks, CET) and keeps objdump's view of every instruction.  The inline
 * assembly spells out what kernel headers would emit: BUG()/WARN()
 * traps, jump-label NOPs, system instructions, locked atomics.
 */
#include <stddef.h>
#include <stdint.h>

struct list { struct list *next, *prev; };

struct task {
	unsigned long flags;
	int prio;
	short cpu;
	unsigned char state;
	struct list node;
	uint64_t counters[8];
	char comm[16];
};

extern struct task *current_task;
extern unsigned long jiffies;
extern int printk(const char *fmt, ...);
extern void warn_slowpath(const char *file, int line);
extern void schedule(void);
extern void (*indirect_hook)(struct task *);
extern unsigned char big_table[1 << 20];

#define BUG_TRAP()	asm volatile("1: ud2\n"				\
				     ".pushsection __bug_table,\"aw\"\n"	\
				     ".long 1b - .\n.word %c0\n.popsection"	\
				     : : "i" (__LINE__))
#define WARN_TRAP()	asm volatile("1: ud1 0x1(%%rax), %%eax\n" ::: "memory")

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32))
		     : "memory");
}

static inline void cpuid(uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid" : "+a" (*a), "=b" (*b), "+c" (*c), "=d" (*d));
}

static inline unsigned long save_flags(void)
{
	unsigned long f;

	asm volatile("pushf; pop %0" : "=rm" (f) : : "memory");
	return f;
}

static inline void restore_flags(unsigned long f)
{
	asm volatile("push %0; popf" : : "g" (f) : "memory", "cc");
}

int jump_label_branch(struct task *t)
{
	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n"
		 ".pushsection __jump_table, \"aw\"\n"
		 ".long 1b - ., %l[slow] - .\n.quad 0\n.popsection"
		 : : : : slow);
	return t->prio;
slow:
	return t->prio + 1;
}

void system_insns(unsigned long addr, unsigned long cr3)
{
	asm volatile("clac; stac; swapgs; swapgs");
	asm volatile("lfence; mfence; sfence" ::: "memory");
	asm volatile("invlpg (%0)" : : "r" (addr) : "memory");
	asm volatile("mov %0, %%cr3" : : "r" (cr3) : "memory");
	asm volatile("mov %%cr4, %%rax; mov %%rax, %%cr4" ::: "rax");
	asm volatile("mov %%db7, %%rax; mov %%rax, %%db7" ::: "rax");
	asm volatile("wbinvd; cli; sti; hlt; pause; int3; nop");
	asm volatile("rdtsc; rdtscp; rdpmc" ::: "rax", "rdx", "rcx");
	asm volatile("xgetbv; xsetbv" ::: "rax", "rdx", "rcx");
	asm volatile("monitor; mwait" ::: "rax", "rcx", "rdx");
	asm volatile("sysretq; iretq; sysretl; syscall; sysenter");
	asm volatile("lgdt (%0); lidt (%0); sgdt (%0); sidt (%0)" : : "r" (addr) : "memory");
	asm volatile("ltr %%ax; lldt %%ax; str %%ax; sldt %%ax" ::: "rax");
	asm volatile(".byte 0xf2, 0x0f, 0x00, 0xf0" ::: "memory");	/* lkgs %ax */
	asm volatile("xsave (%0); xrstor (%0); xsaveopt (%0); xsaves (%0); xrstors (%0)"
		     : : "r" (addr) : "memory");
	asm volatile("fxsave (%0); fxrstor (%0); fninit; fnstsw %%ax; fnclex" : : "r" (addr) : "memory", "rax");
	asm volatile("clflush (%0); clflushopt (%0); clwb (%0); prefetchw (%0); prefetcht0 (%0)"
		     : : "r" (addr) : "memory");
	asm volatile("rdrand %%rax; rdseed %%rax; rdpid %%rax" ::: "rax");
	asm volatile("rdfsbase %%rax; wrfsbase %%rax; rdgsbase %%rax; wrgsbase %%rax" ::: "rax");
	asm volatile("vmcall; vmlaunch; vmresume; vmxoff; vmfunc");
	asm volatile("vmread %%rax, %%rbx; vmwrite %%rbx, %%rax" ::: "rax", "rbx");
	asm volatile("vmptrld (%0); vmclear (%0); vmxon (%0); vmptrst (%0)" : : "r" (addr));
	asm volatile("invept (%0), %%rax; invvpid (%0), %%rax; invpcid (%0), %%rax"
		     : : "r" (addr) : "rax");
	asm volatile("vmrun; vmmcall; vmload; vmsave; stgi; clgi; skinit; invlpga");
	asm volatile("encls; enclu; serialize; wrpkru; rdpkru" ::: "rax", "rcx", "rdx");
	asm volatile("endbr64; ud2; ud1 (%rax), %rax");
	asm volatile("rep movsb; rep stosb; rep movsq; rep stosq; repe cmpsb; repne scasb"
		     ::: "memory", "rsi", "rdi", "rcx");
	asm volatile("movdiri %%rax, (%0); movdir64b (%0), %%rax; enqcmd (%0), %%rax"
		     : : "r" (addr) : "memory", "rax");
	asm volatile("xbegin 1f; xabort $3; xend; xtest; 1:");
	asm volatile("rep xcryptecb; xstore; rep xsha1" ::: "memory");
	asm volatile("in $0x80, %%al; out %%al, $0x80; in %%dx, %%eax; outw %%ax, %%dx; outsb; insl" ::: "rax", "rdx", "memory");
	asm volatile("enter $16, $0; leave; lretq; lretq $8; ret $16; int $0x80; int1");
	asm volatile("incsspq %rax; rdsspq %rax; saveprevssp; setssbsy; clrssbsy (%rax); wrssq %rax, (%rbx); wrussq %rax, (%rbx)");
	asm volatile("movabs 0x1122334455667788, %al; movabs %eax, 0x1122334455667788; movabs $0x1122334455667788, %r11");
	asm volatile("addr32 movabs 0x11223344, %eax");
	asm volatile("tpause %eax; umonitor %rax; umwait %eax; hreset $1; uiret; clui; stui; testui; senduipi %rax");
	asm volatile("pconfig; wrmsrns; tdcall; seamcall; seamret; seamops; psmash; pvalidate; rmpadjust; rmpupdate");
	asm volatile("invlpgb; tlbsync; clzero; rdpru; monitorx; mwaitx; mcommit");
	asm volatile("cmpxchg16b (%0); cmpxchg8b (%0)" : : "r" (addr) : "memory", "rax", "rdx");
}

/* A large enough function body that gcc mixes every kind of addressing. */
unsigned long mixed_work(struct task *t, struct task **arr, long n, const char *s)
{
	unsigned long sum = 0, f;
	long i;

	f = save_flags();
	for (i = 0; i < n; i++) {
		struct task *p = arr[i];

		if (!p)
			BUG_TRAP();
		if (p->prio > 100) {
			WARN_TRAP();
			warn_slowpath(__FILE__, __LINE__);
		}
		sum += p->counters[i & 7] * 3 + p->cpu;
		sum ^= big_table[(sum >> 3) & 0xfffff];
		__atomic_fetch_add(&p->counters[0], 1, __ATOMIC_SEQ_CST);
		__atomic_or_fetch(&p->flags, 0x40, __ATOMIC_RELAXED);
		if (__atomic_exchange_n(&p->state, 2, __ATOMIC_ACQ_REL) == 1)
			schedule();
		if (__atomic_compare_exchange_n(&p->prio, &(int){ 5 }, 6, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			sum++;
	}
	restore_flags(f);
	if (indirect_hook)
		indirect_hook(t);
	while (*s)
		sum = sum * 31 + (unsigned char)*s++;
	sum += rdmsr(0xc0000080) + jiffies;
	wrmsr(0xc0000080, sum | 1);
	{
		uint32_t a = 7, b, c = 0, d;

		cpuid(&a, &b, &c, &d);
		sum += a + b + c + d;
	}
	if (t != current_task)
		printk("task %s %lu\n", t->comm, sum);
	return sum;
}

unsigned int switch_table(unsigned int v, unsigned int w)
{
	switch (v) {
	case 0: return w + 1;
	case 1: return w * 7;
	case 2: return w >> 3;
	case 3: return w ^ 0x55aa;
	case 4: return __builtin_popcount(w);
	case 5: return __builtin_ctz(w | 1);
	case 6: return __builtin_clz(w | 1);
	case 7: return __builtin_bswap32(w);
	case 8: return (unsigned short)w / 3;
	case 9: return (signed char)w % 5;
	default: return 0;
	}
}

struct big { uint64_t a[12]; };

void struct_copy(struct big *d, const struct big *s, uint16_t *h, int8_t *b)
{
	*d = *s;
	h[3] = h[1] + 0x1234;
	h[4] = (uint16_t)(h[2] * 0x7fff);
	b[9] = (int8_t)(b[2] - 100);
	d->a[11] = (uint64_t)-1 / (s->a[0] | 1);
	d->a[10] = (int64_t)s->a[1] >> 13;
	d->a[9] = s->a[2] << (s->a[3] & 63);
	d->a[8] = (s->a[4] > s->a[5]) ? s->a[6] : s->a[7];
	d->a[7] = 0x123456789abcdefULL;
	d->a[6] = (uint64_t)(((unsigned __int128)s->a[8] * s->a[9]) >> 64);
}

long bit_ops(unsigned long *map, long nbits, long start)
{
	long i;

	for (i = start; i < nbits; i++) {
		if (__atomic_load_n(&map[i / 64], __ATOMIC_RELAXED) & (1UL << (i % 64)))
			return i;
	}
	asm volatile("lock btsq %1, %0" : "+m" (*map) : "Ir" (start));
	asm volatile("lock btrq %1, %0" : "+m" (*map) : "Ir" (5L));
	asm volatile("btcq $7, %0; btq $3, %0" : "+m" (*map));
	asm volatile("lock xaddq %0, %1" : "+r" (nbits), "+m" (*map));
	asm volatile("lock cmpxchgq %2, %1" : "+a" (start), "+m" (*map) : "r" (nbits));
	asm volatile("xchgq %0, %1" : "+r" (nbits), "+m" (map[1]));
	asm volatile("lock incl %0; lock decq %0; lock notb %0; lock negw %0" : "+m" (*map));
	asm volatile("testb $1, %0; testw $0x100, %0; testl $0x10000, %0; testq $-2, %0" : : "m" (*map));
	asm volatile("mov %%cs, %%ax; mov %%ax, %%ds; mov %%gs:8, %%rax; mov %%fs:(%%rax), %%eax" ::: "rax");
	asm volatile("pushq $0x12345; pushq $-1; push %%rax; pop %%rax; pushw $7; push %%fs; pop %%gs" ::: "memory");
	asm volatile("imul $1000, %%rax, %%rbx; imul $3, %%rbx, %%rcx; movsxd %%eax, %%rdx; cqo; cdq; cbw" ::: "rax", "rbx", "rcx", "rdx");
	asm volatile("shld $3, %%rax, %%rbx; shrd %%cl, %%rax, %%rbx; rol $5, %%eax; rcr %%cl, %%bx; sar %%edx" ::: "rax", "rbx", "rdx");
	asm volatile("movbe (%%rax), %%ebx; crc32q %%rax, %%rbx; crc32b %%al, %%ebx; popcnt %%rax, %%rbx; lzcnt %%eax, %%ebx; tzcnt %%ax, %%bx" ::: "rax", "rbx");
	asm volatile("andn %%rax, %%rbx, %%rcx; bextr %%rax, %%rbx, %%rcx; pdep %%rax, %%rbx, %%rcx; shlx %%rax, %%rbx, %%rcx; rorx $3, %%rax, %%rbx; mulx %%rax, %%rbx, %%rcx; blsr %%rax, %%rbx" ::: "rax", "rbx", "rcx");
	asm volatile("adcx %%rax, %%rbx; adox %%rax, %%rbx; cmovne %%rax, %%rbx; setg %%al; sete (%%rbx); jrcxz 1f; loop 1f; 1:" ::: "rax", "rbx", "rcx");
	asm volatile("fld1; fldz; fadd %%st(1), %%st; fstpt (%%rax); fildll (%%rax); fistpl (%%rax); fucomip %%st(1), %%st; fwait; fnstcw (%%rax); fldcw (%%rax)" ::: "rax", "memory");
	return -1;
}

void simd_user(void)
{
	asm volatile("movaps %xmm0, %xmm1; movups (%rax), %xmm2; pxor %xmm3, %xmm3; pshufb %xmm1, %xmm2");
	asm volatile("aesenc %xmm1, %xmm2; aesdeclast (%rax), %xmm3; pclmulqdq $0x11, %xmm1, %xmm2; sha256rnds2 %xmm1, %xmm2");
	asm volatile("vmovdqu (%rax), %ymm0; vpxor %ymm1, %ymm2, %ymm3; vpbroadcastq %xmm0, %ymm1; vzeroupper");
	asm volatile("vaesenc %ymm1, %ymm2, %ymm3; vpclmulqdq $0x10, %ymm1, %ymm2, %ymm3; vpermq $0x4e, %ymm1, %ymm2");
	asm volatile("vmovdqu64 (%rax), %zmm0; vpxorq %zmm1, %zmm2, %zmm3{%k1}; vpternlogq $0x96, %zmm1, %zmm2, %zmm3");
	asm volatile("vpaddd 0x40(%rax), %zmm1, %zmm2; vpaddd (%rax){1to16}, %zmm1, %zmm2; kmovw %k1, %eax; kortestw %k1, %k2");
	asm volatile("vgatherdps (%rax,%zmm1,4), %zmm2{%k1}; vfmadd231ps %zmm1, %zmm2, %zmm3; vaddph %zmm1, %zmm2, %zmm3");
	asm volatile("ldmxcsr (%rax); stmxcsr (%rax); vldmxcsr (%rax); cvtsi2sd %rax, %xmm0; cvttsd2si %xmm0, %rax");
	asm volatile("ldtilecfg (%rax); tilezero %tmm0; tileloadd (%rax,%rbx,1), %tmm1; tdpbssd %tmm1, %tmm2, %tmm3; tilerelease");
	asm volatile("extrq $4, $8, %xmm1; insertq $4, $8, %xmm2, %xmm1; movntsd %xmm0, (%rax)");
}
