#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load, enable, disable and unload overlapping and non-overlapping
# livepatches $KLP_STRESS_CYCLES times (default 200) while two readers go
# through every livepatch sysfs file in a loop.  The guest runner checks the
# kernel log for WARN, BUG and lockdep reports afterwards.

. /kselftest/livepatch/functions.sh

CYCLES=${KLP_STRESS_CYCLES:-200}
BASE=test_klp_livepatch
MOD_A=test_klp_conflict_a
MOD_B=test_klp_conflict_b
MOD_MEMINFO=test_klp_atomic_replace
MOD_TARGET=test_klp_conflict_mod
STOP=/tmp/klp-stress-stop

setup_config
# Thousands of lines would only slow the guest console down.
echo "file kernel/livepatch/* -p" > /sys/kernel/debug/dynamic_debug/control

# Reads every livepatch sysfs file with bash builtins only, so that it
# spends its time in sysfs show() routines and not in fork().
function reader() {
	local f x
	while [[ ! -e $STOP ]]; do
		for f in $KLP_SYSFS_DIR/* $KLP_SYSFS_DIR/*/* $KLP_SYSFS_DIR/*/*/* \
			 $KLP_SYSFS_DIR/*/*/*/*; do
			[[ -f $f ]] || continue
			read -r -d '' x < "$f" 2>/dev/null
		done
	done
}

function expect_cmdline() {
	local want="$1: this has been live patched" got
	got=$(cat /proc/cmdline)
	[[ "$got" == "$want" ]] || die "cycle $cycle: /proc/cmdline is '$got', expected '$want'"
}

function expect_value() {
	local got
	got=$(cat /sys/module/$MOD_TARGET/parameters/value)
	[[ "$got" == "$1" ]] || die "cycle $cycle: $MOD_TARGET runs '$got', expected '$1'"
}

function expect_active() {
	local got
	got=$(cat "$KLP_SYSFS_DIR/$1/$2/active")
	[[ "$got" == "$3" ]] || die "cycle $cycle: $1/$2/active is $got, expected $3"
}

cycle=0
scenario=0

rm -f $STOP
reader & r1=$!
reader & r2=$!

echo -n "TEST: $CYCLES load/enable/disable/unload cycles with sysfs readers ... "
save_dmesg

while [[ $cycle -lt $CYCLES ]]; do
	case $((scenario++ % 6)) in
	0)	# a single patch
		load_lp $BASE
		expect_cmdline $BASE
		disable_lp $BASE
		unload_lp $BASE
		cycle=$((cycle + 1));;
	1)	# overlapping, the newer one disabled first
		load_lp $BASE
		load_lp $MOD_A allow_conflicts=1
		expect_cmdline $MOD_A
		expect_active $MOD_A vmlinux/cmdline_proc_show,1 1
		expect_active $BASE vmlinux/cmdline_proc_show,1 0
		disable_lp $MOD_A
		expect_cmdline $BASE
		expect_active $BASE vmlinux/cmdline_proc_show,1 1
		unload_lp $MOD_A
		disable_lp $BASE
		unload_lp $BASE
		cycle=$((cycle + 2));;
	2)	# overlapping, the older (shadowed) one disabled first
		load_lp $BASE
		load_lp $MOD_A allow_conflicts=1
		disable_lp $BASE
		expect_cmdline $MOD_A
		unload_lp $BASE
		disable_lp $MOD_A
		unload_lp $MOD_A
		cycle=$((cycle + 2));;
	3)	# not overlapping
		load_lp $BASE
		load_lp $MOD_MEMINFO replace=0
		expect_cmdline $BASE
		grep -q "$MOD_MEMINFO: this has been live patched" /proc/meminfo ||
			die "cycle $cycle: /proc/meminfo is not patched"
		disable_lp $BASE
		disable_lp $MOD_MEMINFO
		unload_lp $BASE
		unload_lp $MOD_MEMINFO
		cycle=$((cycle + 2));;
	4)	# a refused conflict
		load_lp $BASE
		load_failing_mod $MOD_A
		expect_cmdline $BASE
		disable_lp $BASE
		unload_lp $BASE
		cycle=$((cycle + 2));;
	5)	# overlapping in a module, loaded before and after the patches
		load_mod $MOD_TARGET
		load_lp $MOD_A
		load_lp $MOD_B allow_conflicts=1
		expect_value $MOD_B
		unload_mod $MOD_TARGET
		load_mod $MOD_TARGET
		expect_value $MOD_B
		disable_lp $MOD_B
		expect_value $MOD_A
		unload_lp $MOD_B
		disable_lp $MOD_A
		expect_value original
		unload_lp $MOD_A
		unload_mod $MOD_TARGET
		cycle=$((cycle + 3));;
	esac
done

touch $STOP
wait $r1 $r2

# Only the refusals and overrides the scenarios ask for may show up.
bad=$(dmesg | comm --nocheck-order -13 "$SAVED_DMESG" - | grep 'livepatch:' |
      grep -v -e "enabling patch" -e "transition$" -e "complete$" \
	      -e "overrides patch '$MOD_A' on function 'test_klp_conflict_mod_fn,1'" \
	      -e "overrides patch '$BASE' on function 'cmdline_proc_show,1'" \
	      -e "patch '$MOD_A' conflicts with patch '$BASE'" \
	      -e "applying patch '[a-z_]*' to loading module '$MOD_TARGET'" \
	      -e "reverting patch '[a-z_]*' on unloading module '$MOD_TARGET'" \
	      -e "signaling remaining tasks")
[[ -z "$bad" ]] || die "unexpected livepatch messages: $bad"
cleanup_dmesg_file
echo "ok"

exit 0
