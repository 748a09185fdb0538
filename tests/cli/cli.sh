#!/bin/bash
# create-diff-object's command line: arguments, exit statuses, output
# handling, --json and --batch.
#
#   tests/cli/cli.sh BUILD_DIR
#
# Small kernel-style object pairs are compiled here.  Prints "ok <case>"
# or "FAIL <case>: why" and ends with "cli: N passed, M failed"; exits 1
# when anything failed.
set -euo pipefail

# shellcheck source=tests/cli/lib/setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
cli_setup cli "${1:?usage: cli.sh BUILD_DIR}"

# Two pairs laid out as kpatch-build does: orig/<path> and patched/<path>.
mkdir -p "$work/orig/kernel" "$work/patched/kernel" "$work/orig/lib" "$work/patched/lib"
cat >"$work/orig/kernel/calc.c" <<'EOF'
int counter;

__attribute__((noinline)) int compute(int x)
{
	return x * 4 + counter;
}

__attribute__((noinline)) const char *describe(int x)
{
	return x > 0 ? "positive" : "other";
}

int entry(int x)
{
	return compute(x) + describe(x)[0];
}
EOF
sed -e 's/x \* 4 + counter/x * 8 - 1 + counter/' \
	"$work/orig/kernel/calc.c" >"$work/patched/kernel/calc.c"
cat >"$work/orig/lib/clamp.c" <<'EOF'
static int limit = 10;

__attribute__((noinline)) int clamp_value(int v)
{
	return v > limit ? limit : v;
}

int scale_value(int v)
{
	return clamp_value(v) * 2;
}
EOF
sed -e 's/return v > limit ? limit : v;/return v >= limit ? limit - 1 : v;/' \
	"$work/orig/lib/clamp.c" >"$work/patched/lib/clamp.c"
for v in orig patched; do
	(cd "$work/$v/kernel" && gcc "${kflags[@]}" -c calc.c -o calc.o)
	(cd "$work/$v/lib" && gcc "${kflags[@]}" -c clamp.c -o clamp.o)
done
# "vmlinux" holds both originals
ld -r -o "$work/vmlinux.o" "$work/orig/kernel/calc.o" "$work/orig/lib/clamp.o"
readelf -s --wide "$work/vmlinux.o" >"$work/vmlinux.symtab"
mkdir -p "$work/output"

passed=0 failed=0

pass() {
	echo "ok $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1: $2"
	local f
	for f in stdout stderr; do
		if [ -s "$work/$f" ]; then
			sed "s/^/    $f: /" "$work/$f" | head -n 12
		fi
	done
	failed=$((failed + 1))
}

# run ARGS...: create-diff-object from $work, status in $rc
run() {
	set +e
	(cd "$work" && timeout 120 "$cdo" "$@") >"$work/stdout" 2>"$work/stderr"
	rc=$?
	set -e
}

# expect_rc NAME STATUS ARGS...
expect_rc() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit status $rc, expected $want"
	fi
}

calc=(orig/kernel/calc.o patched/kernel/calc.o vmlinux vmlinux.symtab /dev/null test-module)
clamp=(orig/lib/clamp.o patched/lib/clamp.o vmlinux vmlinux.symtab /dev/null test-module)
same=(orig/kernel/calc.o orig/kernel/calc.o vmlinux vmlinux.symtab /dev/null test-module)

# ---- arguments ------------------------------------------------------------

run
if [ "$rc" = 64 ] && grep -q 'Usage:' "$work/stderr" && [ ! -s "$work/stdout" ]; then
	pass "no-arguments"
else
	fail "no-arguments" "exit status $rc, expected 64 with usage on stderr"
fi
expect_rc "six-arguments" 64 a b c d e f
expect_rc "eight-arguments" 64 a b c d e f g h
run --help
if [ "$rc" = 0 ] && grep -q 'Usage:' "$work/stdout"; then
	pass "help"
else
	fail "help" "exit status $rc, expected 0 with usage on stdout"
fi
expect_rc "help-short" 0 '-?'
expect_rc "usage" 0 --usage
run --version
if [ "$rc" = 0 ] && grep -q 'create-diff-object' "$work/stdout"; then
	pass "version"
else
	fail "version" "exit status $rc"
