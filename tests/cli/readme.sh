#!/bin/bash
# The README's libcdo example, as a user would paste it into main(): it
# must compile as C11 and as C++20 (pedantic, -Wall -Wextra -Werror),
# link against the built static library and run.
#
#   tests/cli/readme.sh BUILD_DIR
set -euo pipefail

build=$(realpath -m -- "${1:?usage: readme.sh BUILD_DIR}")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdo-readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# sanitizer builds need their runtime in the program too
san=()
syms=$(nm "$build/lib/libcdo.a" 2>/dev/null || true)
if grep -q '__asan_init' <<<"$syms"; then
	san=(-fsanitize=address,undefined)
elif grep -q '__tsan_init' <<<"$syms"; then
	san=(-fsanitize=thread)
fi

# the first ```c block of the "## libcdo" section
awk '/^## libcdo/ { in_sec = 1; next }
	in_sec && /^## / { exit }
	in_sec && /^```c$/ { in_code = 1; next }
	in_code && /^```$/ { exit }
	in_code { print }' "$top/README.md" >"$work/example"
if [ ! -s "$work/example" ]; then
	fail "extract" "no \`\`\`c block in the README's libcdo section"
	echo "readme: $passed passed, $failed failed"
	exit 1
fi
{
	grep '^#include' "$work/example"
	echo '#include <stdio.h>'
	echo 'int main(void)'
	echo '{'
	grep -v '^#include' "$work/example"
	echo '	return 0;'
	echo '}'
} >"$work/example.c"
cp "$work/example.c" "$work/example.cc"

flags=(-pedantic -Wall -Wextra -Werror -I"$top/libcdo/include" -I"$build/include" "${san[@]}")
libs=("$build/lib/libcdo.a" -pthread -ldwarf)
if cc -std=c11 "${flags[@]}" -o "$work/example-c" "$work/example.c" "${libs[@]}" 2>"$work/cc.log"; then
	pass "c11"
else
	fail "c11" "$(head -n 20 "$work/cc.log")"
fi
if c++ -std=c++20 "${flags[@]}" -o "$work/example-cxx" "$work/example.cc" "${libs[@]}" 2>"$work/cxx.log"; then
	pass "c++20"
else
	fail "c++20" "$(head -n 20 "$work/cxx.log")"
fi
# run where its input files do not exist: it must report the I/O error
for prog in example-c example-cxx; do
	[ -x "$work/$prog" ] || continue
	if (cd "$work" && "./$prog") 2>"$work/$prog.err" && grep -q '^I/O error: ' "$work/$prog.err"; then
		pass "$prog-runs"
	else
		fail "$prog-runs" "$(cat "$work/$prog.err")"
	fi
done

echo "readme: $passed passed, $failed failed"
[ "$failed" = 0 ]
