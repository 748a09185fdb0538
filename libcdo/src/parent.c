// SPDX-License-Identifier: GPL-2.0
/*
 * Parent symbol table and Module.symvers: parsing and lookup.
 *
 * Both files are mapped and scanned once by hand.  Entries keep their
 * table order in one array; names live in one arena.  Every question is
 * answered from an index built once after parsing:
 *
 *   by_file   FILE name             -> block, in table order
 *   by_local  name                  -> every LOCAL entry, in table order
 *   by_glob   name                  -> GLOBAL/WEAK entries
 *   by_exp    name                  -> Module.symvers entries
 *
 * A LOCAL lookup walks the entries of its name and keeps the one in the
 * block; the same walk ranks it among its namesakes for sympos.  Local
 * names repeat in few files, so the walks are short.  A block's entries
 * are contiguous in the array, from its FILE entry up to the next block's,
 * so a block needs no list of its own.  The indexes use two entries per
 * bucket and drop their build-only tails once filled: on a distro symtab
 * every byte per entry is 190 KB.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hashidx.h"
#include "parent.h"

/*
 * One per symbol of a distro symtab (~190,000): 32 bytes, so that the
 * whole index stays below what upstream's list of the same lines takes.
 */
#define PENT_NAME_MAX ((1u << 24) - 1)

struct pent {
	uint64_t addr;
	uint64_t size;
	uint32_t name;		/* offset in the name arena */
	uint32_t name_len : 24;	/* at most PENT_NAME_MAX */
	uint32_t type : 4;	/* STT_NOTYPE, OBJECT, FUNC or FILE */
	uint32_t bind : 4;	/* STB_LOCAL, GLOBAL or WEAK */
	int32_t block;		/* FILE block holding the entry, -1 before the first FILE */
};

struct pexp {
	uint32_t name;
	uint32_t name_len;
	uint32_t objname;
};

struct parent {
	char *pname;
	char *names;		/* arena of NUL-terminated names */
	size_t names_len;
	uint32_t buckets;	/* 0, or the forced bucket count (tests) */
	bool generic_lines;	/* never parse_sym_line_fast() (tests) */

	struct pent *ents;
	uint32_t n_ents;

	uint32_t n_blocks;
	uint32_t *blk_file;	/* block -> entry index of its FILE entry */
	struct hidx by_file;	/* ids are block numbers */

	uint32_t *loc;		/* by_local id -> entry index */
	struct hidx by_local;

	uint32_t *glob;		/* by_glob id -> entry index */
	struct hidx by_glob;

	struct pexp *exps;
	uint32_t n_exps;
	struct hidx by_exp;
};

/* ---- input files ------------------------------------------------------ */

struct fbuf {
	const char *data;
	size_t len;
	void *map;
	char *heap;
};

static int fbuf_load(struct fbuf *f, const char *path, struct errbuf *eb)
{
	struct stat st;
	size_t cap = 0;
	int fd;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		goto io_err;
	if (S_ISREG(st.st_mode)) {
		if (st.st_size == 0)
			goto out;
		f->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->map == MAP_FAILED) {
			f->map = NULL;
			goto io_err;
		}
		madvise(f->map, (size_t)st.st_size, MADV_SEQUENTIAL);
		f->data = f->map;
		f->len = (size_t)st.st_size;
		goto out;
	}
	/* pipes and character devices such as /dev/null cannot be mapped */
	for (;;) {
		ssize_t n;

		if (f->len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(f->heap, cap);
			if (!nb) {
				close(fd);
				free(f->heap);
				f->heap = NULL;
				return err_set(eb, CDO_ERR_NOMEM, "%s: out of memory", path);
			}
			f->heap = nb;
		}
		n = read(fd, f->heap + f->len, cap - f->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto io_err;
		}
		if (n == 0)
			break;
		f->len += (size_t)n;
	}
	f->data = f->heap;
out:
	close(fd);
	return 0;
io_err:
	err_set(eb, CDO_ERR_IO, "%s: %s", path, strerror(errno));
	close(fd);
	free(f->heap);
	f->heap = NULL;
	return CDO_ERR_IO;
}

/*
 * A distro symtab is 10-20 MB of text we read once from front to back:
 * drop the pages behind the parser so they never add up in memory.
 */
static void fbuf_consumed(const struct fbuf *f, const char *upto, const char **released)
{
	const size_t chunk = 256u << 10;
	uintptr_t start, stop;

	if (!f->map || (size_t)(upto - *released) < chunk)
		return;
	start = ((uintptr_t)*released + 4095) & ~(uintptr_t)4095;
	stop = (uintptr_t)upto & ~(uintptr_t)4095;
	if (stop > start)
		madvise((void *)start, stop - start, MADV_DONTNEED);
	*released = (const char *)stop;
}

static void fbuf_free(struct fbuf *f)
{
	if (f->map)
		munmap(f->map, f->len);
	free(f->heap);
	memset(f, 0, sizeof(*f));
}

