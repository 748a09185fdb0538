#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run create-diff-object over the real-kernel cases made by
# gen-kernel-cases.sh and check each result against the case's expect file.
#
#   run-kernel-cases.sh --cdo PATH [--kernel VER | --work DIR]
#                       [--upstream PATH [--objcmp PATH]] [--only CASE]
#
# Each object of a case is diffed the way kpatch-build does it: from the
# case folder, with relative paths, the parent's name (vmlinux or the
# module), its symbol table, the kernel's Module.symvers, the patch module
# name livepatch_<case> and the struct sizes of that kernel in the
# environment.  Output goes to <work>/cases/<case>/output/<obj> with
# logs/<obj>.{stdout,stderr}; with --upstream, that binary's output goes to
# output.upstream/ and is compared with ours by --objcmp (or by exit code
# alone without it).  The comparison only reports.
#
# Prints PASS/FAIL/SKIP per case and ends with
# "kernel-cases: N passed, M failed[, K skipped]"; exits 1 when M > 0.
set -euo pipefail
# Nothing of a calling make (its -j, jobserver or command-line variables
# such as O=) may reach the kernel's make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

HERE=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=expect-lib.sh
. "$HERE/scripts/expect-lib.sh"

CACHE=${CDO_KERNEL_CACHE:-/var/cache/cdo-kernel}
CDO_TIMEOUT=${CDO_TIMEOUT:-600}
cdo='' work='' ver=6.1 upstream='' objcmp='' only=''

usage() {
	echo "usage: $0 --cdo PATH [--kernel VER | --work DIR] [--upstream PATH [--objcmp PATH]] [--only CASE]" >&2
	exit 2
}

while [[ $# -gt 0 ]]; do
	case "$1" in
	--cdo) cdo=${2:?}; shift 2 ;;
	--kernel) ver=${2:?}; shift 2 ;;
	--work) work=${2:?}; shift 2 ;;
	--upstream) upstream=${2:?}; shift 2 ;;
	--objcmp) objcmp=${2:?}; shift 2 ;;
	--only) only=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run-kernel-cases: unknown argument '$1'" >&2; usage ;;
	esac
done
[[ -n "$cdo" ]] || usage
cdo=$(realpath -m -- "$cdo")
[[ -x "$cdo" ]] || { echo "run-kernel-cases: $cdo is not executable" >&2; exit 2; }
if [[ -n "$upstream" ]]; then
	upstream=$(realpath -m -- "$upstream")
	[[ -x "$upstream" ]] || { echo "run-kernel-cases: $upstream is not executable" >&2; exit 2; }
fi
[[ -z "$objcmp" ]] || objcmp=$(realpath -m -- "$objcmp")
work=${work:-$CACHE/tobj-$ver}
[[ -d "$work/parents" ]] ||
	{ echo "run-kernel-cases: no generated cases in $work (run gen-kernel-cases.sh)" >&2; exit 2; }
if [[ -f "$work/src/Makefile" ]]; then
	ver=$(make -s -C "$work/src" kernelversion 2>/dev/null | cut -d. -f1,2)
fi

# The sizes of the special section entries of this kernel on x86_64, read
# from its headers (kpatch-build reads the same from vmlinux's DWARF):
#   bug_entry            asm-generic/bug.h, relative pointers + BUGVERBOSE
#   exception_table_entry  asm/extable.h: int insn, fixup, data/handler
#   jump_entry           linux/jump_label.h: s32 code, s32 target, long key
#   alt_instr            asm/alternative.h, __packed
#   paravirt_patch_site  asm/paravirt_types.h: u8 *instr, u8 type, u8 len
#   orc_entry            asm/orc_types.h, __packed
#   static_call_site     linux/static_call_types.h: s32 addr, s32 key
#   pi_entry             linux/printk.h, __packed: 5 pointers + int line
case "$ver" in
6.1|5.15)
	struct_env=(BUG_STRUCT_SIZE=12 EX_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16
		ALT_STRUCT_SIZE=12 PARA_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6
		STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44) ;;
*)
	echo "run-kernel-cases: no struct sizes known for kernel $ver" >&2
	exit 2 ;;
esac

passed=0 failed=0 skipped=0
up_pairs=0 up_equal=0 up_diff=0 up_rc=0