fi
expect_rc "jobs-zero" 64 -j 0 "${calc[@]}" output/jobs0.o
expect_rc "jobs-not-a-number" 64 -j abc "${calc[@]}" output/jobs0.o
expect_rc "jobs-too-many" 64 --jobs=100000 "${calc[@]}" output/jobs0.o
expect_rc "jobs-missing-value" 64 -j
expect_rc "unknown-short-option" 64 -x "${calc[@]}" output/unknown.o
# glibc leaves optopt 0 for unknown long options; they must not mean --help
expect_rc "unknown-long-option" 64 --no-such-option "${calc[@]}" output/unknown.o
if [ -e "$work/output/jobs0.o" ] || [ -e "$work/output/unknown.o" ]; then
	fail "bad-arguments-write-nothing" "an output was written"
else
	pass "bad-arguments-write-nothing"
fi

# ---- one diff ---------------------------------------------------------------

run "${calc[@]}" output/calc.o
if [ "$rc" = 0 ] && [ -s "$work/output/calc.o" ] && [ ! -s "$work/stderr" ]; then
	pass "changed-pair"
else
	fail "changed-pair" "exit status $rc, expected 0, an output and a quiet stderr"
fi
# kpatch-build shows the path below orig/
if grep -qx 'kernel/calc.o: changed function: compute' "$work/stdout"; then
	pass "changed-pair-report"
else
	fail "changed-pair-report" "no 'kernel/calc.o: changed function: compute' line"
fi
if readelf -h "$work/output/calc.o" 2>&1 | grep -q 'REL (Relocatable file)'; then
	pass "output-is-relocatable"
else
	fail "output-is-relocatable" "readelf does not see a relocatable object"
fi
run -d "${calc[@]}" output/calc-debug.o
if [ "$rc" = 0 ] && cmp -s "$work/output/calc.o" "$work/output/calc-debug.o"; then
	pass "debug-same-output"
else
	fail "debug-same-output" "exit status $rc or a different output with -d"
fi
ok=1
for j in 1 2 4 8; do
	run -j "$j" "${calc[@]}" "output/calc-j$j.o"
	if [ "$rc" != 0 ] || ! cmp -s "$work/output/calc.o" "$work/output/calc-j$j.o"; then
		ok=0
	fi
done
if [ $ok = 1 ]; then
	pass "jobs-same-output"
else
	fail "jobs-same-output" "output depends on -j"
fi

run "${same[@]}" output/same.o
if [ "$rc" = 3 ] && [ ! -e "$work/output/same.o" ]; then
	pass "no-change"
else
	fail "no-change" "exit status $rc, expected 3 and no output"
fi

# Exit 3 (and errors) leave an existing output untouched, as upstream does.
printf 'stale\n' >"$work/output/stale.o"
touch -d '2001-01-01 00:00:00' "$work/output/stale.o"
before=$(stat -c '%i %Y %s' "$work/output/stale.o")
run "${same[@]}" output/stale.o
if [ "$rc" = 3 ] && [ "$(stat -c '%i %Y %s' "$work/output/stale.o")" = "$before" ] &&
	[ "$(cat "$work/output/stale.o")" = stale ]; then
	pass "no-change-keeps-stale-output"
else
	fail "no-change-keeps-stale-output" "exit status $rc or the file changed"
fi
run orig/kernel/calc.o vmlinux.symtab vmlinux vmlinux.symtab /dev/null test-module output/stale.o
if [ "$rc" = 1 ] && [ "$(stat -c '%i %Y %s' "$work/output/stale.o")" = "$before" ]; then
	pass "error-keeps-stale-output"
else
	fail "error-keeps-stale-output" "exit status $rc or the file changed"
fi

# Success replaces an existing output by renaming a complete new file over it.
before=$(stat -c '%i' "$work/output/stale.o")
run "${calc[@]}" output/stale.o
if [ "$rc" = 0 ] && [ "$(stat -c '%i' "$work/output/stale.o")" != "$before" ] &&
	cmp -s "$work/output/calc.o" "$work/output/stale.o"; then
	pass "success-replaces-output"
else
	fail "success-replaces-output" "exit status $rc, or the old file was not replaced"
fi
leftovers=$(find "$work/output" -name '*.tmp-*' | wc -l)
if [ "$leftovers" = 0 ]; then
	pass "no-temporary-files"
else
	fail "no-temporary-files" "$leftovers temporary files left"
fi
run "${calc[@]}" output/no-such-dir/calc.o
if [ "$rc" = 1 ] && grep -q 'output/no-such-dir/calc.o' "$work/stderr"; then
	pass "output-dir-missing"
