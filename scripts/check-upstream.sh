#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-upstream.sh BUILD_DIR: run our create-diff-object and upstream's on
# every x86_64 case of kpatch's unit-test objects, the way upstream's unit
# harness runs them, and require for each case
#   - the same exit code from both (and the one the harness expects:
#     0 for NAME.PATCHED.o, non-zero for NAME.PATCHED.FAIL.o),
#   - an output file from both or from neither,
#   - NAME.test passing on our output (and on upstream's, which checks
#     this harness),
#   - cdo-objcmp finding the two outputs semantically equal.
#
# Environment:
#   UPSTREAM_CDO      upstream's create-diff-object binary
#   KPATCH_UNIT_OBJS  kpatch-unit-test-objs checkout (or its x86_64 folder)
#   OUR_CDO           our binary (default BUILD_DIR/bin/create-diff-object)
#   CHECK_UPSTREAM_KEEP=DIR  keep every case's files under DIR
#   CHECK_UPSTREAM_TIMEOUT   seconds per create-diff-object run (default 300)
#
# Nothing is written into KPATCH_UNIT_OBJS: each case runs in a temporary
# folder holding links to its objects.
set -euo pipefail

build=${1:-build}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
test_lib="$here/kpatch-test-functions.sh"

skip() {
	echo "check-upstream: skipped (set UPSTREAM_CDO=/path/to/create-diff-object and KPATCH_UNIT_OBJS=/path/to/kpatch-unit-test-objs)"
	exit 0
}

[[ -n ${UPSTREAM_CDO:-} && -n ${KPATCH_UNIT_OBJS:-} ]] || skip
[[ -x $UPSTREAM_CDO && -d $KPATCH_UNIT_OBJS ]] || skip

if [[ -d $KPATCH_UNIT_OBJS/x86_64 ]]; then
	objs=$KPATCH_UNIT_OBJS/x86_64
else
	objs=$KPATCH_UNIT_OBJS
fi
objs=$(cd "$objs" && pwd)
upstream=$(cd "$(dirname "$UPSTREAM_CDO")" && pwd)/$(basename "$UPSTREAM_CDO")
ours=${OUR_CDO:-$build/bin/create-diff-object}
objcmp=$build/bin/cdo-objcmp
timeout_s=${CHECK_UPSTREAM_TIMEOUT:-300}

for tool in "$ours" "$objcmp"; do
	if [[ ! -x $tool ]]; then
		echo "check-upstream: $tool not found or not executable (run make first)" >&2
		exit 1
	fi
done
ours=$(cd "$(dirname "$ours")" && pwd)/$(basename "$ours")
objcmp=$(cd "$(dirname "$objcmp")" && pwd)/$(basename "$objcmp")
for cmd in readelf nm sed awk timeout; do
	command -v "$cmd" >/dev/null || { echo "check-upstream: $cmd is missing" >&2; exit 1; }
done

# The harness environment: CDO_ENV from the arch's Makefile, then NAME.env
# appended (the last assignment of a variable wins, as with env(1)).
default_env="PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 ALT_STRUCT_SIZE=13 JUMP_STRUCT_SIZE=24 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44"
cdo_env=$default_env
if [[ -f $objs/Makefile ]]; then
	line=$(sed -n -E 's/^CDO_ENV[[:space:]]*[:?]?=[[:space:]]*//p' "$objs/Makefile" | tail -n 1)
	[[ -n $line ]] && cdo_env=$line
fi

# Words of an env list, each checked to be a plain VAR=value.
env_words() {
	local w
	for w in $1; do
		if [[ ! $w =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]]; then
			echo "check-upstream: bad environment word '$w'" >&2
			return 1
		fi
		printf '%s\n' "$w"
	done
}