static uint32_t count_lines(const char *s, size_t len)
{
	const char *e = s + len;
	uint64_t n = 1;

	while ((s = memchr(s, '\n', (size_t)(e - s)))) {
		s++;
		n++;
	}
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* ---- small helpers ---------------------------------------------------- */

/* The characters scanf's %s stops at, minus the newline that ends lines. */
static inline bool is_blank(char c)
{
	return c == ' ' || ((unsigned char)c >= '\t' && (unsigned char)c <= '\r' && c != '\n');
}

/*
 * readelf pads its columns with runs of spaces and most of a symtab line is
 * padding or tokens, so both scanners step eight bytes at a time on
 * little-endian hosts and finish byte by byte.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SCAN_WORDS 1
#else
#define SCAN_WORDS 0
#endif

static inline uint64_t load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static inline const char *skip_blank(const char *p, const char *e)
{
	while (SCAN_WORDS && e - p >= 8) {
		uint64_t w = load8(p) ^ 0x2020202020202020ull;	/* 0 where ' ' */

		if (w) {
			p += __builtin_ctzll(w) / 8;
			break;
		}
		p += 8;
	}
	while (p < e && is_blank(*p))
		p++;
	return p;
}

static inline const char *token_end(const char *p, const char *e)
{
	while (SCAN_WORDS && e - p >= 8) {
		uint64_t w = load8(p);
		/* high bit set in the first byte below 0x21, exact for the lowest one */
		uint64_t m = (w - 0x2121212121212121ull) & ~w & 0x8080808080808080ull;

		if (m) {
			p += __builtin_ctzll(m) / 8;
			break;
		}
		p += 8;
	}
	while (p < e && !is_blank(*p) && *p != '\n')
		p++;
	return p;
}

static inline const char *ent_name(const struct parent *p, const struct pent *e)
{
	return p->names + e->name;
}

static inline bool name_eq(const struct parent *p, uint32_t off, uint32_t len,
			   const char *name, size_t nlen)
{
	return len == nlen && !memcmp(p->names + off, name, nlen);
}

static uint32_t arena_put(struct parent *p, const char *s, size_t n)
{
	uint32_t off = (uint32_t)p->names_len;

	memcpy(p->names + off, s, n);
	p->names[off + n] = '\0';
	p->names_len += n + 1;
	return off;
}

#define SIX_DIGITS(c0, v0) \
	[c0] = v0, [c0 + 1] = v0 + 1, [c0 + 2] = v0 + 2, [c0 + 3] = v0 + 3, \
	[c0 + 4] = v0 + 4, [c0 + 5] = v0 + 5

/* digit value + 1, so that the zero-filled rest means "not a digit" */
static const uint8_t digit_value[256] = {
	SIX_DIGITS('0', 1), ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	SIX_DIGITS('a', 11), SIX_DIGITS('A', 11),
};

/* Digits of @base only, no sign, no overflow. */
static bool parse_digits(const char *t, const char *e, unsigned int base, uint64_t *out)
{
	uint64_t v = 0;

	if (t == e)
		return false;
	for (; t < e; t++) {
		unsigned int d = digit_value[(unsigned char)*t];

		if (!d-- || d >= base)
			return false;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
			return false;
	}
	*out = v;
	return true;
}

/* Up to 16 hex digits: the Value column, and 0x sizes. */
static bool parse_hex(const char *t, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (t == e || e - t > 16)
		return false;
	for (; t < e; t++) {
		unsigned int d = digit_value[(unsigned char)*t];

		if (!d)
			return false;
		v = v << 4 | (d - 1);
	}
	*out = v;
	return true;
}

/* strtoul(base 0) rules, but the whole token must be a number. */
static bool parse_size(const char *t, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (e - t > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		return e - t <= 18 ? parse_hex(t + 2, e, out) : parse_digits(t + 2, e, 16, out);
	if (e - t > 1 && t[0] == '0')
		return parse_digits(t + 1, e, 8, out);
	/* 19 decimal digits cannot overflow 64 bits */
	if (t == e || e - t > 19)
		return parse_digits(t, e, 10, out);
	for (; t < e; t++) {
		unsigned int d = (unsigned int)(unsigned char)*t - '0';

		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/*
 * Names that the linker sometimes drops and sometimes keeps, depending on
 * kernel version and on whether the parent is vmlinux or a module; the
 * object side ignores them when matching FILE blocks.
 */
static bool maybe_discarded(const char *n)
{
	static const char *const prefixes[] = {
		"__exitcall_", "__brk_reservation_fn_", "__func_stack_frame_non_standard_",
		"__trace_check", ".L.str", ".L__const",
		/* ubsan data sections and symbols */
		".data.rel.local..Lubsan_data", ".data..Lubsan_type", ".Lubsan_data",
		".data..Lubsan_data", ".rela.data..Lubsan_data",
		".rela.data.rel.local..Lubsan_data",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(n, prefixes[i], strlen(prefixes[i])))
			return true;
	return strstr(n, "__addressable_") || strstr(n, "__UNIQUE_ID_");
}

/* ---- symtab ----------------------------------------------------------- */

struct tok {
	const char *s, *e;
};

#define TOKFMT "%.*s"
#define TOKARG(t) (int)((t).e - (t).s > 64 ? 64 : (t).e - (t).s), (t).s

static inline bool tok_eq(struct tok t, const char *lit)
{
	return strlen(lit) == (size_t)(t.e - t.s) && !memcmp(t.s, lit, (size_t)(t.e - t.s));
}

static inline struct tok next_tok(const char **pos, const char *e)
{
	struct tok t;

	t.s = skip_blank(*pos, e);
	t.e = token_end(t.s, e);
	*pos = t.e;
	return t;
}

/* Exactly 16 hex digits, without a branch per digit. */
static inline bool parse_hex16(const char *t, uint64_t *out)
{
#ifdef __SSE2__
	/*
	 * All sixteen at once: which bytes are digits or letters a-f/A-F,
	 * their values, then each pair of values packed into a byte.
	 */
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)t);
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				      _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
	__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
				       _mm_cmpgt_epi8(_mm_set1_epi8('f' + 1), lower));
	__m128i nib = _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
				   _mm_and_si128(letter, _mm_set1_epi8(9)));
	/* 16-bit lanes hold (first << 0) | (second << 8): make first << 4 | second */
	__m128i pairs = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(nib, _mm_set1_epi16(0x00ff)), 4),
				     _mm_srli_epi16(nib, 8));
	uint64_t packed;

	if (_mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xffff)
		return false;
	packed = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs));
	/* the first digit is the most significant */
	*out = __builtin_bswap64(packed);
	return true;
