#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh WORK RESULTS README: the tables of bench/kbuild from the step
# files run.sh left in WORK/steps ("seconds status load_before load_after
# date"), as RESULTS/kbuild.{md,csv,svg}, and the same tables between the
# "kbuild-bench" markers of README.
set -uo pipefail
WORK=$1 RESULTS=$2 README=${3:-}
S=$WORK/steps

secs() { [ -f "$S/$1" ] && [ "$(cut -d' ' -f2 "$S/$1")" = 0 ] && cut -d' ' -f1 "$S/$1"; }
# load STEP: the 1-minute load before→after, and its mean over the step when sampled
load() { [ -f "$S/$1" ] && awk '{ printf "%s→%s", $3, $4; if (NF >= 6) printf " (mean %s)", $6 }' "$S/$1"; }
when() { [ -f "$S/$1" ] && cut -d' ' -f5 "$S/$1"; }
fmt() { [ -n "$1" ] && awk -v s="$1" 'BEGIN { if (s >= 120) printf "%.1f min", s / 60; else printf "%.1f s", s }' || echo "–"; }
# fmtm STEP: its time, and the range when it is the median of several runs
fmtm() {
	local s
	s=$(secs "$1")
	[ -n "$s" ] || { echo "–"; return; }
	if [ -f "$S/$1.runs" ] && [ "$(wc -l <"$S/$1.runs")" -gt 1 ]; then
		awk -v m="$s" '{ if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
			END { printf "%.1f s (%.1f–%.1f, %d runs)", m, lo, hi, NR }' "$S/$1.runs"
	else
		fmt "$s"
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.3g", a / b }'; }
verdict() { # value op limit
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
		if (v == "" || v == "–") { print "not measured"; exit }
		ok = (op == "<=") ? v <= l : v < l
		print ok ? "met" : "**missed**" }'
}
mib() { awk -v b="$1" 'BEGIN { if (b == "") print "–"; else printf "%.1f MiB", b / 1048576 }'; }

cold=$(secs kpatch-cold) ccw=$(secs kpatch-ccache) first=$(secs cache-cold) warm=$(secs kbc-warm)
# the cache's own build and store, from the first run's log (also when its
# kpatch-build then failed on the patch)
firstbuild=$(sed -n 's/.*built and stored in \([0-9]*\)s.*/\1/p' "$WORK/logs/cache-cold.log" 2>/dev/null | tail -n 1)
rest=$(secs restore)
objs() { [ -f "$WORK/out/$1.objs" ] && wc -l <"$WORK/out/$1.objs"; }
entry=$(du -sb --apparent-size "$WORK/cache" 2>/dev/null | cut -f1)
tree=$(cat "$S/restore.tree-bytes" 2>/dev/null) srcb=$(cat "$S/restore.src-bytes" 2>/dev/null)
outputs=""
[ -n "$tree" ] && [ -n "$srcb" ] && outputs=$((tree - srcb))
stored=$(cat "$S/cache-cold.stored" 2>/dev/null)

machine() {
	printf '%s, %s CPUs, %s GiB; kernel %s; %s\n' \
		"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)" \
		"$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)" \
		"$(gcc --version | head -n 1)"
}

# "N hits, M misses" from the ccache statistics saved after step $1
ccache_hits() {
	local f=$WORK/logs/$1.ccache
	[ -f "$f" ] || { echo "no statistics"; return; }
	awk '/^ *Hits:/ && !h { h = $2 } /^ *Misses:/ && !m { m = $2 } END { printf "%s hits, %s misses in the warm run", h, m }' "$f"
}

