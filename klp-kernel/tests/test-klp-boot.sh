#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The conflict policy can be set on the kernel command line: the harness
# boots with livepatch.conflict_policy=deny, which must be accepted
# silently (the value does not change, so nothing is logged).

. /kselftest/livepatch/functions.sh

echo -n "TEST: livepatch.conflict_policy= on the kernel command line ... "

grep -qw 'livepatch.conflict_policy=deny' /proc/cmdline ||
	die "the harness did not pass livepatch.conflict_policy=deny"
# Other tests change the policy later; only the boot counts here.
dmesg | sed '/===== TEST/q' |
	grep -e 'Unknown kernel command line.*conflict_policy' \
	     -e 'conflict policy changed' &&
	die "the boot parameter was not accepted silently"
[[ "$(cat /sys/module/livepatch/parameters/conflict_policy)" == "deny" ]] ||
	die "conflict_policy is not deny"
echo "ok"

exit 0
