#!/bin/bash
# Run create-diff-object over every small case built by `make -C test-objects`
# and check each case's `expect` file.  See test-objects/README.md.
#
#   run-cases.sh --cdo PATH --out DIR [--upstream PATH] [--objcmp PATH]
#                [--only NAME] [--variant cases|cases-g]
#
# DIR is the make O= folder; objects are read from DIR/cases/<name>/ and
# DIR/cases-g/<name>/, and output.o, cdo.stdout and cdo.stderr are written
# next to them.  Prints one PASS/FAIL line per case and variant and ends with
# "cases: N passed, M failed[, K skipped]"; exits 1 when M > 0.
#
# With --upstream, the same pair also goes through that binary (into
# output.upstream.o) and the outputs are compared with --objcmp PATH, or by
# exit code alone when that tool is missing.  The comparison only reports.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The checks of the expect format, shared with the real-kernel cases.
# shellcheck source-path=SCRIPTDIR source=kernel/scripts/expect-lib.sh
. "$here/kernel/scripts/expect-lib.sh"

cdo='' out='' upstream='' objcmp='' only='' variants="cases cases-g"

usage() {
	echo "usage: $0 --cdo PATH --out DIR [--upstream PATH] [--objcmp PATH] [--only NAME] [--variant cases|cases-g]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--cdo) cdo=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--upstream) upstream=${2:?}; shift 2 ;;
	--objcmp) objcmp=${2:?}; shift 2 ;;
	--only) only=${2:?}; shift 2 ;;
	--variant) variants=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run-cases: unknown argument '$1'" >&2; usage ;;
	esac
done
if [ -z "$cdo" ] || [ -z "$out" ]; then usage; fi

abspath() { realpath -m -- "$1"; }
cdo=$(abspath "$cdo")
[ -x "$cdo" ] || { echo "run-cases: $cdo is not executable" >&2; exit 2; }
if [ -n "$upstream" ]; then
	upstream=$(abspath "$upstream")
	[ -x "$upstream" ] || { echo "run-cases: $upstream is not executable" >&2; exit 2; }
fi
[ -z "$objcmp" ] || objcmp=$(abspath "$objcmp")
[ -d "$out" ] || { echo "run-cases: $out does not exist; run make -C test-objects O=$out" >&2; exit 2; }
out=$(cd "$out" && pwd)

# The struct sizes of our stub layouts (include/kstub.h, kernel v5.15);
# a case's `env` file may override them.
default_env=(PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12
	ALT_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6
	STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44)

CDO_TIMEOUT=${CDO_TIMEOUT:-120}
passed=0 failed=0 skipped=0
up_equal=0 up_diff=0 up_rc=0

# run_cdo BINARY OUTPUT-NAME LOG-SUFFIX: prints the exit status.  Runs from
# $out with relative paths, so messages read "<name>/orig.o: ...".
run_cdo() {
	local bin=$1 outname=$2 suffix=$3 rc=0
	local d=$variant/$name
	local -a envs=("${default_env[@]}")
	if [ -f "$src/env" ]; then
		while IFS= read -r l || [ -n "$l" ]; do
			l=${l%%#*}
			strip_blanks l "$l"
			[ -n "$l" ] && envs+=("$l")
		done < "$src/env"
	fi
	local parent=vmlinux symvers=/dev/null
	[ -f "$src/parent" ] && parent=$(head -1 "$src/parent")
	[ -f "$src/symvers" ] && symvers=$src/symvers
	rm -f "$d/$outname"
	(cd "$out" && env "${envs[@]}" timeout "$CDO_TIMEOUT" "$bin" \
		"$d/orig.o" "$d/patched.o" "$parent" "$d/$name.symtab" "$symvers" \
		"test_${name//-/_}" "$d/$outname" \
		>"$d/cdo$suffix.stdout" 2>"$d/cdo$suffix.stderr") || rc=$?
	echo $rc
}

cd "$out"
for src in "$here"/cases/*/; do
	src=${src%/}
	name=${src##*/}
	[ -f "$src/expect" ] || continue
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	for variant in $variants; do
		label=$name
		[ "$variant" = cases-g ] && label="$name (-g)"
		if grep -Eq '^[[:space:]]*skip([[:space:]]|$)' "$src/expect"; then
			echo "SKIP $label: $(sed -n 's/^[[:space:]]*skip[[:space:]]*//p' "$src/expect" | head -1)"
			skipped=$((skipped + 1))
			continue
		fi
		if [ ! -f "$variant/$name/orig.o" ] || [ ! -f "$variant/$name/patched.o" ] ||
		   [ ! -f "$variant/$name/$name.symtab" ]; then
			echo "FAIL $label: objects missing in $out/$variant/$name (run make -C test-objects O=$out)"
			failed=$((failed + 1))
			continue
		fi
		rc=$(run_cdo "$cdo" output.o "")
		dir=$variant/$name
		fail_text=$(expect_check "$src/expect" "$rc" "$dir/output.o" "$dir/cdo.stdout" "$dir/cdo.stderr")
		if [ -z "$fail_text" ]; then
			echo "PASS $label"
			passed=$((passed + 1))
		else
			echo "FAIL $label: $(echo "$fail_text" | paste -sd ';' | sed 's/;/; /g')"
			failed=$((failed + 1))
		fi

		[ -n "$upstream" ] || continue
		urc=$(run_cdo "$upstream" output.upstream.o .upstream)
		if [ "$urc" != "$rc" ]; then
			echo "  upstream: $label: exit $urc, ours $rc"
			up_rc=$((up_rc + 1))
		elif [ "$rc" != 0 ] || [ -z "$objcmp" ] || [ ! -x "$objcmp" ]; then
			up_equal=$((up_equal + 1))
		elif "$objcmp" "$variant/$name/output.o" "$variant/$name/output.upstream.o" \
			>"$variant/$name/objcmp.out" 2>&1; then
			up_equal=$((up_equal + 1))
		else
			echo "  upstream: $label: outputs differ (see $out/$variant/$name/objcmp.out)"
			up_diff=$((up_diff + 1))
		fi
	done
done

summary="cases: $passed passed, $failed failed"
[ $skipped = 0 ] || summary="$summary, $skipped skipped"
if [ -n "$upstream" ]; then
	how="by $objcmp"
	[ -n "$objcmp" ] && [ -x "$objcmp" ] || how="by exit code only: no objcmp tool"
	echo "upstream: $up_equal equal, $up_diff different, $up_rc exit-code mismatches ($how)"
fi
echo "$summary"
[ $failed = 0 ]
