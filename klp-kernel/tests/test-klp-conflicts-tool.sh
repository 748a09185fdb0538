#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The user-space check: klp-conflicts reads a livepatch module file and the
# running kernel's sysfs, and finds a conflict before anything is loaded.

. /kselftest/livepatch/functions.sh

MOD_LIVEPATCH=test_klp_livepatch
MOD_A=test_klp_conflict_a

setup_config

start_test "klp-conflicts finds a conflict before loading"

KO=$(modinfo -n $MOD_A) || die "cannot find the $MOD_A module file"

out=$(klp-conflicts "$KO" 2>&1)
rc=$?
[[ $rc -eq 0 && -z "$out" ]] || die "klp-conflicts without active patch: status $rc: $out"

load_lp $MOD_LIVEPATCH

out=$(klp-conflicts "$KO" 2>&1)
rc=$?
[[ $rc -eq 1 ]] || die "klp-conflicts with a conflicting patch: status $rc: $out"
log "klp-conflicts: $out"
[[ -e /sys/module/$MOD_A ]] && die "klp-conflicts loaded $MOD_A"

# The kernel agrees with the tool.
load_failing_mod $MOD_A

# An atomic replace module never conflicts.
out=$(klp-conflicts --replace "$KO" 2>&1)
rc=$?
[[ $rc -eq 0 ]] || die "klp-conflicts --replace: status $rc: $out"

disable_lp $MOD_LIVEPATCH
unload_lp $MOD_LIVEPATCH

check_result "% modprobe $MOD_LIVEPATCH
livepatch: enabling patch '$MOD_LIVEPATCH'
livepatch: '$MOD_LIVEPATCH': initializing patching transition
livepatch: '$MOD_LIVEPATCH': starting patching transition
livepatch: '$MOD_LIVEPATCH': completing patching transition
livepatch: '$MOD_LIVEPATCH': patching complete
klp-conflicts: $MOD_A: vmlinux cmdline_proc_show,1 is already replaced by $MOD_LIVEPATCH
% modprobe $MOD_A
livepatch: patch '$MOD_A' conflicts with patch '$MOD_LIVEPATCH' on function 'cmdline_proc_show,1' in object 'vmlinux'
modprobe: ERROR: could not insert '$MOD_A': Address already in use
% echo 0 > /sys/kernel/livepatch/$MOD_LIVEPATCH/enabled
livepatch: '$MOD_LIVEPATCH': initializing unpatching transition
livepatch: '$MOD_LIVEPATCH': starting unpatching transition
livepatch: '$MOD_LIVEPATCH': completing unpatching transition
livepatch: '$MOD_LIVEPATCH': unpatching complete
% rmmod $MOD_LIVEPATCH"

exit 0
