#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of klp-conflicts --order: livepatch modules generated from
# gen_patch.c with the host compiler, planned in several orders.  A brute
# force over every order of one set checks the tool's claim of which
# functions depend on the order.
#   order.sh KLP_CONFLICTS_BINARY
set -euo pipefail

TOOL=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# gen NAME REPLACE VMLINUX-FUNCS [MYMOD-FUNCS]
gen() {
	local args=(-DNAME="$1" -DREPLACE="$2")
	[[ -n "$3" ]] && args+=(-DVMLINUX="$3")
	[[ -n "${4:-}" ]] && args+=(-DMYMOD="$4")
	cc -c -O2 "${args[@]}" -o "$T/$1.ko" "$HERE/gen_patch.c"
}

gen a 0 'F(cmdline_proc_show, 0) F(meminfo_proc_show, 2)'
gen b 0 'F(cmdline_proc_show, 1)' 'F(mod_fn, 0)'
gen c 0 'F(version_proc_show, 0)' 'F(mod_other, 0)'
# d names one function twice (sympos 0 and 1 are the same): it counts once
gen d 0 'F(uptime_proc_show, 0) F(uptime_proc_show, 1)'
gen r 1 'F(cmdline_proc_show, 0) F(version_proc_show, 0)'
gen s 1 'F(cmdline_proc_show, 0) F(loadavg_proc_show, 0)'
echo "not an ELF file" >"$T/junk.ko"
cp "$T/a.ko" "$T/a-copy.ko"
head -c 200 "$T/b.ko" >"$T/short.ko"

# check NAME WANT-STATUS WANT-STDOUT ARGS...
check() {
	local name=$1 want_rc=$2 want_out=$3 out rc
	shift 3
	set +e
	out=$(cd "$T" && "$TOOL" "$@" 2>"$T/stderr")
	rc=$?
	set -e
	if [[ $rc == "$want_rc" && "$out" == "$want_out" ]]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL klp-conflicts --order: $name: status $rc (want $want_rc), output:"
		echo "$out"
		sed 's/^/  stderr: /' "$T/stderr"
	fi
}

# check_err NAME WANT-STDERR ARGS...: exit 2, one line on stderr, nothing on stdout
check_err() {
	local name=$1 want=$2
	shift 2
	check "$name" 2 "" "$@"
	if [[ $(wc -l <"$T/stderr") == 1 ]] && grep -qF -- "$want" "$T/stderr"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL klp-conflicts --order: $name: want one line with '$want' on stderr, got:"
		sed 's/^/  stderr: /' "$T/stderr"
	fi
}

check "order dependent: two patches share a function" 1 \
"load order: a b
vmlinux cmdline_proc_show,1: runs b; stacked under it: a; changed by a, b; depends on the order (could also run a)
result depends on the load order: 1 of 3 functions" \
	--order a.ko b.ko
check "the other order" 1 \
"load order: b a
vmlinux cmdline_proc_show,1: runs a; stacked under it: b; changed by b, a; depends on the order (could also run b)
result depends on the load order: 1 of 3 functions" \
	--order b.ko a.ko
check "order independent: disjoint patches" 0 \
"load order: a c d
result is the same in every order: 5 functions, 0 changed by more than one patch" \
	--order a.ko c.ko d.ko
check "one patch" 0 \
"load order: b
result is the same in every order: 2 functions, 0 changed by more than one patch" \
	--order b.ko
check "replace patch loaded last drops the others" 1 \
"load order: a b r (replace)
r (replace) drops a, b
mymod mod_fn,1: runs the original code; changed by b; depends on the order (could also run b)
vmlinux cmdline_proc_show,1: runs r; changed by a, b, r; depends on the order (could also run a, b)
vmlinux meminfo_proc_show,2: runs the original code; changed by a; depends on the order (could also run a)
result depends on the load order: 3 of 4 functions" \
	--order a.ko b.ko r.ko
check "patch on top of a replace patch" 1 \
"load order: r (replace) b
mymod mod_fn,1: runs b; changed by b; depends on the order (could also run the original code)
vmlinux cmdline_proc_show,1: runs b; stacked under it: r; changed by r, b; depends on the order (could also run r)
result depends on the load order: 2 of 3 functions" \
	--order r.ko b.ko
check "two replace patches" 1 \
"load order: r (replace) c s (replace)
s (replace) drops r, c
mymod mod_other,1: runs the original code; changed by c; depends on the order (could also run c)
vmlinux cmdline_proc_show,1: runs s; changed by r, s; depends on the order (could also run r)
vmlinux loadavg_proc_show,1: runs s; changed by s; depends on the order (could also run the original code)
vmlinux version_proc_show,1: runs the original code; changed by r, c; depends on the order (could also run r, c)
result depends on the load order: 4 of 4 functions" \
	--order r.ko c.ko s.ko