if [[ -n ${CHECK_UPSTREAM_KEEP:-} ]]; then
	mkdir -p "$CHECK_UPSTREAM_KEEP"
	work=$(cd "$CHECK_UPSTREAM_KEEP" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/check-upstream.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi

# run_cdo DIR BINARY NAME PATCHED ENVWORDS...: one harness-style run in DIR,
# printing the exit code.
run_cdo() {
	local dir=$1 bin=$2 name=$3 patched=$4 rc=0
	shift 4
	(cd "$dir" && env "$@" timeout "$timeout_s" "$bin" "$name.ORIG.o" "$patched" \
		vmlinux "$name.symtab" /dev/null "test_$name" "$name.OUTPUT.o" \
		>cdo.log 2>&1) || rc=$?
	echo "$rc"
}

# run_test DIR NAME: NAME.test on DIR/NAME.OUTPUT.o, from inside DIR,
# because some scripts name the output relative to the current folder.
run_test() {
	(cd "$1" && KPATCH_TEST_LIBRARY=$test_lib bash "$2.test" "$2.OUTPUT.o" >test.log 2>&1)
}

passed=0
failed=0
shopt -s nullglob
cases=("$objs"/*.ORIG.o)
if ((${#cases[@]} == 0)); then
	echo "check-upstream: no *.ORIG.o cases in $objs" >&2
	exit 1
fi

for orig in "${cases[@]}"; do
	name=$(basename "$orig" .ORIG.o)
	problems=()

	if [[ -f $objs/$name.PATCHED.o ]]; then
		patched=$name.PATCHED.o
		expect_ok=1
	elif [[ -f $objs/$name.PATCHED.FAIL.o ]]; then
		patched=$name.PATCHED.FAIL.o
		expect_ok=0
	else
		echo "FAIL $name: no $name.PATCHED.o or $name.PATCHED.FAIL.o"
		failed=$((failed + 1))
		continue
	fi
	# Upstream's harness never runs oot-issue-928.test, because its objects
	# carry a .NOSTRIP infix; we run it under the object's name.
	testfile=
	if [[ -f $objs/$name.test ]]; then
		testfile=$objs/$name.test
	elif [[ -f $objs/${name%.NOSTRIP}.test ]]; then
		testfile=$objs/${name%.NOSTRIP}.test
	fi

	words=$(env_words "$cdo_env")
	if [[ -f $objs/$name.env ]]; then
		words+=$'\n'$(env_words "$(cat "$objs/$name.env")")
	fi
	mapfile -t envw <<<"$words"

	case_dir=$work/$name
	rm -rf "$case_dir"
	for side in upstream ours; do
		mkdir -p "$case_dir/$side"
		ln -s "$orig" "$case_dir/$side/$name.ORIG.o"
		ln -s "$objs/$patched" "$case_dir/$side/$patched"
		[[ -n $testfile ]] && ln -s "$testfile" "$case_dir/$side/$name.test"
		readelf -s --wide "$orig" | sed -r 's/\s+\[<localentry>: 8\]//' \
			>"$case_dir/$side/$name.symtab"
	done

	rc_up=$(run_cdo "$case_dir/upstream" "$upstream" "$name" "$patched" "${envw[@]}")
	rc_ours=$(run_cdo "$case_dir/ours" "$ours" "$name" "$patched" "${envw[@]}")
	out_up=$case_dir/upstream/$name.OUTPUT.o
	out_ours=$case_dir/ours/$name.OUTPUT.o

	if [[ $rc_ours != "$rc_up" ]]; then
		problems+=("exit code $rc_ours, upstream $rc_up")
	fi
	if ((expect_ok)) && [[ $rc_up != 0 ]]; then
		problems+=("upstream exits $rc_up on a case expected to succeed")
	elif ((!expect_ok)) && [[ $rc_up == 0 ]]; then
		problems+=("upstream exits 0 on a case expected to fail")
	fi
	if [[ -e $out_up && ! -e $out_ours ]]; then
		problems+=("no output, upstream wrote one")
	elif [[ ! -e $out_up && -e $out_ours ]]; then
		problems+=("wrote an output, upstream did not")
	fi

	if ((expect_ok)) && [[ -n $testfile ]]; then
		if [[ -e $out_ours ]] && ! run_test "$case_dir/ours" "$name"; then
			why=$(head -n 1 "$case_dir/ours/test.log")
			problems+=("$(basename "$testfile") fails${why:+: $why}")
		fi
		if [[ -e $out_up ]] && ! run_test "$case_dir/upstream" "$name"; then
			problems+=("$(basename "$testfile") fails on upstream's output (harness problem)")
		fi
	fi

	if [[ -e $out_up && -e $out_ours ]]; then
		cmp_rc=0
		"$objcmp" -v "$out_up" "$out_ours" >"$case_dir/objcmp.log" 2>&1 || cmp_rc=$?
		if ((cmp_rc == 1)); then
			problems+=("outputs differ ($(tail -n 1 "$case_dir/objcmp.log"); first: $(head -n 1 "$case_dir/objcmp.log"))")
		elif ((cmp_rc != 0)); then
			problems+=("cdo-objcmp failed: $(head -n 1 "$case_dir/objcmp.log")")
		fi
	fi

	if ((${#problems[@]} == 0)); then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		msg=$(printf '%s; ' "${problems[@]}")
		echo "FAIL $name: ${msg%; }"
		failed=$((failed + 1))
	fi
done

[[ -n ${CHECK_UPSTREAM_KEEP:-} ]] && echo "check-upstream: case files kept in $work"
echo "upstream: $passed passed, $failed failed"
((failed == 0))