else
	fail "output-dir-missing" "exit status $rc, expected 1 naming the output"
fi

# ---- errors name each file once ---------------------------------------------------

run orig/kernel/missing.o patched/kernel/calc.o vmlinux vmlinux.symtab /dev/null test-module \
	output/missing.o
if [ "$rc" = 1 ] && [ "$(cat "$work/stderr")" = \
	"create-diff-object: ERROR: orig/kernel/missing.o: No such file or directory" ]; then
	pass "error-names-file-once"
else
	fail "error-names-file-once" "exit status $rc, expected 1 and one line naming the file once"
fi
run "${calc[@]/vmlinux.symtab/no-such.symtab}" output/missing.o
if [ "$rc" = 1 ] && [ "$(grep -o 'no-such.symtab' "$work/stderr" | wc -l)" = 1 ] &&
	[ "$(wc -l <"$work/stderr")" = 1 ]; then
	pass "error-names-symtab-once"
else
	fail "error-names-symtab-once" "exit status $rc or the symtab named more than once"
fi
# ---- the environment ----------------------------------------------------------

set +e
(cd "$work" && JUMP_STRUCT_SIZE=16x "$cdo" "${calc[@]}" output/badsize.o) >"$work/stdout" 2>"$work/stderr"
rc=$?
set -e
if [ "$rc" = 1 ] && grep -q 'JUMP_STRUCT_SIZE' "$work/stderr" && [ ! -e "$work/output/badsize.o" ]; then
	pass "bad-struct-size"
else
	fail "bad-struct-size" "exit status $rc, expected 1 naming JUMP_STRUCT_SIZE"
fi

# ---- -d: the decisions behind a result ------------------------------------------

run -d "${calc[@]}" output/calc-trace.o
trace_ok=1
for line in \
	'kernel/calc.o: correlate: section .text.compute <-> .text.compute' \
	'kernel/calc.o: correlate: symbol compute <-> compute' \
	'kernel/calc.o: correlate: symbol describe <-> describe' \
	'kernel/calc.o: compare: section .text.compute changed: ' \
	'kernel/calc.o: compare: function compute changed: code' \
	'kernel/calc.o: include: section .text.compute: changed function compute' \
	'kernel/calc.o: include: section .rela.text.compute: relocations of .text.compute' \
	'kernel/calc.o: include: symbol counter: unchanged, referenced from .text.compute; resolved in vmlinux'; do
	if ! grep -qF "$line" "$work/stdout"; then
		echo "    missing: $line"
		trace_ok=0
	fi
done
if [ "$rc" = 0 ] && [ $trace_ok = 1 ] && ! grep -q 'function describe changed' "$work/stdout"; then
	pass "debug-trace"
else
	fail "debug-trace" "exit status $rc or decisions missing from the -d output"
fi
run "${calc[@]}" output/calc-notrace.o
if ! grep -qE ': (correlate|compare|include): ' "$work/stdout"; then
	pass "no-trace-without-debug"
else
	fail "no-trace-without-debug" "decision lines without -d"
fi

# ---- --json -------------------------------------------------------------------

# json_ok FILE KEY...: the file looks like one JSON object with these keys
json_ok() {
	local f=$1 k open close
	shift
	[ -s "$f" ] || return 1
	[ "$(head -c 1 "$f")" = '{' ] || return 1
	[ "$(tail -n 1 "$f")" = '}' ] || return 1
	open=$(tr -cd '{[' <"$f" | wc -c)
	close=$(tr -cd '}]' <"$f" | wc -c)
	[ "$open" = "$close" ] || return 1
	for k in "$@"; do
		grep -q "\"$k\":" "$f" || return 1
	done
}

keys=(object status message changed_functions new_functions new_globals
	ignored_functions callbacks klp_relocations)
run --json=output/calc.json "${calc[@]}" output/calc-json.o
if [ "$rc" = 0 ] && json_ok "$work/output/calc.json" "${keys[@]}" &&
	grep -q '"name": "compute"' "$work/output/calc.json" &&
	grep -q '"status": "success"' "$work/output/calc.json" &&
	grep -q '"object": "kernel/calc.o"' "$work/output/calc.json" &&
	grep -q '"name": "compute".*"reason": "code"' "$work/output/calc.json"; then
	pass "json-success"
else
	fail "json-success" "exit status $rc or a bad report: $(tr '\n' ' ' <"$work/output/calc.json" 2>/dev/null | head -c 300)"
