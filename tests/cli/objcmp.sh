#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/cli/objcmp.sh BUILD_DIR: checks of cdo-objcmp on objects made here
# with gcc, as and objcopy (nothing is committed), plus, when UPSTREAM_CDO
# and KPATCH_UNIT_OBJS are set, on outputs of upstream's create-diff-object.
# Prints one line per check and "objcmp: N passed, M failed".
set -euo pipefail

build=${1:-build}
objcmp=$(cd "$(dirname "$build/bin/cdo-objcmp")" 2>/dev/null && pwd)/cdo-objcmp
if [[ ! -x $objcmp ]]; then
	echo "objcmp: $build/bin/cdo-objcmp not found (run make first)" >&2
	echo "objcmp: 0 passed, 1 failed"
	exit 1
fi
for cmd in gcc as objcopy readelf dd cmp; do
	if ! command -v "$cmd" >/dev/null; then
		echo "objcmp: $cmd is missing" >&2
		echo "objcmp: 0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/objcmp-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# expect NAME RC [GREP] -- ARGS...: run cdo-objcmp ARGS, want exit RC and,
# when GREP is not empty, a line of its output matching GREP (grep -E).
expect() {
	local name=$1 want=$2 pattern=$3 rc=0
	shift 4
	"$objcmp" "$@" >out.txt 2>err.txt || rc=$?
	if ((rc != want)); then
		fail "$name" "exit $rc, expected $want: $(head -n 3 out.txt err.txt | tr '\n' ' ')"
	elif [[ -n $pattern ]] && ! grep -Eq -- "$pattern" out.txt err.txt; then
		fail "$name" "no line matching '$pattern' in: $(head -n 3 out.txt err.txt | tr '\n' ' ')"
	elif ((want == 0)) && [[ -s err.txt ]]; then
		fail "$name" "unexpected stderr: $(head -n 1 err.txt)"
	else
		pass "$name"
	fi
}

# expect_bad NAME FILE: FILE is refused with exactly one error line naming it.
expect_bad() {
	local name=$1 file=$2 rc=0
	"$objcmp" "$file" good.o >out.txt 2>err.txt || rc=$?
	if ((rc != 2)); then
		fail "$name" "exit $rc, expected 2"
	elif [[ $(wc -l <err.txt) != 1 ]] || ! grep -q "^cdo-objcmp: $file: ." err.txt; then
		fail "$name" "error is not one 'cdo-objcmp: $file: ...' line: $(tr '\n' '|' <err.txt)"
	elif [[ -s out.txt ]]; then
		fail "$name" "printed to stdout"
	else
		pass "$name"
	fi
}

