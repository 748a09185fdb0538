#!/bin/bash
# The Makefile's promises: every object is rebuilt when a header it
# includes changes, `clean` removes the BUILD it is given, and -j is the
# user's (no sub-make forces its own).
#
#   tests/cli/build.sh BUILD_DIR
set -euo pipefail
# look at the Makefiles as a user's own `make` would, not through ours
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

build=$(realpath -m -- "${1:?usage: build.sh BUILD_DIR}")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# the BUILD spelling the objects were made with: .d files name targets so
rel=$(realpath -m --relative-to="$top" -- "$build")
passed=0 failed=0

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# what `make` would rebuild if FILE changed (-W: "what if", nothing is touched)
rebuilt_if() {
	local file=$1
	shift
	make --no-print-directory -n -C "$top" BUILD="$rel" -W "$file" "$@" 2>/dev/null |
		grep -oE ' -c [^ ]+\.c| -o [^ ]+ [^ ]+\.c' | grep -oE '[^ ]+\.c$' | sort -u || true
}

out=$(rebuilt_if libcdo/include/cdo/cdo.h all "$rel/tests/test_api")
for f in cdo-cli/create-diff-object.c libcdo/src/context.c tests/unit/test_api.c; do
	if grep -qx "$f" <<<"$out"; then
		pass "cdo.h-rebuilds-$(basename "$f" .c)"
	else
		fail "cdo.h-rebuilds-$(basename "$f" .c)" "touching cdo.h would not rebuild $f"
	fi
done
out=$(rebuilt_if tests/unit/objgen.h "$rel/tests/test_api")
if grep -qx tests/unit/test_api.c <<<"$out"; then
	pass "objgen.h-rebuilds-test_api"
else
	fail "objgen.h-rebuilds-test_api" "a test's own header is not tracked"
fi
out=$(rebuilt_if cdo-cli/common/objcmp-tables.h all)
if grep -qx cdo-cli/cdo-objcmp.c <<<"$out"; then
	pass "tool-header-rebuilds-tool"
else
	fail "tool-header-rebuilds-tool" "cdo-cli headers are not tracked for the tools"
fi

out=$(make --no-print-directory -n -C "$top" clean BUILD=/nonexistent/cdo-build 2>&1)
if grep -qx 'rm -rf /nonexistent/cdo-build' <<<"$out" && ! grep -qE 'rm -rf build( |$)' <<<"$out"; then
	pass "clean-honours-BUILD"
else
	fail "clean-honours-BUILD" "$out"
fi

flags=$(make --no-print-directory -s -C "$top/test-objects" -pn list 2>/dev/null |
	sed -n 's/^MAKEFLAGS = //p')
if ! grep -qE '(^| )-?[a-z]*j' <<<"$flags"; then
	pass "test-objects-takes-user-j"
else
	fail "test-objects-takes-user-j" "test-objects sets its own -j: $flags"
fi

echo "build: $passed passed, $failed failed"
[ "$failed" = 0 ]