fi
run --json output/same.json "${same[@]}" output/same-json.o
if [ "$rc" = 3 ] && json_ok "$work/output/same.json" "${keys[@]}" &&
	grep -q '"status": "no functional change"' "$work/output/same.json"; then
	pass "json-no-change"
else
	fail "json-no-change" "exit status $rc or a bad report"
fi
run --json output/bad.json orig/kernel/calc.o vmlinux.symtab vmlinux vmlinux.symtab /dev/null \
	test-module output/bad-json.o
if [ "$rc" = 1 ] && json_ok "$work/output/bad.json" "${keys[@]}" &&
	grep -q '"status": "malformed input"' "$work/output/bad.json" &&
	grep -q 'vmlinux.symtab' "$work/output/bad.json"; then
	pass "json-error"
else
	fail "json-error" "exit status $rc or a bad report"
fi

# An unwritable report fails before anything is diffed or written.
run --json=output/no-such-dir/r.json "${calc[@]}" output/calc-nojson.o
if [ "$rc" = 1 ] && [ ! -e "$work/output/calc-nojson.o" ] &&
	grep -q 'output/no-such-dir/r.json' "$work/stderr" && [ ! -s "$work/stdout" ]; then
	pass "json-unwritable-before-output"
else
	fail "json-unwritable-before-output" "exit status $rc, or the object was written"
fi
if [ -z "$(find "$work/output" -name '*.json.tmp-*')" ]; then
	pass "json-no-temporary-files"
else
	fail "json-no-temporary-files" "temporary report files left"
fi

# ---- --batch --------------------------------------------------------------------

cat >"$work/batch.txt" <<EOF
# one line per object, as kpatch-build would run them
${calc[*]} output/batch-calc.o

${same[*]} output/batch-same.o
${clamp[*]} output/batch-clamp.o
EOF
run "${clamp[@]}" output/clamp.o
run --batch batch.txt
if [ "$rc" = 0 ] && cmp -s "$work/output/calc.o" "$work/output/batch-calc.o" &&
	cmp -s "$work/output/clamp.o" "$work/output/batch-clamp.o" &&
	[ ! -e "$work/output/batch-same.o" ] &&
	grep -qx 'kernel/calc.o: changed function: compute' "$work/stdout" &&
	grep -qx 'lib/clamp.o: changed function: clamp_value' "$work/stdout"; then
	pass "batch"
else
	fail "batch" "exit status $rc, or outputs differ from single runs"
fi
printf '%s\n%s\n' "a b c d e f" "${clamp[*]} output/batch2-clamp.o" >"$work/batch2.txt"
run --batch batch2.txt
if [ "$rc" = 1 ] && grep -q 'batch2.txt:1' "$work/stderr" &&
	cmp -s "$work/output/clamp.o" "$work/output/batch2-clamp.o"; then
	pass "batch-bad-line"
else
	fail "batch-bad-line" "exit status $rc, expected 1 with the later line still done"
fi
# one status line per pair, and with --json one report holding every pair
run --batch batch.txt --json output/batch.json
if [ "$rc" = 0 ] && grep -qx 'batch.txt:2: kernel/calc.o: success' "$work/stdout" &&
	grep -qx 'batch.txt:4: kernel/calc.o: no functional change' "$work/stdout" &&
	grep -qx 'batch.txt:5: lib/clamp.o: success' "$work/stdout" &&
	[ "$(grep -c '^batch.txt:' "$work/stdout")" = 3 ]; then
	pass "batch-status-lines"
else
	fail "batch-status-lines" "exit status $rc or not one status line per pair"
fi
if json_ok "$work/output/batch.json" objects "${keys[@]}" &&
	[ "$(grep -c '"object": ' "$work/output/batch.json")" = 3 ] &&
	[ "$(grep -o '"status": "[a-z ]*"' "$work/output/batch.json" | tr '\n' ,)" = \
	'"status": "success","status": "no functional change","status": "success",' ] &&
	grep -q '"name": "clamp_value"' "$work/output/batch.json" &&
	grep -q '"name": "compute"' "$work/output/batch.json"; then
	pass "batch-json-every-pair"
else
	fail "batch-json-every-pair" "the report does not hold the three pairs in order: $(tr '\n' ' ' <"$work/output/batch.json" | head -c 400)"
fi
expect_rc "batch-missing-file" 1 --batch no-such-batch.txt
expect_rc "batch-with-positional" 64 --batch batch.txt "${calc[@]}" output/x.o

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