# Offset in the file of section NAME's data.
sec_offset() {
	local hex
	hex=$(readelf -S --wide "$1" | sed -n -E "s/^ *\[ *[0-9]+\] $2 +[A-Z_]+ +[0-9a-f]+ ([0-9a-f]+) .*/\1/p")
	[[ -n $hex ]] || { echo "no section $2 in $1" >&2; return 1; }
	echo $((16#$hex))
}

# poke FILE OFFSET BYTE: overwrite one byte (BYTE in hex).
poke() {
	# shellcheck disable=SC2059 # the byte is built as a format escape on purpose
	printf "\\x$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# ---- objects from C ---------------------------------------------------------

cflags=(-c -O2 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
	-fno-unwind-tables -fno-stack-protector)

# Two functions and a global; ORDER picks their order in the file.
write_c() {
	local f='int f(int x) { return x * 3 + g_var; }'
	local g='int g(int x) { return f(x) + 7; }'
	mkdir -p "$1"
	{
		echo 'int g_var = 5;'
		echo 'int f(int x);'
		if [[ $2 == fg ]]; then echo "$f"; echo "$g"; else echo "$g"; echo "$f"; fi
	} >"$1/t.c"
	(cd "$1" && gcc "${cflags[@]}" -o t.o t.c)
}

write_c fg fg
write_c gf gf
cp fg/t.o good.o

expect "usage: no arguments" 2 "usage" --
expect "usage: one file" 2 "usage" -- good.o
expect "usage: --help" 0 "usage" -- --help
expect "usage: unknown option" 2 "usage" -- --bogus good.o good.o

expect "self: equal, silent" 0 "" -- good.o good.o
if [[ -s out.txt ]]; then fail "self: no output" "$(head -n 1 out.txt)"; else pass "self: no output"; fi
expect "self: -v says equal" 0 "^equal$" -- -v good.o good.o
expect "self: --strict-order" 0 "" -- --strict-order good.o good.o

objcopy good.o rewritten.o
expect "objcopy rewrite: equal" 0 "" -- rewritten.o good.o

expect "function order: equal" 0 "" -- fg/t.o gf/t.o
expect "function order: --strict-order differs" 1 "section order differs" -- \
	--strict-order fg/t.o gf/t.o

objcopy --rename-section .text.f=.text.renamed good.o renamed.o
expect "renamed section" 1 "^section \.text\.f: only in a" -- good.o renamed.o
expect "renamed section: symbol moved" 1 "^symbol f: section: a=\.text\.f b=\.text\.renamed" -- \
	good.o renamed.o
expect "renamed section: relocations" 1 "^relocation \.text\.renamed\+0x[0-9a-f]+: only in b" -- \
	good.o renamed.o

objcopy --localize-symbol=g good.o local.o
expect "symbol bind" 1 "^symbol g: bind: a=GLOBAL b=LOCAL" -- good.o local.o

cp good.o flipped.o
off=$(sec_offset good.o .text.g)
byte=$(od -An -tx1 -j "$off" -N1 good.o | tr -d ' ')
poke flipped.o "$off" "$(printf %02x $((16#$byte ^ 0xff)))"
expect "flipped code byte" 1 "^section \.text\.g: contents differ at offset 0x0 " -- good.o flipped.o
expect "-q prints nothing" 1 "" -- -q good.o flipped.o
if [[ -s out.txt ]]; then fail "-q is quiet" "$(head -n 1 out.txt)"; else pass "-q is quiet"; fi
expect "-v counts differences" 1 "^1 difference$" -- -v good.o flipped.o

# ---- create-diff-object-like objects, from assembly --------------------------

# write_kpatch FILE ORDER SYMPOS [DUP]: an object with the .kpatch.* tables
# of two changed functions and two klp relocations.  ORDER "fwd" or "rev"
# permutes strings, entries and sections without changing meaning; SYMPOS is
# the sympos of the second .kpatch.symbols entry; DUP adds a duplicate
# string to .kpatch.strings.
write_kpatch() {
	local file=$1 order=$2 sympos=$3 dup=${4:-}
	local -a text strs funcs ksyms krelas
	text=('	.section .text.foo,"ax",@progbits
	.globl foo
	.type foo,@function
foo:
.Lfoo:
	call ext_a
	ret
	.size foo,.-foo' '	.section .text.bar,"ax",@progbits
	.globl bar
	.type bar,@function
bar:
.Lbar:
	call ext_b
	call foo
	ret
	.size bar,.-bar')
	strs=('.Ls_vmlinux: .string "vmlinux"' '.Ls_foo: .string "foo"' '.Ls_bar: .string "bar"'
		'.Ls_ext_a: .string "ext_a"' '.Ls_ext_b: .string "ext_b"')
	funcs=('	.quad foo, 6, 0x1000, 20, 0, .Ls_foo, .Ls_vmlinux'
		'	.quad bar, 11, 0x2000, 30, 1, .Ls_bar, .Ls_vmlinux')
	ksyms=('.Lk_a: .quad 0xffff0000, 0
	.byte 0, 2
	.zero 6
	.quad .Ls_ext_a, .Ls_vmlinux' ".Lk_b: .quad 0xffff1000, $sympos
	.byte 1, 2
	.zero 6
	.quad .Ls_ext_b, .Ls_vmlinux")
	krelas=('	.quad .Lfoo+1
	.long 4, 0
	.quad -4, .Ls_vmlinux, .Lk_a' '	.quad .Lbar+1
	.long 4, 0
	.quad -4, .Ls_vmlinux, .Lk_b')
	emit() {
		local i
		if [[ $order == fwd ]]; then
			for ((i = 0; i < $#; i++)); do echo "${@:i+1:1}"; done
		else
			for ((i = $#; i > 0; i--)); do echo "${@:i:1}"; done
		fi
	}
	{
		emit "${text[@]}"
		echo '	.section .kpatch.strings,"a",@progbits'
		emit "${strs[@]}"
		[[ -n $dup ]] && echo '	.string "vmlinux"'
		echo '	.section .kpatch.funcs,"a",@progbits'
		emit "${funcs[@]}"
		echo '	.section .kpatch.symbols,"a",@progbits'
		emit "${ksyms[@]}"
		echo '	.section .kpatch.relocations,"a",@progbits'
		emit "${krelas[@]}"
	} >"$file.s"
	as -o "$file" "$file.s"
}

write_kpatch k-fwd.o fwd 1
write_kpatch k-rev.o rev 1
write_kpatch k-dup.o fwd 1 dup
write_kpatch k-sympos.o fwd 2

expect "kpatch: self" 0 "" -- -v k-fwd.o k-fwd.o
if cmp -s k-fwd.o k-rev.o; then
	fail "kpatch: permuted object differs in bytes" "identical files"
else
	pass "kpatch: permuted object differs in bytes"
fi
expect "kpatch: permuted strings, entries and sections are equal" 0 "" -- k-fwd.o k-rev.o
expect "kpatch: permuted, --strict-order differs" 1 "order differs" -- \
	--strict-order k-fwd.o k-rev.o
expect "kpatch: duplicate string is equal (strings are a set)" 0 "" -- k-fwd.o k-dup.o
expect "kpatch: ksym sympos seen through .kpatch.relocations" 1 \
	'^\.kpatch\.relocations entry \.text\.bar\+0x1: ksym: a=\{.*sympos=1.*\} b=\{.*sympos=2' -- \
	k-fwd.o k-sympos.o
expect "kpatch: ksym sympos in .kpatch.symbols" 1 \
	'^\.kpatch\.symbols entry "ext_b": sympos: a=1 b=2$' -- k-fwd.o k-sympos.o

cp k-fwd.o k-size.o
poke k-size.o $(($(sec_offset k-fwd.o .kpatch.funcs) + 56 + 8)) 63
expect "kpatch: flipped new_size byte" 1 '^\.kpatch\.funcs entry "bar": new_size: a=11 b=99$' -- \
	k-fwd.o k-size.o

cp k-fwd.o k-str.o
poke k-str.o $(($(sec_offset k-fwd.o .kpatch.strings) + 8)) 7a	# "foo" -> "zoo"
expect "kpatch: changed string" 1 '^\.kpatch\.funcs entry "zoo": only in b' -- k-fwd.o k-str.o
expect "kpatch: changed string in .kpatch.strings" 1 '^\.kpatch\.strings string "foo": only in a$' -- \
	k-fwd.o k-str.o

objcopy --rename-section .text.foo=.text.other k-fwd.o k-dest.o
expect "kpatch: dest follows the section name" 1 \
	'^\.kpatch\.relocations entry \.text\.other\+0x1: only in b' -- k-fwd.o k-dest.o

# ---- many sections: extended section numbering and speed ---------------------

awk -v n=34000 'BEGIN {
	for (i = 0; i < n; i++)
		printf ".section .text.f%d,\"ax\",@progbits\n.globl f%d\n.type f%d,@function\nf%d:\ncall f%d\nret\n.size f%d,.-f%d\n", i, i, i, i, (i + 1) % n, i, i
}' >big.s
as -o big.o big.s
sed 's/^call f17$/call f18/' big.s >big2.s
as -o big2.o big2.s
if [[ $(readelf -h big.o | sed -n -E 's/^ *Number of section headers: *([0-9]+).*/\1/p') == 0 ]]; then
	pass "big: uses extended section numbering"
else
	fail "big: uses extended section numbering" "e_shnum is not 0"
fi
start=$(date +%s%N)
expect "big: self (68k sections)" 0 "" -- big.o big.o
ms=$((($(date +%s%N) - start) / 1000000))
if ((ms < 20000)); then pass "big: compared in ${ms} ms"; else fail "big: speed" "${ms} ms"; fi
expect "big: one relocation differs" 1 '^relocation \.text\.f16\+0x1: target: a=f17 b=f18$' -- big.o big2.o

# ---- malformed input ----------------------------------------------------------

: >empty.o
echo "hello" >text.o
head -c 100 good.o >short.o
head -c 1000 k-fwd.o >trunc.o
mkdir dir.o
cp good.o shoff.o
poke shoff.o 40 ff && poke shoff.o 47 7f	# e_shoff far beyond the end
cp good.o class.o
poke class.o 4 01	# ELFCLASS32
cp good.o strtab.o
# .shstrtab's offset beyond the end of the file
shoff=$(od -An -tu8 -j 40 -N8 good.o | tr -d ' ')
shstrndx=$(od -An -tu2 -j 62 -N2 good.o | tr -d ' ')
poke strtab.o $((shoff + shstrndx * 64 + 24 + 3)) 7f

expect_bad "bad input: missing file" missing.o
expect_bad "bad input: empty file" empty.o
expect_bad "bad input: not ELF" text.o
expect_bad "bad input: short file" short.o
expect_bad "bad input: truncated object" trunc.o
expect_bad "bad input: directory" dir.o
expect_bad "bad input: section headers beyond the end" shoff.o
expect_bad "bad input: 32-bit class" class.o
expect_bad "bad input: section data beyond the end" strtab.o

# Random corruption must give exit 0, 1 or 2 and never a crash.
RANDOM=4242
size=$(stat -c %s k-fwd.o)
crashes=0
for ((i = 0; i < 200; i++)); do
	cp k-fwd.o fuzz.o
	for ((j = RANDOM % 6 + 1; j > 0; j--)); do
		poke fuzz.o $(((RANDOM * 32768 + RANDOM) % size)) "$(printf %02x $((RANDOM % 256)))"
	done
	rc=0
	"$objcmp" -q k-fwd.o fuzz.o >/dev/null 2>err.txt || rc=$?
	if ((rc > 2)) || { ((rc == 2)) && [[ $(wc -l <err.txt) != 1 ]]; }; then
		crashes=$((crashes + 1))
	fi
done
if ((crashes == 0)); then
	pass "fuzz: 200 corrupted objects handled"
else
	fail "fuzz" "$crashes of 200 corrupted objects crashed or gave a bad error"
fi

# ---- upstream's outputs (optional) --------------------------------------------

objs=${KPATCH_UNIT_OBJS:-}
[[ -n $objs && -d $objs/x86_64 ]] && objs=$objs/x86_64
if [[ -n ${UPSTREAM_CDO:-} && -x ${UPSTREAM_CDO:-} && -n $objs && -f $objs/cold-add.ORIG.o &&
	-f $objs/data-new.ORIG.o ]]; then
	for n in cold-add data-new; do
		ln -s "$objs/$n.ORIG.o" "$objs/$n.PATCHED.o" .
		readelf -s --wide "$n.ORIG.o" | sed -r 's/\s+\[<localentry>: 8\]//' >"$n.symtab"
		env PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 ALT_STRUCT_SIZE=13 \
			JUMP_STRUCT_SIZE=24 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 \
			PRINTK_INDEX_STRUCT_SIZE=44 "$UPSTREAM_CDO" "$n.ORIG.o" "$n.PATCHED.o" \
			vmlinux "$n.symtab" /dev/null "test_$n" "$n.OUTPUT.o" >/dev/null 2>&1 || true
	done
	if [[ -f cold-add.OUTPUT.o && -f data-new.OUTPUT.o ]]; then
		expect "upstream: output equals itself" 0 "" -- cold-add.OUTPUT.o cold-add.OUTPUT.o
		objcopy cold-add.OUTPUT.o up-rewritten.o
		if cmp -s cold-add.OUTPUT.o up-rewritten.o; then
			fail "upstream: objcopy rewrite changes layout" "identical files"
		else
			pass "upstream: objcopy rewrite changes layout"
		fi
		expect "upstream: objcopy rewrite is equal" 0 "" -- cold-add.OUTPUT.o up-rewritten.o
		expect "upstream: objcopy rewrite, --strict-order sees the order" 1 \
			"^section order differs" -- --strict-order cold-add.OUTPUT.o up-rewritten.o
		expect "upstream: different outputs differ" 1 "" -- cold-add.OUTPUT.o data-new.OUTPUT.o
		cp cold-add.OUTPUT.o up-flip.o
		poke up-flip.o $(($(sec_offset cold-add.OUTPUT.o .kpatch.funcs) + 24)) 7f
		expect "upstream: flipped old_size" 1 '^\.kpatch\.funcs entry .*: old_size: ' -- \
			cold-add.OUTPUT.o up-flip.o
	else
		fail "upstream: outputs" "upstream's create-diff-object wrote no output"
	fi
else
	echo "objcmp: upstream output checks skipped (set UPSTREAM_CDO and KPATCH_UNIT_OBJS)"
fi

echo "objcmp: $passed passed, $failed failed"
((failed == 0))
