#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/klp inside the guest (installed as /klp/run.sh by check-kernel.sh):
# for each thread count, start the load, then apply and remove
# test_klp_livepatch $CYCLES times in each consistency model and print one
# line per cycle:
#   KLPBENCH,<mode>,<threads>,<cpus>,<cycle>,<attempts>,<window_ns>,<transition_us>
# attempts and window_ns are the enable's stop_attempts and stop_max_ns (0
# in the per-task model); transition_us runs from the enable to the end of
# its transition.
set -u

. /klp/env
CYCLES=${KLP_BENCH_CYCLES:-20}
THREADS=${KLP_BENCH_THREADS:-100 1000 5000}
LP=test_klp_livepatch
SYS=/sys/kernel/livepatch/$LP
PARAM=/sys/module/livepatch/parameters/consistency
CPUS=$(grep -c ^processor /proc/cpuinfo)
FIFO=/tmp/bench-fifo

mkfifo $FIFO
exec {NAP_FD}<>$FIFO
nap() { read -r -t "$1" -u $NAP_FD; }

fail() {
	echo "KLPTEST: FAIL bench: $*"
	exit 1
}

# wait_for(condition) - poll a bash condition for up to two minutes
wait_for() {
	local i
	for ((i = 0; i < 12000; i++)); do
		eval "$1" && return 0
		nap 0.01
	done
	fail "timed out waiting for: $1"
}

value() {
	local v=0
	read -r v < "$1" 2>/dev/null
	echo "$v"
}

one_cycle() {
	local mode=$1 n=$2 c=$3 t0 t1 t attempts window
	t0=$EPOCHREALTIME
	modprobe $LP 2>/tmp/bench-err || fail "modprobe $LP: $(</tmp/bench-err)"
	wait_for "read -r t < $SYS/transition 2>/dev/null && [[ \$t == 0 ]]"
	t1=$EPOCHREALTIME
	attempts=$(value $SYS/stop_attempts)
	window=$(value $SYS/stop_max_ns)
	echo 0 > $SYS/enabled || fail "cannot disable $LP"
	wait_for "[[ ! -e $SYS ]]"
	wait_for "read -r t < /sys/module/$LP/refcnt && [[ \$t == 0 ]]"
	rmmod $LP || fail "cannot unload $LP"
	t0=${t0/./}; t1=${t1/./}
	echo "KLPBENCH,$mode,$n,$CPUS,$c,$attempts,$window,$((10#$t1 - 10#$t0))"
}

echo "file kernel/livepatch/* -p" > /sys/kernel/debug/dynamic_debug/control
for n in $THREADS; do
	/klp/threads "$n" 1 > /tmp/threads.out &
	pid=$!
	wait_for "[[ -s /tmp/threads.out ]]"
	for mode in task system baseline; do
		echo $mode > $PARAM || fail "cannot select $mode"
		for ((c = 1; c <= CYCLES; c++)); do
			one_cycle $mode "$n" $c
		done
	done
	echo task > $PARAM
	kill "$pid"
	wait "$pid" 2>/dev/null
	echo "KLPTEST: ok bench: $n threads"
done
