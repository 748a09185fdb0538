#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of klpctl: livepatch modules generated from gen_patch.c, a fake
# /sys and /proc, and insmod/rmmod replaced by fake-insmod and fake-rmmod,
# which play the kernel's part (sysfs folders, /proc/modules, consuming the
# one-shot override, transitions that complete, stall or fail).
#   klpctl.sh KLPCTL_BINARY
set -euo pipefail

TOOL=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$T"' EXIT
pass=0
fail=0
export FAKE_ROOT=$T KLPCTL_INSMOD=$HERE/fake-insmod KLPCTL_RMMOD=$HERE/fake-rmmod
export KLPCTL_LOCK=$T/klpctl.lock
LP=$T/sys/kernel/livepatch
PARAMS=$T/sys/module/livepatch/parameters

# gen NAME ALLOW VMLINUX-FUNCS [REPLACE]: a module and its .funcs list
gen() {
	local f
	cc -c -O2 -DNAME="$1" -DALLOW="$2" -DREPLACE="${4:-0}" -DVMLINUX="$3" \
		-o "$T/mods/$1.ko" "$HERE/gen_patch.c"
	: >"$T/mods/$1.ko.funcs"
	for f in $(sed -E 's/F\(([a-z_]+), *([0-9]+)\)/\1,\2 /g' <<<"$3"); do
		echo "vmlinux ${f/,0/,1}" >>"$T/mods/$1.ko.funcs"
	done
}
mkdir -p "$T/mods" "$T/patches/6.1.0-test"
gen a 0 'F(cmdline_proc_show, 0)'
gen b 0 'F(cmdline_proc_show, 0) F(meminfo_proc_show, 0)'
gen c 1 'F(cmdline_proc_show, 0)'
gen d 0 'F(version_proc_show, 0)'
gen e 0 'F(cmdline_alias, 0)'
gen r 0 'F(cmdline_proc_show, 0)' 1
cp "$T/mods/d.ko" "$T/mods/d.ko.funcs" "$T/patches/6.1.0-test/"
echo "not an ELF file" >"$T/mods/junk.ko"

