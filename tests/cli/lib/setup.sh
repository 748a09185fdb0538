# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What the create-diff-object command-line tests share, sourced by
# tests/cli/cli.sh and tests/cli/malformed.sh (the files directly in tests/cli/
# are the test scripts that make check runs).

# cli_setup NAME BUILD_DIR - set $cdo (the binary under test, absolute) and
# $work (a scratch folder removed on exit), and make sanitizer reports exit
# with statuses of their own: sanitizer builds exit 1 by default, like a
# clean error.  Exits 2 when the binary is missing.
cli_setup() {
	local name=$1 build=$2

	cdo=$(realpath -m -- "$build/bin/create-diff-object")
	[ -x "$cdo" ] || { echo "$name: $cdo is not executable" >&2; exit 2; }
	work=$(mktemp -d "${TMPDIR:-/tmp}/cdo-$name.XXXXXX")
	# shellcheck disable=SC2064 # $work is fixed from here on
	trap "rm -rf '$work'" EXIT
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1"
}

# The code-generation flags kpatch-build's kernel build uses on x86-64.
# shellcheck disable=SC2034 # used by the scripts that source this file
kflags=(-O2 -ffunction-sections -fdata-sections -pg -mfentry -mrecord-mcount
	-mcmodel=kernel -mno-red-zone -fno-PIE -fno-asynchronous-unwind-tables
	-fno-common -fno-stack-protector -fcf-protection=none -fno-jump-tables)