#else
	uint64_t v = 0;
	unsigned int bad = 0;
	int i;

	for (i = 0; i < 16; i++) {
		/* digit_value[] is the value + 1: anything else wraps around */
		unsigned int d = digit_value[(unsigned char)t[i]] - 1u;

		bad |= d;
		v = v << 4 | (d & 15);
	}
	*out = v;
	return !(bad & ~15u);
#endif
}

static inline bool word_is(const char *p, const char *lit, size_t n)
{
	return !memcmp(p, lit, n);
}

/*
 * readelf -s --wide prints an entry of a 64-bit object as
 *	"%6d: %016lx %5lu %-7s %-6s %-7s %4s %s"
 * (Num, Value, Size, Type, Bind, Vis, Ndx, Name), so nearly every line of
 * a symtab has its fields at fixed places after the Size column.  Such a
 * line is read here with a few comparisons instead of a scan per field.
 * Everything else (another Vis, an annotation, an Ndx wider than four, an
 * empty name, a type or binding parse_sym_line() refuses) returns 2 and
 * goes to parse_sym_line(), so both give the same answer for every line.
 * @q points after the colon of "<Num>:".  Otherwise returns like
 * parse_sym_line().
 */
static int parse_sym_line_fast(const char *q, const char *end, struct pent *ent,
			       struct tok *name, const char **line_end)
{
	const char *size, *b, *ndx, *nm, *ne;
	uint64_t addr, sz;

	/* the longest fixed part, so that no test below reads past @end */
	if (end - q < 64 || q[0] != ' ' || q[17] != ' ' || !parse_hex16(q + 1, &addr))
		return 2;
	size = skip_blank(q + 18, end);
	b = token_end(size, end);
	if (end - b < 40 || b[0] != ' ' || !parse_size(size, b, &sz))
		return 2;

	if (word_is(b + 1, "FUNC    ", 8))
		ent->type = STT_FUNC;
	else if (word_is(b + 1, "OBJECT  ", 8))
		ent->type = STT_OBJECT;
	else if (word_is(b + 1, "NOTYPE  ", 8))
		ent->type = STT_NOTYPE;
	else if (word_is(b + 1, "FILE    ", 8))
		ent->type = STT_FILE;
	else if (!word_is(b + 1, "SECTION ", 8))
		return 2;

	if (word_is(b + 9, "LOCAL  ", 7))
		ent->bind = STB_LOCAL;
	else if (word_is(b + 9, "GLOBAL ", 7))
		ent->bind = STB_GLOBAL;
	else if (word_is(b + 9, "WEAK   ", 7))
		ent->bind = STB_WEAK;
	else
		return 2;

	if (!word_is(b + 16, "DEFAULT ", 8) && !word_is(b + 16, "HIDDEN  ", 8))
		return 2;

	/* Ndx, right-aligned in four columns */
	ndx = skip_blank(b + 24, b + 28);
	if (ndx == b + 28 || *ndx == '[' || token_end(ndx, b + 28) != b + 28 || b[28] != ' ' ||
	    is_blank(b[29]) || b[29] == '\n')
		return 2;
	nm = b + 29;
	ne = token_end(nm, end);
	if (ne < end && *ne != '\n')
		return 2;

	ent->addr = addr;
	ent->size = sz;
	*line_end = ne;
	if ((b + 28 - ndx == 3 && word_is(ndx, "UND", 3)) || word_is(b + 1, "SECTION ", 8))
		return 0;
	name->s = nm;
	name->e = ne;
	return 1;
}

enum { T_VALUE, T_SIZE, T_TYPE, T_BIND, T_VIS, T_NDX, T_NAME, T_COUNT };

/*
 * Parse the fields after "<Num>:" of one symbol entry, starting at @q; the
 * scanners stop at the newline, @end is the end of the file.  Sets
 * *@line_end to the newline (or @end).  Return 1 for an entry to keep, 0
 * for one upstream drops (UND, SECTION), negative on error.
 */
