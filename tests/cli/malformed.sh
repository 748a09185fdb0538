#!/bin/bash
# create-diff-object on broken inputs.
#
#   tests/cli/malformed.sh BUILD_DIR
#
# Compiles a small kernel-style original/patched pair, derives one broken
# copy per kind of damage with a tiny C generator (built here too), and
# runs BUILD_DIR/bin/create-diff-object with each broken file as the
# original and as the patched object.  Every run must exit 1 (not crash),
# print exactly one line on stderr naming the broken file, and leave
# neither the output nor a temporary file behind.  A broken parent symbol
# table and unreadable Module.symvers paths are checked the same way.
#
# Prints "ok <case>" or "FAIL <case>: why" per run and ends with
# "malformed: N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

# shellcheck source=tests/cli/lib/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
cli_setup malformed "${1:?usage: malformed.sh BUILD_DIR}"

mkdir -p "$work/src/orig" "$work/src/patched" "$work/out"
cat >"$work/src/orig/m.c" <<'EOF'
int counter;
static int helper_state = 3;

__attribute__((noinline)) int compute(int x)
{
	return x * 4 + counter;
}

__attribute__((noinline)) const char *describe(int x)
{
	return x > 0 ? "positive" : "other";
}

__attribute__((noinline)) int stable(int x)
{
	return x + 7 + helper_state;
}

int entry(int x)
{
	return compute(x) + stable(x) + describe(x)[0];
}
EOF
sed -e 's/x \* 4 + counter/x * 8 - 1 + counter/' \
	-e 's/"positive"/"strictly positive"/' "$work/src/orig/m.c" >"$work/src/patched/m.c"
for v in orig patched; do
	(cd "$work/src/$v" && gcc "${kflags[@]}" -c m.c -o "$work/$v.o")
done
readelf -s --wide "$work/orig.o" >"$work/vmlinux.symtab"

# The generator: mkbad IN KIND OUT writes a copy of IN with one kind of
# damage; mkbad --list prints the kinds.
cat >"$work/mkbad.c" <<'EOF'
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *b;
static size_t n;

static const char *const kinds[] = {
	"truncated-in-header", "truncated-after-header", "truncated-in-section-data",
	"truncated-in-section-headers", "truncated-last-byte", "bad-magic", "elfclass32",
	"big-endian", "wrong-machine", "not-relocatable", "bad-shentsize", "shoff-past-eof",
	"shoff-wraps", "shnum-past-eof", "shstrndx-past", "section-past-eof",
	"section-offset-wraps", "sh-name-outside-shstrtab", "shstrtab-not-nul-terminated",
	"missing-symtab", "symtab-bad-entsize", "symtab-link-not-strtab",
	"symbol-name-outside-strtab", "symbol-shndx-past", "strtab-not-nul-terminated",
	"rela-symbol-past", "rela-offset-past-section", "rela-info-past", "rela-info-is-rela",
	"rela-link-not-symtab", "rela-bad-entsize", "string-reloc-outside",
	"string-reloc-addend-max", "string-symbol-value-max", "symbol-value-past-section", NULL,
};

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)b; }
static Elf64_Shdr *sh(unsigned int i) { return (Elf64_Shdr *)(b + eh()->e_shoff) + i; }

static void die(const char *why)
{
	fprintf(stderr, "mkbad: %s\n", why);
	exit(2);
}

static unsigned int find_type(uint32_t type)
{
	unsigned int i;

	for (i = 1; i < eh()->e_shnum; i++)
		if (sh(i)->sh_type == type)
			return i;
	die("no section of the wanted type");
	return 0;
}

static unsigned int first_progbits(void)
{
	unsigned int i;

	for (i = 1; i < eh()->e_shnum; i++)
		if (sh(i)->sh_type == SHT_PROGBITS && sh(i)->sh_size)
			return i;
	die("no PROGBITS section");
	return 0;
}

