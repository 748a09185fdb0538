#!/bin/bash
# Who may install packages: `make deps` (and check, demo) may run apt-get;
# `make` and `make install` only say what is missing.
#
#   tests/cli/deps.sh BUILD_DIR
#
# A fake root: `id` says 0 and `apt-get` is a stub that records its
# arguments; a compiler that does not exist makes something missing.
set -euo pipefail

build=$(realpath -m -- "${1:?usage: deps.sh BUILD_DIR}")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdo-deps.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL $1: $2"
	[ -s "$work/log" ] && sed 's/^/    /' "$work/log" | tail -n 15
	failed=$((failed + 1))
}

# run the top-level make on this build tree as the fake root; output in $work/log
mk() {
	PATH=$work/fakebin:$PATH make --no-print-directory -s -C "$top" BUILD="$build" "$@" \
		>"$work/log" 2>&1
}

mkdir -p "$work/fakebin"
printf '#!/bin/sh\necho 0\n' >"$work/fakebin/id"
printf '#!/bin/sh\necho "$@" >>"%s/apt.log"\nexit 1\n' "$work" >"$work/fakebin/apt-get"
chmod 0755 "$work/fakebin/id" "$work/fakebin/apt-get"

for goal in all install; do
	rm -f "$work/apt.log"
	if ! mk "$goal" CC=no-such-cc DESTDIR="$work/none" &&
		grep -q 'missing:' "$work/log" && grep -q 'no-such-cc' "$work/log" &&
		[ ! -e "$work/apt.log" ] && [ ! -e "$work/none" ]; then
		pass "make-$goal-never-installs"
	else
		fail "make-$goal-never-installs" "apt-get ran, something was installed, or the missing compiler was not named"
	fi
done
rm -f "$work/apt.log"
if ! mk deps CC=no-such-cc && grep -q '^install .*gcc' "$work/apt.log" 2>/dev/null; then
	pass "make-deps-installs"
else
	fail "make-deps-installs" "make deps did not run apt-get install gcc"
fi
# what is there is found without dpkg (other distributions have none)
rm -f "$work/apt.log"
if PATH=$work/fakebin:$PATH CC=cc "$top/scripts/deps.sh" --install build check >"$work/log" 2>&1 &&
	[ ! -e "$work/apt.log" ]; then
	pass "probe-finds-what-is-there"
else
	fail "probe-finds-what-is-there" "the build group is reported missing on this machine"
fi

echo "deps: $passed passed, $failed failed"
[ "$failed" = 0 ]
