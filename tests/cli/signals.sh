#!/bin/bash
# A create-diff-object killed part-way leaves nothing behind.
#
#   tests/cli/signals.sh BUILD_DIR
#
# First, deterministically: strace holds the run inside the writing of
# its output (a delay injected into its write, link and rename calls) and
# the signal arrives there.  Then a spread of delays over a whole run of a
# synthetic pair with a distro-sized parent.  After SIGTERM, SIGINT or
# SIGHUP a killed run leaves no output and no temporary file; after
# SIGKILL no temporary file, and an output only if it is complete (equal
# to the output of an uninterrupted run).  Signals are reset to their
# defaults for the tool: bash starts background jobs with SIGINT ignored.
#
# Prints "ok <case>" or "FAIL <case>: why" per run and ends with
# "signals: N passed, M failed".
set -euo pipefail

# shellcheck source=tests/cli/lib/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
cli_setup signals "${1:?usage: signals.sh BUILD_DIR}"
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

export PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 ALT_STRUCT_SIZE=13
export JUMP_STRUCT_SIZE=24 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44
make --no-print-directory -s -C "$top/test-objects/synth" O="$work/synth" \
	SIZES=2000 GSIZES= M100_SIZES= PARENT_LINES=100000 >/dev/null
pair=$work/synth/synth-2000
args=("$pair/orig.o" "$pair/patched.o" vmlinux "$pair/parent.symtab" "$pair/Module.symvers" p)

mkdir -p "$work/ref" "$work/out"
"$cdo" "${args[@]}" "$work/ref/out.o" >/dev/null
# an older output, unlike the new one
cp "$pair/orig.o" "$work/old.o"

passed=0 failed=0

# start_cdo [strace options] - the tool in the background, $pid its process;
# $old_output, when set, is put in place as an older output first
start_cdo() {
	rm -rf "$work/out" && mkdir "$work/out"
	[ -z "${old_output:-}" ] || cp "$old_output" "$work/out/out.o"
	if [ $# -gt 0 ]; then
		env --default-signal strace -o /dev/null "$@" -- \
			"$cdo" "${args[@]}" "$work/out/out.o" >/dev/null 2>"$work/stderr" &
		local tracer=$! i
		pid=
		# strace forks the traced run; on a loaded machine that can take
		# seconds, and taking strace itself for it fails every check
		for i in $(seq 2000); do
			pid=$(pgrep -P "$tracer" || true)
			[ -n "$pid" ] && break
			sleep 0.01
		done
		[ -n "$pid" ] || pid=$tracer
		tracer_pid=$tracer
	else
		env --default-signal "$cdo" "${args[@]}" "$work/out/out.o" >/dev/null 2>"$work/stderr" &
		pid=$!
		tracer_pid=$pid
	fi
}

# in_syscall PID NAME: wait (20 s at most) until PID is stopped in that
# system call, as strace holds it there
in_syscall() {
	local nr i
	case $2 in
	write) nr=1 ;;
	rename) nr=82 ;;
	linkat) nr=265 ;;
	*) return 1 ;;
	esac
	for i in $(seq 400); do
		[ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = "$nr" ] && return 0
		sleep 0.05
	done
	return 1
}

# check_held NAME SIGNAL SYSCALL [replace]: the run held in SYSCALL for
# 2.5 s (from its first call on) is sent SIGNAL there.  The output is
# written with write(2) to a file without a name, which linkat(2) puts in
# place: both are always called, so the signal arrives inside the
# writing, and the run must die of it, leaving no temporary file and no
# new output.  With "replace" an older output is there first and is
# replaced through a temporary name and rename(2); SIGKILL, which cannot
# be caught, may leave that temporary name (reported, not failed: the
# README's limitations say so).
check_held() {
	local name=$1 sig=$2 syscall=$3 replace=${4:-} status=0 left
	start_cdo -e inject="$syscall":delay_enter=2500000:when=1
	if ! in_syscall "$pid" "$syscall"; then
		echo "FAIL $name: never held in $syscall: $(head -c 300 "$work/stderr")"
		failed=$((failed + 1))
		kill -s KILL "$pid" 2>/dev/null || true
		wait "$tracer_pid" 2>/dev/null || true
		return
	fi
	kill -s "$sig" "$pid" 2>/dev/null || true
	wait "$tracer_pid" 2>/dev/null || status=$?
	left=$(find "$work/out" -name '*.tmp-*')
	if [ $status -lt 128 ]; then
		echo "FAIL $name: not killed while held in $syscall (status $status): $(head -c 300 "$work/stderr")"
	elif [ -n "$left" ] && [ "$sig" = KILL ] && [ -n "$replace" ]; then
		echo "ok $name (status $status; left: $(ls "$work/out" | tr '\n' ' '))"
		passed=$((passed + 1))
		return
	elif [ -n "$left" ]; then
		echo "FAIL $name: temporary file left: $(ls "$work/out")"
	elif [ "$sig" != KILL ] && cmp -s "$work/out/out.o" "$work/ref/out.o"; then
		echo "FAIL $name: killed while writing, but its output is there"
	elif [ -e "$work/out/out.o" ] && ! cmp -s "$work/out/out.o" "$work/ref/out.o" &&
		! cmp -s "$work/out/out.o" "$work/old.o"; then
		echo "FAIL $name: partial output left"
	else
		echo "ok $name (status $status)"
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
}

if strace -o /dev/null -e inject=getpid:delay_enter=1:when=1 true 2>/dev/null; then
	for sig in TERM INT HUP KILL; do
		check_held "held-in-write-$sig" "$sig" write
		check_held "held-in-linkat-$sig" "$sig" linkat
	done
	# an output that is there already is replaced through a temporary name
	for sig in TERM KILL; do
		old_output=$work/old.o check_held "held-in-rename-$sig" "$sig" rename replace
	done
else
	echo "signals: strace cannot inject delays here; the held cases are skipped"
fi

check() {
	local name=$1 sig=$2 delay=$3 left
	start_cdo
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	left=$(find "$work/out" -name '*.tmp-*')
	if [ -n "$left" ]; then
		echo "FAIL $name: temporary file left: $left"
		failed=$((failed + 1))
		return
	fi
	if [ -e "$work/out/out.o" ]; then
		if ! cmp -s "$work/out/out.o" "$work/ref/out.o"; then
			echo "FAIL $name: partial output left"
			failed=$((failed + 1))
			return
		fi
	fi
	echo "ok $name"
	passed=$((passed + 1))
}

# A run that finished before the signal keeps its output; one that was
# killed must not.  Tell them apart by the exit status.
check_status() {
	local name=$1 sig=$2 delay=$3 status
	start_cdo
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null || true
	status=0
	wait "$pid" 2>/dev/null || status=$?
	if [ -n "$(find "$work/out" -name '*.tmp-*')" ]; then
		echo "FAIL $name: temporary file left"
		failed=$((failed + 1))
	elif [ $status -ge 128 ] && [ -e "$work/out/out.o" ]; then
		echo "FAIL $name: killed by a signal (status $status) but left its output"
		failed=$((failed + 1))
	elif [ $status = 0 ] && ! cmp -s "$work/out/out.o" "$work/ref/out.o"; then
		echo "FAIL $name: finished without its complete output"
		failed=$((failed + 1))
	else
		echo "ok $name (status $status)"
		passed=$((passed + 1))
	fi
}

for delay in 0.02 0.1 0.2 0.4; do
	check_status "term-$delay" TERM "$delay"
	check_status "int-$delay" INT "$delay"
	check "kill-$delay" KILL "$delay"
done

echo "signals: $passed passed, $failed failed"
[ $failed = 0 ]
