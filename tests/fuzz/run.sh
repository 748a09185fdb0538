#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the fuzz targets of tests/fuzz.
#
#   tests/fuzz/run.sh --build DIR --seed-tool BIN [--cdo BIN] [--test-objects DIR]
#                     [--seconds N | --runs N | --check] TARGET...
#
# Seeds are made here, at test time, from the test-objects cases and the
# klp-conflicts host-test sources (no object file is committed).  Each
# target then runs on its corpus (DIR/work/TARGET/corpus, kept between
# runs) for N seconds (or N executions with --runs), with a 2 s limit per input and a 2 GiB memory
# limit.  --check first replays tests/fuzz/regressions/TARGET (inputs
# that once crashed, hung or left files behind) and then fuzzes each
# target for a few seconds: that is what `make check` runs.
#
# Prints one line per target: executions, executions per second, coverage
# (edges and features), corpus size and findings (crashes, sanitizer
# reports, timeouts, leftovers; saved under DIR/work/TARGET/findings),
# then "fuzz: N passed, M failed".  Exits 1 when anything was found.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build='' seed_tool='' seconds=60 runs=0 check=0 cdo='' tobj=''
targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--seed-tool) seed_tool=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--runs) runs=$2; seconds=0; shift 2 ;;
	--cdo) cdo=$2; shift 2 ;;
	--test-objects) tobj=$2; shift 2 ;;
	--check) check=1; seconds=${CHECK_FUZZ_SECONDS:-5}; shift ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) targets+=("$1"); shift ;;
	esac
done
[ -n "$build" ] && [ -n "$seed_tool" ] && [ ${#targets[@]} -gt 0 ] || {
	echo "usage: run.sh --build DIR --seed-tool BIN [--seconds N | --check] TARGET..." >&2
	exit 2
}
case $seconds$runs in ''|*[!0-9]*) echo "run.sh: --seconds and --runs want a whole number" >&2; exit 2 ;; esac
build=$(cd "$top" && cd "$build" && pwd)
work=$build/work
cdo=$(realpath "${cdo:-$top/build/bin/create-diff-object}")
tobj=$(realpath -m "${tobj:-$top/build/test-objects}")

# ---- seeds -------------------------------------------------------------

need_test_objects() {
	[ -d "$tobj/cases" ] && return
	make --no-print-directory -s -C "$top/test-objects" O="$tobj" >/dev/null
}

# A query script for fuzz_symtab: the FILE symbol and locals of an object,
# then a match and a few lookups (see fuzz_symtab.c).
symtab_query() {
	readelf -s --wide "$1" | awk '
		$5 == "LOCAL" && $4 == "FILE" { print "file " $8 }
		$5 == "LOCAL" && $4 == "FUNC" { print "local func " $8 }
		$5 == "LOCAL" && $4 == "OBJECT" { print "local object " $8 }
		END { print "match" }'
	readelf -s --wide "$1" | awk '($4 == "FUNC" || $4 == "OBJECT") && NR % 3 == 0 { print "lookup " $8 }'
}

seed_diff() {
	local v d n
	for v in cases cases-g; do
		for d in "$tobj/$v"/*/; do
			n=$(basename "$d")
			"$seed_tool" "$1/$v-$n" "$d/orig.o" "$d/patched.o" "$d/$n.symtab"
		done
	done
}

seed_objcmp() {
	local d n out
	for d in "$tobj/cases"/*/; do
		n=$(basename "$d")
		out=$2/$n.o
		# create-diff-object outputs are what objcmp is for
		if "$cdo" "$d/orig.o" "$d/patched.o" vmlinux "$d/$n.symtab" /dev/null \
			test "$out" >/dev/null 2>&1; then
			"$seed_tool" "$1/out-$n" "$out" "$out"
		fi
		"$seed_tool" "$1/pair-$n" "$d/orig.o" "$d/patched.o"
	done
}

seed_symtab() {
	local d n
	for d in "$tobj/cases"/*/; do
		n=$(basename "$d")
		symtab_query "$d/orig.o" >"$2/$n.query"
		"$seed_tool" "$1/$n" "$d/$n.symtab" "$2/$n.query"
	done
}

seed_symvers() {
	local d n i=0
	for d in "$tobj/cases"/*/; do
		n=$(basename "$d")
		i=$((i + 1))
		awk -v i=$i '$5 == "GLOBAL" && ($4 == "FUNC" || $4 == "OBJECT") {
			printf "0x%08x\t%s\t%s\tEXPORT_SYMBOL%s\t\n", NR * 2654435761 % 4294967296, $8,
				(NR % 3 ? "vmlinux" : "drivers/net/foo-bar"), (NR % 2 ? "" : "_GPL")
		}' "$d/$n.symtab" >"$2/$n.symvers"
		"$seed_tool" "$1/$n" "$2/$n.symvers"
	done
}