/* the @nth relocation section with entries, applying to PROGBITS */
static unsigned int rela_sec(int nth)
{
	unsigned int i;

	for (i = 1; i < eh()->e_shnum; i++)
		if (sh(i)->sh_type == SHT_RELA && sh(i)->sh_size &&
		    sh(sh(i)->sh_info)->sh_type == SHT_PROGBITS && nth-- == 0)
			return i;
	die("not enough relocation sections");
	return 0;
}

static Elf64_Sym *sym(unsigned int i)
{
	return (Elf64_Sym *)(b + sh(find_type(SHT_SYMTAB))->sh_offset) + i;
}

static Elf64_Rela *rela(unsigned int s)
{
	return (Elf64_Rela *)(b + sh(s)->sh_offset);
}

/* a relocation whose target symbol lives in an SHF_STRINGS section */
static Elf64_Rela *string_rela(void)
{
	unsigned int i, j;

	for (i = 1; i < eh()->e_shnum; i++) {
		if (sh(i)->sh_type != SHT_RELA)
			continue;
		for (j = 0; j < sh(i)->sh_size / sizeof(Elf64_Rela); j++) {
			Elf64_Sym *s = sym((unsigned int)ELF64_R_SYM(rela(i)[j].r_info));

			if (s->st_shndx && s->st_shndx < SHN_LORESERVE &&
			    (sh(s->st_shndx)->sh_flags & SHF_STRINGS))
				return &rela(i)[j];
		}
	}
	die("no relocation into a string section");
	return NULL;
}

static void apply(const char *k)
{
	Elf64_Shdr *ss = sh(eh()->e_shstrndx);
	unsigned int st = find_type(SHT_SYMTAB);

	if (!strcmp(k, "truncated-in-header")) n = 40;
	else if (!strcmp(k, "truncated-after-header")) n = sizeof(Elf64_Ehdr);
	else if (!strcmp(k, "truncated-in-section-data")) n = sh(first_progbits())->sh_offset + 3;
	else if (!strcmp(k, "truncated-in-section-headers")) n = eh()->e_shoff + 100;
	else if (!strcmp(k, "truncated-last-byte")) n--;
	else if (!strcmp(k, "bad-magic")) b[1] = 'F';
	else if (!strcmp(k, "elfclass32")) b[EI_CLASS] = ELFCLASS32;
	else if (!strcmp(k, "big-endian")) b[EI_DATA] = ELFDATA2MSB;
	else if (!strcmp(k, "wrong-machine")) eh()->e_machine = EM_AARCH64;
	else if (!strcmp(k, "not-relocatable")) eh()->e_type = ET_EXEC;
	else if (!strcmp(k, "bad-shentsize")) eh()->e_shentsize = 40;
	else if (!strcmp(k, "shoff-past-eof")) eh()->e_shoff = n + 64;
	else if (!strcmp(k, "shoff-wraps")) eh()->e_shoff = UINT64_MAX - 7;
	else if (!strcmp(k, "shnum-past-eof")) eh()->e_shnum = 60000;
	else if (!strcmp(k, "shstrndx-past")) eh()->e_shstrndx = eh()->e_shnum;
	else if (!strcmp(k, "section-past-eof")) sh(first_progbits())->sh_size = n;
	else if (!strcmp(k, "section-offset-wraps")) sh(first_progbits())->sh_offset = UINT64_MAX - 2;
	else if (!strcmp(k, "sh-name-outside-shstrtab")) sh(1)->sh_name = (uint32_t)ss->sh_size + 5;
	else if (!strcmp(k, "shstrtab-not-nul-terminated")) b[ss->sh_offset + ss->sh_size - 1] = 'x';
	else if (!strcmp(k, "missing-symtab")) sh(st)->sh_type = SHT_PROGBITS;
	else if (!strcmp(k, "symtab-bad-entsize")) sh(st)->sh_entsize = 16;
	else if (!strcmp(k, "symtab-link-not-strtab")) sh(st)->sh_link = first_progbits();
	else if (!strcmp(k, "symbol-name-outside-strtab"))
		sym(1)->st_name = (uint32_t)sh(sh(st)->sh_link)->sh_size + 10;
	else if (!strcmp(k, "symbol-shndx-past")) {
		unsigned int i, last = (unsigned int)(sh(st)->sh_size / sizeof(Elf64_Sym)) - 1;

		for (i = last; i > 0; i--)
			if (sym(i)->st_shndx && sym(i)->st_shndx < SHN_LORESERVE)
				break;
		sym(i)->st_shndx = eh()->e_shnum + 5;
	} else if (!strcmp(k, "strtab-not-nul-terminated")) {
		Elf64_Shdr *s = sh(sh(st)->sh_link);

		b[s->sh_offset + s->sh_size - 1] = 'x';
	} else if (!strcmp(k, "rela-symbol-past")) {
		Elf64_Rela *r = rela(rela_sec(0));

		r->r_info = ELF64_R_INFO(sh(st)->sh_size / sizeof(Elf64_Sym), ELF64_R_TYPE(r->r_info));
	} else if (!strcmp(k, "rela-offset-past-section")) {
		unsigned int s = rela_sec(0);

		rela(s)->r_offset = sh(sh(s)->sh_info)->sh_size - 2;
	} else if (!strcmp(k, "rela-info-past")) sh(rela_sec(0))->sh_info = eh()->e_shnum;
	else if (!strcmp(k, "rela-info-is-rela")) sh(rela_sec(0))->sh_info = rela_sec(1);
	else if (!strcmp(k, "rela-link-not-symtab")) sh(rela_sec(0))->sh_link = 0;
	else if (!strcmp(k, "rela-bad-entsize")) sh(rela_sec(0))->sh_entsize = 16;
	else if (!strcmp(k, "string-reloc-outside")) string_rela()->r_addend += 100000;
	else if (!strcmp(k, "string-reloc-addend-max")) string_rela()->r_addend = INT64_MAX;
	else if (!strcmp(k, "symbol-value-past-section")) {
		unsigned int i, last = (unsigned int)(sh(st)->sh_size / sizeof(Elf64_Sym)) - 1;

		for (i = last; i > 0; i--)
			if (sym(i)->st_shndx && sym(i)->st_shndx < SHN_LORESERVE &&
			    (ELF64_ST_TYPE(sym(i)->st_info) == STT_OBJECT ||
			     ELF64_ST_TYPE(sym(i)->st_info) == STT_FUNC))
				break;
		/* starts before 0 as a signed offset and wraps back into the section */
		sym(i)->st_value = 0x8000000000000000ull;
		sym(i)->st_size = 0x8000000000000010ull;
	} else if (!strcmp(k, "string-symbol-value-max")) {
		Elf64_Rela *r = string_rela();

		/* symbol value + addend is one past INT64_MAX */
		sym((unsigned int)ELF64_R_SYM(r->r_info))->st_value = INT64_MAX;
		r->r_addend = 1;
	}
	else die("unknown kind");
}

