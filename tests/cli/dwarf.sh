#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/cli/dwarf.sh BUILD_DIR: what create-diff-object reads from debug
# info, on the test-objects cases built with -g (DWARF 5) and -gdwarf-4:
#
#  - struct sizes: with no *_STRUCT_SIZE variable set, every size the
#    diff takes from debug info equals what kpatch-build's method gives
#    (`readelf -wi` on the same file, the first DW_AT_name of the struct
#    directly followed by its DW_AT_byte_size), and the output object and
#    messages are byte-identical to a run with the variables set;
#  - a set variable wins over debug info; a struct found nowhere is an
#    error naming the struct and the files looked at;
#  - source lines: every changed line of every changed function lies in a
#    hunk of `diff -u orig.c patched.c` (or calls, through inlining, a
#    function declared in one), the inlined-callee case names the callee,
#    and the folded-test case names the callee its `if` line inlines, in
#    the JSON and under --explain;
#  - --dwarf-line-only: a __LINE__ passed to any callee and moved by an
#    unrelated hunk is no change, a real change of an immediate still is,
#    and no other case's result moves.
# Prints one line per check and "dwarf: N passed, M failed".
set -euo pipefail

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/lib/setup.sh
. "$top/tests/cli/lib/setup.sh"
cli_setup dwarf "$build"
for cmd in readelf jq diff cmp awk; do
	command -v "$cmd" >/dev/null || { echo "dwarf: $cmd is missing" >&2; echo "dwarf: 0 passed, 1 failed"; exit 1; }
done
objs=$(realpath -m -- "$build/test-objects")
make -s -C "$top/test-objects" O="$objs" >/dev/null

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

sizes_env=(PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 ALT_STRUCT_SIZE=12
	JUMP_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44)
unset_env=()
for v in "${sizes_env[@]}"; do unset_env+=(-u "${v%%=*}"); done

# kpatch-build's way of finding a struct's size, written from its
# description: the first DW_AT_name line naming the struct whose next
# line is its DW_AT_byte_size.
kpatch_size() {
	readelf -wi "$1" 2>/dev/null | awk -v want="$2" '
		found && /DW_AT_byte_size/ { print $NF; exit }
		{ found = 0 }
		/DW_AT_name/ && $NF == want { found = 1 }' || true	# readelf may get SIGPIPE
}

# run VARIANT CASE TAG ENV... -- ARGS...: run cdo on the case from $objs,
# leaving TAG.{rc,out,err,o,json} in $work/VARIANT/CASE.
run() {
	local variant=$1 c=$2 tag=$3 rc=0
	shift 3
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	mkdir -p "$work/$variant/$c"
	local w=$work/$variant/$c
	(cd "$objs" && env "${envs[@]}" "$cdo" --json "$w/$tag.json" "$@" "$variant/$c/orig.o" \
		"$variant/$c/patched.o" vmlinux "$variant/$c/$c.symtab" /dev/null "test_$c" \
		"$w/$tag.o" >"$w/$tag.out" 2>"$w/$tag.err") || rc=$?
	echo "$rc" >"$w/$tag.rc"
}

hunk_ranges() {
	{ diff -u "$1" "$2" || true; } | awk '/^@@/ { split($3, a, ","); n = (a[2] == "" ? 1 : a[2]);
		s = substr(a[1], 2); print s, s + n - 1 }'
}

