#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates tests/unit/insn_vectors*.h: x86-64 instructions as GNU
# objdump decodes them in real code, for test_insn.c to check
# x86_insn_length() against.  Two sources:
#   kernel: tests/tools/insn-kernel-sample.c built with kernel flags
#   user:   .text of the C library, plus the VEX, EVEX, 0F38 and 0F3A
#           instructions of libcrypto (AVX2, AVX-512, AES, SHA)
# One instruction is kept per "shape" (mnemonic, operands with registers
# and numbers blanked, length, first byte), so the table stays small but
# covers every form the compilers produced.
#
# Lines where objdump disagrees with the CPU or the kernel are dropped, so
# that the table holds only lengths everyone agrees on:
#   - a lone prefix or REX that objdump prints as its own line because
#     another prefix follows it (the CPU ignores such a REX);
#   - FWAIT (9B) merged into the next x87 instruction (two instructions);
#   - 66-prefixed near branches (objdump decodes AMD's rel16, Intel and
#     the kernel rel32);
#   - 66, F2, F3, LOCK or REX before VEX, EVEX or XOP (#UD on the CPU;
#     only seen in data that objdump disassembles);
#   - UD0 (0F FF, two bytes for the kernel, ModRM for objdump) and
#     3DNow! (0F 0E, 0F 0F, not decoded by us);
#   - anything objdump calls (bad).
#
# The user shapes are split by opcode map (one-byte; 0F with its 0F38 and
# 0F3A three-byte maps; VEX, XOP and EVEX), one header each, so that no
# file grows past what a reader can page through; insn_vectors.h includes
# them all.
#
# Usage: tests/tools/gen-insn-vectors.sh [-o DIR] [LIBC [LIBCRYPTO]]
#	writes DIR/insn_vectors.h and DIR/insn_vectors_{kernel,onebyte,0f,vex}.h
#	(DIR defaults to tests/unit)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$here/../unit
if [ "${1:-}" = -o ]; then
	out=${2:?-o needs a folder}
	shift 2
