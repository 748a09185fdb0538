#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/kbuild: what a patch author waits for, with and without the build
# cache, on Debian's linux-source-6.1 with x86_64_defconfig plus the
# livepatch options (livepatch.config).  Run by `make bench-kbuild`; not
# part of CI (it builds the kernel two to three times).
#
# Steps, each timed as a whole process from a fresh copy of the source:
#   cache-cold      first `kbuild-cache kpatch-build` (or `kbuild-cache
#                   build` without KPATCH_BUILD): the one full build, stored
#   restore         `kbuild-cache restore` of a fresh copy
#   kbc-warm        `kbuild-cache kpatch-build` again on a fresh copy
#   direct-*        `kbuild-cache diff` for a one-file, a five-file and a
#                   header patch on a fresh copy (and the one-file patch
#                   once more in the same tree), each against its floor: the same objects
#                   compiled once with their recorded commands (-j JOBS),
#                   plus create-diff-object on each pair
#   kpatch-cold     plain kpatch-build on a fresh copy, empty ccache
#   kpatch-ccache   plain kpatch-build again, same path, ccache warm
#                   (only when ccache is installed).  kpatch-build puts
#                   /usr/lib/ccache on PATH itself for a distribution
#                   kernel, not with -s; both runs get it on PATH, as a
#                   kpatch-build user with ccache would have it.
# kpatch-* and kbc-* need KPATCH_BUILD=/path/to/kpatch-build (an unchanged
# upstream kpatch-build built outside this repository).
#
# Each step's result is kept in $WORK/steps; a second run skips the steps
# already measured (FRESH=1 measures everything again), so that an
# interrupted two-hour run resumes.  Results: $RESULTS/kbuild.md, .csv,
# .svg, and the section between the kbuild markers of bench/README.md.
#
# Environment: BUILD (default build), WORK (default
# /var/tmp/cdo-bench-kbuild), JOBS (default: online CPUs), KPATCH_BUILD,
# RESULTS (default bench/results), CONFIG (a config file instead of
# defconfig + livepatch.config, to try the bench quickly), FRESH, STEPS (default: all, in the
# order above; a subset like "restore direct-one").
set -uo pipefail
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES KCFLAGS

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$TOP/scripts/lib/kernel-src.sh"
BUILD=$(cd "${BUILD:-$TOP/build}" && pwd)
WORK=${WORK:-/var/tmp/cdo-bench-kbuild}
JOBS=${JOBS:-$(nproc)}
RESULTS=${RESULTS:-$TOP/bench/results}
KPATCH_BUILD=${KPATCH_BUILD:-}
FRESH=${FRESH:-0}
STEPS=${STEPS:-cache-cold restore kbc-warm direct-one direct-five direct-header kpatch-cold kpatch-ccache}
CASES=$TOP/test-objects/kernel/cases
SRC=$WORK/src
CFG=$WORK/bench.config
CACHE=$WORK/cache
T0=$(date +%s)

log() { printf 'bench-kbuild: [%5ds] %s\n' $(($(date +%s) - T0)) "$*" >&2; }
die() { echo "bench-kbuild: $*" >&2; exit 1; }
run_logged() {
	local logfile=$1
	shift
	"$@" >"$logfile" 2>&1 || { tail -n 30 "$logfile" >&2; return 1; }
}

# ---- set-up ----------------------------------------------------------------------
for t in kbuild-cache create-diff-object; do
	[ -x "$BUILD/bin/$t" ] || die "$BUILD/bin/$t: not built (run make first)"
done
if [ -n "$KPATCH_BUILD" ] && [ ! -x "$KPATCH_BUILD" ]; then
	die "KPATCH_BUILD=$KPATCH_BUILD is not an executable"
fi
[ -n "$KPATCH_BUILD" ] || log "KPATCH_BUILD not set: the kpatch-build steps are skipped, direct mode uses its own entry"
"$TOP/scripts/deps.sh" gcc make libc6-dev bc flex bison libssl-dev libelf-dev xz-utils patch \
	binutils ccache gnuplot-nox "$KERNEL_SRC_DEBIAN_PKG" >/dev/null || die "cannot install the packages"
