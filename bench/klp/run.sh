#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/klp: stop windows and transition times of the livepatch consistency
# models (klp-kernel's 6.1 series), in one boot under qemu with 4 CPUs.
# Emulated (TCG): the numbers compare the models with each other, not with
# real hardware.  Writes $BUILD/bench/klp/results.csv:
#   mode,threads,cpus,cycles,attempts_median,window_ns_median,window_ns_max,transition_ms_median
# and results.md (the table and plot for the READMEs).
#
# Environment: KLP_BENCH_CYCLES (default 20), KLP_BENCH_THREADS (default
# "0 100 1000 5000"; 0 is the idle system, without the spinning threads
# either), and check-kernel.sh's (CDO_KERNEL_CACHE, KLP_SERIES).
# Builds a kernel: run it under the machine's kernel build lock, e.g.
#   flock /tmp/cdo-kernel-build.lock make bench-klp
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
OUT=$BUILD/bench/klp
mkdir -p "$OUT"

die() {
	echo "bench-klp: error: $*" >&2
	exit 1
}

gcc -O2 -Wall -Wextra -Werror -static -pthread -o "$OUT/threads" \
	"$TOP/bench/klp/threads.c"

# The guest reads its settings from /klp/env, written by check-kernel.sh
# from the KLP_* variables it knows; these two reach it through the file.
cat >"$OUT/bench.env" <<EOF
KLP_BENCH_CYCLES=${KLP_BENCH_CYCLES:-20}
KLP_BENCH_THREADS="${KLP_BENCH_THREADS:-0 100 1000 5000}"
EOF

load=$(cut -d' ' -f1-3 /proc/loadavg)
# One host thread per CPU, unlike check-kernel.sh's default: the stop
# windows are only meaningful when the four CPUs really run at once.  The
# qemu fault that made check-kernel.sh leave this mode needs a function
# being rewritten while other CPUs run it; the bench patches
# cmdline_proc_show(), which none of its threads call.
KLP_QEMU_ACCEL=tcg KLP_QEMU_SMP=4 KLP_QEMU_MEM=2048 KLP_QEMU_TIMEOUT=${KLP_QEMU_TIMEOUT:-7200} \
KLP_GUEST_RUN="$TOP/bench/klp/guest.sh" \
KLP_GUEST_FILES="$OUT/threads $OUT/bench.env" \
KLP_TESTS=test-klp-boot.sh \
	"$TOP/klp-kernel/scripts/check-kernel.sh" | tee "$OUT/run.log" ||
	die "the guest run failed; see $OUT/run.log"

console=$(sed -n 's/.*console log: //p' "$OUT/run.log" | tail -n 1)
[[ -f "$console" ]] || die "no console log named in $OUT/run.log"
grep '^KLPBENCH,' "$console" | tr -d '\r' | cut -d, -f2- >"$OUT/cycles.csv"
[[ -s "$OUT/cycles.csv" ]] || die "no measurement in $console"

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 }
		END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

{
	echo "mode,threads,cpus,cycles,attempts_median,window_ns_median,window_ns_max,transition_ms_median"
	cut -d, -f2 "$OUT/cycles.csv" | sort -un | while read -r threads; do
		for mode in task system baseline; do
			rows=$(awk -F, -v m="$mode" -v t="$threads" \
				'$1 == m && $2 == t' "$OUT/cycles.csv")
			[[ -n "$rows" ]] || continue
			cpus=$(head -n 1 <<<"$rows" | cut -d, -f3)
			cycles=$(wc -l <<<"$rows")
			att=$(cut -d, -f5 <<<"$rows" | median)
			win=$(cut -d, -f6 <<<"$rows" | median)
			wmax=$(cut -d, -f6 <<<"$rows" | sort -n | tail -n 1)
			tr_us=$(cut -d, -f7 <<<"$rows" | median)
			echo "$mode,$threads,$cpus,$cycles,$att,$win,$wmax,$((tr_us / 1000))"
		done
	done
} >"$OUT/results.csv.tmp"
mv "$OUT/results.csv.tmp" "$OUT/results.csv"

# The table and a plot of the median windows (log scale, one # per
# doubling above 1 us) for bench/README.md and the README.
{
	echo "Measured under qemu TCG (emulated, 4 vCPUs on a 2-core host, load $load at the start); $(date -u +%Y-%m-%d)."
	echo
	echo "| mode | threads | cycles | attempts (median) | stop window median | stop window max | transition (median) |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	tail -n +2 "$OUT/results.csv" | while IFS=, read -r mode threads _ cycles att win wmax trms; do
		if [[ $mode == task ]]; then
			echo "| $mode | $threads | $cycles | - | - | - | $trms ms |"
		else
			printf '| %s | %s | %s | %s | %d us | %d us | %s ms |\n' "$mode" \
				"$threads" "$cycles" "$att" $((win / 1000)) $((wmax / 1000)) "$trms"
		fi
	done
	echo
	echo '```'
	echo "median stop window (log2 scale: one # per doubling above 1 us)"
	tail -n +2 "$OUT/results.csv" | awk -F, '$1 != "task" {
		us = $6 / 1000; n = 0
		for (v = us; v > 1; v /= 2) n++
		bar = ""; for (i = 0; i < n; i++) bar = bar "#"
		printf "%-8s %5d threads  %-24s %d us\n", $1, $2, bar, us }'
	echo '```'
} >"$OUT/results.md"
cat "$OUT/results.md"
