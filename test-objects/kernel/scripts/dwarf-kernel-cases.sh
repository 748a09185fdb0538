#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dwarf-kernel-cases.sh --cdo PATH [--kernel VER | --work DIR]: the debug
# info checks on the real-kernel pairs that gen-kernel-cases.sh made (it
# generates nothing itself, and says so when the pairs are missing).
#
# For every pair of every case:
#  - run create-diff-object as kpatch-build does with the struct sizes in
#    the environment, then with none set and --debuginfo vmlinux: exit
#    status, messages and output object must be byte-identical;
#  - every size taken from debug info equals what kpatch-build's method
#    (the first DW_AT_name of the struct in `readelf -wi` directly followed
#    by DW_AT_byte_size) finds in the same file;
#  - every changed line of every changed function lies in a hunk of the
#    case's patch as it applies to this kernel's source (the hunks of
#    `diff -u` between the touched files and their patched copies, so a
#    patch applied at an offset is measured where it landed), or is the
#    call line of an inlined callee whose code changed and which is
#    declared in or just above a hunk, or a line whose inlined calls
#    ("inlined_calls": gcc folds a changed callee's test into the
#    caller's branch) reach a function declared there; or a line of a
#    function where the report says gcc stopped (or started) inlining a
#    callee ("inlining": "uninlined", "newly_inlined"), when objdump
#    shows the version without the inlined copy calling it and the patch
#    caused the decision (the function points into the hunks, so its
#    inlining budget changed, or the patch adds or removes a call of the
#    callee); except in the functions the case's
#    `source-exceptions-<version>` file lists (one name a line, `#`
#    comments saying what the instructions show: code the compiler
#    changed on lines the patch did not touch), and a function listed
#    there must have such lines (a stale entry fails);
#  - every callee the report marks "uninlined" ("newly_inlined") is
#    referred to by the relocations of the patched (original) function,
#    as objdump shows them;
#  - whether each changed function points into the hunks (one of its
#    changed lines is in a hunk of its file, or an inlined callee whose
#    code changed, or an inlined call of a changed line, is declared in or
#    just above one), and how many changed
#    lines lie inside and outside the hunks: counted and printed.
# Last line: "dwarf-kernel: N passed, M failed".
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CDO_KERNEL_CACHE:-/var/cache/cdo-kernel}
cdo='' work='' ver=6.1
while [[ $# -gt 0 ]]; do
	case "$1" in
	--cdo) cdo=${2:?}; shift 2 ;;
	--kernel) ver=${2:?}; shift 2 ;;
	--work) work=${2:?}; shift 2 ;;
	*) echo "usage: $0 --cdo PATH [--kernel VER | --work DIR]" >&2; exit 2 ;;
	esac
done
[[ -n "$cdo" ]] || { echo "usage: $0 --cdo PATH [--kernel VER | --work DIR]" >&2; exit 2; }
cdo=$(realpath -m -- "$cdo")
work=${work:-$CACHE/tobj-$ver}
vmlinux=$work/build/vmlinux
if [[ ! -d "$work/cases" || ! -f "$vmlinux" ]]; then
	echo "dwarf-kernel: no generated pairs in $work (run make -C test-objects kernel first)" >&2
	echo "dwarf-kernel: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
