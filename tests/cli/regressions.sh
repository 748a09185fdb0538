#!/bin/bash
# create-diff-object on the inputs of the crash, hang and leftover-file
# families the fuzzer found (tests/fuzz), made from a pair compiled here.
#
#   tests/cli/regressions.sh BUILD_DIR
#
# Each case damages one field with tests/tools/elfpoke (built here) or
# writes a hostile parent symbol table, runs the tool under a generous
# time limit (a guard against hangs, not a speed test), and checks the
# exit status, one line on stderr that names the problem, and that
# neither the output nor a temporary file was left.  Every case crashed,
# hung or left a file before its fix.
#
# Prints "ok <case>" or "FAIL <case>: why" per case and ends with
# "regressions: N passed, M failed".
set -euo pipefail

# shellcheck source=tests/cli/lib/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
cli_setup regressions "${1:?usage: regressions.sh BUILD_DIR}"
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

cc -O2 -Wall -Wextra -Werror -o "$work/elfpoke" "$top/tests/tools/elfpoke.c"
mkdir -p "$work/src/orig" "$work/src/patched" "$work/out"
cat >"$work/src/orig/m.c" <<'SRC'
int counter;
static int hits;

static __attribute__((noinline)) int helper(int x)
{
	hits++;
	return x + hits;
}

__attribute__((noinline)) int compute(int x)
{
	return helper(x) * 4 + counter;
}

int entry(int x)
{
	return compute(x) + 1;
}
SRC
sed -e 's/\* 4 + counter/* 8 - 1 + counter/' "$work/src/orig/m.c" >"$work/src/patched/m.c"
for v in orig patched; do
	(cd "$work/src/$v" && gcc "${kflags[@]}" -c m.c -o "$work/$v.o")
done
readelf -s --wide "$work/orig.o" >"$work/vmlinux.symtab"

passed=0 failed=0

# run NAME WANT_STATUS WANT_MESSAGE ORIG PATCHED [SYMTAB]; $limit seconds at most
limit=120
run() {
	local name=$1 want=$2 msg=$3 orig=$4 patched=$5 symtab=${6:-$work/vmlinux.symtab}
	local status=0 lines
	rm -rf "$work/out" && mkdir "$work/out"
	timeout "$limit" "$cdo" "$orig" "$patched" vmlinux "$symtab" /dev/null p \
		"$work/out/out.o" >"$work/stdout" 2>"$work/stderr" || status=$?
	lines=$(grep -c . "$work/stderr" || true)
	if [ $status = 124 ]; then
		echo "FAIL $name: still running after $limit s"
	elif [ $status != "$want" ]; then
		echo "FAIL $name: exit $status, wanted $want: $(head -c 300 "$work/stderr")"
	elif [ "$want" != 0 ] && ! grep -q -- "$msg" "$work/stderr"; then
		echo "FAIL $name: message lacks \"$msg\": $(head -c 300 "$work/stderr")"
	elif [ "$want" = 1 ] && [ "$lines" != 1 ]; then
		echo "FAIL $name: $lines lines on stderr"
	elif [ "$want" != 0 ] && [ -n "$(ls -A "$work/out")" ]; then
		echo "FAIL $name: left $(ls "$work/out")"
	elif [ "$want" = 0 ] && [ "$(ls "$work/out")" != out.o ]; then
		echo "FAIL $name: output folder holds: $(ls "$work/out")"
	else
		echo "ok $name"
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
}

poke() {
	"$work/elfpoke" "$@"
}

# A relocation section whose namesake in the other object is PROGBITS:
# correlation followed it to its "base" (none) and crashed.
poke "$work/patched.o" "$work/bad.o" section .rela.text.compute type 1
run twin-rela-retyped-patched 2 "section header details differ" "$work/orig.o" "$work/bad.o"
poke "$work/orig.o" "$work/bad.o" section .rela.text.compute type 1
run twin-rela-retyped-orig 2 "section header details differ" "$work/bad.o" "$work/patched.o"
# twins of other types than their namesakes, both ways
poke "$work/patched.o" "$work/bad.o" section .text.compute type 8
run twin-text-nobits 2 "section header details differ" "$work/orig.o" "$work/bad.o"

# An alignment of 2^40: the writer padded with zeros without end and left
# its temporary file when killed.
poke "$work/patched.o" "$work/bad.o" section .text.compute addralign 0x10000000000
run align-2-40-patched 1 "alignment" "$work/orig.o" "$work/bad.o"
poke "$work/orig.o" "$work/bad.o" section .text.compute addralign 0x10000000000
run align-2-40-orig 1 "alignment" "$work/bad.o" "$work/patched.o"
poke "$work/patched.o" "$work/bad.o" section .text.compute addralign 24
run align-not-power-of-two 1 "not a power of two" "$work/orig.o" "$work/bad.o"

# A parent symbol table of 150,000 blocks of the object's file, each with
# its static function but not its static variable: matching walked every
# same-named local of the table for each block, about 10^10 steps (3 s
# at 40,000 blocks, so minutes here); one walk per block takes well
# under a second.  The limit is a hang guard with a wide margin.
awk 'BEGIN {
	print "Symbol table '"'"'.symtab'"'"' contains 300001 entries:"
	print "   Num:    Value          Size Type    Bind   Vis      Ndx Name"
	for (i = 0; i < 150000; i++) {
		printf "%6d: 0000000000000000     0 FILE    LOCAL  DEFAULT  ABS m.c\n", 2 * i + 1
		printf "%6d: %016x    16 FUNC    LOCAL  DEFAULT    1 helper\n", 2 * i + 2, 4096 + 16 * i
	}
}' >"$work/many-blocks.symtab"
limit=30
run many-same-named-blocks 1 "couldn't find matching m.c local symbols" \
	"$work/orig.o" "$work/patched.o" "$work/many-blocks.symtab"
limit=120

# The object's FILE block given by a GLOBAL FILE entry: its block start
# was never recorded and matching read past the index.
sed -E 's/( FILE +)LOCAL /\1GLOBAL/' "$work/vmlinux.symtab" >"$work/global-file.symtab"
run global-file-entry 0 "" "$work/orig.o" "$work/patched.o" "$work/global-file.symtab"

echo "regressions: $passed passed, $failed failed"
[ $failed = 0 ]
