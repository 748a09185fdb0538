#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark create-diff-object (ours, and upstream when given) on every
# object pair we have.  Run through `make -C bench` (see bench/Makefile),
# which sets the variables below; results go to $RESULTS.
#
# Every figure is the minimum and median of $RUNS runs of a whole process,
# timed by our runner (fork, exec, wait4).  Upstream is measured in the
# same run, right after ours, within a per-point time budget; a run is
# killed after $UPSTREAM_MAX seconds, and a point whose run is predicted
# (from the previous size, upstream being quadratic) to take more than
# 2.5 times that is not run at all.
set -euo pipefail

: "${BUILD:?}" "${RUNNER:?}" "${FLOOR:?}" "${OUR_CDO:?}" "${RESULTS:?}" "${WORK:?}"
: "${SYNTH:=}" "${SIZES:=}" "${UPSTREAM_CDO:=}" "${KPATCH_UNIT_OBJS:=}"
: "${TESTOBJ:=}" "${RUNS:=5}" "${UPSTREAM_BUDGET:=70}" "${UPSTREAM_MAX:=120}"
: "${THREADS:=1 2 4 8}" "${PARENT_SIZE:=}"
: "${BATCH_DIR:=}" "${MODE:=full}" "${README:=}" "${CASES_SRC:=}"
: "${KERNEL_PAIRS:=1}" "${KERNEL_VERSIONS:=6.1 5.15}" "${CDO_KERNEL_CACHE:=/var/cache/cdo-kernel}"
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
KERNEL_TOBJ=$(dirname "$BENCH_DIR")/test-objects/kernel
# The parent and patch module names measure_pair passes, and the exit
# status a pair is expected to end with when that is neither 0 nor 3.
PARENT_NAME=vmlinux PATCH_NAME=livepatch_bench PAIR_EXPECT=""

# kpatch-build exports these from vmlinux's DWARF; these are x86_64's,
# as in upstream's unit tests.
export PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 ALT_STRUCT_SIZE=13
export JUMP_STRUCT_SIZE=24 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8
export PRINTK_INDEX_STRUCT_SIZE=44

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

[ -x "$OUR_CDO" ] || die "$OUR_CDO: not built (run 'make' first, or set OUR_CDO=)"
if [ -n "$UPSTREAM_CDO" ] && [ ! -x "$UPSTREAM_CDO" ]; then
	die "UPSTREAM_CDO=$UPSTREAM_CDO is not an executable"
fi
[ -n "$UPSTREAM_CDO" ] || note "UPSTREAM_CDO not set: upstream columns are skipped"

mkdir -p "$RESULTS" "$WORK/out" "$WORK/logs" "$WORK/unit"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
CSV=$RESULTS/results.csv
TCSV=$RESULTS/threads.csv
BCSV=$RESULTS/batch.csv
MD=$RESULTS/results.md
ROWS=$WORK/rows.md
UNITROWS=$WORK/unitrows.md
PARENTROWS=$WORK/parentrows.md
CASEROWS=$WORK/caserows.md
KERNELROWS=$WORK/kernelrows.md
: >"$ROWS"; : >"$UNITROWS"; : >"$PARENTROWS"; : >"$CASEROWS"; : >"$KERNELROWS"
echo "group,pair,sections,symbols,relocations,floor_min_ms,floor_median_ms,ours_runs,ours_min_ms,ours_median_ms,ours_rss_kb,ours_status,upstream_runs,upstream_min_ms,upstream_median_ms,upstream_rss_kb,upstream_status,speedup,ours_over_floor,floor_read_median_ms,note" >"$CSV"
echo "pair,threads,runs,min_ms,median_ms,rss_kb,status,speedup_vs_1" >"$TCSV"
echo "variant,pairs,runs,min_ms,median_ms,rss_kb,status" >"$BCSV"

# ---- helpers -------------------------------------------------------------

# run_timed LOG RUNNER-OPTIONS... -- CMD...: sets R_RUNS R_MIN R_MED R_RSS R_STATUS.
run_timed() {
	local log=$1 line
	shift
	line=$("$RUNNER" -o "$log" "$@") || die "runner failed: $*"
	R_RUNS=$(sed -n 's/.*runs=\([^ ]*\).*/\1/p' <<<"$line")
	R_MIN=$(sed -n 's/.*min=\([^ ]*\).*/\1/p' <<<"$line")
	R_MED=$(sed -n 's/.*median=\([^ ]*\).*/\1/p' <<<"$line")
	R_RSS=$(sed -n 's/.*rss_kb=\([^ ]*\).*/\1/p' <<<"$line")
	R_STATUS=$(sed -n 's/.*status=\([^ ]*\).*/\1/p' <<<"$line")
}

ok_status() { [ "$1" = 0 ] || [ "$1" = 3 ]; }

# Seconds to "12.3 ms" / "4.56 s"; empty stays empty.
fmt_t() {
	awk -v s="$1" 'BEGIN {
		if (s == "") { print "–"; exit }
		if (s < 1) printf "%.3g ms\n", s * 1000; else printf "%.3g s\n", s }'
}
fmt_mb() { awk -v k="$1" 'BEGIN { if (k == "") print "–"; else printf "%.1f MB\n", k / 1024 }'; }
ms() { awk -v s="$1" 'BEGIN { if (s == "") print ""; else printf "%.3f\n", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print ""; else printf "%.1f\n", a / b }'; }
fmt_x() { if [ -n "$1" ]; then echo "$1×"; else echo "–"; fi; }

