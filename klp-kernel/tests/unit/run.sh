#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the cmocka tests of the klp tools' library; one summary line.
#   run.sh TEST_BINARY...
set -uo pipefail
n=0
bad=0
for t in "$@"; do
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	ok=$(grep -cE '^ok ' <<<"$out")
	notok=$(grep -cE '^not ok ' <<<"$out")
	if [[ $rc != 0 && $notok == 0 ]]; then
		notok=1
	fi
	n=$((n + ok))
	bad=$((bad + notok))
	if [[ $notok != 0 ]]; then
		echo "--- $(basename "$t")"
		grep -vE '^ok ' <<<"$out" | tail -n 40
	fi
done
echo "klp-unit: $n passed, $bad failed"
((bad == 0))
