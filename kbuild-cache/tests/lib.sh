# shellcheck shell=bash
# Shared by kbuild-cache's shell tests: counters, checks and the stand-in
# kernel tree.  Each test script ends with "<name>: N passed, M failed".

KBC_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "skip: $*"; }
# check NAME COMMAND...: passes when the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

summary() {
	local line="$1: $passed passed, $failed failed"
	[ "$skipped" = 0 ] || line+=", $skipped skipped"
	echo "$line"
	[ "$failed" = 0 ]
}

# fake_tree DIR: a fresh copy of the stand-in kernel source, touched now
# (as a checkout or unpacked copy would be).
fake_tree() {
	mkdir -p "$1"
	cp -r "$KBC_TESTS/fake-kernel/." "$1/"
	mv "$1/gitignore" "$1/.gitignore"
	rm -f "$1/config"
	find "$1" -type f -exec touch {} +
}

# The compile and link lines of a make run.
count_cc_ld() {
	grep -cE '^  (CC|LD) ' "$1" || true
}