[ "$FRESH" = 1 ] && rm -rf "$WORK/steps" "$CACHE"
mkdir -p "$WORK/steps" "$WORK/logs" "$WORK/trees" "$WORK/out" "$WORK/bin" "$RESULTS"
# our binaries are copied, so that rebuilding the repository during a run changes nothing
cp "$BUILD/bin/kbuild-cache" "$BUILD/bin/create-diff-object" "$WORK/bin/"
KBC=$WORK/bin/kbuild-cache
CDO=$WORK/bin/create-diff-object
export KBUILD_CACHE_DIR=$CACHE
unset KBUILD_CACHE_REMOTE
[ -n "$KPATCH_BUILD" ] && export KPATCH_BUILD
MODE=()
[ -n "$KPATCH_BUILD" ] && MODE=(--kpatch)

problem=$(kernel_src_check "") || die "$problem"
kernel_src_prepare "$WORK" "$SRC" "$WORK/cfg" "" log run_logged "$WORK/trees" ||
	die "cannot unpack $KERNEL_SRC_DEBIAN_TARBALL"
if [ -n "${CONFIG:-}" ]; then
	# another configuration, for trying the bench quickly on a small one
	[ -f "$CONFIG" ] || die "CONFIG=$CONFIG: no such file"
	want=$(sha256sum <"$CONFIG" | cut -c1-16)
	if [ "$(cat "$CFG.stamp" 2>/dev/null)" != "$want" ]; then
		cp "$CONFIG" "$CFG"
		echo "$want" >"$CFG.stamp"
		echo "\`$CONFIG\`" >"$WORK/config.desc"
		rm -rf "$WORK/steps" "$CACHE"
		mkdir -p "$WORK/steps"
	fi
fi
want=$(sha256sum <"$HERE/livepatch.config" | cut -c1-16)
if [ -z "${CONFIG:-}" ] && { [ ! -f "$CFG" ] || [ "$(cat "$CFG.stamp" 2>/dev/null)" != "$want" ]; }; then
	log "configuring: x86_64_defconfig + bench/kbuild/livepatch.config"
	rm -rf "$WORK/cfg"
	run_logged "$WORK/logs/config.log" make -C "$SRC" O="$WORK/cfg" ARCH=x86_64 x86_64_defconfig ||
		die "defconfig failed"
	grep -h '^CONFIG_\|^# CONFIG_' "$HERE/livepatch.config" >>"$WORK/cfg/.config"
	run_logged "$WORK/logs/config.log" make -C "$SRC" O="$WORK/cfg" ARCH=x86_64 olddefconfig ||
		die "olddefconfig failed"
	for opt in LIVEPATCH DEBUG_INFO KALLSYMS_ALL FUNCTION_TRACER; do
		grep -q "^CONFIG_$opt=y" "$WORK/cfg/.config" || die "CONFIG_$opt did not stick"
	done
	cp "$WORK/cfg/.config" "$CFG"
	echo "$want" >"$CFG.stamp"
	echo "x86_64_defconfig + \`bench/kbuild/livepatch.config\` (livepatch, ftrace, DWARF)" >"$WORK/config.desc"
	rm -rf "$WORK/steps" "$CACHE"
	mkdir -p "$WORK/steps"
fi

# The patches: one file, five files, one header (test-objects' 6.1 cases).
# (Not sys-subreaper-lock: with defconfig gcc keeps __do_sys_prctl out of
# line, and as an inline function it has no fentry call, so kpatch-build
# and direct mode both refuse it as unpatchable.)
ONE=("$CASES/workqueue-queue-work-once/patch")
FIVE=("$CASES/workqueue-queue-work-once/patch" "$CASES/packet-qdisc-bypass-bounds/patch"
	"$CASES/page-alloc-free-exact-check/patch" "$CASES/tcp-rcvlowat-counter/patch"
	"$CASES/ext4-reserve-warn-counter/patch")