int main(int argc, char **argv)
{
	FILE *f;
	long size;
	int i;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; kinds[i]; i++)
			puts(kinds[i]);
		return 0;
	}
	if (argc != 4)
		die("usage: mkbad IN KIND OUT | mkbad --list");
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("cannot read input");
	n = (size_t)size;
	b = malloc(n);
	if (!b || fread(b, 1, n, f) != n)
		die("cannot read input");
	fclose(f);
	apply(argv[2]);
	f = fopen(argv[3], "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f))
		die("cannot write output");
	free(b);
	return 0;
}
EOF
gcc -std=c11 -O1 -Wall -Werror -o "$work/mkbad" "$work/mkbad.c"

passed=0 failed=0

pass() {
	echo "ok $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1: $2"
	if [ -s "$work/stderr" ]; then
		sed 's/^/    stderr: /' "$work/stderr" | head -n 20
	fi
	failed=$((failed + 1))
}

# check NAME NEEDLE -- ARGS...: run create-diff-object with ARGS (output
# $work/out/out.o) and check exit 1, one stderr line containing NEEDLE,
# and no output or temporary file.
check() {
	local name=$1 needle=$2 rc lines leftovers
	shift 3
	rm -rf "$work/out"
	mkdir "$work/out"
	set +e
	timeout 120 "$cdo" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
	set -e
	lines=$(wc -l <"$work/stderr")
	leftovers=$(find "$work/out" -mindepth 1 | wc -l)
	if [ "$rc" != 1 ]; then
		fail "$name" "exit status $rc, expected 1"
	elif [ "$lines" != 1 ]; then
		fail "$name" "$lines lines on stderr, expected 1"
	elif ! grep -qF -- "$needle" "$work/stderr"; then
		fail "$name" "stderr does not name $needle"
	elif [ "$leftovers" != 0 ]; then
		fail "$name" "left files behind: $(find "$work/out" -mindepth 1 -printf '%f ')"
	else
		pass "$name"
	fi
}