static int parse_sym_line(const char *path, size_t lineno, const char *q, const char *end,
			  struct pent *ent, struct tok *name, const char **line_end,
			  struct errbuf *eb)
{
	struct tok t[T_COUNT];
	const char *le;
	uint64_t v;
	int i;

	for (i = T_VALUE; i <= T_VIS; i++)
		t[i] = next_tok(&q, end);
	/* st_other annotations such as "[<localentry>: 8]" follow Vis */
	q = skip_blank(q, end);
	while (q < end && *q == '[') {
		const char *close;

		le = memchr(q, '\n', (size_t)(end - q));
		close = memchr(q, ']', (size_t)((le ? le : end) - q));
		if (!close)
			return err_set(eb, CDO_ERR_MALFORMED,
				       "%s:%zu: unterminated '[' annotation", path, lineno);
		q = skip_blank(close + 1, end);
	}
	t[T_NDX] = next_tok(&q, end);
	t[T_NAME] = next_tok(&q, end);
	if (t[T_NDX].s == t[T_NDX].e)
		return err_set(eb, CDO_ERR_MALFORMED, "%s:%zu: truncated symbol line",
			       path, lineno);
	le = memchr(q, '\n', (size_t)(end - q));
	*line_end = le ? le : end;

	if (!parse_hex(t[T_VALUE].s, t[T_VALUE].e, &v))
		return err_set(eb, CDO_ERR_MALFORMED, "%s:%zu: bad symbol value '" TOKFMT "'",
			       path, lineno, TOKARG(t[T_VALUE]));
	ent->addr = v;
	if (!parse_size(t[T_SIZE].s, t[T_SIZE].e, &v))
		return err_set(eb, CDO_ERR_MALFORMED, "%s:%zu: bad symbol size '" TOKFMT "'",
			       path, lineno, TOKARG(t[T_SIZE]));
	ent->size = v;

	if (tok_eq(t[T_NDX], "UND") || tok_eq(t[T_TYPE], "SECTION"))
		return 0;

	/* upstream checks the binding first; keep its order of complaints */
	if (tok_eq(t[T_BIND], "LOCAL"))
		ent->bind = STB_LOCAL;
	else if (tok_eq(t[T_BIND], "GLOBAL"))
		ent->bind = STB_GLOBAL;
	else if (tok_eq(t[T_BIND], "WEAK"))
		ent->bind = STB_WEAK;
	else
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s:%zu: unknown symbol bind " TOKFMT,
			       path, lineno, TOKARG(t[T_BIND]));

	if (tok_eq(t[T_TYPE], "FUNC"))
		ent->type = STT_FUNC;
	else if (tok_eq(t[T_TYPE], "OBJECT"))
		ent->type = STT_OBJECT;
	else if (tok_eq(t[T_TYPE], "NOTYPE"))
		ent->type = STT_NOTYPE;
	else if (tok_eq(t[T_TYPE], "FILE"))
		ent->type = STT_FILE;
	else
		return err_set(eb, CDO_ERR_UNSUPPORTED, "%s:%zu: unknown symbol type " TOKFMT,
			       path, lineno, TOKARG(t[T_TYPE]));

	*name = t[T_NAME];
	return 1;
}

static int symtab_parse(struct parent *p, const char *path, const struct fbuf *f,
			struct errbuf *eb)
{
	const char *s = f->data, *end = f->data + f->len, *released = f->data;
	size_t cap = f->len / 64 + 16;
	bool skip = false;
	size_t lineno = 0;
	int32_t block = -1;

	p->ents = malloc(sizeof(*p->ents) * cap);
	if (!p->ents)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory reading %s", path);

	while (s < end) {
		const char *e = NULL, *q, *num;
		struct tok name = { NULL, NULL };
		struct pent *ent;
		int ret;

		fbuf_consumed(f, s, &released);
		lineno++;
		if (end - s >= 13 && !memcmp(s, "Symbol table ", 13)) {
			e = memchr(s, '\n', (size_t)(end - s));
			if (!e)
				e = end;
			/* .dynsym repeats part of .symtab (powerpc): skip it */
			if (memmem(s, (size_t)(e - s), ".dynsym", 7)) {
				skip = true;
				goto next_line;
			}
			if (memmem(s, (size_t)(e - s), ".symtab", 7)) {
				skip = false;
				goto next_line;
			}
		}
		if (skip)
			goto next_line;

		/* only "<digits>:" lines are entries; headers and blanks are not */
		q = skip_blank(s, end);
		num = q;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q == num || q == end || *q != ':' ||
		    (q + 1 < end && !is_blank(q[1]) && q[1] != '\n'))
			goto next_line;

		if (p->n_ents == cap) {
			struct pent *ne;

			cap *= 2;
			ne = realloc(p->ents, sizeof(*p->ents) * cap);
			if (ne)
				p->ents = ne;
			if (!ne || cap > UINT32_MAX)
				return err_set(eb, CDO_ERR_NOMEM, "out of memory reading %s", path);
		}
		ent = &p->ents[p->n_ents];
		ret = p->generic_lines ? 2 : parse_sym_line_fast(q + 1, end, ent, &name, &e);
		if (ret == 2)
			ret = parse_sym_line(path, lineno, q + 1, end, ent, &name, &e, eb);
		if (ret < 0)
			return ret;
		if (ret == 0)
			goto next_line;

