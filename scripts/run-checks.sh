#!/bin/bash
# The user-space test suite behind `make check`.
#
#   scripts/run-checks.sh BUILD_DIR [unit|cases|cli|kbc|api|upstream|all]
#
# Runs each group, prints what every group reported, and ends with one
# line "checks: N passed, M failed[, K skipped]".  Exits 1 when anything
# failed.
set -uo pipefail

build=${1:?usage: run-checks.sh BUILD_DIR [group]}
what=${2:-all}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
build=$(cd "$build" && pwd)

passed=0 failed=0 skipped=0
failures=()

# Add one group's "N passed, M failed[, K skipped]" line to the totals.
tally() {
	local group=$1 line=$2 p f s
	p=$(sed -nE 's/.*\b([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.*\b([0-9]+) failed.*/\1/p' <<<"$line")
	s=$(sed -nE 's/.*\b([0-9]+) skipped.*/\1/p' <<<"$line")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	[ "${f:-0}" = 0 ] || failures+=("$group")
}

# A group that died without a summary line counts as one failure.
run_group() {
	local group=$1 log rc line
	shift
	log=$(mktemp)
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		cat "$log"
		# a group without a summary line counts as one check
		if [ $rc != 0 ]; then
			line="0 passed, 1 failed"
		elif grep -q 'skipped' "$log"; then
			line="0 passed, 0 failed, 1 skipped"
		else
			line="1 passed, 0 failed"
		fi
	elif [ $rc != 0 ] || ! grep -qE '\b0 failed' <<<"$line"; then
		grep -vE '^(ok|PASS) ' "$log" | tail -n 60
	fi
	if [ $rc != 0 ] && grep -qE '\b0 failed' <<<"$line"; then
		line="${line/0 failed/1 failed}"
	fi
	printf '%-10s %s\n' "$group" "$line"
	tally "$group" "$line"
	rm -f "$log"
}

# unit_tests [PREFIX]: the cmocka binaries named PREFIX* (default test_)
unit_tests() {
	local t n=0 bad=0 out
	for t in "$build"/tests/"${1:-test_}"*; do
		[ -x "$t" ] || continue
		out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
		local rc=$?
		local ok notok
		ok=$(grep -cE '^ok ' <<<"$out")
		notok=$(grep -cE '^not ok ' <<<"$out")
		if [ $rc != 0 ] && [ "$notok" = 0 ]; then
			notok=1
		fi
		n=$((n + ok))
		bad=$((bad + notok))
		if [ "$notok" != 0 ]; then
			echo "--- $(basename "$t")"
			grep -vE '^ok ' <<<"$out" | tail -n 40
		fi
	done
	echo "unit: $n passed, $bad failed"
	[ $bad = 0 ]
}