md() {
	echo "Debian linux-source-6.1 ($(sed -n 's/^# Linux\/x86_64 \(.*\) Kernel Configuration/\1/p' "$WORK/bench.config")), $(cat "$WORK/config.desc" 2>/dev/null), \`-j$(nproc)\`."
	echo "Machine: $(machine).  Load is the 1-minute average before→after each step, with its mean while the step ran where it was sampled."
	# what the numbers alone do not say (other work beside a run, ...), kept with the results
	[ -s "$WORK/notes.md" ] && { echo; cat "$WORK/notes.md"; }
	echo
	echo "**kpatch-build**, one-file patch (\`workqueue-queue-work-once\`, kernel/workqueue.c):"
	echo
	echo "| run | time | vs cold kpatch-build | load | measured |"
	echo "|---|---:|---:|---|---|"
	echo "| kpatch-build, cold | $(fmt "$cold") | 1 | $(load kpatch-cold) | $(when kpatch-cold) |"
	echo "| kpatch-build, ccache warm, same tree path | $(fmt "$ccw") | $(ratio "$ccw" "$cold") | $(load kpatch-ccache) | $(when kpatch-ccache) |"
	echo "| first \`kbuild-cache kpatch-build\`: the cache's one full build and store | $(fmt "$firstbuild") | $(ratio "$firstbuild" "$cold") | $(load cache-cold) | $(when cache-cold) |"
	echo "| \`kbuild-cache kpatch-build\`, warm (restore + kpatch-build) | $(fmt "$warm") | $(ratio "$warm" "$cold") | $(load kbc-warm) | $(when kbc-warm) |"
	echo
	echo "Target: warm at most 1/10 of cold kpatch-build: $(verdict "$(ratio "$warm" "$cold")" "<=" 0.1)."
	if [ -n "$ccw" ]; then
		echo
		echo "Both kpatch-build runs have /usr/lib/ccache first on PATH (kpatch-build does that itself only for a distribution kernel, not with \`-s\`); ccache: $(ccache_hits kpatch-ccache)."
	else
		echo
		echo "ccache's warm rebuild is not measured (ccache is not installed, or the kpatch-ccache step did not run)."
	fi
	echo
	echo "**Direct mode** (\`kbuild-cache diff\`: restore, patch, compile, diff in one process) against the floor (the same objects compiled once with their recorded commands at \`-j$(nproc)\`, plus create-diff-object on each pair); where several runs were made, direct mode and the floor ran in turn and the medians are shown, with their ranges, and compared:"
	echo
	echo "| patch | objects compiled | direct mode | floor | direct / floor | load (direct) |"
	echo "|---|---:|---:|---:|---:|---|"
	local p label
	for p in one five header; do
		case $p in
		one) label="one file (kernel/workqueue.c)" ;;
		five) label="five files (workqueue.c, af_packet.c, page_alloc.c, tcp.c, ext4/inode.c)" ;;
		header) label="header (fs/ext4/ext4.h)" ;;
		esac
		d=$(secs "direct-$p") f=$(secs "direct-$p-floor")
		echo "| $label | $(objs "direct-$p" || echo –) | $(fmtm "direct-$p") | $(fmtm "direct-$p-floor") | $(ratio "$d" "$f") | $(load "direct-$p") |"
	done
	d1=$(secs direct-one) f1=$(secs direct-one-floor) d1a=$(secs direct-one-again)
	echo "| one file again, same tree (stat cache and partial restore in place) | $(objs direct-one || echo –) | $(fmtm direct-one-again) | $(fmtm direct-one-floor) | $(ratio "$d1a" "$f1") | $(load direct-one-again) |"
	echo
	echo "Targets: one-file patch within 2x the floor (fresh copy: $(verdict "$(ratio "$d1" "$f1")" "<=" 2); same tree again: $(verdict "$(ratio "$d1a" "$f1")" "<=" 2)) and under 30 s ($(verdict "$d1" "<" 30))."
	echo
	echo "**Restore and entry size**:"
	echo
	echo "| | value | target |"
	echo "|---|---:|---|"
	echo "| restore of a fresh copy to the built state | $(fmt "$rest") | under 30 s: $(verdict "$rest" "<" 30) |"
	echo "| cache directory (one entry, zstd) | $(mib "$entry") | |"
	echo "| build outputs in the tree (restored tree minus source) | $(mib "$outputs") | |"
	echo "| raw built tree (source + outputs) | $(mib "$tree") | |"
	echo "| entry / raw built tree | $(ratio "$entry" "$tree") | at most 1/2: $(verdict "$(ratio "$entry" "$tree")" "<=" 0.5) |"
	echo "| entry / build outputs alone | $(ratio "$entry" "$outputs") | |"
	[ -n "$stored" ] && echo && echo "Store line of the cold run: \`$stored\`"
}

csv() {
	echo "step,seconds,status,load_before,load_after,measured"
	for f in "$S"/*; do
		case $f in *.*) continue ;; esac
		printf '%s,%s\n' "$(basename "$f")" "$(tr ' ' ',' <"$f")"
	done
	echo "entry_bytes,$entry,,,,"
	echo "outputs_bytes,$outputs,,,,"
	echo "tree_bytes,$tree,,,,"
}

svg() {
	local data=$WORK/plot.dat
	: >"$data"
	add() { [ -n "$2" ] && printf '"%s" %s\n' "$1" "$2" >>"$data"; }
	add "kpatch-build cold" "$cold"
	add "kpatch-build ccache warm" "$ccw"
	add "kbuild-cache kpatch-build warm" "$warm"
	add "direct: one file" "$(secs direct-one)"
	add "floor: one file" "$(secs direct-one-floor)"
	add "direct: five files" "$(secs direct-five)"
	add "floor: five files" "$(secs direct-five-floor)"
	add "direct: header" "$(secs direct-header)"
	add "floor: header" "$(secs direct-header-floor)"
	add "restore" "$rest"
	[ -s "$data" ] && command -v gnuplot >/dev/null || return 0
	gnuplot <<-EOF
	set terminal svg size 860,460 dynamic font "sans,12"
	set output "$RESULTS/kbuild.svg"
	set title "Time to a live patch's objects, linux-source-6.1 defconfig (log scale)"
	set style fill solid 0.7
	set boxwidth 0.6
	set logscale y
	set ylabel "seconds"
	set xtics rotate by -30
	set grid ytics
	unset key
	plot "$data" using 0:2:xtic(1) with boxes lc rgb "#4a7ab5", \
	     "$data" using 0:2:(sprintf("%.0f", \$2)) with labels offset 0,0.7
	EOF
}

md >"$RESULTS/kbuild.md"
csv >"$RESULTS/kbuild.csv"
svg
if [ -n "$README" ] && grep -q '<!-- kbuild-bench:begin -->' "$README"; then
	tmp=$(mktemp "$README.XXXXXX")
	awk -v md="$RESULTS/kbuild.md" '
		/<!-- kbuild-bench:begin -->/ { print; while ((getline l < md) > 0) print l;
			if (svg) print ""; skip = 1; next }
		/<!-- kbuild-bench:end -->/ { skip = 0 }
		!skip' "$README" >"$tmp" && mv "$tmp" "$README"
fi
cat "$RESULTS/kbuild.md"
echo "bench-kbuild: results in $RESULTS (kbuild.md, kbuild.csv, kbuild.svg)" >&2
