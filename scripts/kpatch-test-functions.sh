# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Helpers for the NAME.test scripts of kpatch's unit-test objects.  A .test
# script runs as `KPATCH_TEST_LIBRARY=this-file bash NAME.test OUTPUT.o` and
# sources this file first, so $1 here is the object under test.

KPATCH_TEST_OBJECT=${1:-}

# assert_num_funcs N: the object has exactly N text symbols, local or
# global ("t" or "T" in nm), counting __pfx_ and .cold parts.
assert_num_funcs() {
	local want=$1 have

	have=$(nm -- "$KPATCH_TEST_OBJECT" 2>/dev/null |
		awk 'NF >= 2 && ($(NF-1) == "t" || $(NF-1) == "T") { n++ } END { print n + 0 }')
	if [[ $have != "$want" ]]; then
		echo "$KPATCH_TEST_OBJECT: expected $want text symbols, found $have" >&2
		exit 1
	fi
	return 0
}