HEADER=("$CASES/ext4-header-inline/patch")

# A copy of the pristine source: hard links are safe, as patch(1), kbuild
# and kbuild-cache replace files instead of writing into them.
fresh() {
	rm -rf "$1"
	mkdir -p "$(dirname "$1")"
	cp -al "$SRC" "$1"
}
load1() { cut -d' ' -f1 /proc/loadavg; }

# measure NAME CMD...: run CMD (in $WORK/out/NAME), record seconds and load
# in $WORK/steps/NAME as "seconds status load_before load_after date
# load_mean" (the 1-minute load sampled every 5 s while CMD runs: a long
# step's before and after say little about what ran beside it).
measure() {
	local name=$1 t1 t2 l1 st sampler mean
	shift
	mkdir -p "$WORK/out/$name"
	l1=$(load1)
	: >"$WORK/logs/$name.loads"
	(while sleep 5; do load1 >>"$WORK/logs/$name.loads"; done) &
	sampler=$!
	t1=$(date +%s.%N)
	(cd "$WORK/out/$name" && "$@") >"$WORK/logs/$name.log" 2>&1
	st=$?
	t2=$(date +%s.%N)
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	load1 >>"$WORK/logs/$name.loads"
	mean=$(awk '{ s += $1; n++ } END { printf "%.2f", n ? s / n : 0 }' "$WORK/logs/$name.loads")
	printf '%s %s %s %s %s %s\n' "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }')" \
		"$st" "$l1" "$(load1)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$mean" >"$WORK/steps/$name"
	log "$name: $(cut -d' ' -f1 "$WORK/steps/$name") s, exit $st (log: $WORK/logs/$name.log)"
	[ "$st" = 0 ] || tail -n 15 "$WORK/logs/$name.log" >&2
	return "$st"
}
done_step() {
	[ -f "$WORK/steps/$1" ] && [ "$(cut -d' ' -f2 "$WORK/steps/$1")" = 0 ] &&
		{ log "$1: measured before ($(cut -d' ' -f5 "$WORK/steps/$1")), kept"; return 0; }
	return 1
}
wanted() { [[ " $STEPS " == *" $1 "* ]]; }

# ---- the steps -------------------------------------------------------------------------
step_cache_cold() {
	fresh "$WORK/trees/cold"
	if [ -n "$KPATCH_BUILD" ]; then
		measure cache-cold "$KBC" kpatch-build -C "$WORK/trees/cold" --config "$CFG" -j "$JOBS" -- \
			-n bench_one -j "$JOBS" "${ONE[@]}"
	else
		measure cache-cold "$KBC" build -C "$WORK/trees/cold" --config "$CFG" -j "$JOBS"
	fi
	grep -h "stored .* files" "$WORK/logs/cache-cold.log" | tail -n 1 >"$WORK/steps/cache-cold.stored"
	rm -rf "$WORK/trees/cold"
}

step_restore() {
	fresh "$WORK/trees/restored"
	measure restore "$KBC" restore -C "$WORK/trees/restored" --config "$CFG" "${MODE[@]}" || return 1
	# the raw tree, for the entry size: the built tree on disk (outputs and source)
	du -sb --apparent-size "$WORK/trees/restored" | cut -f1 >"$WORK/steps/restore.tree-bytes"
	du -sb --apparent-size "$SRC" | cut -f1 >"$WORK/steps/restore.src-bytes"
}

step_kbc_warm() {
	fresh "$WORK/trees/kbc-warm"
	measure kbc-warm "$KBC" kpatch-build -C "$WORK/trees/kbc-warm" --config "$CFG" -j "$JOBS" -- \
		-n bench_one -j "$JOBS" "${ONE[@]}"
	rm -rf "$WORK/trees/kbc-warm"
}

