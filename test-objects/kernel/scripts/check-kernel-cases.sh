#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the real-kernel cases and check them: Debian's 6.1 always, and
# a 5.15 tree too when KERNEL_SRC_515 names one.  This is what
# `make check-kernel` runs for test-objects/kernel/.
#
# Environment:
#   CDO             our create-diff-object (default build/bin/create-diff-object)
#   UPSTREAM_CDO    upstream's binary: compare every output with ours
#   OBJCMP          the comparison tool (default build/bin/cdo-objcmp)
#   KERNEL_SRC_515  a vanilla 5.15 tree to run the cases on as well
#   plus those of gen-kernel-cases.sh (CDO_KERNEL_CACHE, JOBS,
#   KERNEL_BUILD_LOCK) and run-kernel-cases.sh (CDO_TIMEOUT).
#
# The last line is "kernel-cases: N passed, M failed" over all kernels
# (cases skipped for a kernel are counted on the line before); the exit
# status is 0 only when M is 0.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
CDO=${CDO:-$TOP/build/bin/create-diff-object}
OBJCMP=${OBJCMP:-$TOP/build/bin/cdo-objcmp}
UPSTREAM_CDO=${UPSTREAM_CDO:-}

passed=0 failed=0 skipped=0

# check_kernel LABEL [--kernel-src DIR]
check_kernel() {
	local label=$1 out line p f s; shift
	local -a args=(--cdo "$CDO" --kernel "$label")
	[[ -z "$UPSTREAM_CDO" ]] || args+=(--upstream "$UPSTREAM_CDO" --objcmp "$OBJCMP")
	echo "== kernel $label"
	if ! "$HERE/gen-kernel-cases.sh" "$@"; then
		echo "FAIL kernel $label: the cases could not be generated"
		failed=$((failed + 1))
		return
	fi
	local log
	log=$(mktemp)
	"$HERE/run-kernel-cases.sh" "${args[@]}" 2>&1 | tee "$log"
	out=$(tail -1 "$log")
	rm -f "$log"
	line=$(sed -n 's/^kernel-cases: \([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' <<<"$out")
	if [[ -z "$line" ]]; then
		echo "FAIL kernel $label: the run did not finish"
		failed=$((failed + 1))
		return
	fi
	read -r p f s <<<"$line"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
	# struct sizes from vmlinux's debug info, and the source lines
	log=$(mktemp)
	"$HERE/dwarf-kernel-cases.sh" --cdo "$CDO" --kernel "$label" 2>&1 | tee "$log"
	line=$(sed -n 's/^dwarf-kernel: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$log" | tail -1)
	rm -f "$log"
	if [[ -z "$line" ]]; then
		echo "FAIL kernel $label: the debug info checks did not finish"
		failed=$((failed + 1))
		return
	fi
	read -r p f <<<"$line"
	passed=$((passed + p)) failed=$((failed + f))
}

check_kernel 6.1
if [[ -n "${KERNEL_SRC_515:-}" ]]; then
	check_kernel 5.15 --kernel-src "$KERNEL_SRC_515"
fi

[[ $skipped == 0 ]] || echo "skipped: $skipped (see the SKIP lines)"
echo "kernel-cases: $passed passed, $failed failed"
[[ $failed == 0 ]]