		if ((size_t)(name.e - name.s) > PENT_NAME_MAX)
			return err_set(eb, CDO_ERR_MALFORMED, "%s:%zu: symbol name longer than %u bytes",
				       path, lineno, PENT_NAME_MAX);
		ent->name = arena_put(p, name.s, (size_t)(name.e - name.s));
		ent->name_len = (uint32_t)(name.e - name.s) & PENT_NAME_MAX;
		if (ent->type == STT_FILE) {
			if (p->n_blocks == INT32_MAX)
				return err_set(eb, CDO_ERR_MALFORMED, "%s: too many FILE symbols",
					       path);
			block = (int32_t)p->n_blocks++;
		}
		ent->block = block;
		p->n_ents++;
next_line:
		if (!e) {
			e = memchr(s, '\n', (size_t)(end - s));
			if (!e)
				e = end;
		}
		s = e < end ? e + 1 : end;
	}
	return 0;
}

/* Buckets of a parent index: @p->buckets when forced, else two ids a bucket. */
static uint32_t index_buckets(const struct parent *p, uint32_t ids)
{
	return p->buckets ? p->buckets : ids / 2 + 1;
}

static int symtab_index(struct parent *p, struct errbuf *eb)
{
	uint32_t i, n_glob = 0, n_loc = 0;

	for (i = 0; i < p->n_ents; i++) {
		if (p->ents[i].bind == STB_LOCAL)
			n_loc++;
		else
			n_glob++;
	}

	/* one more slot: the end of the last block */
	p->blk_file = malloc(sizeof(*p->blk_file) * ((size_t)p->n_blocks + 1));
	p->loc = malloc(sizeof(*p->loc) * (n_loc ? n_loc : 1));
	p->glob = malloc(sizeof(*p->glob) * (n_glob ? n_glob : 1));
	if (!p->blk_file || !p->loc || !p->glob ||
	    hidx_init(&p->by_file, p->n_blocks, index_buckets(p, p->n_blocks)) < 0 ||
	    hidx_init(&p->by_local, n_loc, index_buckets(p, n_loc)) < 0 ||
	    hidx_init(&p->by_glob, n_glob, index_buckets(p, n_glob)) < 0)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory indexing symbols");

	n_glob = n_loc = 0;
	for (i = 0; i < p->n_ents; i++) {
		const struct pent *e = &p->ents[i];
		uint64_t h = hash_bytes(ent_name(p, e), e->name_len);

		/*
		 * Every FILE entry opened a block when it was parsed, whatever its
		 * binding: each block must get its start here, or matching reads
		 * an unset one.
		 */
		if (e->type == STT_FILE) {
			/* blocks are numbered in table order, so e->block is the next one */
			p->blk_file[e->block] = i;
			hidx_add(&p->by_file, h, (uint32_t)e->block);
		}
		if (e->bind != STB_LOCAL) {
			p->glob[n_glob] = i;
			hidx_add(&p->by_glob, h, n_glob++);
			continue;
		}
		p->loc[n_loc] = i;
		hidx_add(&p->by_local, h, n_loc++);
	}
	p->blk_file[p->n_blocks] = p->n_ents;
	hidx_seal(&p->by_file);
	hidx_seal(&p->by_local);
	hidx_seal(&p->by_glob);
	return 0;
}

/* ---- Module.symvers --------------------------------------------------- */

/*
 * The field number of the module column: on the first line that has a
 * field (after a tab) starting with "vmlinux", the last such field.
 * 0 when no line has one.
 */
static unsigned int symvers_mod_column(const char *s, const char *end)
{
	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		unsigned int col = 0, found = 0;
		const char *t = s;

		if (!e)
			e = end;
		while ((t = memchr(t, '\t', (size_t)(e - t)))) {
			t++;
			col++;
			if (e - t >= 7 && !memcmp(t, "vmlinux", 7))
				found = col;
		}
		if (found)
			return found;
		s = e < end ? e + 1 : end;
	}
	return 0;
}

/* POSIX basename() of [s, e), then '-' -> '_', into the arena. */
static uint32_t put_modname(struct parent *p, const char *s, const char *e)
{
	const char *b;
	uint32_t off;
	char *c;

	while (e - s > 1 && e[-1] == '/')
		e--;
	if (e - s == 1 && *s == '/')
		return arena_put(p, "/", 1);
	b = e;
	while (b > s && b[-1] != '/')
		b--;
	off = arena_put(p, b, (size_t)(e - b));
	for (c = p->names + off; *c; c++)
		if (*c == '-')
			*c = '_';
	return off;
}

static int symvers_parse(struct parent *p, const char *path, const struct fbuf *f,
			 struct errbuf *eb)
{
	const char *s = f->data, *end = f->data + f->len, *released = f->data;
	uint32_t cap = f->len ? count_lines(f->data, f->len) : 0;
	unsigned int mod_col;
	size_t lineno = 0;

	if (!cap)
		return 0;
	mod_col = symvers_mod_column(s, end);

	p->exps = malloc(sizeof(*p->exps) * cap);
	if (!p->exps)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory reading %s", path);

	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		const char *t = s, *name = NULL, *name_end = NULL, *mod = NULL, *mod_end = NULL;
		unsigned int col = 0;
		struct pexp *x;

