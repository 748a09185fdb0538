#!/bin/bash
# The kernel suite behind `make check-kernel`: the livepatch core tests
# under qemu (klp-kernel/), the real-kernel create-diff-object cases
# (test-objects/kernel/) and kbuild-cache on a real kernel tree.  Every part runs even when an earlier one
# failed; the last line sums them up as "check-kernel: N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
passed=0 failed=0 skipped=0

part() {
	local name=$1 log rc line p f s
	shift
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
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

part klp-kernel make --no-print-directory -C klp-kernel check-kernel
part kernel-cases test-objects/kernel/scripts/check-kernel-cases.sh
part kbuild-cache kbuild-cache/tests/kernel.sh
if [ -n "${KERNEL_SRC_515:-}" ]; then
	part kbuild-cache-5.15 env KBC_KERNEL_SRC="$KERNEL_SRC_515" KBC_KERNEL_VERSION=5.15 \
		kbuild-cache/tests/kernel.sh
fi

summary="check-kernel: $passed passed, $failed failed"
[ "$skipped" = 0 ] || summary+=", $skipped skipped"
echo "$summary"
[ "$failed" = 0 ]
