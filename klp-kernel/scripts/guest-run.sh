#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: every script in /klp/tests.list, one result line per
# test case ("KLPTEST: ok|FAIL <script>: <case>"), then a check of the
# kernel log for warnings, and the whole log for the host to keep.
set -u

. /klp/env
export KLP_STRESS_CYCLES
KLP_SCRIPT_TIMEOUT=${KLP_SCRIPT_TIMEOUT:-1200}

result() {
	echo "KLPTEST: $1 $2"
}

run_script() {
	local path=$1 name out rc line cases=0 failed=0
	name=$(basename "$path")
	out=/tmp/out-$name
	echo "KLPTEST: info running $name"
	(cd "$(dirname "$path")" && timeout "$KLP_SCRIPT_TIMEOUT" bash "./$name") >"$out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"TEST: "*" ... ok")
			line=${line#TEST: }
			result ok "$name: ${line% ... ok}"
			cases=$((cases + 1));;
		"TEST: "*" ... not ok")
			line=${line#TEST: }
			result FAIL "$name: ${line% ... not ok}"
			cases=$((cases + 1)); failed=1;;
		esac
	done <"$out"
	if ((rc != 0 && !failed)); then
		result FAIL "$name: exited with status $rc after $cases case(s)"
		failed=1
	elif ((rc == 0 && cases == 0)); then
		result FAIL "$name: ran no test case"
		failed=1
	fi
	if ((failed)); then
		sed 's/^/  | /' "$out" | tail -n 60
		return 1
	fi
	return 0
}

failures=0
while read -r t; do
	run_script "$t" || failures=$((failures + 1))
done </klp/tests.list

# A test may pass its own checks and still have tripped a WARN, a BUG or a
# lockdep report somewhere; none of them is acceptable.
bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|Kernel panic|INFO: possible|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|INFO: task .* blocked')
if [[ -n "$bad" ]]; then
	failures=$((failures + 1))
	result FAIL "kernel log: WARN, BUG or lockdep report"
	echo "$bad" | head -n 20 | sed 's/^/  | /'
elif [[ -r /proc/lockdep_stats ]] && ! grep -q 'debug_locks: *1' /proc/lockdep_stats; then
	failures=$((failures + 1))
	result FAIL "kernel log: lockdep switched itself off"
else
	result ok "kernel log: no WARN, BUG or lockdep report"
fi

# The serial console is slow under TCG: the whole log only when it helps.
echo "KLPDMESG-BEGIN"
if ((failures)); then
	dmesg
else
	dmesg | tail -n 300
fi
echo "KLPDMESG-END"
