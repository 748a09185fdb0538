#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# klpctl on the patched kernel: load, list and unload, a load that klpctl
# refuses before insmod, one that the kernel refuses (and how klpctl words
# it), and one let in by the one-shot override for that load only.

. /kselftest/livepatch/functions.sh

MOD_LIVEPATCH=test_klp_livepatch
MOD_A=test_klp_conflict_a
PARAMS=/sys/module/livepatch/parameters

setup_config

# klpctl_run(expected status, args...) - run klpctl, log the command, keep
#					  its output in $out; check_result
#					  keeps only the logged commands
#					  that name a test module
function klpctl_run() {
	local want=$1 rc
	shift
	log "% klpctl $*"
	out=$(klpctl "$@" 2>&1)
	rc=$?
	[[ $rc -eq $want ]] || die "klpctl $*: status $rc, expected $want: $out"
}

# has(text) - the last klpctl output contains the text
function has() {
	grep -qF -- "$1" <<<"$out" || die "klpctl output lacks '$1': $out"
}

start_test "klpctl load, list and unload"

KO_LP=$(modinfo -n $MOD_LIVEPATCH) || die "cannot find $MOD_LIVEPATCH"
KO_A=$(modinfo -n $MOD_A) || die "cannot find $MOD_A"

klpctl_run 0 load "$KO_LP"
has "$MOD_LIVEPATCH: enabled"

klpctl_run 1 load "$KO_A"
has "klpctl: $MOD_A: vmlinux cmdline_proc_show,1 is already replaced by $MOD_LIVEPATCH"
has "klpctl: $MOD_A: refused: 1 conflict(s) with active livepatches (conflict_policy deny); --allow-conflicts overrides for this load"
[[ -e /sys/module/$MOD_A ]] && die "klpctl loaded $MOD_A although it refused it"

klpctl_run 1 load --no-check "$KO_A"
has "klpctl: $KO_A: insmod failed: Address already in use: the patch replaces functions that an active livepatch replaces"

klpctl_run 0 load --allow-conflicts "$KO_A"
[[ -z "$(cat $PARAMS/allow_conflicts_once)" ]] ||
	die "the override is still armed: $(cat $PARAMS/allow_conflicts_once)"
[[ "$(cat $PARAMS/conflict_policy)" == deny ]] ||
	die "klpctl changed the policy to $(cat $PARAMS/conflict_policy)"
ls /sys/kernel/livepatch | grep -qvx -e $MOD_LIVEPATCH -e $MOD_A &&
	die "/sys/kernel/livepatch has more than the two patches: $(ls /sys/kernel/livepatch)"

klpctl_run 0 list
has "$MOD_LIVEPATCH [enabled]"
has "$MOD_A [enabled] (conflicts allowed by override)"
has "vmlinux cmdline_proc_show,1: runs $MOD_A; stacked under it: $MOD_LIVEPATCH"
grep 'live patched' /proc/cmdline > /dev/kmsg

klpctl_run 0 unload --all
[[ -e /sys/module/$MOD_A || -e /sys/module/$MOD_LIVEPATCH ]] &&
	die "klpctl unload --all left a module loaded"

check_result "% klpctl load $KO_LP
livepatch: enabling patch '$MOD_LIVEPATCH'
livepatch: '$MOD_LIVEPATCH': initializing patching transition
livepatch: '$MOD_LIVEPATCH': starting patching transition
livepatch: '$MOD_LIVEPATCH': completing patching transition
livepatch: '$MOD_LIVEPATCH': patching complete
% klpctl load $KO_A
% klpctl load --no-check $KO_A
livepatch: patch '$MOD_A' conflicts with patch '$MOD_LIVEPATCH' on function 'cmdline_proc_show,1' in object 'vmlinux'
% klpctl load --allow-conflicts $KO_A
livepatch: patch '$MOD_A' overrides patch '$MOD_LIVEPATCH' on function 'cmdline_proc_show,1' in object 'vmlinux' (administrator override)
livepatch: enabling patch '$MOD_A'
livepatch: '$MOD_A': initializing patching transition
livepatch: '$MOD_A': starting patching transition
livepatch: '$MOD_A': completing patching transition
livepatch: '$MOD_A': patching complete
$MOD_A: this has been live patched
livepatch: '$MOD_A': initializing unpatching transition
livepatch: '$MOD_A': starting unpatching transition
livepatch: '$MOD_A': completing unpatching transition
livepatch: '$MOD_A': unpatching complete
livepatch: '$MOD_LIVEPATCH': initializing unpatching transition
livepatch: '$MOD_LIVEPATCH': starting unpatching transition
livepatch: '$MOD_LIVEPATCH': completing unpatching transition
livepatch: '$MOD_LIVEPATCH': unpatching complete"

exit 0