		if (!e)
			e = end;
		fbuf_consumed(f, s, &released);
		lineno++;
		if (e == s)
			goto next_line;
		if (!mod_col)
			return err_set(eb, CDO_ERR_MALFORMED,
				       "%s: invalid format: no module column starting with \"vmlinux\"",
				       path);
		while ((t = memchr(t, '\t', (size_t)(e - t)))) {
			const char *fe;

			t++;
			col++;
			if (col != 1 && col != mod_col)
				continue;
			fe = memchr(t, '\t', (size_t)(e - t));
			if (!fe)
				fe = e;
			if (fe == t)
				continue;
			if (col == 1) {
				name = t;
				name_end = fe;
			}
			if (col == mod_col) {
				mod = t;
				mod_end = fe;
			}
		}
		if (!name || !mod)
			return err_set(eb, CDO_ERR_MALFORMED, "%s:%zu: missing %s field", path,
				       lineno, name ? "module" : "symbol name");

		x = &p->exps[p->n_exps++];
		x->name = arena_put(p, name, (size_t)(name_end - name));
		x->name_len = (uint32_t)(name_end - name);
		x->objname = put_modname(p, mod, mod_end);
next_line:
		s = e < end ? e + 1 : end;
	}

	if (hidx_init(&p->by_exp, p->n_exps, index_buckets(p, p->n_exps)) < 0)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory indexing %s", path);
	for (uint32_t i = 0; i < p->n_exps; i++)
		hidx_add(&p->by_exp, hash_bytes(p->names + p->exps[i].name, p->exps[i].name_len),
			 i);
	hidx_seal(&p->by_exp);
	return 0;
}

/* ---- open/close ------------------------------------------------------- */

int parent_open_buckets(struct parent **out, const char *symtab_path, const char *symvers_path,
			const char *parent_name, uint32_t buckets, unsigned int flags,
			struct errbuf *eb)
{
	struct fbuf st = { 0 }, sv = { 0 };
	struct parent *p;
	size_t arena;
	int ret;

	if (out)
		*out = NULL;
	if (!out || !symtab_path || !parent_name)
		return err_set(eb, CDO_ERR_USAGE, "parent_open: missing argument");

	p = calloc(1, sizeof(*p));
	if (!p)
		return err_set(eb, CDO_ERR_NOMEM, "out of memory");
	p->buckets = buckets;
	p->generic_lines = flags & PARENT_OPEN_GENERIC_LINES;
	p->pname = strdup(parent_name);
	if (!p->pname) {
		ret = err_set(eb, CDO_ERR_NOMEM, "out of memory");
		goto fail;
	}

	ret = fbuf_load(&st, symtab_path, eb);
	if (ret)
		goto fail;
	if (symvers_path) {
		ret = fbuf_load(&sv, symvers_path, eb);
		if (ret)
			goto fail;
	}

	/*
	 * A name and its NUL never outgrow the line holding it; a symvers
	 * line may give one field as both name and module, hence twice.
	 */
	arena = st.len + 2 * sv.len + 2;
	if (arena > UINT32_MAX) {
		ret = err_set(eb, CDO_ERR_MALFORMED, "%s: symbol table too large", symtab_path);
		goto fail;
	}
	p->names = malloc(arena);
	if (!p->names) {
		ret = err_set(eb, CDO_ERR_NOMEM, "out of memory reading %s", symtab_path);
		goto fail;
	}

	ret = symtab_parse(p, symtab_path, &st, eb);
	/* names live in our arena now: the text is not needed any more */
	fbuf_free(&st);
	if (!ret)
		ret = symtab_index(p, eb);
	if (!ret && symvers_path)
		ret = symvers_parse(p, symvers_path, &sv, eb);
	if (ret)
		goto fail;

	if (p->names_len) {
		char *shrunk = realloc(p->names, p->names_len);

		if (shrunk)
			p->names = shrunk;
	}
	fbuf_free(&st);
	fbuf_free(&sv);
	*out = p;
	return CDO_OK;

fail:
	fbuf_free(&st);
	fbuf_free(&sv);
	parent_close(p);
	return ret;
}

int parent_open(struct parent **out, const char *symtab_path, const char *symvers_path,
		const char *parent_name, struct errbuf *eb)
{
	return parent_open_buckets(out, symtab_path, symvers_path, parent_name, 0, 0, eb);
}

void parent_close(struct parent *p)
{
	if (!p)
		return;
	free(p->pname);
	free(p->names);
	free(p->ents);
	free(p->blk_file);
	hidx_free(&p->by_file);
	free(p->loc);
	hidx_free(&p->by_local);
	free(p->glob);
	hidx_free(&p->by_glob);
	free(p->exps);
	hidx_free(&p->by_exp);
	free(p);
}

const char *parent_name(const struct parent *p)
{
	return p->pname;
}

long parent_block_count(const struct parent *p)
{
	return (long)p->n_blocks;
}

size_t parent_entry_count(const struct parent *p)
{
	return p->n_ents;
}

/* ---- FILE block matching ---------------------------------------------- */