check "json" 1 \
'{
  "patches": [
    {"file": "a.ko", "name": "a", "replace": false, "active": false, "dropped_by": "r"},
    {"file": "r.ko", "name": "r", "replace": true, "active": true, "dropped_by": null},
    {"file": "b.ko", "name": "b", "replace": false, "active": true, "dropped_by": null}
  ],
  "functions": [
    {"object": "mymod", "function": "mod_fn", "sympos": 1, "changed_by": ["b"], "runs": "b", "stacked": [], "order_dependent": true, "possible": ["b"], "original_possible": true},
    {"object": "vmlinux", "function": "cmdline_proc_show", "sympos": 1, "changed_by": ["a", "r", "b"], "runs": "b", "stacked": ["r"], "order_dependent": true, "possible": ["a", "r", "b"], "original_possible": false},
    {"object": "vmlinux", "function": "meminfo_proc_show", "sympos": 2, "changed_by": ["a"], "runs": null, "stacked": [], "order_dependent": true, "possible": ["a"], "original_possible": true},
    {"object": "vmlinux", "function": "version_proc_show", "sympos": 1, "changed_by": ["r"], "runs": "r", "stacked": [], "order_dependent": false, "possible": ["r"], "original_possible": false}
  ],
  "order_dependent": true,
  "order_dependent_functions": 3
}' \
	--order --json a.ko r.ko b.ko
check "json, order independent" 0 \
'{
  "patches": [
    {"file": "c.ko", "name": "c", "replace": false, "active": true, "dropped_by": null},
    {"file": "d.ko", "name": "d", "replace": false, "active": true, "dropped_by": null}
  ],
  "functions": [
    {"object": "mymod", "function": "mod_other", "sympos": 1, "changed_by": ["c"], "runs": "c", "stacked": [], "order_dependent": false, "possible": ["c"], "original_possible": false},
    {"object": "vmlinux", "function": "uptime_proc_show", "sympos": 1, "changed_by": ["d"], "runs": "d", "stacked": [], "order_dependent": false, "possible": ["d"], "original_possible": false},
    {"object": "vmlinux", "function": "version_proc_show", "sympos": 1, "changed_by": ["c"], "runs": "c", "stacked": [], "order_dependent": false, "possible": ["c"], "original_possible": false}
  ],
  "order_dependent": false,
  "order_dependent_functions": 0
}' \
	--order --json c.ko d.ko

# bad input: one line naming the file, exit 2, nothing on stdout
check_err "not an ELF file" "klp-conflicts: junk.ko: not an ELF file" --order a.ko junk.ko
check_err "missing file" "klp-conflicts: nothing.ko: No such file or directory" --order a.ko nothing.ko
check_err "truncated module" "klp-conflicts: short.ko: " --order --json short.ko a.ko
check_err "the same patch twice" \
	"klp-conflicts: a-copy.ko: patch 'a' is already given as a.ko" --order a.ko b.ko a-copy.ko
check_err "no livepatch in the file" "no livepatch found" --order "$(cc -print-file-name=crt1.o)"
check "no module" 2 "" --order
check "--replace makes no sense with --order" 2 "" --order --replace a.ko

# Every order of {a, b, c, r, s}: a function the tool calls order
# independent runs the same version in all of them, and one it calls order
# dependent runs at least two different versions.
perms() {
	local done=$1 rest=$2 x
	if [[ -z $rest ]]; then
		echo "$done"
		return
	fi
	for x in $rest; do
		perms "$done $x" "$(tr ' ' '\n' <<<"$rest" | grep -vx "$x" | tr '\n' ' ' | xargs)"
	done
}
# one "object function,sympos runs" line per function of one plan
runs_of() {
	sed -nE 's/.*"object": "([^"]*)", "function": "([^"]*)", "sympos": ([0-9]+),.*"runs": ("[^"]*"|null),.*/\1 \2,\3 \4/p'
}
(cd "$T" && "$TOOL" --order --json a.ko b.ko c.ko r.ko s.ko) >"$T/plan.json" || true
: >"$T/all-runs"
while read -r order; do
	(cd "$T" && "$TOOL" --order --json $(sed 's/\([a-z]\)/\1.ko/g' <<<"$order")) |
		runs_of >>"$T/all-runs" || true
done < <(perms "" "a b c r s")
bad=0
while read -r obj fn dep; do
	n=$(grep -c "^$obj $fn " "$T/all-runs" || true)
	distinct=$(grep "^$obj $fn " "$T/all-runs" | sort -u | wc -l)
	if [[ $n != 120 ]] || { [[ $dep == true ]] && ((distinct < 2)); } ||
		{ [[ $dep == false ]] && ((distinct != 1)); }; then
		echo "FAIL klp-conflicts --order: brute force: $obj $fn: order_dependent $dep, $distinct distinct results in $n orders"
		bad=1
	fi
done < <(sed -nE 's/.*"object": "([^"]*)", "function": "([^"]*)", "sympos": ([0-9]+),.*"order_dependent": (true|false),.*/\1 \2,\3 \4/p' "$T/plan.json")
if ((bad == 0)) && [[ -s "$T/all-runs" ]]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
fi

echo "klp-conflicts --order: $pass passed, $fail failed"
((fail == 0))
