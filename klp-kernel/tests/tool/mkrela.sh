#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of klp-mkrela, the converter that gives the guest test a
# module with livepatch relocations: symbols renamed and moved to
# SHN_LIVEPATCH, their relocations (and only theirs) moved into a
# .klp.rela section flagged SHF_ALLOC and SHF_RELA_LIVEPATCH, the rest of
# the object unchanged, and errors for names it cannot convert.
#   mkrela.sh KLP_MKRELA_BINARY
set -euo pipefail

TOOL=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

cc -c -O2 -fno-pic -mcmodel=kernel -o "$T/in.o" "$HERE/mkrela_obj.c"

# ok(name, command...) - a check that passes when the command succeeds
ok() {
	local name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL klp-mkrela: $name"
	fi
}

# fails(name, stderr text, args...) - the tool exits 1 with that message
fails() {
	local name=$1 want=$2 rc=0
	shift 2
	"$TOOL" "$@" >"$T/out" 2>"$T/err" || rc=$?
	if [[ $rc == 1 ]] && grep -qF -- "$want" "$T/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL klp-mkrela: $name: status $rc, stderr:"
		sed 's/^/  /' "$T/err"
	fi
}

ok "converts two symbols" "$TOOL" "$T/in.o" "$T/out.o" target secret_fn secret_var,2 \
	>"$T/stdout"
ok "reports the moved relocations" grep -qx \
	"$T/out.o: 3 relocation(s) of .text moved to .klp.rela.target..text" "$T/stdout"

readelf -SW "$T/out.o" >"$T/sections"
readelf -sW "$T/out.o" >"$T/symbols"
readelf -rW "$T/out.o" >"$T/relocs"
# "Ao": SHF_ALLOC and an OS-specific flag, SHF_RELA_LIVEPATCH
ok "the section is RELA, SHF_ALLOC and OS-specific" grep -qE \
	'\] \.klp\.rela\.target\.\.text +RELA .* Ao ' "$T/sections"
ok "the section relocates .text with the symbol table" \
	bash -c "grep -E '\\] \\.klp\\.rela\\.target\\.\\.text ' '$T/sections' |
		grep -qE 'Ao +$(grep -E '\] \.symtab ' "$T/sections" | sed 's/^ *\[ *\([0-9]*\)\].*/\1/') +$(grep -E '\] \.text ' "$T/sections" | sed 's/^ *\[ *\([0-9]*\)\].*/\1/') '"
ok "the function symbol is a livepatch symbol" grep -qE \
	'OS \[0xff20\] \.klp\.sym\.target\.secret_fn,0$' "$T/symbols"
ok "the data symbol keeps its position" grep -qE \
	'OS \[0xff20\] \.klp\.sym\.target\.secret_var,2$' "$T/symbols"
ok "no undefined secret symbol is left" \
	bash -c "! grep -qE 'UND secret' '$T/symbols'"
ok "other undefined symbols stay" grep -qE 'UND exported_fn$' "$T/symbols"
ok "two calls and one address move" test "$(sed -n "/'.klp.rela.target..text'/,/^$/p" \
	"$T/relocs" | grep -c 'klp\.sym\.target')" = 3
ok ".rela.text keeps the other relocations only" \
	bash -c "sed -n \"/'.rela.text'/,/^\$/p\" '$T/relocs' | grep -q exported_fn &&
		! sed -n \"/'.rela.text'/,/^\$/p\" '$T/relocs' | grep -q secret"
ok "the code is unchanged" cmp <(objcopy -O binary -j .text "$T/in.o" /dev/stdout) \
	<(objcopy -O binary -j .text "$T/out.o" /dev/stdout)

fails "a defined symbol" "symbol 'defined_fn' is defined" "$T/in.o" "$T/bad.o" target defined_fn
fails "a missing symbol" "no undefined symbol 'nothere'" "$T/in.o" "$T/bad.o" target nothere
fails "an object name with a dot" "bad object name 'a.b'" "$T/in.o" "$T/bad.o" a.b secret_fn
fails "a bad position" "bad position in 'secret_fn,x'" "$T/in.o" "$T/bad.o" target secret_fn,x
fails "not an ELF file" "not a relocatable ELF object" "$HERE/mkrela.sh" "$T/bad.o" target secret_fn

echo "klp-mkrela: $pass passed, $fail failed"
((fail == 0))