# Every public header compiles on its own, as C11 and as C++11 to C++20,
# pedantically, with the generated cdo/version.h beside it; in C++20 the
# header's own CDO_OPTS() example compiles too.
header_tests() {
	local h n=0 bad=0 tmp std inc=(-Ilibcdo/include "-I$build/include")
	tmp=$(mktemp -d)
	for h in libcdo/include/cdo/*.h "$build"/include/cdo/*.h; do
		# (a declaration too: ISO C forbids an empty translation unit)
		printf '#include <cdo/%s>\ntypedef int header_check;\n' "$(basename "$h")" >"$tmp/h.c"
		cp "$tmp/h.c" "$tmp/h.cc"
		if cc -std=c11 -pedantic -Wall -Wextra -Werror "${inc[@]}" -fsyntax-only "$tmp/h.c"; then
			n=$((n + 1))
		else
			echo "FAIL: $h does not compile on its own as C11"
			bad=$((bad + 1))
		fi
		for std in c++11 c++14 c++17 c++20; do
			if c++ -std=$std -pedantic -Wall -Wextra -Werror "${inc[@]}" -fsyntax-only \
				"$tmp/h.cc"; then
				n=$((n + 1))
			else
				echo "FAIL: $h does not compile on its own as $std"
				bad=$((bad + 1))
			fi
		done
	done
	cat >"$tmp/opts.cc" <<-'EOF'
	#include <cdo/cdo.h>
	int f(void);
	int f(void)
	{
		CDO_OPTS(opts, .threads = 2, .log_level = CDO_LOG_DEBUG, .parent_name = "vmlinux");
		struct cdo_ctx *ctx = cdo_new(&opts);
		int err = cdo_diff(ctx, "a.o", "b.o");

		cdo_free(ctx);
		return err == CDO_ERR_IO && CDO_VERSION_AT_LEAST(0, 1, 0) ? 0 : 1;
	}
	EOF
	if c++ -std=c++20 -pedantic -Wall -Wextra -Werror "${inc[@]}" -fsyntax-only "$tmp/opts.cc"; then
		n=$((n + 1))
	else
		echo "FAIL: CDO_OPTS() does not compile as C++20"
		bad=$((bad + 1))
	fi
	rm -rf "$tmp"
	echo "headers: $n passed, $bad failed"
	[ $bad = 0 ]
}

# unprefixed_globals ARCHIVE: the global names an archive defines that are
# not cdo_* (a static link would clash with the caller's own names).
unprefixed_globals() {
	nm -g --defined-only "$1" | awk 'NF == 3 {print $3}' | grep -v '^cdo_' | sort -u
}

# The libraries export the public API and nothing else.
symbol_tests() {
	local lib="$build/lib/libcdo.so.0" leaked missing dyn arch n=0 bad=0
	leaked=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBR]/ {print $3}' | sed 's/@.*//' |
		grep -v '^cdo_' || true)
	if [ -n "$leaked" ]; then
		echo "FAIL: symbols leak from libcdo.so: $leaked"
		bad=$((bad + 1))
	else
		n=$((n + 1))
	fi
	# (outputs captured first: under pipefail, grep -q quitting early would
	# fail the pipe with nm's SIGPIPE)
	dyn=$(nm -D --defined-only "$lib")
	arch=$(nm -g --defined-only "$build/lib/libcdo.a")
	missing=$(cat libcdo/include/cdo/*.h | grep -E '^CDO_API ' | grep -oE '\bcdo_[a-z_]+\(' |
		tr -d '(' | while read -r f; do
			grep -qw "$f" <<<"$dyn" || echo "$f"
			grep -qw "$f" <<<"$arch" || echo "$f (libcdo.a)"
		done)
	if [ -n "$missing" ]; then
		echo "FAIL: public functions not exported: $missing"
		bad=$((bad + 1))
	else
		n=$((n + 1))
	fi
	leaked=$(unprefixed_globals "$build/lib/libcdo.a" | tr '\n' ' ')
	if [ -n "$leaked" ]; then
		echo "FAIL: libcdo.a defines global names without the cdo_ prefix: $leaked"
		bad=$((bad + 1))
	else
		n=$((n + 1))
	fi
	# the check itself: the internal archive the unit tests link has them
	if [ -z "$(unprefixed_globals "$build/obj/libcdo-internal.a")" ]; then
		echo "FAIL: the archive check sees no internal names in libcdo-internal.a"
		bad=$((bad + 1))
	else
		n=$((n + 1))
	fi
	echo "symbols: $n passed, $bad failed"
	[ $bad = 0 ]
}

# The pipeline (pipeline.c) only orders the stages: no other library file
# includes its header, and no library object but the context's refers to
# a name it defines.  Stages report through the sink (sink.c) instead.
layout_tests() {
	local n=0 bad=0 f defs users o
	f=$(grep -l '#include "pipeline.h"' libcdo/src/*.[ch] libcdo/src/*/*.[ch] 2>/dev/null |
		grep -vxE 'libcdo/src/(pipeline|context)\.c' || true)
	if [ -n "$f" ]; then
		echo "FAIL: stage files include the pipeline's header: $f"
		bad=$((bad + 1))
	else
		n=$((n + 1))
	fi
	defs=$(nm -g --defined-only "$build/obj/libcdo/src/pipeline.o" | awk 'NF == 3 {print $3}')
	if [ -z "$defs" ]; then
		echo "FAIL: pipeline.o defines nothing: the check would see nothing"
		bad=$((bad + 1))
	fi
	users=""
	for o in "$build"/obj/libcdo/src/*.o "$build"/obj/libcdo/src/*/*.o; do
		[ -f "$o" ] || continue
		case ${o##*/} in pipeline.o | context.o) continue ;; esac
		if nm -u "$o" | awk '{print $2}' | grep -qxF -f <(printf '%s\n' $defs); then
			users="$users ${o##*/}"
		fi
	done
	if [ -n "$users" ]; then
		echo "FAIL: stage objects call into the pipeline:$users"
		bad=$((bad + 1))
	else
		n=$((n + 1))
	fi
	echo "layout: $n passed, $bad failed"
	[ $bad = 0 ]
}

