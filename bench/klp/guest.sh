#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/klp inside the guest (installed as /klp/run.sh by check-kernel.sh):
# for each thread count, start the load (0: none, the idle system; otherwise
# that many sleeping threads and one spinning thread per two CPUs), then
# apply and remove
# test_klp_livepatch $CYCLES times in each consistency model and print one
# line per cycle:
#   KLPBENCH,<mode>,<threads>,<cpus>,<cycle>,<attempts>,<window_ns>,<transition_us>
# attempts and window_ns are the patch's stop_attempts and stop_max_ns after
# the patching transition (0 in the per-task model).  transition_us runs
# from "initializing patching transition" to "patching complete" in the
# kernel log, so the module load around them is not counted.
set -u

# shellcheck source=/dev/null
. /klp/env
# shellcheck source=/dev/null
. /klp/bench.env
CYCLES=${KLP_BENCH_CYCLES:-20}
THREADS=${KLP_BENCH_THREADS:-0 100 1000 5000}
LP=test_klp_livepatch
SYS=/sys/kernel/livepatch/$LP
PARAM=/sys/module/livepatch/parameters/consistency
CPUS=$(grep -c ^processor /proc/cpuinfo)
SPINNERS=$((CPUS / 2))

# A sleep without a fork: a read that times out on a fifo nobody writes.
FIFO=/tmp/bench-fifo
mkfifo $FIFO
exec {NAP_FD}<>$FIFO
nap() { read -r -t "$1" -u $NAP_FD; }

fail() {
	echo "KLPTEST: FAIL bench: $*"
	exit 1
}

# wait_for(condition) - poll a bash condition every 10 ms, for two minutes
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
	read -r v <"$1" 2>/dev/null
	echo "$v"
}

# log_time(text) - the timestamp, in microseconds, of the last kernel log
# line that ends with text
log_time() {
	local line sec usec
	line=$(dmesg | grep -F -- "$1" | tail -n 1)
	[[ "$line" =~ ^\[\ *([0-9]+)\.([0-9]{6})\] ]] ||
		fail "no kernel log line ending with: $1"
	sec=${BASH_REMATCH[1]}
	usec=${BASH_REMATCH[2]}
	echo $((10#$sec * 1000000 + 10#$usec))
}

one_cycle() {
	local mode=$1 n=$2 c=$3 attempts window begin end
	# shellcheck disable=SC2034 # read by the conditions wait_for evals
	local t

	modprobe $LP 2>/tmp/bench-err || fail "modprobe $LP: $(</tmp/bench-err)"
	wait_for "read -r t < $SYS/transition 2>/dev/null && [[ \$t == 0 ]]"
	attempts=$(value $SYS/stop_attempts)
	window=$(value $SYS/stop_max_ns)
	begin=$(log_time "'$LP': initializing patching transition")
	end=$(log_time "'$LP': patching complete")
	echo 0 >$SYS/enabled || fail "cannot disable $LP"
	wait_for "[[ ! -e $SYS ]]"
	wait_for "read -r t < /sys/module/$LP/refcnt && [[ \$t == 0 ]]"
	rmmod $LP || fail "cannot unload $LP"
	((end >= begin)) || fail "cycle $c: the transition ended before it began"
	echo "KLPBENCH,$mode,$n,$CPUS,$c,$attempts,$window,$((end - begin))"
}

# tinyconfig's BASE_SMALL leaves room for 4096 pids only.
echo 32768 >/proc/sys/kernel/pid_max || fail "cannot raise kernel.pid_max"
echo 65536 >/proc/sys/kernel/threads-max || fail "cannot raise kernel.threads-max"

# pr_debug() of the transition's start
echo "file kernel/livepatch/* +p" >/sys/kernel/debug/dynamic_debug/control ||
	fail "cannot enable the livepatch debug messages"

for n in $THREADS; do
	pid=
	if ((n > 0)); then
		# a fresh file: the last count's "ready" must not count
		rm -f /tmp/threads.out
		/klp/threads "$n" "$SPINNERS" >/tmp/threads.out 2>&1 &
		pid=$!
		wait_for "[[ -s /tmp/threads.out ]]"
		[[ "$(</tmp/threads.out)" == ready ]] ||
			fail "$n threads: $(</tmp/threads.out)"
		echo "KLPTEST: info $n sleeping threads and $SPINNERS spinning"
	else
		echo "KLPTEST: info idle"
	fi
	for mode in task system baseline; do
		echo $mode >$PARAM || fail "cannot select $mode"
		for ((c = 1; c <= CYCLES; c++)); do
			one_cycle $mode "$n" $c
		done
		echo "KLPTEST: info $n threads: $mode done"
	done
	echo task >$PARAM
	if [[ -n "$pid" ]]; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	echo "KLPTEST: ok bench: $n threads"
done