# floor_prepare NAME PATCHES...: a restored, patched tree in which the
# objects direct mode compiled can be compiled once more with their
# recorded commands (the floor), plus the struct sizes it found.
floor_prepare() {
	local name=$1 tree=$WORK/trees/floor out=$WORK/out/$name
	shift
	fresh "$tree"
	"$KBC" restore -q -C "$tree" --config "$CFG" "${MODE[@]}" >/dev/null || return 1
	(cd "$out/patched" && find . -name '*.o' | sed 's|^\./||' | sort) >"$WORK/out/$name.objs"
	rm -rf "$WORK/out/$name.floor"
	mkdir -p "$WORK/out/$name.floor/orig" "$WORK/out/$name.floor/cmds" "$WORK/out/$name.floor/parents"
	cp "$out/parents/vmlinux.symtab" "$WORK/out/$name.floor/parents/"
	local o n=0
	while read -r o; do
		mkdir -p "$WORK/out/$name.floor/orig/$(dirname "$o")"
		cp "$tree/$o" "$WORK/out/$name.floor/orig/$o"
		# kbuild's saved command (cmd_ or savedcmd_), make's $$ undone
		sed -n '1s/^\(saved\)\{0,1\}cmd_[^ ]* := //p' "$tree/$(dirname "$o")/.$(basename "$o").cmd" |
			sed 's/\$(pound)/#/g; s/\$\$/$/g' >"$WORK/out/$name.floor/cmds/$n.sh"
		n=$((n + 1))
	done <"$WORK/out/$name.objs"
	for p in "$@"; do patch -s -p1 -d "$tree" <"$p" || return 1; done
	eval "$(python3 -c '
import json, sys
m = {"bug_entry": "BUG", "exception_table_entry": "EX", "jump_entry": "JUMP", "alt_instr": "ALT",
     "paravirt_patch_site": "PARA", "orc_entry": "ORC", "static_call_site": "STATIC_CALL",
     "pi_entry": "PRINTK_INDEX"}
for k, v in json.load(open(sys.argv[1]))["struct_sizes"].items():
    if k in m: print("export %s_STRUCT_SIZE=%d" % (m[k], v))' "$out.json")" || return 1
}

