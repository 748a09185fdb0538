#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load, enable, disable and unload overlapping and non-overlapping
# livepatches $KLP_STRESS_CYCLES times (default 200) while two readers go
# through every livepatch sysfs file in a loop.  The guest runner checks the
# kernel log for WARN, BUG and lockdep reports afterwards.
#
# Everything that repeats uses bash builtins: under TCG a fork costs more
# than a livepatch transition.

. /kselftest/livepatch/functions.sh

CYCLES=${KLP_STRESS_CYCLES:-200}
BASE=test_klp_livepatch
MOD_A=test_klp_conflict_a
MOD_B=test_klp_conflict_b
MOD_MEMINFO=test_klp_atomic_replace
MOD_TARGET=test_klp_conflict_mod
STOP=/tmp/klp-stress-stop
FIFO=/tmp/klp-stress-fifo

setup_config
# Thousands of debug lines would only slow the guest down.
echo "file kernel/livepatch/* -p" > /sys/kernel/debug/dynamic_debug/control

rm -f $STOP $FIFO
mkfifo $FIFO
exec {NAP_FD}<>$FIFO

# nap(seconds) - sleep without a fork: nothing is ever written to the fifo
function nap() {
	read -r -t "$1" -u $NAP_FD
}

# wait_for(condition) - poll a bash condition for up to a minute
function wait_for() {
	local i
	for ((i = 0; i < 3000; i++)); do
		eval "$1" && return 0
		nap 0.02
	done
	die "cycle $cycle: timed out waiting for: $1"
}

function value_of() {
	local v=""
	read -r v < "$1" 2>/dev/null
	echo "$v"
}

# enable(module, params) - load a livepatch, wait for its transition
function enable() {
	local mod=$1 t
	modprobe "$@" 2>/tmp/klp-stress-err || die "cycle $cycle: modprobe $*: $(</tmp/klp-stress-err)"
	wait_for "read -r t < $KLP_SYSFS_DIR/$mod/transition 2>/dev/null && [[ \$t == 0 ]]"
	cycle=$((cycle + 1))
}

# refuse(module, params) - loading the livepatch must fail
function refuse() {
	modprobe "$@" 2>/dev/null && die "cycle $cycle: $1 loaded despite a conflict"
	[[ -e /sys/module/$1 ]] && die "cycle $cycle: refused $1 is still there"
	cycle=$((cycle + 1))
}

function disable() {
	echo 0 > $KLP_SYSFS_DIR/$1/enabled || die "cycle $cycle: cannot disable $1"
	wait_for "[[ ! -e $KLP_SYSFS_DIR/$1 ]]"
}

function unload() {
	local c
	wait_for "read -r c < /sys/module/$1/refcnt && [[ \$c == 0 ]]"
	rmmod "$1" || die "cycle $cycle: cannot unload $1"
}

function expect() {
	local got=""
	read -r got < "$1"
	[[ "$got" == "$2" ]] || die "cycle $cycle: $1 reads '$got', expected '$2'"
}

function cmdline_is() {
	expect /proc/cmdline "$1: this has been live patched"
}