case_tests() {
	make -s -C test-objects O="$build/test-objects" >/dev/null || return 1
	local args=(--cdo "$build/bin/create-diff-object" --out "$build/test-objects")
	if [ -n "${UPSTREAM_CDO:-}" ] && [ -x "${UPSTREAM_CDO}" ]; then
		args+=(--upstream "$UPSTREAM_CDO" --objcmp "$build/bin/cdo-objcmp")
	fi
	test-objects/run-cases.sh "${args[@]}"
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	run_group unit unit_tests
	run_group headers header_tests
	[ -f "$build/lib/libcdo.so.0" ] && run_group symbols symbol_tests
	run_group layout layout_tests
fi
if [ "$what" = all ] || [ "$what" = cli ]; then
	for t in tests/cli/*.sh; do
		[ -f "$t" ] || continue
		run_group "$(basename "$t" .sh)" bash "$t" "$build"
	done
fi
# (with the sanitizer flags the top-level build gave libklp.a, which its
# unit tests link: CDO_SANFLAGS comes from the Makefile)
if [ "$what" = all ] || [ "$what" = cli ]; then
	klp=(make --no-print-directory -C klp-kernel BUILD="$build"
		CFLAGS="${CDO_SANFLAGS:-}" LDFLAGS="${CDO_SANFLAGS:-}")
	run_group klp-unit "${klp[@]}" check-unit
	run_group klp-tool "${klp[@]}" check-tool
	run_group klp-order "${klp[@]}" check-order
	run_group klpctl "${klp[@]}" check-klpctl
	run_group klp-mkrela "${klp[@]}" check-mkrela
fi
# kbuild-cache: a stand-in kernel tree, then the HTTP store on a real nginx
if [ "$what" = kbc ]; then
	run_group kbc-unit unit_tests test_kbc_	# in "unit" for all
fi
if [ "$what" = all ] || [ "$what" = kbc ]; then
	for t in kbuild-cache/tests/cli.sh kbuild-cache/tests/http.sh; do
		[ -f "$t" ] || continue
		run_group "kbc-$(basename "$t" .sh)" bash "$t" "$build"
	done
fi
if [ "$what" = all ] || [ "$what" = cases ]; then
	[ -x test-objects/run-cases.sh ] && run_group cases case_tests
fi
if [ "$what" = all ] || [ "$what" = upstream ]; then
	run_group upstream bash scripts/check-upstream.sh "$build"
fi
# The fuzz targets: saved regression inputs, then a few seconds each.
if [ "$what" = all ] || [ "$what" = fuzz ]; then
	run_group fuzz make --no-print-directory -s check-fuzz BUILD="$build"
fi
if [ "$what" = all ] && [ -f bench/Makefile ] && grep -q '^smoke:' bench/Makefile; then
	run_group bench make -s -C bench smoke BUILD="$build"
fi

summary="checks: $passed passed, $failed failed"
[ $skipped = 0 ] || summary+=", $skipped skipped"
echo "$summary"
if [ $failed != 0 ]; then
	echo "failing groups: ${failures[*]}"
	exit 1
fi
exit 0