status_cell() {
	# A failed run is flagged in the table next to its time; the status a
	# pair is expected to end with (PAIR_EXPECT) is only shown.
	if ok_status "$1"; then
		echo ""
	elif [ "$1" = "$PAIR_EXPECT" ]; then
		echo " (exit $1, expected)"
	else
		echo " (**exit $1**)"
	fi
}

# Predicted upstream seconds for SECTIONS from the last point of SERIES,
# assuming upstream's quadratic growth.
declare -A UP_LAST_S UP_LAST_T
predict_upstream() {
	local series=$1 sections=$2
	if [ -z "$series" ] || [ -z "${UP_LAST_T[$series]:-}" ]; then
		echo 0
		return
	fi
	awk -v t="${UP_LAST_T[$series]}" -v s0="${UP_LAST_S[$series]}" -v s="$sections" \
		'BEGIN { printf "%.1f\n", t * (s / s0) * (s / s0) }'
}

# measure_pair GROUP NAME ORIG PATCHED SYMTAB SYMVERS SERIES [VAR=VALUE...]
# Measures floor, ours and upstream on one pair; appends a CSV row and a
# Markdown row (to $ROWS, or $UNITROWS for the unit group).
measure_pair() {
	local group=$1 name=$2 orig=$3 patched=$4 symtab=$5 symvers=$6 series=$7
	shift 7
	local envs=("$@") counts sections symbols relocs safe note=""
	local f_min f_med f_read o_runs o_min o_med o_rss o_status
	local u_runs="" u_min="" u_med="" u_rss="" u_status="" speed over pred
	safe=${name//[^A-Za-z0-9._-]/_}

	counts=$("$FLOOR" -c "$orig") || die "$orig: floor tool failed"
	sections=$(sed -n 's/.*sections=\([0-9]*\).*/\1/p' <<<"$counts")
	symbols=$(sed -n 's/.*symbols=\([0-9]*\).*/\1/p' <<<"$counts")
	relocs=$(sed -n 's/.*relocations=\([0-9]*\).*/\1/p' <<<"$counts")

	run_timed /dev/null -n "$RUNS" -w 1 -- "$FLOOR" "$orig" "$patched"
	f_min=$R_MIN; f_med=$R_MED
	# The read alone, timed inside the floor process: no fork, exec or
	# dynamic linking.
	f_read=$(for ((i = 0; i < RUNS; i++)); do "$FLOOR" -t "$orig" "$patched"; done |
		sed -n 's/^time=//p' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

	run_timed "$WORK/logs/$safe.ours.log" -n "$RUNS" -w 1 -t 600 -- \
		env "${envs[@]}" "$OUR_CDO" "$orig" "$patched" "$PARENT_NAME" "$symtab" "$symvers" \
		"$PATCH_NAME" "$WORK/out/$safe.ours.o"
	o_runs=$R_RUNS; o_min=$R_MIN; o_med=$R_MED; o_rss=$R_RSS; o_status=$R_STATUS
	ok_status "$o_status" || [ "$o_status" = "$PAIR_EXPECT" ] ||
		note "$name: ours exited $o_status (log: $WORK/logs/$safe.ours.log)"

	if [ -n "$UPSTREAM_CDO" ]; then
		pred=$(predict_upstream "$series" "$sections")
		if awk -v p="$pred" -v m="$UPSTREAM_MAX" 'BEGIN { exit !(p > 2.5 * m) }'; then
			note="upstream skipped: ~${pred%.*} s per run predicted"
			u_status=skipped
			note "$name: $note"
		else
			[ -z "$series" ] || note "$name: upstream (predicted ${pred} s per run)"
			run_timed "$WORK/logs/$safe.upstream.log" -n "$RUNS" -b "$UPSTREAM_BUDGET" \
				-t "$UPSTREAM_MAX" -- \
				env "${envs[@]}" "$UPSTREAM_CDO" "$orig" "$patched" "$PARENT_NAME" "$symtab" \
				"$symvers" "$PATCH_NAME" "$WORK/out/$safe.upstream.o"
			u_runs=$R_RUNS; u_min=$R_MIN; u_med=$R_MED; u_rss=$R_RSS; u_status=$R_STATUS
			if [ "$u_status" = timeout ]; then
				# A lower bound is all we learn; later sizes are then skipped.
				note="upstream killed after ${UPSTREAM_MAX} s: speedup > $(ratio "$UPSTREAM_MAX" "$o_med")"
				u_min=""; u_med=""; u_rss=""
				[ -z "$series" ] || { UP_LAST_S[$series]=$sections; UP_LAST_T[$series]=$UPSTREAM_MAX; }
			elif [ -n "$series" ]; then
				UP_LAST_S[$series]=$sections; UP_LAST_T[$series]=$u_min
			fi
		fi
	fi
	speed=$(ratio "$u_med" "$o_med")
	over=$(ratio "$o_med" "$f_med")

	echo "$group,$name,$sections,$symbols,$relocs,$(ms "$f_min"),$(ms "$f_med"),$o_runs,$(ms "$o_min"),$(ms "$o_med"),$o_rss,$o_status,$u_runs,$(ms "$u_min"),$(ms "$u_med"),$u_rss,$u_status,$speed,$over,$(ms "$f_read"),${PAIR_EXPECT:+expected exit $PAIR_EXPECT${note:+; }}$note" >>"$CSV"

	local ucell="–" urss="–" runs_mark="" scell
	scell=$(fmt_x "$speed")
	if [ -n "$u_med" ]; then
		[ "$u_runs" -lt "$RUNS" ] && runs_mark=" [$u_runs]"
		ucell="$(fmt_t "$u_min") / $(fmt_t "$u_med")$runs_mark$(status_cell "$u_status")"
		urss=$(fmt_mb "$u_rss")
	elif [ "$u_status" = timeout ]; then
		ucell="> ${UPSTREAM_MAX} s (killed)"
		scell="> $(ratio "$UPSTREAM_MAX" "$o_med")×"
	elif [ -n "$note" ]; then
		ucell="($note)"
	fi
	local row
	row="| $name | $sections | $relocs | $(fmt_t "$f_read") | $(fmt_t "$f_med") | $(fmt_t "$o_min") / $(fmt_t "$o_med")$(status_cell "$o_status") | $(fmt_mb "$o_rss") | $ucell | $urss | $scell | $(fmt_x "$over") |"
	case $group in
	unit) echo "$row" >>"$UNITROWS" ;;
	cases) echo "$row" >>"$CASEROWS" ;;
	real-kernel) echo "$row" >>"$KERNELROWS" ;;
	*) echo "$row" >>"$ROWS" ;;
	esac
	LAST_OURS_MED=$o_med
}