seed_batch() {
	local d n i=0
	for d in "$tobj/cases"/*/; do
		n=$(basename "$d")
		i=$((i + 1))
		{
			echo "# pairs of $n"
			echo "orig/$n.o patched/$n.o vmlinux $d$n.symtab Module.symvers livepatch-$n output/$n.o"
			[ $((i % 4)) = 0 ] && printf '\n \t \norig/a.o patched/a.o vmlinux s m p\n'
		} >"$2/$n.batch"
		"$seed_tool" "$1/$n" "$2/$n.batch"
	done
}

seed_klp_conflicts() {
	local src=$top/klp-kernel/tests/tool d n
	cc -c -O2 -DREPLACE=0 -o "$2/fake_patch.ko" "$src/fake_patch.c"
	cc -c -O2 -DREPLACE=1 -o "$2/fake_replace.ko" "$src/fake_patch.c"
	cc -c -O2 -o "$2/fake_kpatch.ko" "$src/fake_kpatch.c"
	cat >"$2/sysfs" <<'TREE'
other/enabled=1
other/vmlinux/cmdline_proc_show,1
other/vmlinux/meminfo_proc_show,2
other/mymod/mod_alias,1
gone/enabled=0
gone/vmlinux/cmdline_proc_show,1
fake_patch/enabled=1
fake_patch/vmlinux/cmdline_proc_show,1
conflict_policy=deny
TREE
	cp "$src/fake-kallsyms" "$2/kallsyms"
	for n in fake_patch fake_replace fake_kpatch; do
		"$seed_tool" "$1/$n" "$2/$n.ko" "$2/sysfs" "$2/kallsyms"
	done
	# create-diff-object outputs carry .kpatch.funcs, as kpatch-built modules do
	for d in "$tobj/cases"/*/; do
		n=$(basename "$d")
		"$cdo" "$d/orig.o" "$d/patched.o" vmlinux "$d/$n.symtab" /dev/null \
			test "$2/$n.o" >/dev/null 2>&1 &&
			"$seed_tool" "$1/cdo-$n" "$2/$n.o" "$2/sysfs" "$2/kallsyms"
	done
	return 0
}

make_seeds() {
	local t=$1 dir=$work/$1/seeds tmp=$work/$1/tmp
	rm -rf "$dir" "$tmp"
	mkdir -p "$dir" "$tmp"
	"seed_$t" "$dir" "$tmp" || return 1
	rm -rf "$tmp"
	[ -n "$(ls -A "$dir")" ]
}

# ---- running -------------------------------------------------------------

passed=0 failed=0

# Per-target libFuzzer options: the whole-tool targets print on stdout and
# stderr; every target runs with leak checking.
target_env() {
	echo "ASAN_OPTIONS=detect_leaks=1"
}
target_opts() {
	case $1 in
	objcmp|klp_conflicts) echo "-close_fd_mask=3" ;;
	esac
}

run_target() {
	local t=$1 bin=$build/bin/fuzz_$1 dir=$work/$1 log rc findings execs rate cov ft corp
	log=$dir/last.log
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: $bin is missing"
		return 1
	fi
	mkdir -p "$dir/corpus" "$dir/findings"
	if ! make_seeds "$t"; then
		echo "FAIL $t: could not make seeds"
		return 1
	fi
	# the scratch folders of the targets (outputs, the klp-conflicts sysfs
	# tree) go to memory when it can, and are removed after
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		export TMPDIR=/dev/shm/cdo-fuzz-$t-$$
	else
		export TMPDIR=$dir/scratch
	fi
	rm -rf "$TMPDIR"
	mkdir -p "$TMPDIR"
	if [ $check = 1 ] && [ -d "$top/tests/fuzz/regressions/$t" ]; then
		local f bad=0
		for f in "$top/tests/fuzz/regressions/$t"/*; do
			[ -f "$f" ] || continue
			if ! env $(target_env "$t") "$bin" -timeout=2 -rss_limit_mb=2048 \
				$(target_opts "$t") "$f" >"$log" 2>&1; then
				echo "FAIL $t: regression input $(basename "$f")"
				grep -E "ERROR|runtime error|cdo-fuzz:" "$log" | head -n 3
				bad=1
			fi
		done
		[ $bad = 0 ] || return 1
	fi
	env $(target_env "$t") "$bin" -max_total_time="$seconds" -runs="$([ "$runs" = 0 ] && echo -1 || echo "$runs")" \
		-timeout=2 -rss_limit_mb=2048 \
		-max_len=1048576 -print_final_stats=1 $(target_opts "$t") \
		-artifact_prefix="$dir/findings/" "$dir/corpus" "$dir/seeds" >"$log" 2>&1
	rc=$?
	rm -rf "$TMPDIR"
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)
	rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(find "$dir/corpus" -type f | wc -l)
	findings=$(grep -cE '^(==[0-9]+==ERROR|.*runtime error:|cdo-fuzz: |SUMMARY: libFuzzer)' "$log")
	printf '%-14s %10s execs %7s/s  cov %5s  ft %6s  corpus %5s  findings %s\n' \
		"$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$corp" "$findings"
	if [ $rc != 0 ] || [ "$findings" != 0 ]; then
		echo "FAIL $t (exit $rc): see $log; inputs in $dir/findings"
		grep -E "ERROR|runtime error|cdo-fuzz:|^ +#[0-9] " "$log" | head -n 12
		return 1
	fi
	return 0
}

need_test_objects
for t in "${targets[@]}"; do
	if ! declare -F "seed_$t" >/dev/null; then
		echo "run.sh: unknown target $t" >&2
		exit 2
	fi
	if [ "$runs" != 0 ]; then
		echo "fuzzing $t for $runs executions" >&2
	else
		echo "fuzzing $t for ${seconds} s" >&2
	fi
	if run_target "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]