for cmd in readelf jq cmp awk diff patch; do
	command -v "$cmd" >/dev/null || { echo "dwarf-kernel: $cmd is missing" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dwarf-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

sizes_env=(BUG_STRUCT_SIZE=12 EX_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16 ALT_STRUCT_SIZE=12
	PARA_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44)
unset_env=()
for v in "${sizes_env[@]}"; do unset_env+=(-u "${v%%=*}"); done

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# kpatch-build's scan of one file, all structs at once: "name size" lines
declare -A scanned
kpatch_sizes() {
	local key=${1//[^a-zA-Z0-9]/_}
	if [[ -z "${scanned[$key]:-}" ]]; then
		readelf -wi "$1" 2>/dev/null | awk '
			want != "" && /DW_AT_byte_size/ && !(want in got) { got[want] = $NF; n++; print want, $NF }
			{ want = "" }
			/DW_AT_name/ { w = $NF; if (w ~ /^(bug_entry|exception_table_entry|jump_entry|alt_instr|paravirt_patch_site|static_call_site|pi_entry|orc_entry)$/) want = w }
			n == 8 { exit }' >"$tmp/scan.$key" || true
		scanned[$key]=1
	fi
	cat "$tmp/scan.$key"
}

# "file start end" for every hunk of a -p1 patch as it applies to the
# kernel's source ($work/src), in the patched file's lines: the patch is
# applied to copies of the files it touches, and diff gives the hunks
# (the patch's own numbers are those of the tree it was made against,
# and another kernel takes it at an offset).
patch_hunks() {
	local p=$1 d=$tmp/hunks f
	rm -rf "$d"
	mkdir -p "$d/a" "$d/b"
	for f in $(awk '/^\+\+\+ / { f = $2; sub(/^b\//, "", f); print f }' "$p"); do
		[[ -f "$work/src/$f" ]] || continue
		mkdir -p "$d/a/$(dirname "$f")" "$d/b/$(dirname "$f")"
		cp "$work/src/$f" "$d/a/$f"
		cp "$work/src/$f" "$d/b/$f"
	done
	if ! patch -p1 -s -f --no-backup-if-mismatch -d "$d/b" <"$p" >/dev/null 2>&1; then
		echo "dwarf-kernel: $p does not apply to $work/src" >&2
		return 1
	fi
	for f in $(awk '/^\+\+\+ / { f = $2; sub(/^b\//, "", f); print f }' "$p"); do
		{ diff -U3 "$d/a/$f" "$d/b/$f" || true; } | awk -v f="$f" '/^@@/ {
			split($3, a, ","); n = (a[2] == "" ? 1 : a[2]); s = substr(a[1], 2)
			print f, s, s + n - 1 }'
	done
}

# declared_in_hunk FILE LINE: is a function declared on LINE of FILE in,
# or just above, a hunk of $hunks (its body is where the hunk is)?
declared_in_hunk() {
	awk -v f="$1" -v l="$2" '$1 == f && $2 - 30 <= l && l <= $3 { ok = 1 } END { exit !ok }' <<<"$hunks"
}

# refers FILE FUNCTION CALLEE: does FUNCTION's code in object FILE
# refer to CALLEE (or a clone of it), as objdump shows its relocations?
# (grep reads it all: with -q, objdump could die of SIGPIPE under pipefail)
refers() {
	objdump -dr --section=".text.$2" "$dir/$1" 2>/dev/null |
		grep -E "R_X86_64_[A-Z0-9_]+[[:space:]]+(\.text\.)?$3(\.[a-z0-9.]+)?([-+]|\$)" >/dev/null
}

# inlining_holds LIST: do the report's inlining changes ("uninlined:X" or
# "newly_inlined:X", comma-separated) of function $fn in pair $obj hold in
# the objects: does the version without the inlined copy refer to X?
inlining_holds() {
	local kx kind x ver ok=0
	for kx in ${1//,/ }; do
		kind=${kx%%:*} x=${kx#*:}
		ver=patched
		[[ $kind = newly_inlined ]] && ver=orig
		if refers "$ver/$obj" "$fn" "$x"; then
			pass
		else
			fail "$name $fn inlining" "reported $kind $x, but $ver/$obj's $fn does not refer to $x"
			ok=1
		fi
	done
	return $ok
}

# inlining_tied HIT LIST: did the patch cause those changes?  Code of the
# patch is inlined into the function (HIT = 1: its inlining budget
# changed), or the patch adds or removes a call of X (its call count
# changed).
inlining_tied() {
	local kx
	[[ $1 = 1 ]] && return 0
	for kx in ${2//,/ }; do
		grep -Eq "^[-+][^-+].*\<${kx#*:}[[:space:]]*\(" "$patch" && return 0
	done
	return 1
}

pairs=0 lines_in=0 lines_call=0 lines_out=0 funcs_in=0 funcs_out=0 listed_out=0 lines_inlining=0
for dir in "$work"/cases/*/; do
	name=$(basename "$dir")
	[[ -f "$dir/parents" ]] || continue
	patch=$HERE/cases/$name/patch-$ver
	[[ -f "$patch" ]] || patch=$HERE/cases/$name/patch
	if ! hunks=$(patch_hunks "$patch"); then
		fail "$name hunks" "$patch does not apply to $work/src"
		continue
	fi
	exceptions=$HERE/cases/$name/source-exceptions-$ver
	used=" "
	while read -r obj parent; do
		pairs=$((pairs + 1))
		o=$tmp/$name/${obj//\//_}
		mkdir -p "$o"
		for mode in env dwarf; do
			if [[ $mode = env ]]; then
				e=("${sizes_env[@]}") extra=()
			else
				e=("${unset_env[@]}") extra=(--debuginfo "$vmlinux")
			fi
			rc=0
			(cd "$dir" && env "${e[@]}" "$cdo" --json "$o/$mode.json" "${extra[@]}" "orig/$obj" \
				"patched/$obj" "$parent" "$work/parents/$parent.symtab" \
				"$work/parents/Module.symvers" "livepatch_${name//-/_}" "$o/$mode.o" \
				>"$o/$mode.out" 2>"$o/$mode.err") || rc=$?
			echo "$rc" >"$o/$mode.rc"
		done
		if ! cmp -s "$o/env.rc" "$o/dwarf.rc" || ! cmp -s "$o/env.out" "$o/dwarf.out" ||
			! cmp -s "$o/env.err" "$o/dwarf.err"; then
			fail "$name $obj identical" "exit $(cat "$o/env.rc") vs $(cat "$o/dwarf.rc"): $(head -c 300 "$o/dwarf.err")"
		elif [[ -f "$o/env.o" ]] && ! cmp -s "$o/env.o" "$o/dwarf.o"; then
			fail "$name $obj identical" "output objects differ"
		else
			pass
		fi
		while read -r type size file; do
			[[ $file = /* ]] || file=$dir/$file
			want=$(kpatch_sizes "$file" | awk -v t="$type" '$1 == t { print $2 }')
			if [[ "$want" = "$size" ]]; then
				pass
			else
				fail "$name $obj $type" "debug info gave $size, readelf -wi on $file gives '$want'"
			fi
		done < <(jq -r '.struct_sizes | to_entries[] | select(.value.from == "debug info") |
			"\(.key) \(.value.size) \(.value.file)"' "$o/dwarf.json")
		while read -r fn file ninl lines inl reach inlining; do
			hit=0 bad="" calls=" "
			# a callee whose body a hunk changes is declared just above
			# it; the line calling it changed with it
			for fl in ${inl//,/ }; do
				[[ $fl = - ]] && continue
				IFS=: read -r ifile iline icall <<<"$fl"
				if declared_in_hunk "$ifile" "$iline"; then
					hit=1
					calls+="$icall "
				fi
			done
			# so did a line that inlines such a callee, even where
			# none of the callee's own code differs (inlined_calls)
			for fl in ${reach//,/ }; do
				[[ $fl = - ]] && continue
				IFS=: read -r iline ifile idecl <<<"$fl"
				if declared_in_hunk "$ifile" "$idecl"; then
					hit=1
					calls+="$iline "
				fi
			done
			for l in ${lines//,/ }; do
				[[ $l = - ]] && continue
				if awk -v f="$file" -v l="$l" '$1 == f && $2 <= l && l <= $3 { ok = 1 } END { exit !ok }' <<<"$hunks"; then
					hit=1
				elif [[ $calls = *" $l "* ]]; then
					lines_call=$((lines_call + 1))
				else
					bad+=" $l"
				fi
			done
			# gcc's inlining decision for a callee changed: the
			# callee's body left the function (or entered it), and
			# registers, slots and blocks around it are chosen anew
			nl=0 nbad=$(wc -w <<<"$bad")
			[[ $lines = - ]] || nl=$(wc -w <<<"${lines//,/ }")
			lines_in=$((lines_in + nl - nbad))
			lines_out=$((lines_out + nbad))
			if [[ $inlining != - ]] && inlining_holds "$inlining" && [[ -n "$bad" ]] &&
				inlining_tied "$hit" "$inlining"; then
				echo "INLINING $name $fn: ${inlining//,/ }; changed lines$bad"
				lines_inlining=$((lines_inlining + nbad))
				bad="" hit=1
			fi
			if [[ -z "$bad" ]]; then
				pass
			elif [[ -f "$exceptions" ]] && grep -qx "$fn" "$exceptions"; then
				listed_out=$((listed_out + $(wc -w <<<"$bad")))
				used+="$fn "
				echo "LISTED $name $fn: changed lines$bad are outside the patch's hunks"
			else
				fail "$name $fn" "changed lines$bad are outside the patch's hunks (not in $name/source-exceptions-$ver)"
			fi
			if [[ $hit = 0 && "$lines$inl" != -- ]]; then
				# measured, not refused: a caller whose code changed
				# because a callee it does not inline changed (IPA)
				echo "NOTE $name $fn: no changed line ($lines) nor inlined callee in the patch's hunks"
				funcs_out=$((funcs_out + 1))
			else
				funcs_in=$((funcs_in + 1))
			fi
		done < <(jq -r '.changed_functions[] | select(.source) |
			"\(.name) \(.source.file) \(.inlined_changed | length) \(.source.changed_lines | map(tostring) | join(",") | if . == "" then "-" else . end) \(.inlined_changed | map(.file + ":" + (.line | tostring) + ":" + (.call_line | tostring)) | join(",") | if . == "" then "-" else . end) \(.inlined_calls | map((.line | tostring) + ":" + .file + ":" + (.decl_line | tostring)) | join(",") | if . == "" then "-" else . end) \(.inlined_changed | map(select(.inlining != "same") | .inlining + ":" + .name) | join(",") | if . == "" then "-" else . end)"' "$o/env.json")
	done <"$dir/parents"
	if [[ -f "$exceptions" ]]; then
		while read -r fn; do
			if [[ $used = *" $fn "* ]]; then
				pass
			else
				fail "$name $fn" "listed in $name/source-exceptions-$ver, but no changed line of it is outside the patch's hunks"
			fi
		done < <(grep -v '^#' "$exceptions" | grep .)
	fi
done
echo "dwarf-kernel: changed functions pointing into the patch's hunks: $funcs_in, not: $funcs_out"
echo "dwarf-kernel: changed lines in the patch's hunks: $lines_in ($lines_call calling a changed callee declared there), outside: $lines_out ($lines_inlining where gcc's inlining decision changed, $listed_out in listed exceptions)"
echo "dwarf-kernel: $passed passed, $failed failed ($pairs pairs of $ver)"
[[ $failed = 0 ]]
