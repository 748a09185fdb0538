#!/bin/bash
# What every tool owes its user: --help, and --version with the one
# version, from VERSION.
#
#   tests/cli/tools.sh BUILD_DIR
set -euo pipefail

build=$(realpath -m -- "${1:?usage: tools.sh BUILD_DIR}")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdo-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT
version=$(cat "$top/VERSION")
passed=0 failed=0

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

for tool in create-diff-object cdo-objcmp klp-conflicts; do
	bin=$build/bin/$tool
	if out=$("$bin" --version 2>&1) && [ "$out" = "$tool (cdo) $version" ]; then
		pass "$tool-version"
	else
		fail "$tool-version" "'$out', expected '$tool (cdo) $version'"
	fi
	if out=$("$bin" --help 2>"$work/err") && grep -qi "usage" <<<"$out" &&
		grep -q -- --version <<<"$out" && [ ! -s "$work/err" ]; then
		pass "$tool-help"
	else
		fail "$tool-help" "no usage on stdout, or output on stderr"
	fi
done
if grep -qx "Version: $version" "$build/lib/pkgconfig/libcdo.pc"; then
	pass "pc-version"
else
	fail "pc-version" "libcdo.pc does not carry $version"
fi

echo "tools: $passed passed, $failed failed"
[ "$failed" = 0 ]