# reset [POLICY|stock|v1]: an empty kernel with that conflict policy
reset() {
	rm -rf "$T/sys" "$T/proc" "$T"/*.log "$T/insmod-fail"
	mkdir -p "$LP" "$T/proc"
	: >"$T/proc/modules"
	case ${1:-deny} in
	stock) ;;
	v1) echo deny >"$LP/conflict_policy" ;;
	*)
		mkdir -p "$PARAMS"
		echo "${1:-deny}" >"$PARAMS/conflict_policy"
		: >"$PARAMS/allow_conflicts_once"
		;;
	esac
	: >"$T/insmod.log"
	: >"$T/rmmod.log"
	# a task that has not switched yet, one that has, one outside any transition
	mkdir -p "$T/proc/100/task/100" "$T/proc/200/task/201" "$T/proc/300/task/300"
	echo 0 >"$T/proc/100/task/100/patch_state"
	echo busy-task >"$T/proc/100/task/100/comm"
	echo "[<0>] cmdline_proc_show+0x10/0x40" >"$T/proc/100/task/100/stack"
	echo 1 >"$T/proc/200/task/201/patch_state"
	echo -1 >"$T/proc/300/task/300/patch_state"
	cat >"$T/proc/kallsyms" <<-EOK
	ffffffff81000000 T cmdline_proc_show
	ffffffff81000000 t cmdline_alias
	ffffffff81000100 t meminfo_proc_show
	EOK
}

kl() {
	"$TOOL" --sys "$T/sys" --proc "$T/proc" --patch-dir "$T/patches/6.1.0-test" \
		--enable-wait 0.3 --signal-wait 0.3 --ref-wait 0.3 --retry-interval 0 "$@"
}

ok() {
	pass=$((pass + 1))
}
bad() {
	fail=$((fail + 1))
	echo "FAIL klpctl: $1"
	[[ -f $T/out ]] && sed 's/^/  stdout: /' "$T/out"
	[[ -f $T/err ]] && sed 's/^/  stderr: /' "$T/err"
	return 0
}

# run NAME WANT-STATUS ARGS...: klpctl's stdout in $T/out, stderr in $T/err
run() {
	local name=$1 want=$2 rc
	shift 2
	set +e
	kl "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	if [[ $rc == "$want" ]]; then ok; else bad "$name: status $rc, want $want"; fi
}
# has NAME FILE TEXT: FILE ($T/err, $T/out, a log) holds the fixed string TEXT
has() {
	if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in $(basename "$2")"; fi
}
hasnt() {
	if ! grep -qF -- "$3" "$2"; then ok; else bad "$1: unexpected '$3' in $(basename "$2")"; fi
}
lines() {
	local n
	n=$(wc -l <"$2")
	if [[ $n == "$3" ]]; then ok; else bad "$1: $(basename "$2") has $n lines, want $3"; fi
}

# ---- load -----------------------------------------------------------------

reset
run "load a path" 0 load "$T/mods/a.ko"
has "load a path" "$T/err" "klpctl: loading patch module: $T/mods/a.ko"
has "load a path" "$T/err" "klpctl: a: enabled"
[[ -d $LP/a && $(cat "$LP/a/enabled") == 1 ]] && ok || bad "load a path: no enabled patch a"
has "load a path: no override" "$T/insmod.log" "a.ko once="
hasnt "load a path: no override" "$T/insmod.log" "once=a"
lines "load a path: stdout is for results" "$T/out" 0

run "load an installed name" 0 load d
has "load an installed name" "$T/insmod.log" "$T/patches/6.1.0-test/d.ko"
run "load again" 0 load d
has "load again" "$T/err" "module named d already loaded and enabled"
lines "load again: no second insmod" "$T/insmod.log" 2

run "-q" 0 -q load "$T/mods/e.ko" --no-check
lines "-q: silent" "$T/err" 0

reset
cp "$T/mods/a.ko" "$T/mods/a.ko.funcs" "$T/patches/6.1.0-test/"
run "load --all" 0 load --all
printf '%s\n' "d" "a" >"$T/want"
cut -d' ' -f1 "$T/proc/modules" | diff -u "$T/want" - >"$T/diff" && ok ||
	{ bad "load --all: not every installed module, in name order"; cat "$T/diff"; }
rm "$T/patches/6.1.0-test/a.ko"
run "load --all with nothing new" 0 -q load --all
lines "-q: silent" "$T/err" 0

# ---- conflicts --------------------------------------------------------------

reset deny
run "setup" 0 load "$T/mods/a.ko"
run "conflict under deny" 1 load "$T/mods/b.ko"
has "conflict under deny" "$T/err" "klpctl: b: vmlinux cmdline_proc_show,1 is already replaced by a"
has "conflict under deny" "$T/err" \
	"klpctl: b: refused: 1 conflict(s) with active livepatches (conflict_policy deny); --allow-conflicts overrides for this load"
lines "conflict under deny: refused before insmod" "$T/insmod.log" 1
[[ ! -d $LP/b ]] && ok || bad "conflict under deny: b was loaded"

run "the patch allows conflicts" 0 load "$T/mods/c.ko"
has "the patch allows conflicts" "$T/err" \
	"c: loading despite 1 conflict(s): the patch allows conflicts (conflict_policy deny)"

reset strict
run "setup" 0 load "$T/mods/a.ko"
run "strict ignores the patch's opt-in" 1 load "$T/mods/c.ko"
has "strict ignores the patch's opt-in" "$T/err" \
	"(conflict_policy strict, which ignores the patch's allow_conflicts)"
run "alias of an active function" 1 load "$T/mods/e.ko"
has "alias of an active function" "$T/err" \
	"e: vmlinux cmdline_alias,1 is already replaced by a as cmdline_proc_show,1"
run "override for one load" 0 load --allow-conflicts "$T/mods/b.ko"
has "override for one load" "$T/err" "administrator override for this load"
has "override armed during insmod" "$T/insmod.log" "b.ko once=b"
[[ -z $(cat "$PARAMS/allow_conflicts_once") && $(cat "$PARAMS/conflict_policy") == strict ]] &&
	ok || bad "override: parameter not consumed, or the policy changed"
# the override was for b only: the next conflicting patch is refused again
run "override is one-shot" 1 load "$T/mods/c.ko"
# insmod fails before the kernel consumes it: klpctl clears it
echo "Key was rejected by service" >"$T/insmod-fail"
run "override cleared after a failed insmod" 1 load --allow-conflicts "$T/mods/e.ko"
has "override cleared after a failed insmod" "$T/insmod.log" "e.ko once=e"
[[ -z $(cat "$PARAMS/allow_conflicts_once") ]] && ok ||
	bad "override left armed: $(cat "$PARAMS/allow_conflicts_once")"
has "signature error decoded" "$T/err" \
	"klpctl: $T/mods/e.ko: insmod failed: Key was rejected by service: the module's signature was rejected or is missing"

reset warn
run "setup" 0 load "$T/mods/a.ko"
run "policy warn" 0 load "$T/mods/b.ko"
has "policy warn" "$T/err" "loading despite 1 conflict(s): conflict_policy is warn"

reset stock
run "setup" 0 load "$T/mods/a.ko"
run "stock kernel" 1 load "$T/mods/b.ko"
has "stock kernel" "$T/err" "this kernel would stack the patches silently"
run "stock kernel, --allow-conflicts" 0 load --allow-conflicts "$T/mods/b.ko"
has "stock kernel, --allow-conflicts" "$T/err" "this kernel does not check conflicts"

reset v1
run "setup" 0 load "$T/mods/a.ko"
run "series v1 has no override" 1 load --allow-conflicts "$T/mods/b.ko"
has "series v1 has no override" "$T/err" \
	"b: this kernel has no per-load override, and its conflict_policy 'deny' refuses the patch"

reset deny
run "setup" 0 load "$T/mods/a.ko"
run "a replace patch never conflicts" 0 load "$T/mods/r.ko"

# ---- insmod errors ------------------------------------------------------------

reset deny
run "setup" 0 load "$T/mods/a.ko"
echo "Address already in use" >"$T/insmod-fail"
run "kernel refusal decoded" 1 load --no-check "$T/mods/b.ko"
has "kernel refusal decoded" "$T/err" \
	"klpctl: $T/mods/b.ko: insmod failed: Address already in use: the patch replaces functions that an active livepatch replaces"
lines "kernel refusal decoded: one line" "$T/err" 2

reset strict
run "setup" 0 load "$T/mods/a.ko"
run "override without klpctl's check" 0 load --no-check --allow-conflicts "$T/mods/b.ko"
has "override without klpctl's check" "$T/insmod.log" "b.ko once=b"
hasnt "override without klpctl's check: no check" "$T/err" "already replaced"

reset
printf '%s\n' "Device or resource busy" "Device or resource busy" ok >"$T/insmod-fail"
run "busy is retried" 0 load "$T/mods/a.ko"
lines "busy is retried: three attempts" "$T/insmod.log" 3
has "busy is retried" "$T/err" "a: Device or resource busy; retrying..."

reset
printf '%s\n' "Device or resource busy" "Device or resource busy" >"$T/insmod-fail"
run "busy until the retries run out" 1 load --retries 2 "$T/mods/a.ko"
has "busy until the retries run out" "$T/err" "(gave up after the retries)"

reset
echo "Invalid module format" >"$T/insmod-fail"
run "wrong kernel" 1 load "$T/mods/a.ko"
has "wrong kernel" "$T/err" "insmod failed: Exec format error: not a module for this kernel"

# kmod's words when it cannot read the file are not a livepatch problem
reset
echo "load: Permission denied" >"$T/insmod-fail"
run "insmod cannot read the file" 1 load "$T/mods/a.ko"
has "insmod cannot read the file" "$T/err" \
	"klpctl: $T/mods/a.ko: insmod could not read the module: Permission denied"
hasnt "insmod cannot read the file" "$T/err" "not permitted: run as root"

reset
echo "something odd happened" >"$T/insmod-fail"
run "undecodable error" 1 load "$T/mods/a.ko"
has "undecodable error" "$T/err" \
	"insmod failed (exit 1): insmod: ERROR: could not insert module $T/mods/a.ko: something odd happened"

# ---- transitions --------------------------------------------------------------

reset
FAKE_TRANSITION=1 FAKE_DONE_AFTER=0.2 run "transition completes" 0 load --enable-wait 30 "$T/mods/a.ko"
has "transition completes" "$T/err" "waiting (up to 30 seconds) for patch transition to complete..."
hasnt "transition completes" "$T/err" "stalled"

reset
FAKE_TRANSITION=1 FAKE_STALL=1 FAKE_SIGNAL=1 run "stalled transition" 1 load "$T/mods/a.ko"
has "stalled transition" "$T/err" "klpctl: patch transition has stalled!"
has "stalled transition: signalled" "$T/err" "klpctl: signaling stalled process(es)"
[[ $(cat "$LP/a/signal" 2>/dev/null) == 1 || ! -d $LP/a ]] && ok || bad "stalled transition: no signal"
has "stalled transition: the stalled task" "$T/err" "100 busy-task"
has "stalled transition: its stack" "$T/err" "[<0>] cmdline_proc_show+0x10/0x40"
hasnt "stalled transition: only the stalled task" "$T/err" "201 "
has "stalled transition: unloaded" "$T/err" "module a did not complete its transition, unloading..."
has "stalled transition" "$T/err" "klpctl: a: failed to load (transition stalled)"
has "stalled transition: rmmod" "$T/rmmod.log" "a"
[[ ! -d $LP/a ]] && ! grep -q '^a ' "$T/proc/modules" && ok || bad "stalled transition: a still loaded"

reset
FAKE_TRANSITION=1 FAKE_STALL=1 run "stalled, no signal file" 1 load "$T/mods/a.ko"
has "stalled, no signal file" "$T/err" "signaling is performed automatically on this kernel"

# ---- list -----------------------------------------------------------------------

reset deny
run "setup" 0 load "$T/mods/a.ko"
run "setup" 0 load --allow-conflicts "$T/mods/b.ko"
run "setup" 0 load "$T/mods/d.ko"
echo override >"$LP/b/conflicts_allowed_by"
run "list" 0 list
cat >"$T/want" <<EOW
Loaded patch modules:
a [enabled]
b [enabled] (conflicts allowed by override)
d [enabled]

Installed patch modules:
d (6.1.0-test)

Livepatched functions:
vmlinux cmdline_proc_show,1: runs b; stacked under it: a
vmlinux meminfo_proc_show,1: runs b
vmlinux version_proc_show,1: runs d
EOW
diff -u "$T/want" "$T/out" >"$T/diff" && ok || { bad "list"; cat "$T/diff"; }
# stack_order, when the kernel has it, wins over /proc/modules
echo 2 >"$LP/a/stack_order"
echo 1 >"$LP/b/stack_order"
echo 3 >"$LP/d/stack_order"
run "list by stack_order" 0 list
has "list by stack_order" "$T/out" "vmlinux cmdline_proc_show,1: runs a; stacked under it: b"
# the functions' active files are the kernel's own answer
echo 1 >"$LP/a/vmlinux/cmdline_proc_show,1/active"
echo 0 >"$LP/b/vmlinux/cmdline_proc_show,1/active"
echo 1 >"$LP/b/transition"
run "list in transition" 0 list
has "list in transition" "$T/out" "b [enabling...]"
has "list in transition: stalled task" "$T/out" "100 busy-task"
has "list in transition: stalled task" "$T/out" "Stalled processes:"
# aliases are one function
mkdir -p "$LP/d/vmlinux/cmdline_alias,1"
run "list with an alias" 0 list
has "list with an alias" "$T/out" \
	"vmlinux cmdline_proc_show,1: runs a; stacked under it: d (as cmdline_alias,1), b"

# ---- unload ---------------------------------------------------------------------

reset
run "setup" 0 load "$T/mods/a.ko"
run "setup" 0 load "$T/mods/d.ko"
run "unload by name" 0 unload a
has "unload by name" "$T/err" "klpctl: disabling patch module: a"
has "unload by name" "$T/err" "klpctl: unloading patch module: a"
[[ ! -d $LP/a ]] && ok || bad "unload by name: a is still there"
run "unload what is not loaded" 1 unload a
has "unload what is not loaded" "$T/err" "klpctl: a: patch module is not loaded"
echo 1 >"$T/sys/module/d/refcnt"
run "module still in use" 1 unload "$T/mods/d.ko"
has "module still in use" "$T/err" "d: cannot unload: the module is still in use (refcnt 1)"
echo 0 >"$T/sys/module/d/refcnt"
run "setup" 0 load "$T/mods/a.ko"
run "setup" 0 load --no-check "$T/mods/b.ko"
: >"$T/rmmod.log"
run "unload --all" 0 unload --all
printf '%s\n' b a d >"$T/want"
diff -u "$T/want" "$T/rmmod.log" >"$T/diff" && ok || { bad "unload --all: not newest first"; cat "$T/diff"; }
[[ -z $(ls "$LP") ]] && ok || bad "unload --all: left $(ls "$LP")"

# a disabled patch whose module is still there is cleaned up before loading
reset
run "setup" 0 load "$T/mods/a.ko"
rm -rf "${LP:?}/a"
: >"$T/rmmod.log"
run "leftover disabled module" 0 load "$T/mods/a.ko"
has "leftover disabled module" "$T/rmmod.log" "a"

# ---- check ------------------------------------------------------------------------

reset deny
run "setup" 0 load "$T/mods/a.ko"
run "check with a conflict" 1 check "$T/mods/b.ko"
has "check with a conflict" "$T/err" "b: vmlinux cmdline_proc_show,1 is already replaced by a"
has "check with a conflict" "$T/err" "klpctl: b: would be refused: 1 conflict(s) with active livepatches (conflict_policy deny)"
run "check with the override" 1 check --allow-conflicts "$T/mods/b.ko"
has "check with the override" "$T/err" "b: would load despite 1 conflict(s): administrator override for this load"
lines "check loads nothing" "$T/insmod.log" 1
run "check without a conflict" 0 check "$T/mods/d.ko"

# ---- bad input: one line naming the file, exit 2 ---------------------------------

reset
run "missing file" 2 load "$T/mods/none.ko"
has "missing file" "$T/err" "klpctl: $T/mods/none.ko: No such file or directory"
lines "missing file: one line" "$T/err" 1
run "not installed" 2 load nothing_here
has "not installed" "$T/err" "klpctl: nothing_here: no such patch module (not a .ko file, and not installed in $T/patches/6.1.0-test)"
run "not an ELF file" 2 load "$T/mods/junk.ko"
has "not an ELF file" "$T/err" "klpctl: $T/mods/junk.ko: not an ELF file"
lines "not an ELF file: one line" "$T/err" 1
lines "not an ELF file: nothing loaded" "$T/insmod.log" 0
rm -rf "$T/sys"
run "no livepatch folder" 1 load "$T/mods/a.ko"
has "no livepatch folder" "$T/err" "$T/sys/kernel/livepatch: No such file or directory"
run "no command" 2
run "unknown command" 2 frobnicate
run "bad number" 2 --enable-wait soon load "$T/mods/a.ko"
has "bad number" "$T/err" "klpctl: --enable-wait: 'soon' is not a number of seconds"

echo "klpctl: $pass passed, $fail failed"
((fail == 0))
