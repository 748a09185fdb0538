#!/bin/bash
# The kernel suite behind `make check-kernel`: the livepatch core tests
# under qemu (klp-kernel/), the real-kernel create-diff-object cases
# (test-objects/kernel/) and kbuild-cache on a real kernel tree.  Every
# part runs even when an earlier one failed; klp-kernel's guest runs beside
# the others and its log is printed at the end.  The last line sums them up
# as "check-kernel: N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
passed=0 failed=0 skipped=0

# count NAME LOG RC - add up the last "N passed, M failed" line of LOG
count() {
	local name=$1 log=$2 rc=$3 line p f s
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(sed -nE 's/.*\b([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.*\b([0-9]+) failed.*/\1/p' <<<"$line")
	s=$(sed -nE 's/.*\b([0-9]+) skipped.*/\1/p' <<<"$line")
	p=${p:-0} f=${f:-0} s=${s:-0}
	# a part that failed without saying how counts as one failure
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
	fi
	echo "== $name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

part() {
	local name=$1 log rc
	shift
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	count "$name" "$log" "$rc"
	rm -f "$log"
}

# klp-kernel's guest runs on one host thread for a quarter of an hour and
# leaves the other core idle, so it runs in the background while the other
# parts build their kernels.  Its own kernel is built first, alone: two
# kernel builds at once would only take turns on the two cores.
klp_log=$(mktemp)
klp_pid=
env KLP_BUILD_ONLY=1 make --no-print-directory -C klp-kernel check-kernel 2>&1 | tee "$klp_log"
klp_rc=${PIPESTATUS[0]}
if [ "$klp_rc" = 0 ]; then
	echo "== klp-kernel: kernel built; the guest runs beside the next parts (log: $klp_log)"
	make --no-print-directory -C klp-kernel check-kernel >"$klp_log" 2>&1 &
	klp_pid=$!
fi
part kernel-cases test-objects/kernel/scripts/check-kernel-cases.sh
part kbuild-cache kbuild-cache/tests/kernel.sh
if [ -n "${KERNEL_SRC_515:-}" ]; then
	part kbuild-cache-5.15 env KBC_KERNEL_SRC="$KERNEL_SRC_515" KBC_KERNEL_VERSION=5.15 \
		kbuild-cache/tests/kernel.sh
fi
if [ -n "$klp_pid" ]; then
	echo "== klp-kernel: waiting for the guest"
	wait "$klp_pid"
	klp_rc=$?
	cat "$klp_log"
fi
count klp-kernel "$klp_log" "$klp_rc"
rm -f "$klp_log"

summary="check-kernel: $passed passed, $failed failed"
[ "$skipped" = 0 ] || summary+=", $skipped skipped"
echo "$summary"
[ "$failed" = 0 ]