struct fquery {
	const struct parent_file_query *q;
	uint64_t *hash;		/* per query local */
	size_t *len;
	bool *relevant;		/* FUNC/OBJECT (or untyped) */
	bool *kept;		/* relevant and not maybe-discarded */
	uint32_t *seen;		/* stamp of the last block that had it */
	uint32_t stamp;
	size_t n_kept;		/* distinct kept locals in @idx */
	struct hidx idx;	/* distinct relevant query locals by name hash */
};

/* The query local equal to table entry @e (name, and type if typed), or NONE. */
static uint32_t query_find(const struct fquery *fq, const struct parent *p,
			   const struct pent *e, uint64_t h)
{
	uint32_t id;

	hidx_for_each(&fq->idx, h, id) {
		if (fq->q->local_types && fq->q->local_types[id] != e->type)
			continue;
		if (name_eq(p, e->name, e->name_len, fq->q->local_names[id], fq->len[id]))
			return id;
	}
	return HIDX_NONE;
}

/* The query local in the index equal to local @k (name, and type if typed), or NONE. */
static uint32_t query_dup(const struct fquery *fq, size_t k)
{
	const struct parent_file_query *q = fq->q;
	uint32_t id;

	hidx_for_each(&fq->idx, fq->hash[k], id) {
		if (q->local_types && q->local_types[id] != q->local_types[k])
			continue;
		if (fq->len[id] == fq->len[k] && !memcmp(q->local_names[id], q->local_names[k], fq->len[k]))
			return id;
	}
	return HIDX_NONE;
}

/*
 * Does @block hold exactly the query's locals?  Every table local must be
 * among the query's (maybe-discarded ones included), and every kept query
 * local must be among the table's.  One walk over the block does both:
 * it counts the distinct kept query locals it meets.  (Looking each query
 * local up in the whole table instead walks every same-named local of
 * every file, which made a table of many same-named files quadratic.)
 */
static bool block_matches(const struct parent *p, uint32_t block, struct fquery *fq,
			  uint64_t *work)
{
	uint32_t i, first = p->blk_file[block] + 1, end = p->blk_file[block + 1];
	size_t seen = 0;

	if (work) {
		if (*work < (uint64_t)(end - first) + 1) {
			*work = 0;
			return false;
		}
		*work -= (uint64_t)(end - first) + 1;
	}
	fq->stamp++;
	for (i = first; i < end; i++) {
		const struct pent *e = &p->ents[i];
		uint32_t id;

		if (e->bind != STB_LOCAL || (e->type != STT_FUNC && e->type != STT_OBJECT))
			continue;
		id = query_find(fq, p, e, hash_bytes(ent_name(p, e), e->name_len));
		if (id == HIDX_NONE)
			return false;
		if (fq->kept[id] && fq->seen[id] != fq->stamp) {
			fq->seen[id] = fq->stamp;
			seen++;
		}
	}
	return seen == fq->n_kept;
}

long parent_match_file(const struct parent *p, const struct parent_file_query *q,
		       struct errbuf *eb)
{
	struct fquery fq = { .q = q };
	bool has_locals = false;
	long found = -1;
	uint32_t dup;
	uint64_t fh;
	size_t k, flen;
	uint32_t b;

	if (!p || !q || !q->file_name || (q->n_locals && !q->local_names) ||
	    q->n_locals >= UINT32_MAX)
		return err_set(eb, CDO_ERR_USAGE, "parent_match_file: bad query");

	if (q->n_locals) {
		fq.hash = malloc(sizeof(*fq.hash) * q->n_locals);
		fq.len = malloc(sizeof(*fq.len) * q->n_locals);
		fq.relevant = malloc(sizeof(*fq.relevant) * q->n_locals);
		fq.kept = malloc(sizeof(*fq.kept) * q->n_locals);
		fq.seen = calloc(q->n_locals, sizeof(*fq.seen));
	}
	if ((q->n_locals && (!fq.hash || !fq.len || !fq.relevant || !fq.kept || !fq.seen)) ||
	    hidx_init(&fq.idx, (uint32_t)q->n_locals, p->buckets) < 0) {
		found = err_set(eb, CDO_ERR_NOMEM, "out of memory matching %s", q->file_name);
		goto out;
	}
	for (k = 0; k < q->n_locals; k++) {
		const char *n = q->local_names[k];
		int t = q->local_types ? q->local_types[k] : STT_FUNC;

		if (!n) {
			found = err_set(eb, CDO_ERR_USAGE, "parent_match_file: NULL local name");
			goto out;
		}
		fq.len[k] = strlen(n);
		fq.hash[k] = hash_bytes(n, fq.len[k]);
		fq.relevant[k] = t == STT_FUNC || t == STT_OBJECT;
		fq.kept[k] = fq.relevant[k] && !maybe_discarded(n) &&
			     !(q->local_empty && q->local_empty[k]);
		if (!fq.relevant[k])
			continue;
		/*
		 * Repeats say nothing more, and counting them would break the
		 * match count; but a repeat that must be in the table makes the
		 * name required.
		 */
		dup = query_dup(&fq, k);
		if (dup != HIDX_NONE) {
			if (fq.kept[k] && !fq.kept[dup]) {
				fq.kept[dup] = true;
				fq.n_kept++;
			}
		} else {
			hidx_add(&fq.idx, fq.hash[k], (uint32_t)k);
			fq.n_kept += fq.kept[k];
		}
		has_locals |= fq.kept[k];
	}

