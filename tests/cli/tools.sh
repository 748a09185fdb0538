#!/bin/bash
# What every tool owes its user: --help, --version (the one version, from
# VERSION), a man page that renders, and bash completion.
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

for tool in create-diff-object cdo-objcmp klp-conflicts klpctl kbuild-cache; do
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
	page=$build/man/$tool.1
	if out=$(MANWIDTH=80 man -l "$page" 2>"$work/err") && [ ! -s "$work/err" ] &&
		grep -q "^NAME" <<<"$out" && grep -q "$tool - " <<<"$out" &&
		grep -q "^EXIT STATUS" <<<"$out" && grep -q "cdo $version" <<<"$out"; then
		pass "$tool-man"
	else
		fail "$tool-man" "man -l $page: $(head -c 300 "$work/err")"
	fi
done
if out=$(MANWIDTH=80 man -l "$build/man/libcdo.3" 2>"$work/err") && [ ! -s "$work/err" ] &&
	grep -q "libcdo - " <<<"$out" && grep -q "cdo_struct_sizes_from_env" <<<"$out" &&
	grep -q "^RETURN VALUE" <<<"$out"; then
	pass "libcdo-man"
else
	fail "libcdo-man" "man -l libcdo.3: $(head -c 300 "$work/err")"
fi
# every public function has its place in libcdo(3)
undocumented=$(cat "$top"/libcdo/include/cdo/*.h | grep -oE '^CDO_API [^(]*\bcdo_[a-z_]+\(' |
	grep -oE 'cdo_[a-z_]+' | while read -r f; do
		grep -q "$f" "$top/man/libcdo.3.scd" || echo "$f"
	done)
if [ -z "$undocumented" ]; then
	pass "libcdo-man-complete"
else
	fail "libcdo-man-complete" "not in man/libcdo.3.scd: $undocumented"
fi

# ---- bash completion (bash-completion's helpers stubbed) ---------------------

# complete TOOL WORDS...: the completions for the last word
complete_words() {
	bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
			cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
		}
		_filedir() { COMPREPLY=("<files${1:+ $1}>"); }
		compopt() { :; }
		. "$1"; shift
		fn=$(complete -p "$1" | sed -E "s/.*-F ([^ ]+) .*/\1/")
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		"$fn"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top/completion/cdo.bash" "$@"
}
check_completion() {
	local name=$1 want=$2 out
	shift 2
	out=$(complete_words "$@" 2>&1 | tr '\n' ' ')
	if [[ " $out" == *" $want "* ]]; then
		pass "completion-$name"
	else
		fail "completion-$name" "'$want' not among: $out"
	fi
}
check_completion cdo-long --json create-diff-object --js
check_completion cdo-jobs 2 create-diff-object -j ''
check_completion cdo-parent vmlinux create-diff-object a.o b.o ''
check_completion cdo-object '<files o>' create-diff-object ''
check_completion objcmp --strict-order cdo-objcmp --st
check_completion klp-sysfs '<files -d>' klp-conflicts --sysfs ''
check_completion klp-ko '<files ko>' klp-conflicts ''
check_completion klp-order --order klp-conflicts --or
check_completion klpctl-command unload klpctl un
check_completion klpctl-load-option --allow-conflicts klpctl load --allow
check_completion klpctl-unload-option --all klpctl --sys /sys unload --a
check_completion klpctl-ko '<files ko>' klpctl load ''
check_completion klpctl-sys '<files -d>' klpctl --sys ''
check_completion kbc-command restore kbuild-cache rest
check_completion kbc-diff-option --json kbuild-cache diff --js
check_completion kbc-key-option --explain kbuild-cache -C src key --ex
check_completion kbc-src '<files -d>' kbuild-cache build -C ''
check_completion kbc-patch '<files @(patch|diff)>' kbuild-cache diff ''

echo "tools: $passed passed, $failed failed"
[ "$failed" = 0 ]