fi
libc=${1:-/usr/lib/x86_64-linux-gnu/libc.so.6}
libcrypto=${2:-/usr/lib/x86_64-linux-gnu/libcrypto.so.3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

kflags="-O2 -mcmodel=kernel -mno-red-zone -fno-PIE -ffunction-sections
	-fdata-sections -pg -mfentry -mrecord-mcount -mno-sse -mno-mmx -mno-sse2
	-mno-3dnow -mno-avx -mno-80387 -mno-fp-ret-in-387
	-mindirect-branch=thunk-extern -mindirect-branch-register
	-mfunction-return=thunk-extern -fcf-protection=branch -fno-jump-tables
	-mskip-rax-setup -fno-asynchronous-unwind-tables -fno-strict-aliasing
	-fno-common -fno-delete-null-pointer-checks -fstack-protector-strong
	-mstack-protector-guard-reg=gs
	-mstack-protector-guard-symbol=__stack_chk_guard -falign-jumps=1
	-falign-loops=1 -fno-omit-frame-pointer -std=gnu11 -ffreestanding -w"
# shellcheck disable=SC2086
gcc $kflags -c "$here/insn-kernel-sample.c" -o "$tmp/kernel.o" 2>"$tmp/as.log" || {
	cat "$tmp/as.log" >&2
	exit 1
}

# objdump -d -z -w output -> "key<TAB>hex" per instruction, filtered as above.
shapes() {
	awk -F"\t" -v simd_only="${1:-0}" '
	function hexval(s,  v, k) {
		v = 0
		for (k = 1; k <= length(s); k++)
			v = v * 16 + index("0123456789abcdef", substr(s, k, 1)) - 1
		return v
	}
	function is_prefix(b) {
		return b ~ /^(26|2e|36|3e|64|65|66|67|f0|f2|f3|4[0-9a-f])$/
	}
	/^ *[0-9a-f]+:\t/ && NF >= 3 {
		n = split($2, x, " ")
		ins = $3
		if (ins ~ /\(bad\)/)
			next
		if (n == 1 && is_prefix(x[1]))
			next
		if (x[1] == "9b" && n > 1)
			next
		hex = ""
		for (i = 1; i <= n; i++)
			hex = hex x[i]
		# skip legacy prefixes and REX to find the opcode
		i = 1
		has66 = 0
		vexpfx = 0
		while (i < n && is_prefix(x[i])) {
			if (x[i] == "66")
				has66 = 1
			if (x[i] !~ /^(26|2e|36|3e|64|65|67)$/)
				vexpfx = 1
			i++
		}
		op = x[i]
		op2 = (i < n) ? x[i + 1] : ""
		if (op == "0f" && (op2 == "ff" || op2 == "0e" || op2 == "0f"))
			next
		if (has66 && (op == "e8" || op == "e9" || (op == "0f" && op2 ~ /^8/)))
			next
		if (vexpfx && (op ~ /^(c4|c5|62)$/ || (op == "8f" && hexval(op2) % 32 >= 8)))
			next
		if (simd_only && op !~ /^(c4|c5|62)$/ && !(op == "0f" && op2 ~ /^(38|3a)$/))
			next
		sub(/ *#.*/, "", ins)
		sub(/ *<.*>/, "", ins)
		gsub(/%[a-z0-9]+/, "%", ins)
		gsub(/0x[0-9a-f]+/, "N", ins)
		gsub(/[0-9]+/, "N", ins)
		gsub(/-N/, "N", ins)
		gsub(/ +/, " ", ins)
		print ins "|" n "|" x[1] "\t" hex
	}'
}

# First instruction of each shape, in input order.
first_per_shape() {
	awk -F'\t' '!seen[$1]++ { print $2 }'
}

emit_array() {
	local name=$1 file=$2
	echo "static const char *const ${name}[] = {"
	awk '{
		item = "\"" $1 "\","
		if (length(line) + length(item) + 1 > 71) {
			print "\t" line
			line = ""
		}
		line = (line == "") ? item : line " " item
	}
	END { if (line != "") print "\t" line }' "$file"
	echo "};"
}

objdump -d -z -w "$tmp/kernel.o" | shapes | awk -F'\t' '!seen[$2]++ { print $2 }' \
	>"$tmp/kernel.vec"
{
	objdump -d -z -w -j .text "$libc" | shapes
	if [ -r "$libcrypto" ]; then
		objdump -d -z -w -j .text "$libcrypto" | shapes 1
	fi
} | first_per_shape >"$tmp/user.vec"

# The opcode map of each user shape: legacy prefixes and REX skipped, as
# shapes() does.
awk -v dir="$tmp" '
	function is_prefix(b) {
		return b ~ /^(26|2e|36|3e|64|65|66|67|f0|f2|f3|4[0-9a-f])$/
	}
	function hexval(s,  v, k) {
		v = 0
		for (k = 1; k <= length(s); k++)
			v = v * 16 + index("0123456789abcdef", substr(s, k, 1)) - 1
		return v
	}
	{
		n = length($1) / 2
		for (i = 1; i <= n; i++)
			x[i] = substr($1, 2 * i - 1, 2)
		i = 1
		while (i < n && is_prefix(x[i]))
			i++
		op = x[i]
		op2 = (i < n) ? x[i + 1] : ""
		if (op ~ /^(c4|c5|62)$/ || (op == "8f" && op2 != "" && hexval(op2) % 32 >= 8))
			map = "vex"
		else if (op == "0f")
			map = "0f"
		else
			map = "onebyte"
		print $1 > (dir "/" map ".vec")
	}' "$tmp/user.vec"
touch "$tmp/onebyte.vec" "$tmp/0f.vec" "$tmp/vex.vec"

# part NAME WHAT VECFILE: the header of one array, insn_vectors_NAME
part() {
	local name=$1 what=$2 vec=$3 guard
	guard=$(echo "INSN_VECTORS_${name}_H" | tr '[:lower:]' '[:upper:]')
	{
		echo "/* SPDX-License-Identifier: GPL-2.0 */"
		echo "/*"
		echo " * Generated by tests/tools/gen-insn-vectors.sh; do not edit."
		echo " * $what: $(wc -l <"$vec") instructions (see insn_vectors.h)."
		echo " */"
		echo "#ifndef $guard"
		echo "#define $guard"
		echo
		emit_array "insn_vectors_$name" "$vec"
		echo
		echo "#endif /* $guard */"
	} >"$out/insn_vectors_$name.h"
}

part kernel "tests/tools/insn-kernel-sample.c, gcc $(gcc -dumpversion), kernel flags" \
	"$tmp/kernel.vec"
part onebyte "user shapes of the one-byte opcode map" "$tmp/onebyte.vec"
part 0f "user shapes of the 0F map and its 0F38/0F3A three-byte maps" "$tmp/0f.vec"
part vex "user shapes encoded with VEX, XOP or EVEX" "$tmp/vex.vec"

{
	echo "/* SPDX-License-Identifier: GPL-2.0 */"
	echo "/*"
	echo " * Generated by tests/tools/gen-insn-vectors.sh; do not edit."
	echo " *"
	echo " * Each string is one x86-64 instruction, in hex, exactly as long as"
	echo " * $(objdump --version | head -1) says it is."
	echo " * kernel: $(wc -l <"$tmp/kernel.vec") instructions of tests/tools/insn-kernel-sample.c (gcc $(gcc -dumpversion), kernel flags)"
	echo " * user:   $(wc -l <"$tmp/user.vec") instruction shapes from the .text of $(basename "$libc") and the vector"
	echo " *         instructions of $(basename "$libcrypto")"
	echo " *         (Debian 12), one header per opcode map"
	echo " */"
	echo "#ifndef INSN_VECTORS_H"
	echo "#define INSN_VECTORS_H"
	echo
	echo '#include "insn_vectors_kernel.h"'
	echo '#include "insn_vectors_onebyte.h"'
	echo '#include "insn_vectors_0f.h"'
	echo '#include "insn_vectors_vex.h"'
	echo
	echo "#endif /* INSN_VECTORS_H */"
} >"$out/insn_vectors.h"