# floor_measure NAME STEP: the compile at -j JOBS plus our create-diff-object
# on each pair (parent: the cached vmlinux), in the prepared tree.
floor_measure() {
	local name=$1 tree=$WORK/trees/floor
	measure "$2" bash -c '
		cd "$1" && ls "$2"/*.sh | xargs -P "$3" -n 1 sh || exit 1
		while read -r o; do
			"$4" "$5/orig/$o" "$1/$o" vmlinux "$7" "$1/Module.symvers" bench_floor "$5/out.o" >/dev/null
			st=$?
			[ $st = 0 ] || [ $st = 3 ] || exit 1
		done <"$6"' floor "$tree" "$WORK/out/$name.floor/cmds" "$JOBS" "$CDO" \
		"$WORK/out/$name.floor" "$WORK/out/$name.objs" "$WORK/out/$name.floor/parents/vmlinux.symtab"
}

# median_step NAME N: step NAME is the median of NAME.r1..rN (all kept in
# NAME.runs for the report); a failed run fails the step.
median_step() {
	local name=$1 n=$2 r
	: >"$WORK/steps/$name.runs"
	for ((r = 1; r <= n; r++)); do
		[ -f "$WORK/steps/$name.r$r" ] || return 1
		cat "$WORK/steps/$name.r$r" >>"$WORK/steps/$name.runs"
	done
	awk '$2 != 0 { bad = 1 } END { exit bad }' "$WORK/steps/$name.runs" || return 1
	sort -n -k1,1 "$WORK/steps/$name.runs" | sed -n "$(((n + 1) / 2))p" >"$WORK/steps/$name"
	log "$name: median of $n: $(cut -d' ' -f1 "$WORK/steps/$name") s ($(cut -d' ' -f1 "$WORK/steps/$name.runs" | tr '\n' ' ')s)"
}

# step_direct NAME PATCHES...: direct mode on a fresh copy and the floor
# right after it, DIRECT_RUNS times in turn (load then moves both alike),
# medians recorded.  The one-file patch also runs again in the same tree.
step_direct() {
	local name=$1 runs=${DIRECT_RUNS:-3} r
	shift
	for ((r = 1; r <= runs; r++)); do
		fresh "$WORK/trees/$name"
		rm -rf "$WORK/out/$name"
		rm -f "$WORK/out/$name.json"
		measure "$name.r$r" "$KBC" diff -C "$WORK/trees/$name" --config "$CFG" "${MODE[@]}" \
			-j "$JOBS" --json "$WORK/out/$name.json" -o "$WORK/out/$name" "$@" || return 1
		# a patch author's next try, in the same tree
		if [ "$name" = direct-one ]; then
			rm -rf "$WORK/out/$name-again"
			measure "$name-again.r$r" "$KBC" diff -C "$WORK/trees/$name" --config "$CFG" \
				"${MODE[@]}" -j "$JOBS" -o "$WORK/out/$name-again" "$@" || return 1
		fi
		rm -rf "$WORK/trees/$name"
		if [ "$r" = 1 ]; then
			floor_prepare "$name" "$@" || return 1
		fi
		floor_measure "$name" "$name-floor.r$r" || return 1
	done
	rm -rf "$WORK/trees/floor"
	median_step "$name" "$runs" && median_step "$name-floor" "$runs" || return 1
	[ "$name" != direct-one ] || median_step "$name-again" "$runs"
}

# plain kpatch-build; -v: the running kernel's vmlinux, here the cached one
step_kpatch() {
	local name=$1 tree=$WORK/trees/kpatch
	fresh "$tree"
	local path=$PATH
	[ -d /usr/lib/ccache ] && path=/usr/lib/ccache:$PATH
	export CCACHE_DIR=$WORK/ccache CCACHE_MAXSIZE=30G
	# the warm run's statistics alone
	[ "$name" = kpatch-ccache ] && command -v ccache >/dev/null && ccache -z >/dev/null
	measure "$name" env PATH="$path" "$KPATCH_BUILD" -s "$tree" -c "$CFG" \
		-v "$WORK/vmlinux" -n bench_one -j "$JOBS" "${ONE[@]}"
	local st=$?
	# what ccache did, for the report and the log
	command -v ccache >/dev/null && ccache -s >"$WORK/logs/$name.ccache" 2>&1
	unset CCACHE_DIR CCACHE_MAXSIZE
	rm -rf "$tree"
	return $st
}

for s in $STEPS; do
	wanted "$s" || continue
	done_step "$s" && continue
	case $s in
	cache-cold) step_cache_cold || die "cache-cold failed" ;;
	restore) step_restore || die "restore failed" ;;
	kbc-warm) [ -n "$KPATCH_BUILD" ] && step_kbc_warm ;;
	direct-one) step_direct direct-one "${ONE[@]}" ;;
	direct-five) step_direct direct-five "${FIVE[@]}" ;;
	direct-header) step_direct direct-header "${HEADER[@]}" ;;
	kpatch-cold | kpatch-ccache)
		[ -n "$KPATCH_BUILD" ] || continue
		[ -f "$WORK/vmlinux" ] || cp "$WORK/trees/restored/vmlinux" "$WORK/vmlinux" ||
			die "no restored vmlinux for kpatch-build -v (run the restore step)"
		if [ "$s" = kpatch-cold ]; then
			rm -rf "$WORK/ccache"
		elif ! command -v ccache >/dev/null; then
			log "kpatch-ccache: ccache is not installed, skipped"
			continue
		fi
		step_kpatch "$s"
		;;
	*) die "unknown step '$s'" ;;
	esac
done

# ---- results ---------------------------------------------------------------------------
"$HERE/report.sh" "$WORK" "$RESULTS" "$TOP/bench/README.md"
