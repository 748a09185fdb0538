#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of klp-conflicts: fake livepatch objects built with the host
# compiler, a fake /sys/kernel/livepatch and a fake /proc/kallsyms.
#   run.sh KLP_CONFLICTS_BINARY
set -euo pipefail

TOOL=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

cc -c -O2 -DREPLACE=0 -o "$T/fake_patch.ko" "$HERE/fake_patch.c"
cc -c -O2 -DREPLACE=1 -o "$T/fake_replace.ko" "$HERE/fake_patch.c"
cc -c -O2 -o "$T/fake_kpatch.ko" "$HERE/fake_kpatch.c"
echo "not an ELF file" >"$T/junk.ko"

# mkfunc(patch, object, function,sympos) - a function directory in sysfs
mkfunc() {
	mkdir -p "$T/sys/$1/$2/$3"
	[[ -f "$T/sys/$1/enabled" ]] || echo 1 >"$T/sys/$1/enabled"
}

echo deny >"$T/sys.policy"
mkdir -p "$T/sys" "$T/empty"
cp "$T/sys.policy" "$T/sys/conflict_policy"
mkfunc other vmlinux cmdline_proc_show,1
mkfunc other vmlinux meminfo_proc_show,2
mkfunc other mymod mod_alias,1
mkfunc gone vmlinux cmdline_proc_show,1
echo 0 >"$T/sys/gone/enabled"
mkfunc fake_patch vmlinux cmdline_proc_show,1

# a /proc/kallsyms with two local meminfo_proc_show and a module alias
cp "$HERE/fake-kallsyms" "$T/kallsyms"
# check(name, expected status, expected stdout, args...)
check() {
	local name=$1 want_rc=$2 want_out=$3 out rc
	shift 3
	set +e
	out=$("$TOOL" "$@" 2>"$T/stderr")
	rc=$?
	set -e
	if [[ $rc == "$want_rc" && "$out" == "$want_out" ]]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL klp-conflicts: $name: status $rc, output:"
		echo "$out"
		sed 's/^/  stderr: /' "$T/stderr"
	fi
}

check "name and alias conflicts" 1 \
"fake_patch: vmlinux cmdline_proc_show,1 is already replaced by other
fake_patch: mymod mod_fn,1 is already replaced by other as mod_alias,1" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" "$T/fake_patch.ko"
check "aliases need kallsyms" 1 \
"fake_patch: vmlinux cmdline_proc_show,1 is already replaced by other" \
	--sysfs "$T/sys" --kallsyms "$T/none" "$T/fake_patch.ko"
check "no active patch" 0 "" \
	--sysfs "$T/empty" --kallsyms "$T/kallsyms" "$T/fake_patch.ko"
# a mistyped --sysfs (or no CONFIG_LIVEPATCH) must not read as "no conflicts"
check "missing sysfs folder" 2 "" \
	--sysfs "$T/missing" --kallsyms "$T/kallsyms" "$T/fake_patch.ko"
if grep -q "^klp-conflicts: $T/missing: No such file or directory" "$T/stderr"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL klp-conflicts: missing sysfs folder: no one-line error naming it"
	sed 's/^/  stderr: /' "$T/stderr"
fi
check "static replace flag" 0 "" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" "$T/fake_replace.ko"
check "--replace" 0 "" \
	--replace --sysfs "$T/sys" --kallsyms "$T/kallsyms" "$T/fake_patch.ko"
# (patch folders are read in byte order, so the output is reproducible)
check "kpatch-build module" 1 \
"fake_kpatch: vmlinux cmdline_proc_show,1 is already replaced by fake_patch
fake_kpatch: vmlinux cmdline_proc_show,1 is already replaced by other" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" "$T/fake_kpatch.ko"
# the policy and the one-shot override are livepatch parameters
# stderr_has NAME TEXT: the last check's stderr holds TEXT ("" : is empty)
stderr_has() {
	if { [[ -z "$2" ]] && [[ ! -s "$T/stderr" ]]; } ||
		{ [[ -n "$2" ]] && grep -qF -- "$2" "$T/stderr"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL klp-conflicts: $1: stderr does not hold '$2':"
		sed 's/^/  stderr: /' "$T/stderr"
	fi
}
mkdir -p "$T/params"
one_conflict="fake_kpatch: vmlinux cmdline_proc_show,1 is already replaced by other"
rm -r "$T/sys/fake_patch"
echo warn >"$T/params/conflict_policy"
check "policy warn" 1 "$one_conflict" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" --params "$T/params" "$T/fake_kpatch.ko"
stderr_has "policy warn" "note: the kernel would load fake_kpatch anyway (conflict_policy is warn)"
echo strict >"$T/params/conflict_policy"
check "policy strict" 1 "$one_conflict" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" --params "$T/params" "$T/fake_kpatch.ko"
stderr_has "policy strict" ""
echo fake_kpatch >"$T/params/allow_conflicts_once"
check "one-shot override" 1 "$one_conflict" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" --params "$T/params" "$T/fake_kpatch.ko"
stderr_has "one-shot override" "anyway (allow_conflicts_once names it)"
echo other_patch >"$T/params/allow_conflicts_once"
check "one-shot override for another patch" 1 "$one_conflict" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" --params "$T/params" "$T/fake_kpatch.ko"
stderr_has "one-shot override for another patch" ""
# without the parameter, the policy file of the series' first version counts
echo allow >"$T/sys/conflict_policy"
check "policy in the sysfs folder" 1 "$one_conflict" \
	--sysfs "$T/sys" --kallsyms "$T/kallsyms" --params "$T/empty" "$T/fake_kpatch.ko"
stderr_has "policy in the sysfs folder" "(conflict_policy is allow)"

check "not an ELF file" 2 "" --sysfs "$T/sys" "$T/junk.ko"
check "missing file" 2 "" --sysfs "$T/sys" "$T/nothing.ko"
check "no livepatch in the file" 2 "" --sysfs "$T/sys" \
	"$(cc -print-file-name=crt1.o)"
check "usage" 2 ""

echo "klp-conflicts: $pass passed, $fail failed"
((fail == 0))