# The expect file of one object: <obj>.expect[-ver] in cases with an
# objects list, expect[-ver] otherwise (-ver: for that kernel only).
expect_file() {
	local dir=$1 obj=$2 base
	if [[ -f "$dir/objects" || -f "$dir/objects-$ver" ]]; then
		base=$(basename "$obj" .o).expect
	else
		base=expect
	fi
	if [[ -f "$dir/$base-$ver" ]]; then
		echo "$dir/$base-$ver"
	else
		echo "$dir/$base"
	fi
}

# run_one BINARY OUTDIR LOGSUFFIX: diff one object; prints the exit status.
run_one() {
	local bin=$1 outdir=$2 suffix=$3 rc=0 log
	log=logs/${obj//\//_}$suffix
	mkdir -p "$(dirname "$outdir/$obj")" logs
	rm -f "$outdir/$obj"
	env "${struct_env[@]}" timeout "$CDO_TIMEOUT" "$bin" \
		"orig/$obj" "patched/$obj" "$parent" "$work/parents/$parent.symtab" \
		"$work/parents/Module.symvers" "livepatch_${name//-/_}" "$outdir/$obj" \
		>"$log.stdout" 2>"$log.stderr" || rc=$?
	echo "$rc"
}

for src in "$HERE"/cases/*/; do
	src=${src%/}
	name=${src##*/}
	[[ -z "$only" || "$only" == "$name" ]] || continue
	if [[ -f "$src/skip-$ver" ]]; then
		echo "SKIP $name: $(head -1 "$src/skip-$ver")"
		skipped=$((skipped + 1))
		continue
	fi
	dir=$work/cases/$name
	if [[ ! -f "$dir/parents" ]]; then
		echo "FAIL $name: no pair in $dir (run gen-kernel-cases.sh)"
		failed=$((failed + 1))
		continue
	fi
	fails=() secs=0
	while read -r obj parent; do
		expect=$(expect_file "$src" "$obj")
		if [[ ! -f "$expect" ]]; then
			fails+=("$obj: no expect file $(basename "$expect")")
			continue
		fi
		if [[ ! -f "$dir/patched/$obj" ]]; then
			fails+=("$obj: the patched object failed to compile (see $dir/build.log)")
			continue
		fi
		t0=$(date +%s%N)
		rc=$(cd "$dir" && run_one "$cdo" output "")
		secs=$((secs + ($(date +%s%N) - t0) / 1000000))
		log=$dir/logs/${obj//\//_}
		while IFS= read -r f; do
			[[ -z "$f" ]] || fails+=("$obj: $f")
		done < <(cd "$dir" && expect_check "$expect" "$rc" "output/$obj" "$log.stdout" "$log.stderr")

		[[ -n "$upstream" ]] || continue
		up_pairs=$((up_pairs + 1))
		urc=$(cd "$dir" && run_one "$upstream" output.upstream .upstream)
		if [[ "$urc" != "$rc" ]]; then
			echo "  upstream: $name $obj: exit $urc, ours $rc"
			up_rc=$((up_rc + 1))
		elif [[ "$rc" != 0 || -z "$objcmp" || ! -x "$objcmp" ]]; then
			up_equal=$((up_equal + 1))
		elif (cd "$dir" && "$objcmp" "output/$obj" "output.upstream/$obj") \
			>"$log.objcmp" 2>&1; then
			up_equal=$((up_equal + 1))
		else
			echo "  upstream: $name $obj: outputs differ (see $log.objcmp)"
			up_diff=$((up_diff + 1))
		fi
	done <"$dir/parents"
	timing=$(printf '%d.%03ds' $((secs / 1000)) $((secs % 1000)))
	if [[ ${#fails[@]} == 0 ]]; then
		echo "PASS $name ($timing)"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $(printf '%s; ' "${fails[@]}" | sed 's/; $//')"
		failed=$((failed + 1))
	fi
done

if [[ -n "$upstream" ]]; then
	how="by $objcmp"
	[[ -n "$objcmp" && -x "$objcmp" ]] || how="by exit code only: no objcmp tool"
	echo "upstream: $up_equal of $up_pairs pairs equal, $up_diff different," \
		"$up_rc exit-code mismatches ($how)"
fi
summary="kernel-cases: $passed passed, $failed failed"
[[ $skipped == 0 ]] || summary="$summary, $skipped skipped"
echo "$summary"
[[ $failed == 0 ]]
