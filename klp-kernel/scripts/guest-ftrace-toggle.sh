#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A guest script for check-kernel.sh's KLP_GUEST_RUN (no livepatch, no test
# module): turn the function tracer on and off on ksys_read() and
# vfs_read() as fast as the shell can, while two shell loops call them on
# the other CPUs.  It reproduces the qemu fault that made check-kernel.sh
# run its guest on one host thread (docs/klp-kernel.md, "The qemu fault"):
#
#   KLP_QEMU_ACCEL=tcg KLP_TESTS=test-klp-boot.sh \
#   KLP_GUEST_RUN=klp-kernel/scripts/guest-ftrace-toggle.sh \
#       klp-kernel/scripts/check-kernel.sh
#
# An optional /klp/ftrace-toggle.env (KLP_GUEST_FILES) sets TOGGLE_SECONDS
# (default 300).  Prints "KLPTEST: ok ftrace toggle: N toggles in S s".
set -u

TOGGLE_SECONDS=300
# shellcheck source=/dev/null
[[ -r /klp/ftrace-toggle.env ]] && . /klp/ftrace-toggle.env
T=/sys/kernel/tracing

fail() {
	echo "KLPTEST: FAIL ftrace toggle: $*"
	exit 1
}

mount -t tracefs nodev $T 2>/dev/null
[[ -w $T/current_tracer ]] || fail "no tracefs at $T"
echo 'ksys_read vfs_read' >$T/set_ftrace_filter || fail "cannot set the filter"
# nothing is recorded: only the code changes matter
echo 0 >$T/tracing_on
readers=()
for _ in 1 2; do
	(while :; do read -r _ </proc/version; done) &
	readers+=($!)
done
n=0
end=$((SECONDS + TOGGLE_SECONDS))
while ((SECONDS < end)); do
	echo function >$T/current_tracer || fail "cannot start the tracer after $n"
	echo nop >$T/current_tracer || fail "cannot stop the tracer after $n"
	n=$((n + 1))
	((n % 500)) || echo "KLPTEST: info $n toggles"
done
kill "${readers[@]}"
echo "KLPTEST: ok ftrace toggle: $n toggles in $TOGGLE_SECONDS s"