for variant in cases-g cases-g4; do
	stand_in=debuginfo/vmlinux-types.o
	[ "$variant" = cases-g4 ] && stand_in=debuginfo/vmlinux-types-dwarf4.o
	dwarf_sizes=0
	for dir in "$objs/$variant"/*/; do
		c=$(basename "$dir")
		w=$work/$variant/$c
		run "$variant" "$c" env "${sizes_env[@]}" --
		run "$variant" "$c" dwarf "${unset_env[@]}" -- --debuginfo "$stand_in"
		run "$variant" "$c" lines "${sizes_env[@]}" -- --dwarf-line-only

		# outputs and messages the same whichever way the sizes came
		if grep -qx '8[67]' "$w/env.rc" "$w/dwarf.rc"; then
			fail "$variant/$c sanitizer" "$(grep -h -m1 -E 'runtime error|ERROR: AddressSanitizer' "$w"/*.err)"
		elif [ "$(cat "$w/env.rc")" != "$(cat "$w/dwarf.rc")" ] ||
			! cmp -s "$w/env.out" "$w/dwarf.out" || ! cmp -s "$w/env.err" "$w/dwarf.err"; then
			fail "$variant/$c identical" "exit $(cat "$w/env.rc") vs $(cat "$w/dwarf.rc"): $(head -c 300 "$w/dwarf.err")"
		elif [ -f "$w/env.o" ] && ! cmp -s "$w/env.o" "$w/dwarf.o"; then
			fail "$variant/$c identical" "output objects differ"
		else
			pass
		fi

		# the line tables take away __LINE__ shifts only: the other cases
		# keep their result, output and messages
		if [ "$c" != line-only-any-callee ]; then
			if [ "$(cat "$w/env.rc")" != "$(cat "$w/lines.rc")" ] ||
				! cmp -s "$w/env.out" "$w/lines.out" || ! cmp -s "$w/env.err" "$w/lines.err" ||
				{ [ -f "$w/env.o" ] && ! cmp -s "$w/env.o" "$w/lines.o"; }; then
				fail "$variant/$c --dwarf-line-only" "exit $(cat "$w/env.rc") vs $(cat "$w/lines.rc"): $(diff "$w/env.out" "$w/lines.out" | head -c 300)"
			else
				pass
			fi
		fi

		# each size read from debug info is the one kpatch-build's scan finds
		while read -r type size file; do
			dwarf_sizes=$((dwarf_sizes + 1))
			want=$(cd "$objs" && kpatch_size "$file" "$type")
			if [ "$want" = "$size" ]; then
				pass
			else
				fail "$variant/$c $type" "debug info gave $size, readelf -wi on $file gives '${want}'"
			fi
		done < <(jq -r '.struct_sizes | to_entries[] | select(.value.from == "debug info") |
			"\(.key) \(.value.size) \(.value.file)"' "$w/dwarf.json")

		# changed lines lie in the patch's hunks; a line elsewhere is only
		# allowed in a function that names inlined callees whose code
		# changed (the callee's code moved with the change), and every
		# changed function points into the hunks somewhere
		src=$objs/src/$c
		[ -f "$w/env.json" ] || continue
		ranges=$(hunk_ranges "$src/orig/$c.c" "$src/patched/$c.c")
		in_hunks() { awk -v l="$1" '$1 <= l && l <= $2 { ok = 1 } END { exit !ok }' <<<"$ranges"; }
		while read -r fn ninl lines inl_lines reach; do
			hit=0 bad="" calls=" "
			# a line whose inlined calls reach a function declared in a
			# hunk changed with it (gcc folds the callee's test into
			# the caller's branch)
			for fl in ${reach//,/ }; do
				[ "$fl" = - ] && continue
				if in_hunks "${fl#*:}"; then calls+="${fl%%:*} "; fi
			done
			for l in ${lines//,/ } ${inl_lines//,/ }; do
				[ "$l" = - ] && continue
				if in_hunks "$l" || [[ $calls == *" $l "* ]]; then
					hit=1
				elif [[ " ${lines//,/ } " == *" $l "* ]]; then
					bad+=" $l"
				fi
			done
			if [ -n "$bad" ] && [ "$ninl" = 0 ]; then
				fail "$variant/$c $fn" "changed lines$bad are outside the hunks ($(tr '\n' ' ' <<<"$ranges"))"
			elif [ "$hit" = 0 ] && [ "$lines$inl_lines" != -- ]; then
				fail "$variant/$c $fn" "no changed line nor inlined callee in the hunks ($(tr '\n' ' ' <<<"$ranges"))"
			else
				pass
			fi
		done < <(jq -r '.changed_functions[] | select(.source) |
			"\(.name) \(.inlined_changed | length) \(.source.changed_lines | map(tostring) | join(",") | if . == "" then "-" else . end) \(.inlined_changed | map(.line | tostring) | join(",") | if . == "" then "-" else . end) \(.inlined_calls | map((.line | tostring) + ":" + (.decl_line | tostring)) | join(",") | if . == "" then "-" else . end)"' "$w/env.json")
	done
	if ((dwarf_sizes >= 8)); then
		pass
	else
		fail "$variant sizes" "only $dwarf_sizes sizes came from debug info"
	fi
done

# the inlined callee is named, with where it is declared
w=$work/cases-g/inline-change-two-callers
got=$(jq -r '[.changed_functions[] | .name + ":" + (.inlined_changed | map(.name + "@" + (.line | tostring)) | join(","))] | join(" ")' "$w/env.json")
if [ "$got" = "rx_len:clamp_len@3 tx_len:clamp_len@3" ]; then pass; else fail "inlined callee" "got '$got'"; fi
w=$work/cases-g4/inline-change-two-callers
got=$(jq -r '[.changed_functions[] | .name + ":" + (.inlined_changed | map(.name) | join(","))] | join(" ")' "$w/env.json")
if [ "$got" = "rx_len:clamp_len tx_len:clamp_len" ]; then pass; else fail "inlined callee (dwarf 4)" "got '$got'"; fi

# the caller's line that a folded inline test changed names the callee,
# in the JSON and in --explain (DWARF 5 and 4)
for variant in cases-g cases-g4; do
	c=inline-folded-test
	w=$work/$variant/$c
	got=$(jq -r '[.changed_functions[] | .name + ":" + (.source.changed_lines | map(tostring) | join(",")) + ":" + (.inlined_calls | map((.line | tostring) + "@" + .name) | join(","))] | join(" ")' "$w/env.json")
	if [ "$got" = "check_reg:13:13@is_ptr" ]; then pass; else fail "$variant inlined call" "got '$got'"; fi
	run "$variant" "$c" explain "${sizes_env[@]}" -- --explain
	if grep -qx '  changed lines: 13' "$w/explain.out" &&
		grep -qx "  line 13 inlines: is_ptr ($c.c:6)" "$w/explain.out"; then
		pass
	else
		fail "$variant --explain inlined call" "$(tr '\n' '|' <"$w/explain.out")"
	fi
done

# a static callee that gets noinline: its caller's report says gcc's
# inlining decision changed, in the JSON and in --explain (DWARF 5 and 4)
for variant in cases-g cases-g4; do
	c=uninlined-function
	w=$work/$variant/$c
	got=$(jq -r '[.changed_functions[] | .name + ":" + (.inlined_changed | map(.name + "@" + .inlining) | join(","))] | join(" ")' "$w/env.json")
	if [ "$got" = "digest:fold@uninlined" ]; then pass; else fail "$variant uninlined callee" "got '$got'"; fi
	run "$variant" "$c" explain "${sizes_env[@]}" -- --explain
	if grep -Eq '^  uninlined: +fold \('"$c"'\.c:[0-9]+, called at line [0-9]+\): now a call$' "$w/explain.out"; then
		pass
	else
		fail "$variant --explain uninlined callee" "$(tr '\n' '|' <"$w/explain.out")"
	fi
done

# __LINE__ through the line tables: passed to callees upstream does not
# know, directly and through an inlined helper, and moved by a comment;
# only the real change of an immediate is left.  Upstream's rule (the
# default) and objects without debug info see three changed functions.
changed_of() { sed -n 's/.*: changed function: //p' "$1" | sort | tr '\n' ' '; }
run cases line-only-any-callee env "${sizes_env[@]}" --
run cases line-only-any-callee lines "${sizes_env[@]}" -- --dwarf-line-only
for variant in cases-g cases-g4 cases; do
	w=$work/$variant/line-only-any-callee
	want="apply_limits "
	[ "$variant" = cases ] && want="apply_limits check_block start_update "
	got=$(changed_of "$w/lines.out")
	if [ "$(cat "$w/lines.rc")" = 0 ] && [ "$got" = "$want" ]; then pass; else
		fail "$variant --dwarf-line-only" "exit $(cat "$w/lines.rc"), changed: '$got', want '$want'"
	fi
	got=$(changed_of "$w/env.out")
	if [ "$got" = "apply_limits check_block start_update " ]; then pass; else
		fail "$variant default __LINE__ rule" "changed: '$got'"
	fi
done
# the same through -d: the sections are put back to the same
w=$work/cases-g/line-only-any-callee
run cases-g line-only-any-callee trace "${sizes_env[@]}" -- --dwarf-line-only -d
if grep -Eq "reverting macro / line number section \.text[.a-z]*\.check_block " "$w/trace.out" &&
	grep -Eq "reverting macro / line number section \.text[.a-z]*\.start_update " "$w/trace.out" &&
	! grep -q "reverting macro / line number section .*apply_limits" "$w/trace.out"; then
	pass
else
	fail "--dwarf-line-only -d" "$(grep reverting "$w/trace.out" | tr '\n' ' ')"
fi

# a set variable wins over debug info
run cases-g bug-table wins "${unset_env[@]}" BUG_STRUCT_SIZE=12 -- --debuginfo debuginfo/vmlinux-types.o
got=$(jq -r '.struct_sizes.bug_entry.from' "$work/cases-g/bug-table/wins.json")
if [ "$got" = BUG_STRUCT_SIZE ]; then pass; else fail "variable wins" "from '$got'"; fi

# a struct nowhere to be found: the error names it and where it looked
run cases-g bug-table missing "${unset_env[@]}" --
w=$work/cases-g/bug-table
if [ "$(cat "$w/missing.rc")" = 1 ] && [ ! -e "$w/missing.o" ] &&
	grep -q "BUG_STRUCT_SIZE not set, and struct bug_entry is not in the debug info of cases-g/bug-table/patched.o, cases-g/bug-table/orig.o (no --debuginfo file given)" "$w/missing.err"; then
	pass
else
	fail "missing struct" "exit $(cat "$w/missing.rc"): $(cat "$w/missing.err")"
fi
run cases-g bug-table missing-file "${unset_env[@]}" -- --debuginfo cases-g/bug-table/orig.o
if [ "$(cat "$w/missing-file.rc")" = 1 ] &&
	grep -q "struct bug_entry is not in the debug info of cases-g/bug-table/patched.o, cases-g/bug-table/orig.o or cases-g/bug-table/orig.o" "$w/missing-file.err"; then
	pass
else
	fail "missing struct, --debuginfo" "exit $(cat "$w/missing-file.rc"): $(cat "$w/missing-file.err")"
fi
# objects without debug info: the same error as before, and a hint
run cases bug-table nodebug "${unset_env[@]}" --
w=$work/cases/bug-table
if [ "$(cat "$w/nodebug.rc")" = 1 ] &&
	grep -q "BUG_STRUCT_SIZE not set, and the objects have no debug info" "$w/nodebug.err"; then
	pass
else
	fail "no debug info" "exit $(cat "$w/nodebug.rc"): $(cat "$w/nodebug.err")"
fi
# upstream's rule on request: no debug info read for sizes
run cases-g bug-table upstream "${unset_env[@]}" -- --no-dwarf-sizes --debuginfo debuginfo/vmlinux-types.o
w=$work/cases-g/bug-table
if [ "$(cat "$w/upstream.rc")" = 1 ] && grep -q "BUG_STRUCT_SIZE not set$" "$w/upstream.err"; then
	pass
else
	fail "--no-dwarf-sizes" "exit $(cat "$w/upstream.rc"): $(cat "$w/upstream.err")"
fi
# a --debuginfo file that is not ELF: one clear line
echo "not an object" >"$work/junk"
run cases-g bug-table junk "${unset_env[@]}" -- --debuginfo "$work/junk"
w=$work/cases-g/bug-table
if [ "$(cat "$w/junk.rc")" = 1 ] && [ "$(wc -l <"$w/junk.err")" = 1 ] &&
	grep -q "$work/junk: not an ELF file" "$w/junk.err"; then
	pass
else
	fail "bad --debuginfo" "exit $(cat "$w/junk.rc"): $(cat "$w/junk.err")"
fi

echo "dwarf: $passed passed, $failed failed"
[ "$failed" = 0 ]