run_pair() {
	local name=$1 orig=$2 patched=$3 needle=$4
	check "$name" "$needle" -- "$orig" "$patched" vmlinux "$work/vmlinux.symtab" /dev/null \
		test "$work/out/out.o"
}

# Sanity: the good pair works, or every check below would be meaningless.
set +e
"$cdo" "$work/orig.o" "$work/patched.o" vmlinux "$work/vmlinux.symtab" /dev/null test \
	"$work/good.o" >"$work/stdout" 2>"$work/stderr"
rc=$?
set -e
if [ "$rc" = 0 ] && [ -s "$work/good.o" ]; then
	pass "good-pair"
else
	fail "good-pair" "exit status $rc"
fi

mkdir -p "$work/bad"
for kind in $("$work/mkbad" --list); do
	for role in orig patched; do
		bad="$work/bad/$role-$kind.o"
		"$work/mkbad" "$work/$role.o" "$kind" "$bad"
		if [ "$role" = orig ]; then
			run_pair "$kind-as-orig" "$bad" "$work/patched.o" "$bad"
		else
			run_pair "$kind-as-patched" "$work/orig.o" "$bad" "$bad"
		fi
	done
done

: >"$work/bad/empty.o"
run_pair "empty-file-as-orig" "$work/bad/empty.o" "$work/patched.o" "$work/bad/empty.o"
run_pair "empty-file-as-patched" "$work/orig.o" "$work/bad/empty.o" "$work/bad/empty.o"
mkdir "$work/bad/dir.o"
run_pair "directory-as-orig" "$work/bad/dir.o" "$work/patched.o" "$work/bad/dir.o"
run_pair "directory-as-patched" "$work/orig.o" "$work/bad/dir.o" "$work/bad/dir.o"
run_pair "nonexistent-as-orig" "$work/bad/none.o" "$work/patched.o" "$work/bad/none.o"
run_pair "nonexistent-as-patched" "$work/orig.o" "$work/bad/none.o" "$work/bad/none.o"

# A parent symbol table line with a value that is not hex.
awk '!done && $4 == "FUNC" { sub(/: [0-9a-f]+ /, ": 00000000000000zz "); done = 1 } { print }' \
	"$work/vmlinux.symtab" >"$work/bad/bad-hex.symtab"
if cmp -s "$work/vmlinux.symtab" "$work/bad/bad-hex.symtab"; then
	fail "symtab-bad-hex" "could not make the broken symbol table"
else
	check "symtab-bad-hex" "$work/bad/bad-hex.symtab" -- "$work/orig.o" "$work/patched.o" \
		vmlinux "$work/bad/bad-hex.symtab" /dev/null test "$work/out/out.o"
fi
check "symtab-nonexistent" "$work/bad/none.symtab" -- "$work/orig.o" "$work/patched.o" \
	vmlinux "$work/bad/none.symtab" /dev/null test "$work/out/out.o"
check "symvers-nonexistent" "$work/bad/none.symvers" -- "$work/orig.o" "$work/patched.o" \
	vmlinux "$work/vmlinux.symtab" "$work/bad/none.symvers" test "$work/out/out.o"
check "symvers-directory" "$work/bad/dir.o" -- "$work/orig.o" "$work/patched.o" \
	vmlinux "$work/vmlinux.symtab" "$work/bad/dir.o" test "$work/out/out.o"

echo "malformed: $passed passed, $failed failed"
[ "$failed" = 0 ]