machine_info() {
	local cpu mem
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "- Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $mem RAM, Linux $(uname -r)"
	echo "- Toolchain: $(gcc --version | head -1), libelf $(dpkg-query -W -f='${Version}' libelf1 2>/dev/null || echo '?')"
	echo "- Ours: \`${OUR_CDO#"$BUILD"/}\` ($(git -C "$(dirname "$0")" describe --always --dirty 2>/dev/null || echo 'unknown revision'))"
	if [ -n "$UPSTREAM_CDO" ]; then
		echo "- Upstream: \`$UPSTREAM_CDO\`"
	else
		echo "- Upstream: not measured (UPSTREAM_CDO not set)"
	fi
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the start ${LOAD_START}, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- 1. object pairs -----------------------------------------------------

# Pairs under $TESTOBJ (the output of `make -C test-objects`): every
# directory holding orig.o and patched.o, or NAME.ORIG.o next to
# NAME.PATCHED.o.  The parent symtab is <dir>/<name>.symtab or
# <dir>/parent.symtab (else the object's own); the case's source folder
# ($CASES_SRC/<name>) may add `symvers`, `parent` (the parent name), `env`
# and `expect`.  Cases expected to fail (exit 1 or 2) are left out: they
# time an error path.  Pairs in cases/ and cases-g/ are the small cases
# (reported in a folded table); anything else (kernel objects) goes in the
# main table.  The synthetic pairs are measured separately.
own_symtab() {
	local orig=$1 out=$2
	readelf -s --wide "$orig" | sed -r 's/\s+\[<localentry>: 8\]//' >"$out"
}

read_env_file() {
	# VAR=VALUE words, several to a line allowed (as upstream's .env); # comments.
	[ -f "$1" ] || return 0
	sed 's/#.*//' "$1" | tr -s ' \t' '\n' | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' || true
}

# test-objects/run-cases.sh's defaults for the small cases.
CASE_ENV=(PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12 ALT_STRUCT_SIZE=12
	JUMP_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8
	PRINTK_INDEX_STRUCT_SIZE=44)

if [ -n "$TESTOBJ" ] && [ -d "$TESTOBJ" ]; then
	note "test-objects pairs in $TESTOBJ"
	while IFS= read -r orig; do
		dir=$(dirname "$orig")
		case $orig in
		*/orig.o)
			patched=$dir/patched.o; name=${dir#"$TESTOBJ"/}; base=${dir##*/}
			src=$CASES_SRC/$base; envf=$src/env ;;
		*)
			patched=${orig%.ORIG.o}.PATCHED.o; name=${orig#"$TESTOBJ"/}
			name=${name%.ORIG.o}; base=${name##*/}; src=""; envf=${orig%.ORIG.o}.env ;;
		esac
		[ -f "$patched" ] || continue
		if [ -n "$src" ] && [ -f "$src/expect" ] &&
		   grep -Eq '^exit[[:space:]]+[12]([^0-9]|$)' "$src/expect"; then
			continue
		fi
		safe=${name//[^A-Za-z0-9._-]/_}
		symtab=""
		for f in "$dir/$base.symtab" "$dir/parent.symtab"; do
			[ -f "$f" ] && { symtab=$f; break; }
		done
		[ -n "$symtab" ] || { symtab=$WORK/unit/case-$safe.symtab; own_symtab "$orig" "$symtab"; }
		symvers=/dev/null
		for f in "$dir/Module.symvers" "${src:+$src/symvers}"; do
			[ -n "$f" ] && [ -f "$f" ] && { symvers=$f; break; }
		done
		PARENT_NAME=vmlinux
		[ -n "$src" ] && [ -f "$src/parent" ] && PARENT_NAME=$(head -1 "$src/parent")
		group=kernel envs=()
		case $name in cases/* | cases-g/*) group=cases; envs=("${CASE_ENV[@]}") ;; esac
		mapfile -t -O "${#envs[@]}" envs < <(read_env_file "$envf")
		measure_pair "$group" "$name" "$orig" "$patched" "$symtab" "$symvers" "" "${envs[@]}"
	done < <(find "$TESTOBJ" -path "$TESTOBJ/synth" -prune -o -path "$TESTOBJ/src" -prune -o \
		\( -name orig.o -o -name '*.ORIG.o' \) -type f -print | sort)
	PARENT_NAME=vmlinux
fi

if [ -n "$KPATCH_UNIT_OBJS" ]; then
	udir=$KPATCH_UNIT_OBJS
	[ -d "$udir/x86_64" ] && udir=$udir/x86_64
	[ -d "$udir" ] || die "KPATCH_UNIT_OBJS=$KPATCH_UNIT_OBJS: no such directory"
	note "upstream unit objects in $udir"
	for orig in "$udir"/*.ORIG.o; do
		patched=${orig%.ORIG.o}.PATCHED.o
		[ -f "$patched" ] || continue	# the .FAIL cases time an error path only
		name=$(basename "${orig%.ORIG.o}")
		symtab=$WORK/unit/$name.symtab
		own_symtab "$orig" "$symtab"
		mapfile -t envs < <(read_env_file "${orig%.ORIG.o}.env")
		measure_pair unit "$name" "$orig" "$patched" "$symtab" /dev/null "" "${envs[@]}"
	done
fi

# The real-kernel cases of test-objects/kernel, built by `make
# check-kernel` into $CDO_KERNEL_CACHE/tobj-<ver>: every object of every
# case, run as run-kernel-cases.sh runs it (the parent from the case's
# `parents` list with its symtab, the kernel's Module.symvers, the patch
# module livepatch_<case> and that kernel's struct sizes, which are
# CASE_ENV's), with absolute paths.  Cases expected to fail stay in: the
# status they expect is shown, any other is flagged.
if [ "$KERNEL_PAIRS" != 0 ]; then
	# shellcheck source=../test-objects/kernel/scripts/expect-lib.sh
	. "$KERNEL_TOBJ/scripts/expect-lib.sh"
	kvers=() kmissing=()
	for ver in $KERNEL_VERSIONS; do
		if [ -d "$CDO_KERNEL_CACHE/tobj-$ver/cases" ] &&
		   [ -d "$CDO_KERNEL_CACHE/tobj-$ver/parents" ]; then
			kvers+=("$ver")
		else
			kmissing+=("$ver")
		fi
	done
	if [ ${#kvers[@]} = 0 ]; then
		note "real-kernel pairs skipped: no real-kernel case objects in $CDO_KERNEL_CACHE (run make check-kernel first)"
	else
		for ver in "${kmissing[@]}"; do
			note "real-kernel pairs of $ver skipped: no case objects in $CDO_KERNEL_CACHE/tobj-$ver"
		done
	fi
	for ver in "${kvers[@]}"; do
		kwork=$CDO_KERNEL_CACHE/tobj-$ver
		note "real-kernel pairs of $ver in $kwork"
		for src in "$KERNEL_TOBJ"/cases/*/; do
			src=${src%/}; case_name=${src##*/}; dir=$kwork/cases/$case_name
			[ -f "$src/skip-$ver" ] && continue
			[ -f "$dir/parents" ] || { note "$ver/$case_name: no objects in $dir, skipped"; continue; }
			# fd 3: the tools timed in the loop keep our stdin.
			while read -r obj parent <&3; do
				[ -n "$obj" ] || continue
				name=$ver/$case_name/$obj
				if [ ! -f "$dir/orig/$obj" ] || [ ! -f "$dir/patched/$obj" ]; then
					note "$name: an object did not compile (see $dir/build.log), skipped"
					continue
				fi
				# The expect file run-kernel-cases.sh picks: <obj>.expect
				# for cases with an objects list, -<ver> first.
				ebase=expect
				if [ -f "$src/objects" ] || [ -f "$src/objects-$ver" ]; then
					ebase=$(basename "$obj" .o).expect
				fi
				efile=$src/$ebase-$ver
				[ -f "$efile" ] || efile=$src/$ebase
				PAIR_EXPECT=""
				[ -f "$efile" ] && PAIR_EXPECT=$(expect_exit "$efile")
				ok_status "$PAIR_EXPECT" && PAIR_EXPECT=""
				PARENT_NAME=$parent PATCH_NAME=livepatch_${case_name//-/_}
				measure_pair real-kernel "$name" "$dir/orig/$obj" "$dir/patched/$obj" \
					"$kwork/parents/$parent.symtab" "$kwork/parents/Module.symvers" "" \
					"${CASE_ENV[@]}"
			done 3<"$dir/parents"
		done
	done
	PARENT_NAME=vmlinux PATCH_NAME=livepatch_bench PAIR_EXPECT=""
fi

# Synthetic pairs, smallest first so upstream's growth can be predicted.
SYNTH_SIZES=()
if [ -n "$SYNTH" ] && [ -n "$SIZES" ]; then
	read -ra SYNTH_SIZES <<<"$SIZES"
	for g in "" -g; do
		for s in "${SYNTH_SIZES[@]}"; do
			d=$SYNTH/synth-$s$g
			[ -f "$d/orig.o" ] || { note "$d: missing, skipped"; continue; }
			measure_pair synth "synth-$s$g" "$d/orig.o" "$d/patched.o" "$d/own.symtab" \
				/dev/null "synth$g"
		done
	done
fi

# ---- 2. distro-sized parent ----------------------------------------------

PARENT_SUMMARY=""
if [ -n "$PARENT_SIZE" ] && [ -d "$SYNTH/synth-$PARENT_SIZE" ]; then
	plines=$(wc -l <"$SYNTH/synth-$PARENT_SIZE/parent.symtab")
	svlines=$(wc -l <"$SYNTH/synth-$PARENT_SIZE/Module.symvers")
	saved_rows=$ROWS
	ROWS=$PARENTROWS
	for v in "" -m100; do
		d=$SYNTH/synth-$PARENT_SIZE$v
		[ -d "$d" ] || continue
		changed=1; [ "$v" = -m100 ] && changed=100
		measure_pair parent "synth-$PARENT_SIZE$v (own symtab)" "$d/orig.o" "$d/patched.o" \
			"$d/own.symtab" /dev/null ""
		base=$LAST_OURS_MED
		measure_pair parent "synth-$PARENT_SIZE$v (distro parent)" "$d/orig.o" "$d/patched.o" \
			"$d/parent.symtab" "$d/Module.symvers" ""
		added=$(awk -v a="$LAST_OURS_MED" -v b="$base" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
		PARENT_SUMMARY+="- $changed changed function(s): the distro parent adds **$added ms** to ours (median)."$'\n'
	done
	ROWS=$saved_rows
	PARENT_SUMMARY="Parent symtab: $plines lines; Module.symvers: $svlines lines."$'\n\n'"$PARENT_SUMMARY"
fi

# ---- 3. thread scaling ---------------------------------------------------

# Probe: does ours take -j and --batch?  (Upstream stands in for ours
# during development and takes neither.)
probe_dir=""
for s in "${SYNTH_SIZES[@]}"; do
	[ -f "$SYNTH/synth-$s/orig.o" ] && { probe_dir=$SYNTH/synth-$s; break; }
done
HAS_J=no HAS_BATCH=no
if [ -n "$probe_dir" ]; then
	pargs=("$probe_dir/orig.o" "$probe_dir/patched.o" vmlinux "$probe_dir/own.symtab" /dev/null
		livepatch_bench "$WORK/out/probe.o")
	rc=0; "$OUR_CDO" -j 1 "${pargs[@]}" >/dev/null 2>&1 || rc=$?
	ok_status "$rc" && HAS_J=yes
	echo "${pargs[*]}" >"$WORK/probe.batch"
	rc=0; "$OUR_CDO" --batch "$WORK/probe.batch" >/dev/null 2>&1 || rc=$?
	ok_status "$rc" && HAS_BATCH=yes
fi

THREAD_ROWS=""
if [ "$HAS_J" = yes ] && [ "$MODE" != smoke ]; then
	tpairs=()
	for p in synth-${SYNTH_SIZES[-1]}-g synth-${SYNTH_SIZES[-1]}; do
		[ -f "$SYNTH/$p/orig.o" ] && tpairs+=("$p")
	done
	for p in "${tpairs[@]}"; do
		d=$SYNTH/$p
		one=""
		for j in $THREADS; do
			run_timed "$WORK/logs/$p.j$j.log" -n "$RUNS" -w 1 -- "$OUR_CDO" -j "$j" \
				"$d/orig.o" "$d/patched.o" vmlinux "$d/own.symtab" /dev/null \
				livepatch_bench "$WORK/out/$p.j.o"
			[ -z "$one" ] && one=$R_MED
			sp=$(ratio "$one" "$R_MED")
			echo "$p,$j,$R_RUNS,$(ms "$R_MIN"),$(ms "$R_MED"),$R_RSS,$R_STATUS,$sp" >>"$TCSV"
			THREAD_ROWS+="| $p | $j | $(fmt_t "$R_MIN") / $(fmt_t "$R_MED")$(status_cell "$R_STATUS") | $(fmt_mb "$R_RSS") | $(fmt_x "$sp") |"$'\n'
		done
	done
elif [ "$HAS_J" = no ] && [ -n "$probe_dir" ]; then
	note "ours does not take -j N: thread scaling skipped"
fi

# ---- 4. batch ------------------------------------------------------------

BATCH_ROWS="" BATCH_SUMMARY=""
if [ -n "$BATCH_DIR" ] && [ -f "$BATCH_DIR/pairs.txt" ]; then
	mapfile -t bids <"$BATCH_DIR/pairs.txt"
	nb=${#bids[@]}
	bfile=$WORK/batch.txt
	: >"$bfile"
	files=()
	for b in "${bids[@]}"; do
		printf '%s %s vmlinux %s %s livepatch_bench %s\n' "$BATCH_DIR/$b/orig.o" \
			"$BATCH_DIR/$b/patched.o" "$BATCH_DIR/parent.symtab" \
			"$BATCH_DIR/Module.symvers" "$WORK/out/batch-$b.o" >>"$bfile"
		files+=("$BATCH_DIR/$b/orig.o" "$BATCH_DIR/$b/patched.o")
	done
	# kpatch-build's loop: one process per object, 0 and 3 both fine.
	serial=$WORK/batch-serial.sh
	cat >"$serial" <<-'EOF'
	#!/bin/bash
	cdo=$1 list=$2 rc=0
	while read -r o p n s v m out; do
		"$cdo" "$o" "$p" "$n" "$s" "$v" "$m" "$out" >/dev/null 2>&1 || rc=$?
		[ "$rc" = 0 ] || [ "$rc" = 3 ] || exit "$rc"
		rc=0
	done <"$list"
	EOF
	batch_row() {
		echo "$1,$nb,$R_RUNS,$(ms "$R_MIN"),$(ms "$R_MED"),$R_RSS,$R_STATUS" >>"$BCSV"
		local mark=""
		[ "$R_RUNS" -lt "$RUNS" ] && mark=" [$R_RUNS]"
		BATCH_ROWS+="| $1 | $(fmt_t "$R_MIN") / $(fmt_t "$R_MED")$mark$(status_cell "$R_STATUS") | $(fmt_mb "$R_RSS") |"$'\n'
	}
	run_timed /dev/null -n "$RUNS" -w 1 -- "$FLOOR" "${files[@]}"
	batch_row "floor: read all $((nb * 2)) objects in one process"
	run_timed "$WORK/logs/batch-ours-serial.log" -n "$RUNS" -b "$UPSTREAM_BUDGET" -- \
		bash "$serial" "$OUR_CDO" "$bfile"
	batch_row "ours: one process per pair"
	ours_serial=$R_MED
	ours_batch=""
	if [ "$HAS_BATCH" = yes ]; then
		run_timed "$WORK/logs/batch-ours.log" -n "$RUNS" -w 1 -- "$OUR_CDO" --batch "$bfile"
		batch_row "ours: \`--batch\` in one process"
		ours_batch=$R_MED
	else
		note "ours does not take --batch FILE: batch mode skipped"
	fi
	if [ -n "$UPSTREAM_CDO" ] && [ "$MODE" != smoke ]; then
		run_timed "$WORK/logs/batch-upstream.log" -n "$RUNS" -b "$UPSTREAM_BUDGET" \
			-t $((UPSTREAM_MAX * 4)) -- bash "$serial" "$UPSTREAM_CDO" "$bfile"
		batch_row "upstream: one process per pair as kpatch-build runs it"
		best=${ours_batch:-$ours_serial}
		BATCH_SUMMARY="Upstream's serial loop / ours$([ -n "$ours_batch" ] && echo ' --batch' || echo ', one process per pair'): **$(fmt_x "$(ratio "$R_MED" "$best")")**."
	fi
fi

# ---- 5. report -----------------------------------------------------------

# Targets from the issue, checked against what was measured (informative).
targets() {
	awk -F, -v max="$UPSTREAM_MAX" '
	function lb(x) { sub(/^> /, "", x); return x + 0 }
	NR == 1 { next }
	$1 != "parent" && $19 != "" && $19 + 0 > worst { worst = $19; wname = $2 }
	$1 != "parent" && $20 + 0 > 0 && $10 / $20 > rworst { rworst = $10 / $20; rname = $2 }
	$1 == "synth" { sp[$2] = $18; med[$2] = $10
		if ($18 == "" && match($21, /speedup > [0-9.]+/)) sp[$2] = "> " substr($21, RSTART + 10, RLENGTH - 10) }
	$16 != "" && $11 != "" { both++ }
	$16 != "" && $11 != "" && $11 + 0 > ($16 + 0) * 1.05 && $11 - $16 > 256 { fat = fat " " $2 }
	END {
		if (worst != "")
			printf "- Within 20× of the floor on every pair: worst is %s× the floor process (%s): %s; against the read alone, worst is %.1f× (%s)\n", worst, wname, (worst <= 20 ? "met" : "**not met**"), rworst, rname
		for (p in sp) if (p ~ /^synth-[0-9]+$/ && sp[p] != "") {
			n = substr(p, 7) + 0
			if (n <= 5000 && (small == "" || n > smalln)) { small = p; smalln = n }
			if (n >= 40000 && (big == "" || n < bign)) { big = p; bign = n }
		}
		if (small != "")
			printf "- At least 50× faster than upstream near 3,000 sections: %s× on %s: %s\n", sp[small], small, (lb(sp[small]) >= 50 ? "met" : (sp[small] ~ /^>/ ? "not shown" : "**not met**"))
		if (big != "")
			printf "- At least 500× faster at 40k sections: %s× on %s: %s\n", sp[big], big, (lb(sp[big]) >= 500 ? "met" : (sp[big] ~ /^>/ ? "not shown (upstream was killed: only a lower bound)" : "**not met**"))
		for (p in med) if (p ~ /^synth-100000-g$/)
			printf "- 100k-section pair with -g under 0.5 s: %.3g s: %s\n", med[p] / 1000, (med[p] < 500 ? "met" : "**not met**")
		if (!both)
			printf "- Peak RSS no more than upstream: not measured (no upstream runs)\n"
		else if (fat != "")
			printf "- Peak RSS no more than upstream (tolerance 5%% and 256 KB): **not met** on%s\n", fat
		else
			printf "- Peak RSS no more than upstream (tolerance 5%% and 256 KB): met on all %d pairs where upstream ran\n", both
	}' "$CSV"
}

# summary GROUP [PREFIX]: one line on the group's pairs (those whose name
# starts with PREFIX).  A status the pair expects (its note) is no failure.
summary() {
	awk -F, -v g="$1" -v pre="${2:-}" '$1 != g || substr($2, 1, length(pre)) != pre { next }
		{ n++; ms += $10; if ($12 != 0 && $12 != 3 && index($21, "expected exit " $12) != 1) bad++ }
		$18 != "" && $18 > 0 { u++; l += log($18); if (min == "" || $18 + 0 < min + 0) min = $18; if ($18 + 0 > max + 0) max = $18 }
		END {
			printf "%d pairs, ours %.1f ms in all (medians)", n, ms
			if (u) printf "; speedup over upstream: geometric mean %.1f×, range %s× to %s×", exp(l / u), min, max
			if (bad) printf "; **%d pairs where ours failed**", bad
			printf ".\n" }' "$CSV"
}

{
	echo "# create-diff-object benchmark"
	echo
	machine_info
	echo
	echo "Each cell is **min / median** wall time of $RUNS runs of the whole process (fork to exit),"
	echo "measured with \`bench/runner\`; \`[n]\` marks upstream points with fewer runs (time budget"
	echo "${UPSTREAM_BUDGET} s per point). An upstream run is killed after ${UPSTREAM_MAX} s, which gives only a lower"
	echo "bound on the speedup, and is not tried where the previous size predicts more than 2.5 times"
	echo "that (its time grows with the square of the size). RSS is the peak resident set."
	echo "*Floor* is \`cdo-floor\` run the same way: libelf opens both objects and reads every section,"
	echo "symbol and relocation, nothing else; *floor read* is the median of that read timed inside the"
	echo "process (no fork, exec or dynamic linking). *Speedup* is upstream median / ours median;"
	echo "*ours / floor* is ours median / floor median (whole processes both)."
	if [ -s "$ROWS" ]; then
		echo
		echo "## Object pairs"
		echo
		echo "Synthetic pairs (\`test-objects/synth\`) use the object's own symbol table as the parent,"
		echo "as upstream's unit tests do; \`-g\` pairs carry debug info and its relocations."
		echo
		echo "| pair | sections | relocations | floor read | floor | ours | ours RSS | upstream | upstream RSS | speedup | ours / floor |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		cat "$ROWS"
	fi
	if [ -s "$PARENTROWS" ]; then
		echo
		echo "## Distro-sized parent"
		echo
		echo "$PARENT_SUMMARY"
		echo "| pair | sections | relocations | floor read | floor | ours | ours RSS | upstream | upstream RSS | speedup | ours / floor |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		cat "$PARENTROWS"
	fi
	if [ -n "$BATCH_ROWS" ]; then
		echo
		echo "## Batch of ${nb} pairs (a header change)"
		echo
		echo "Small synthetic pairs (20–199 functions, one changed each) sharing the distro-sized parent."
		echo
		echo "| variant | min / median | peak RSS |"
		echo "|---|---:|---:|"
		printf '%s' "$BATCH_ROWS"
		[ -n "$BATCH_SUMMARY" ] && { echo; echo "$BATCH_SUMMARY"; }
	fi
	if [ -n "$THREAD_ROWS" ]; then
		echo
		echo "## Thread scaling (ours, \`-j N\`, on a $(nproc)-CPU machine)"
		echo
		echo "| pair | threads | min / median | peak RSS | speedup vs 1 |"
		echo "|---|---:|---:|---:|---:|"
		printf '%s' "$THREAD_ROWS"
	fi
	echo
	echo "## Targets (measured, never asserted)"
	echo
	targets
	if [ -n "$PARENT_SUMMARY" ]; then
		awk '/adds/ { gsub(/\*/, ""); for (i = 1; i <= NF; i++) if ($i == "ms") v = $(i - 1);
			printf "- Parent lookup adds under 100 ms (%s changed): %s ms: %s\n", $2, v, (v + 0 < 100 ? "met" : "**not met**") }' <<<"$PARENT_SUMMARY"
	fi
	if [ -n "$BATCH_SUMMARY" ]; then
		x=$(sed -n 's/.*\*\*\([0-9.]*\)×\*\*.*/\1/p' <<<"$BATCH_SUMMARY")
		echo "- Batch at least 50× faster than upstream's serial loop: ${x}×: $(awk -v x="$x" 'BEGIN { print (x + 0 >= 50 ? "met" : "**not met**") }')"
	fi
	if [ -s "$KERNELROWS" ]; then
		echo
		echo "## Real-kernel pairs"
		echo
		echo "The objects of the real-kernel cases (\`test-objects/kernel\`, built by \`make check-kernel\`),"
		echo "named *kernel/case/object* and run as \`run-kernel-cases.sh\` runs them: the real parent"
		echo "symtab (vmlinux or the module), the kernel's \`Module.symvers\` and its struct sizes."
		echo "A case's expected exit status is shown next to the time; any other failure is in bold."
		echo
		while read -r ver; do
			echo "- $ver: $(summary real-kernel "$ver/")"
		done < <(awk -F, '$1 == "real-kernel" { sub(/\/.*/, "", $2); if (!seen[$2]++) print $2 }' "$CSV")
		echo
		echo "<details><summary>All real-kernel pairs</summary>"
		echo
		echo "| pair | sections | relocations | floor read | floor | ours | ours RSS | upstream | upstream RSS | speedup | ours / floor |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		cat "$KERNELROWS"
		echo
		echo "</details>"
	fi
	if [ -s "$CASEROWS" ]; then
		echo
		echo "## Small test-object cases"
		echo
		echo "The pairs of \`make -C test-objects\` (\`cases\` and \`-g\` \`cases-g\`) that are expected to succeed."
		echo
		summary cases
		echo
		echo "<details><summary>All case pairs</summary>"
		echo
		echo "| pair | sections | relocations | floor read | floor | ours | ours RSS | upstream | upstream RSS | speedup | ours / floor |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		cat "$CASEROWS"
		echo
		echo "</details>"
	fi
	if [ -s "$UNITROWS" ]; then
		echo
		echo "## Upstream unit-test objects"
		echo
		summary unit
		echo
		echo "<details><summary>All unit pairs</summary>"
		echo
		echo "| pair | sections | relocations | floor read | floor | ours | ours RSS | upstream | upstream RSS | speedup | ours / floor |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		cat "$UNITROWS"
		echo
		echo "</details>"
	fi
} >"$MD"

# ---- 6. plots ------------------------------------------------------------

if command -v gnuplot >/dev/null && [ ${#SYNTH_SIZES[@]} -gt 0 ]; then
	dat=$WORK/scaling.dat
	# sections floor ours upstream, one block per series (no -g, -g).
	for g in "" -g; do
		echo "# synth$g"
		awk -F, -v g="$g" '$1 == "synth" {
			isg = ($2 ~ /-g$/); if ((g == "-g") != isg) next
			printf "%s %s %s %s\n", $3, ($6 == "" ? "NaN" : $6), ($9 == "" ? "NaN" : $9), ($14 == "" ? "NaN" : $14) }' "$CSV"
		printf '\n\n'
	done >"$dat"
	gnuplot <<-EOF || note "gnuplot failed: no scaling plot"
	set terminal svg size 860,520 dynamic font "sans,12"
	set output "$RESULTS/scaling.svg"
	set title "create-diff-object time against object size (minimum of runs)"
	set xlabel "sections in the object"
	set ylabel "wall time (ms)"
	set logscale xy
	set grid
	set key top left
	set datafile missing "NaN"
	plot "$dat" index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb "#c0392b" title "upstream", \
	     "$dat" index 1 using 1:4 with linespoints lw 2 pt 5 dt 2 lc rgb "#c0392b" title "upstream -g", \
	     "$dat" index 0 using 1:3 with linespoints lw 2 pt 7 lc rgb "#2471a3" title "ours", \
	     "$dat" index 1 using 1:3 with linespoints lw 2 pt 5 dt 2 lc rgb "#2471a3" title "ours -g", \
	     "$dat" index 0 using 1:2 with linespoints lw 1 pt 6 lc rgb "#7f8c8d" title "floor", \
	     "$dat" index 1 using 1:2 with linespoints lw 1 pt 4 dt 2 lc rgb "#7f8c8d" title "floor -g"
	EOF
	if [ "$(wc -l <"$TCSV")" -gt 1 ]; then
		tdat=$WORK/threads.dat
		awk -F, 'NR > 1 { if ($1 != last) { if (NR > 2) printf "\n\n"; printf "# %s\n", $1; last = $1 }
			print $2, $4 }' "$TCSV" >"$tdat"
		tnames=$(awk -F, 'NR > 1 && !seen[$1]++ { print $1 }' "$TCSV")
		plotcmd="" i=0
		for p in $tnames; do
			plotcmd+="${plotcmd:+, }\"$tdat\" index $i using 1:2 with linespoints lw 2 title \"$p\""
			i=$((i + 1))
		done
		gnuplot <<-EOF || note "gnuplot failed: no thread plot"
		set terminal svg size 640,420 dynamic font "sans,12"
		set output "$RESULTS/threads.svg"
		set title "ours: time against worker threads ($(nproc) CPUs, minimum of runs)"
		set xlabel "threads (-j)"
		set ylabel "wall time (ms)"
		set logscale x 2
		set yrange [0:*]
		set grid
		plot $plotcmd
		EOF
	fi
else
	note "gnuplot not found or no synthetic pairs: no plots"
fi

# ---- 7. README -----------------------------------------------------------

if [ -n "$README" ] && [ -f "$README" ]; then
	{
		sed '/<!-- bench:begin -->/q' "$README"
		echo
		[ -f "$RESULTS/scaling.svg" ] && echo "![time against object size](results/scaling.svg)" && echo
		[ -f "$RESULTS/threads.svg" ] && [ -n "$THREAD_ROWS" ] &&
			echo "![thread scaling](results/threads.svg)" && echo
		sed '1,2d; s/^## /### /; s/^# /## /' "$MD"
		echo
		sed -n '/<!-- bench:end -->/,$p' "$README"
	} >"$README.tmp"
	mv "$README.tmp" "$README"
fi

cat "$MD"
echo
echo "bench: results in $RESULTS (results.md, results.csv, threads.csv, batch.csv, *.svg)"
