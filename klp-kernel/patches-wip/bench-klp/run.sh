#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/klp: stop windows and transition times of the livepatch consistency
# models (klp-kernel 6.1 series), in one boot under qemu (TCG, emulated:
# the numbers compare the models with each other, not with real hardware).
# Writes $BUILD/bench/klp/results.csv:
#   mode,threads,cpus,cycles,attempts_median,window_ns_median,window_ns_max,transition_ms_median
# Run under the kernel build lock of the machine, for example
#   flock /tmp/cdo-kernel-build.lock make bench-klp
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
OUT=$BUILD/bench/klp
CACHE=${CDO_KERNEL_CACHE:-/var/cache/cdo-kernel}
mkdir -p "$OUT"

gcc -O2 -Wall -Wextra -Werror -static -pthread -o "$OUT/threads" \
	"$TOP/bench/klp/threads.c"

KLP_QEMU_SMP=4 KLP_QEMU_MEM=2048 KLP_QEMU_TIMEOUT=${KLP_QEMU_TIMEOUT:-5400} \
KLP_GUEST_RUN="$TOP/bench/klp/guest.sh" KLP_GUEST_FILES="$OUT/threads" \
KLP_TESTS=test-klp-boot.sh \
	"$TOP/klp-kernel/scripts/check-kernel.sh" | tee "$OUT/run.log"

grep '^KLPBENCH,' "$CACHE/debian-6.1/console.log" | tr -d '\r' >"$OUT/cycles.csv"
[[ -s "$OUT/cycles.csv" ]] || { echo "bench-klp: no measurement" >&2; exit 1; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

{
	echo "mode,threads,cpus,cycles,attempts_median,window_ns_median,window_ns_max,transition_ms_median"
	cut -d, -f2,3,4 "$OUT/cycles.csv" | sort -u | sort -t, -k2,2n -k1,1 |
	while IFS=, read -r mode threads cpus; do
		rows=$(grep "^KLPBENCH,$mode,$threads,$cpus," "$OUT/cycles.csv")
		cycles=$(wc -l <<<"$rows")
		att=$(cut -d, -f6 <<<"$rows" | median)
		win=$(cut -d, -f7 <<<"$rows" | median)
		wmax=$(cut -d, -f7 <<<"$rows" | sort -n | tail -n 1)
		tr_us=$(cut -d, -f8 <<<"$rows" | median)
		echo "$mode,$threads,$cpus,$cycles,$att,$win,$wmax,$((tr_us / 1000))"
	done
} >"$OUT/results.csv"
cat "$OUT/results.csv"