# reader(pause) - read every livepatch sysfs file, in the order the glob
# gives them, again and again, with a pause between the rounds
function reader() {
	local f x
	while [[ ! -e $STOP ]]; do
		for f in $KLP_SYSFS_DIR/* $KLP_SYSFS_DIR/*/* $KLP_SYSFS_DIR/*/*/* \
			 $KLP_SYSFS_DIR/*/*/*/*; do
			[[ -f $f ]] || continue
			read -r -d "" x 2>/dev/null < "$f"
		done
		[[ $1 == 0 ]] || nap $1
	done
}

# One reader shares CPU 0 with the loads and unloads, without a pause; the
# other runs on CPU 1 in parallel, pausing between rounds.
#
# A transition completes at its first try only when no task but the caller
# is running, and on two CPUs something always runs on the other one (if
# only its idle task); the next try comes a second later.  So the first
# tenth of the cycles runs on two CPUs, for the races (about 8 s a cycle
# under TCG), and the rest on CPU 0 alone, where the transitions complete
# at once (under 1 s a cycle).
CPU1=/sys/devices/system/cpu/cpu1/online
SMP_CYCLES=$((CYCLES / 10))
taskset -p 1 $$ >/dev/null || die "taskset failed"
cycle=0
scenario=0
reader 0 2>/dev/null & r1=$!
reader 0.03 2>/dev/null & r2=$!
[[ -w $CPU1 ]] && { taskset -p 2 $r2 >/dev/null || die "taskset failed"; }

echo -n "TEST: $CYCLES load/enable/disable/unload cycles with sysfs readers ... "
save_dmesg

while [[ $cycle -lt $CYCLES ]]; do
	if ((scenario % 12 == 0)); then
		echo "KLPTEST: info stress: $cycle of $CYCLES cycles" > /dev/console
	fi
	if [[ $cycle -ge $SMP_CYCLES && -w $CPU1 && $(<$CPU1) == 1 ]]; then
		taskset -p 1 $r2 >/dev/null || die "taskset failed"
		echo 0 > $CPU1 || die "cannot take CPU 1 offline"
	fi
	case $((scenario++ % 6)) in
	0)	# a single patch
		enable $BASE
		cmdline_is $BASE
		disable $BASE
		unload $BASE;;
	1)	# overlapping, the newer one disabled first
		enable $BASE
		enable $MOD_A allow_conflicts=1
		cmdline_is $MOD_A
		expect $KLP_SYSFS_DIR/$MOD_A/vmlinux/cmdline_proc_show,1/active 1
		expect $KLP_SYSFS_DIR/$BASE/vmlinux/cmdline_proc_show,1/active 0
		expect $KLP_SYSFS_DIR/$BASE/stack_order 1
		expect $KLP_SYSFS_DIR/$MOD_A/stack_order 2
		disable $MOD_A
		cmdline_is $BASE
		expect $KLP_SYSFS_DIR/$BASE/vmlinux/cmdline_proc_show,1/active 1
		unload $MOD_A
		disable $BASE
		unload $BASE;;
	2)	# overlapping, the older (shadowed) one disabled first
		enable $BASE
		enable $MOD_A allow_conflicts=1
		disable $BASE
		cmdline_is $MOD_A
		expect $KLP_SYSFS_DIR/$MOD_A/stack_order 1
		unload $BASE
		disable $MOD_A
		unload $MOD_A;;
	3)	# not overlapping
		enable $BASE
		enable $MOD_MEMINFO replace=0
		cmdline_is $BASE
		expect $KLP_SYSFS_DIR/$MOD_MEMINFO/conflicts ""
		disable $BASE
		disable $MOD_MEMINFO
		unload $BASE
		unload $MOD_MEMINFO;;
	4)	# a refused conflict
		enable $BASE
		refuse $MOD_A
		cmdline_is $BASE
		disable $BASE
		unload $BASE;;
	5)	# overlapping in a module, loaded before and after the patches
		modprobe $MOD_TARGET || die "cycle $cycle: cannot load $MOD_TARGET"
		enable $MOD_A
		enable $MOD_B allow_conflicts=1
		expect /sys/module/$MOD_TARGET/parameters/value $MOD_B
		rmmod $MOD_TARGET || die "cycle $cycle: cannot unload $MOD_TARGET"
		modprobe $MOD_TARGET || die "cycle $cycle: cannot reload $MOD_TARGET"
		expect /sys/module/$MOD_TARGET/parameters/value $MOD_B
		disable $MOD_B
		expect /sys/module/$MOD_TARGET/parameters/value $MOD_A
		unload $MOD_B
		disable $MOD_A
		expect /sys/module/$MOD_TARGET/parameters/value original
		unload $MOD_A
		rmmod $MOD_TARGET || die "cycle $cycle: cannot unload $MOD_TARGET";;
	esac
done

touch $STOP
wait $r1 $r2
if [[ -w $CPU1 && $(<$CPU1) == 0 ]]; then
	echo 1 > $CPU1 || die "cannot bring CPU 1 back"
fi

# Only the refusals and overrides the scenarios ask for may show up.
bad=$(dmesg | comm --nocheck-order -13 "$SAVED_DMESG" - | grep '^\[[ 0-9.]*\] livepatch:' |
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