	flen = strlen(q->file_name);
	fh = hash_bytes(q->file_name, flen);
	hidx_for_each(&p->by_file, fh, b) {
		const struct pent *f = &p->ents[p->blk_file[b]];

		if (!name_eq(p, f->name, f->name_len, q->file_name, flen))
			continue;
		if (!block_matches(p, b, &fq, q->work)) {
			if (q->work && !*q->work) {
				found = err_set(eb, CDO_ERR_UNSUPPORTED,
						"too many %s FILE blocks to match in %s symbol table",
						q->file_name, p->pname);
				goto out;
			}
			continue;
		}
		if (found >= 0) {
			found = err_set(eb, CDO_ERR_UNSUPPORTED,
					"found duplicate matches for %s local symbols in %s symbol table",
					q->file_name, p->pname);
			goto out;
		}
		found = b;
		/* with no locals to tell blocks apart, any empty match will do */
		if (!has_locals)
			break;
	}
	if (found < 0)
		found = err_set(eb, CDO_ERR_UNSUPPORTED,
				"couldn't find matching %s local symbols in %s symbol table",
				q->file_name, p->pname);
out:
	free(fq.hash);
	free(fq.len);
	free(fq.relevant);
	free(fq.kept);
	free(fq.seen);
	hidx_free(&fq.idx);
	return found;
}

/* ---- lookups ---------------------------------------------------------- */

/*
 * 1-based rank of @addr among the addresses of every LOCAL named @name
 * (FILE entries too), counting ties: the kernel numbers same-named locals
 * by address.
 */
static uint64_t local_rank(const struct parent *p, const char *name, size_t len, uint64_t h,
			   uint64_t addr)
{
	uint64_t rank = 0;
	uint32_t id;

	hidx_for_each(&p->by_local, h, id) {
		const struct pent *e = &p->ents[p->loc[id]];

		if (e->addr <= addr && name_eq(p, e->name, e->name_len, name, len))
			rank++;
	}
	return rank;
}

static const struct pexp *find_export(const struct parent *p, const char *name, size_t len,
				      uint64_t h, const struct pexp **second)
{
	const struct pexp *first = NULL;
	uint32_t id;

	*second = NULL;
	hidx_for_each(&p->by_exp, h, id) {
		const struct pexp *x = &p->exps[id];

		if (!name_eq(p, x->name, x->name_len, name, len))
			continue;
		if (first) {
			*second = x;
			break;
		}
		first = x;
	}
	return first;
}

int parent_is_exported(const struct parent *p, const char *name)
{
	const struct pexp *dup;
	size_t len = strlen(name);

	return find_export(p, name, len, hash_bytes(name, len), &dup) != NULL;
}

int parent_lookup(const struct parent *p, long file_block, const char *name,
		  struct parent_sym *out, struct errbuf *eb)
{
	const struct pent *hit = NULL;
	const struct pexp *x, *dup;
	uint64_t h;
	size_t len;
	uint32_t id;

	memset(out, 0, sizeof(*out));
	if (!name || file_block < -1 || file_block >= (long)p->n_blocks)
		return err_set(eb, CDO_ERR_USAGE, "parent_lookup: bad arguments");
	len = strlen(name);
	h = hash_bytes(name, len);

	if (file_block >= 0) {
		hidx_for_each(&p->by_local, h, id) {
			const struct pent *e = &p->ents[p->loc[id]];

			if (e->block != file_block || e->type == STT_FILE ||
			    !name_eq(p, e->name, e->name_len, name, len))
				continue;
			if (hit)
				return err_set(eb, CDO_ERR_UNSUPPORTED,
					       "duplicate local symbol found for %s", name);
			hit = e;
		}
		if (hit) {
			out->addr = hit->addr;
			out->size = hit->size;
			out->sympos = local_rank(p, name, len, h, hit->addr);
			out->objname = p->pname;
			out->bind = STB_LOCAL;
			out->type = hit->type;
			return 1;
		}
	}

	hidx_for_each(&p->by_glob, h, id) {
		const struct pent *e = &p->ents[p->glob[id]];

		if (!name_eq(p, e->name, e->name_len, name, len))
			continue;
		if (hit)
			return err_set(eb, CDO_ERR_UNSUPPORTED,
				       "duplicate global symbol found for %s", name);
		hit = e;
	}
	if (hit) {
		out->addr = hit->addr;
		out->size = hit->size;
		out->global = 1;
		out->exported = find_export(p, name, len, h, &dup) != NULL;
		out->objname = p->pname;
		out->bind = hit->bind;
		out->type = hit->type;
		return 1;
	}

	x = find_export(p, name, len, h, &dup);
	if (!x)
		return 0;
	if (dup)
		return err_set(eb, CDO_ERR_UNSUPPORTED, "duplicate exported symbol found for %s",
			       name);
	out->global = 1;
	out->exported = 1;
	out->objname = p->names + x->objname;
	out->bind = STB_GLOBAL;
	out->type = STT_NOTYPE;
	return 1;
}
