#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The cost of the debug-info work, apart: create-diff-object on every
# generated real-kernel pair (make -C test-objects kernel), timed by the
# runner as
#   default   the struct sizes in the environment, as kpatch-build passes
#             them: no debug info is read
#   base      the same with BASE_CDO (another build, e.g. main's), to show
#             the default path is not slower
#   sizes     no size variable, --debuginfo vmlinux: sizes from DWARF
#   explain   --explain: each object's DWARF, lines and inlined callees
# Run through `make -C bench dwarf` (BASE_CDO=, RUNS=, KERNEL_VERSIONS=);
# the table goes to $RESULTS/dwarf.md.
set -euo pipefail
: "${RUNNER:?}" "${OUR_CDO:?}" "${RESULTS:?}" "${WORK:?}"
: "${BASE_CDO:=}" "${RUNS:=5}" "${KERNEL_VERSIONS:=6.1 5.15}" "${CDO_KERNEL_CACHE:=/var/cache/cdo-kernel}"
mkdir -p "$RESULTS" "$WORK"
sizes=(BUG_STRUCT_SIZE=12 EX_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16 ALT_STRUCT_SIZE=12
	PARA_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44)
unset_sizes=()
for v in "${sizes[@]}"; do unset_sizes+=(-u "${v%%=*}"); done
md=$RESULTS/dwarf.md
med() { sed -n 's/.*median=\([^ ]*\).*/\1/p' <<<"$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
{
	echo "Debug-info cost (median of $RUNS runs, ms; load at start: $(cut -d' ' -f1-3 /proc/loadavg))"
	echo
	echo "| kernel | pair | default | base | sizes from DWARF | --explain |"
	echo "|---|---|---|---|---|---|"
} >"$md"
declare -A total
found=0
for ver in $KERNEL_VERSIONS; do
	work=$CDO_KERNEL_CACHE/tobj-$ver
	[ -d "$work/cases" ] && [ -f "$work/build/vmlinux" ] || { echo "bench dwarf: no pairs for $ver" >&2; continue; }
	for dir in "$work"/cases/*/; do
		name=$(basename "$dir")
		[ -f "$dir/parents" ] || continue
		while read -r obj parent; do
			found=1
			args=("orig/$obj" "patched/$obj" "$parent" "$work/parents/$parent.symtab"
				"$work/parents/Module.symvers" livepatch_bench "$WORK/out.o")
			row="| $ver | $name ${obj##*/} |"
			for variant in default base sizes explain; do
				case $variant in
				default) cmd=(env "${sizes[@]}" "$OUR_CDO" "${args[@]}") ;;
				base) [ -n "$BASE_CDO" ] || { row+=" – |"; continue; }
				      cmd=(env "${sizes[@]}" "$BASE_CDO" "${args[@]}") ;;
				sizes) cmd=(env "${unset_sizes[@]}" "$OUR_CDO" --debuginfo "$work/build/vmlinux" "${args[@]}") ;;
				explain) cmd=(env "${sizes[@]}" "$OUR_CDO" --explain "${args[@]}") ;;
				esac
				line=$(cd "$dir" && "$RUNNER" -n "$RUNS" -- "${cmd[@]}")
				t=$(med "$line")
				total[$variant]=$(awk -v a="${total[$variant]:-0}" -v b="$t" 'BEGIN { print a + b }')
				row+=" $(ms "$t") |"
			done
			echo "$row" >>"$md"
		done <"$dir/parents"
	done
done
[ "$found" = 1 ] || { echo "bench dwarf: no generated kernel pairs (make -C test-objects kernel)" >&2; exit 1; }
echo "| **sum** | | $(ms "${total[default]}") | ${total[base]:+$(ms "${total[base]}")} | $(ms "${total[sizes]}") | $(ms "${total[explain]}") |" >>"$md"
cat "$md"
