#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the real-kernel create-diff-object cases (test-objects/kernel/):
# configure and build a small kernel with its own flags, the kernel a
# livepatch is built for, then, for every case, compile the objects its
# patch touches with kpatch-build's extra flags (-ffunction-sections
# -fdata-sections) before (original) and after (patched) applying the
# patch, and revert it.  Each case ends up with the pair, plus the parent's
# symbol table (readelf -s --wide of vmlinux or of the module) and
# Module.symvers.
#
#   gen-kernel-cases.sh [--kernel-src DIR] [--only CASE]
#
# Without --kernel-src the tree is Debian's linux-source-6.1.  Results go to
# $CDO_KERNEL_CACHE/tobj-<version>/ (default cache /var/cache/cdo-kernel):
#
#   src/ build/                the kernel source and its O= build tree
#   parents/                   <parent>.symtab, Module.symvers
#   orig/<obj>                 an object compiled with kpatch's flags
#   cases/<case>/orig/<obj>    that original object
#   cases/<case>/patched/<obj> the same object with the patch applied
#   cases/<case>/parents       "<obj> <parent>" lines (vmlinux or module)
#
# A warm cache rebuilds nothing: the kernel is built once per source and
# configuration, an original object once per kernel build, and a case's
# pair is kept until its patch or object list changes.
#
# Environment:
#   CDO_KERNEL_CACHE   cache directory (default /var/cache/cdo-kernel)
#   JOBS               make -j value (default 2)
#   KERNEL_BUILD_LOCK  a lock file: when set, wait until no other kernel
#                      build runs and hold this flock(1) lock while building
set -euo pipefail
# Nothing of a calling make (its -j, jobserver or command-line variables
# such as O=) may reach the kernel's make.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

HERE=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../../scripts/lib/kernel-src.sh
. "$HERE/../../scripts/lib/kernel-src.sh"
CACHE=${CDO_KERNEL_CACHE:-/var/cache/cdo-kernel}
JOBS=${JOBS:-2}
FRAGMENT=$HERE/config/tobj.config
# What kpatch-build adds to the kernel's own flags for the objects it
# diffs (its KCFLAGS, without the include path of its own macros, which no
# case uses).  -gz=none is added because gcc supports it, as kpatch-build
# checks.  The kernel itself is built without them, as the distribution
# kernel kpatch-build takes vmlinux from: linked with -fdata-sections,
# 6.1's linker script leaves .bss.* as orphan sections and the zero-sized
# lock_class_key statics (__key.N) vanish from vmlinux's symbol table, so
# no object that has one would find its symbols there.
KPATCH_KCFLAGS="-ffunction-sections -fdata-sections -gz=none"
HOST_PKGS="gcc make libc6-dev bc flex bison libssl-dev libelf-dev xz-utils
	patch binutils"

KERNEL_SRC='' ONLY=''
T0=$(date +%s)

log() { printf 'gen-kernel-cases: [%4ds] %s\n' $(($(date +%s) - T0)) "$*"; }
die() { printf 'gen-kernel-cases: error: %s\n' "$*" >&2; exit 1; }

usage() {
	echo "usage: $0 [--kernel-src DIR] [--only CASE]" >&2
	exit 2
}

while [[ $# -gt 0 ]]; do
	case "$1" in
	--kernel-src) KERNEL_SRC=${2:?}; shift 2 ;;
	--only) ONLY=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "gen-kernel-cases: unknown argument '$1'" >&2; usage ;;
	esac
done

# Run a long command with its output in a log file; show the tail on error.
run_logged() {
	local logfile=$1; shift
	if ! "$@" >"$logfile" 2>&1; then
		tail -n 40 "$logfile" >&2
		die "'$*' failed (full log: $logfile)"
	fi
}

kmake() {
	make -C "$SRC" O="$BUILD" ARCH=x86_64 LOCALVERSION= -j"$JOBS" "$@"
}

# make with kpatch-build's flags, for the objects of the cases.
kmake_kpatch() {
	kmake KCFLAGS="$KPATCH_KCFLAGS" "$@"
}

# With KERNEL_BUILD_LOCK set, other people build kernels on this machine:
# wait until no kernel build runs, then take the shared lock for the rest
# of this script (fd 9 stays open until exit).
lock_builds() {
	[[ -n "${KERNEL_BUILD_LOCK:-}" ]] || return 0
	[[ -z "${LOCKED:-}" ]] || return 0
	log "waiting for other kernel builds ($KERNEL_BUILD_LOCK)"
	exec 9>>"$KERNEL_BUILD_LOCK"
	flock 9
	while pgrep -f 'scripts/Makefile\.build|make .*(vmlinux|bzImage|modules)' >/dev/null; do
		sleep 30
	done
	LOCKED=1
	log "build lock taken"
}

prepare_source() {
	kernel_src_prepare "$WORK" "$SRC" "$BUILD" "$KERNEL_SRC" log run_logged \
		"$WORK/built.stamp" "$WORK/applied"
}

# The configuration lines: the common fragment, then the version's own.
config_lines() {
	cat "$FRAGMENT"
	[[ ! -f "${FRAGMENT%.config}-$VER.config" ]] || cat "${FRAGMENT%.config}-$VER.config"
}

configure() {
	local want line
	want="$(config_lines | sha256sum | cut -c1-16)"
	if [[ -f "$BUILD/.config" && -f "$BUILD/config.stamp" &&
	      "$(cat "$BUILD/config.stamp")" == "$want" ]]; then
		return
	fi
	log "configuring (tinyconfig + $(basename "$FRAGMENT") and its $VER lines)"
	mkdir -p "$BUILD"
	run_logged "$WORK/config.log" kmake tinyconfig
	config_lines | grep '^CONFIG_' >>"$BUILD/.config"
	run_logged "$WORK/config.log" kmake olddefconfig
	while read -r line; do
		grep -qx "$line" "$BUILD/.config" ||
			die "$line did not survive olddefconfig (see $BUILD/.config)"
	done < <(config_lines | grep '^CONFIG_')
	echo "$want" >"$BUILD/config.stamp"
}

# patch(1) quietly, on the source, with extra options.
spatch() {
	patch -p1 -s -f --no-backup-if-mismatch -d "$SRC" "$@" >/dev/null 2>&1
}

# A run that stopped between applying and reverting patches leaves the
# source patched: take off the patches that are on, or unpack the source
# again when one is neither on nor off.
recover_source() {
	local p i
	[[ -d "$WORK/applied" ]] || return 0
	log "reverting patches left applied by an interrupted run"
	local -a patches=("$WORK/applied"/*.patch)
	for ((i = ${#patches[@]} - 1; i >= 0; i--)); do
		p=${patches[i]}
		[[ -f "$p" ]] || continue
		if spatch -R --dry-run <"$p"; then
			spatch -R <"$p"
		elif ! spatch --dry-run <"$p"; then
			log "cannot revert $(basename "$p"); unpacking the source again"
			rm -f "$WORK/src.stamp"
			prepare_source
			return
		fi
	done
	[[ ! -f "$WORK/applied/objects" ]] || restore_objects "$WORK/applied/objects"
	[[ ! -f "$WORK/applied/mtimes" ]] || restore_mtimes "$WORK/applied/mtimes"
	rm -rf "$WORK/applied"
}

build_kernel() {
	local want ko
	want="$(cat "$WORK/src.stamp") $(cat "$BUILD/config.stamp")"
	if [[ -f "$WORK/built.stamp" && "$(cat "$WORK/built.stamp")" == "$want" &&
	      -f "$BUILD/vmlinux" ]]; then
		return
	fi
	lock_builds
	local t
	t=$(date +%s)
	log "building vmlinux and modules (make -j$JOBS, log: $WORK/build.log)"
	run_logged "$WORK/build.log" kmake vmlinux modules
	log "kernel built in $(($(date +%s) - t))s"
	rm -rf "$WORK/parents"
	mkdir -p "$WORK/parents"
	readelf -s --wide "$BUILD/vmlinux" >"$WORK/parents/vmlinux.symtab"
	while read -r ko; do
		ko=${ko%.o}; ko=${ko%.ko}
		readelf -s --wide "$BUILD/$ko.ko" >"$WORK/parents/$(module_name "$ko").symtab"
	done <"$BUILD/modules.order"
	cp "$BUILD/Module.symvers" "$WORK/parents/Module.symvers"
	# Every object and pair is made again against the new build.
	rm -rf "$WORK/cases" "$WORK/orig"
	echo "$want" >"$WORK/built.stamp"
}

# The name kpatch-build gives a module parent: its file name, '-' as '_'.
module_name() {
	local m=${1##*/}
	echo "${m//-/_}"
}

# The parent of an object: the module whose .mod file lists it, or vmlinux.
# (A .mod file lists the module's objects one per line in 6.1, on its
# first line in 5.15.)
parent_of() {
	local obj=$1 mod
	while IFS= read -r -d '' mod; do
		if awk -v o="$obj" '{ for (i = 1; i <= NF; i++) if ($i == o) f = 1 }
				END { exit !f }' "$BUILD/$mod"; then
			module_name "${mod%.mod}"
			return
		fi
	done < <(cd "$BUILD" && find . -name '*.mod' -type f -printf '%P\0')
	echo vmlinux
}

# The patch of a case for this kernel version: patch-<ver> or patch.
case_patch() {
	local dir=$HERE/cases/$1
	if [[ -f "$dir/patch-$VER" ]]; then
		echo "$dir/patch-$VER"
	elif [[ -f "$dir/skip-$VER" ]]; then
		echo ""
	else
		echo "$dir/patch"
	fi
}

# The files a patch changes, one per line.
patch_files() {
	sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "$1" | sort -u
}

# The objects of a case: its objects-<ver> or objects file, or one per
# patched .c file.
case_objects() {
	local dir=$HERE/cases/$1
	if [[ -f "$dir/objects-$VER" ]]; then
		sed 's/#.*//; /^[[:space:]]*$/d' "$dir/objects-$VER"
	elif [[ -f "$dir/objects" ]]; then
		sed 's/#.*//; /^[[:space:]]*$/d' "$dir/objects"
	else
		patch_files "$2" | sed -n 's/\.c$/.o/p'
	fi
}

# "file mtime" for every file a set of patches touches.
save_mtimes() {
	local f
	for f in "$@"; do
		[[ -f "$SRC/$f" ]] && echo "$f $(stat -c %Y "$SRC/$f")"
	done
	return 0
}

restore_mtimes() {
	local f m
	while read -r f m; do
		[[ -f "$SRC/$f" ]] && touch -d "@$m" "$SRC/$f"
	done <"$1"
	return 0
}

# Put the original objects (saved with cp -p) and their .cmd files back in
# the build tree, so that the tree is in its built state again and make
# sees nothing to redo.
restore_objects() {
	local obj d b
	while read -r obj; do
		d=$(dirname "$obj") b=$(basename "$obj")
		[[ ! -f "$WORK/applied/save/$obj" ]] ||
			cp -p "$WORK/applied/save/$obj" "$BUILD/$obj"
		[[ ! -f "$WORK/applied/save/$d/.$b.cmd" ]] ||
			cp -p "$WORK/applied/save/$d/.$b.cmd" "$BUILD/$d/.$b.cmd"
	done <"$1"
}

# Does object $1 (built) depend on file $2 (source-relative)?
depends_on() {
	local obj=$1 file=$2 cmd
	cmd="$BUILD/$(dirname "$obj")/.$(basename "$obj").cmd"
	[[ -f "$cmd" ]] || return 0
	grep -Eq "(^|[[:space:]/])${file//./\\.}([[:space:]]|\$)" "$cmd"
}

# The inputs of a case's pair: its patch, its objects, the build and the
# flags.
case_hash() {
	{ cat "$2"; echo "${3//$'\n'/ }"; cat "$WORK/built.stamp"; echo "$KPATCH_KCFLAGS"; } |
		sha256sum | cut -c1-16
}

# Compile objects with kpatch's flags into $WORK/<dest>/; print those that
# failed.  The targets are removed first, so that make compiles them
# whatever it thinks of their time stamps, and a failed compile leaves
# nothing stale behind.
compile_objects() {
	local dest=$1 log=$2 obj; shift 2
	for obj; do
		rm -f "$BUILD/$obj"
	done
	kmake_kpatch -k "$@" >"$log" 2>&1 || true
	for obj; do
		if [[ -f "$BUILD/$obj" ]]; then
			mkdir -p "$WORK/$dest/$(dirname "$obj")"
			cp "$BUILD/$obj" "$WORK/$dest/$obj"
		else
			echo "$obj"
		fi
	done
}

# Generate the pairs of the cases in BATCH_CASES together: their patches
# touch different files and none of their objects depends on a file
# another case changes, so one compile with all patches applied is the
# same as one compile per case, and make can use both cores.  The kernel's
# own objects are saved first and put back at the end.
run_batch() {
	local c p obj files=() objs=() need=() failed f
	rm -rf "$WORK/applied"
	mkdir -p "$WORK/applied/save"
	: >"$WORK/applied/objects"
	for c in "${BATCH_CASES[@]}"; do
		p=$(case_patch "$c")
		cp "$p" "$WORK/applied/$c.patch"
		mapfile -t -O "${#files[@]}" files < <(patch_files "$p")
		while read -r obj; do
			objs+=("$obj")
			echo "$obj" >>"$WORK/applied/objects"
			mkdir -p "$WORK/applied/save/$(dirname "$obj")"
			[[ -f "$BUILD/$obj" ]] || die "$c: $obj is not part of the build"
			cp -p "$BUILD/$obj" "$WORK/applied/save/$obj"
			cp -p "$BUILD/$(dirname "$obj")/.$(basename "$obj").cmd" \
				"$WORK/applied/save/$(dirname "$obj")/"
		done < <(case_objects "$c" "$p")
	done
	save_mtimes "${files[@]}" >"$WORK/applied/mtimes"

	# Originals: once per object and kernel build.
	for obj in "${objs[@]}"; do
		[[ -f "$WORK/orig/$obj" ]] || need+=("$obj")
	done
	if [[ ${#need[@]} -gt 0 ]]; then
		failed=$(compile_objects orig "$WORK/orig.log" "${need[@]}")
		[[ -z "$failed" ]] ||
			die "cannot compile the unpatched ${failed//$'\n'/ } (log: $WORK/orig.log)"
	fi

	for c in "${BATCH_CASES[@]}"; do
		spatch <"$WORK/applied/$c.patch" ||
			die "$c: $(basename "$(case_patch "$c")") does not apply to $SRC"
	done
	rm -rf "$WORK/applied/patched"
	failed=$(compile_objects applied/patched "$WORK/batch.log" "${objs[@]}")

	for c in "${BATCH_CASES[@]}"; do
		local out=$WORK/cases/$c
		rm -rf "$out"
		mkdir -p "$out"
		: >"$out/parents"
		while read -r obj; do
			mkdir -p "$out/orig/$(dirname "$obj")" "$out/patched/$(dirname "$obj")"
			cp "$WORK/orig/$obj" "$out/orig/$obj"
			if [[ -f "$WORK/applied/patched/$obj" ]]; then
				cp "$WORK/applied/patched/$obj" "$out/patched/$obj"
			else
				echo "gen-kernel-cases: $c: $obj failed to compile (log: $out/build.log)" >&2
			fi
			echo "$obj $(parent_of "$obj")" >>"$out/parents"
		done < <(case_objects "$c" "$WORK/applied/$c.patch")
		cp "$WORK/batch.log" "$out/build.log"
	done

	for c in $(printf '%s\n' "${BATCH_CASES[@]}" | tac); do
		spatch -R <"$WORK/applied/$c.patch" ||
			die "$c: cannot revert its patch; remove $WORK to start again"
	done
	restore_mtimes "$WORK/applied/mtimes"
	restore_objects "$WORK/applied/objects"

	for c in "${BATCH_CASES[@]}"; do
		p=$(case_patch "$c")
		# Only a complete pair is kept; a failed compile is tried again.
		if [[ $(find "$WORK/cases/$c/patched" -name '*.o' | wc -l) == \
		      $(case_objects "$c" "$p" | wc -l) ]]; then
			case_hash "$c" "$p" "$(case_objects "$c" "$p")" >"$WORK/cases/$c/inputs.hash"
		fi
	done
	rm -rf "$WORK/applied"
	[[ -z "$failed" ]] || log "patched objects that did not compile: ${failed//$'\n'/ }"
	return 0
}

generate_cases() {
	local c p dir todo=() batch_files=() batch_objs=() f obj ok n=0 t
	for dir in "$HERE"/cases/*/; do
		c=$(basename "$dir")
		[[ -z "$ONLY" || "$ONLY" == "$c" ]] || continue
		p=$(case_patch "$c")
		[[ -n "$p" ]] || continue
		if [[ -f "$WORK/cases/$c/inputs.hash" &&
		      "$(cat "$WORK/cases/$c/inputs.hash")" == \
		      "$(case_hash "$c" "$p" "$(case_objects "$c" "$p")")" ]]; then
			continue
		fi
		# No stale pair may stand in for a case that cannot be made.
		rm -rf "$WORK/cases/$c"
		if ! spatch --dry-run <"$p"; then
			echo "gen-kernel-cases: $c: $(basename "$p") does not apply to $SRC" >&2
			continue
		fi
		todo+=("$c")
	done
	[[ ${#todo[@]} -gt 0 ]] || { log "all case pairs are up to date"; return 0; }
	lock_builds
	log "making the pairs of ${#todo[@]} cases"
	while [[ ${#todo[@]} -gt 0 ]]; do
		BATCH_CASES=() batch_files=() batch_objs=()
		local rest=()
		for c in "${todo[@]}"; do
			p=$(case_patch "$c")
			ok=1
			local cfiles cobjs
			mapfile -t cfiles < <(patch_files "$p")
			mapfile -t cobjs < <(case_objects "$c" "$p")
			for f in "${cfiles[@]}"; do
				for obj in "${batch_objs[@]+"${batch_objs[@]}"}"; do
					depends_on "$obj" "$f" && ok=0
				done
				for obj in "${batch_files[@]+"${batch_files[@]}"}"; do
					[[ "$obj" != "$f" ]] || ok=0
				done
			done
			for obj in "${cobjs[@]}"; do
				for f in "${batch_files[@]+"${batch_files[@]}"}"; do
					depends_on "$obj" "$f" && ok=0
				done
			done
			if [[ $ok == 1 ]]; then
				BATCH_CASES+=("$c")
				batch_files+=("${cfiles[@]}")
				batch_objs+=("${cobjs[@]}")
			else
				rest+=("$c")
			fi
		done
		n=$((n + 1))
		t=$(date +%s)
		run_batch
		log "batch $n: ${BATCH_CASES[*]} ($(($(date +%s) - t))s)"
		todo=("${rest[@]+"${rest[@]}"}")
	done
}

main() {
	local deps_sh problem
	deps_sh=$(cd "$HERE/../.." && pwd)/scripts/deps.sh
	if [[ -x "$deps_sh" ]]; then
		# One word per package.
		# shellcheck disable=SC2086,SC2046
		"$deps_sh" $HOST_PKGS $([[ -n "$KERNEL_SRC" ]] || echo "$KERNEL_SRC_DEBIAN_PKG")
	fi
	problem=$(kernel_src_check "$KERNEL_SRC") || die "$problem"
	if [[ -n "$KERNEL_SRC" ]]; then
		KERNEL_SRC=$(cd "$KERNEL_SRC" && pwd)
		VER=$(make -s -C "$KERNEL_SRC" kernelversion | cut -d. -f1,2)
	else
		VER=6.1
	fi
	WORK=$CACHE/tobj-$VER
	SRC=$WORK/src
	BUILD=$WORK/build
	mkdir -p "$WORK"
	log "kernel $VER, cache $WORK"
	prepare_source
	recover_source
	configure
	build_kernel
	generate_cases
	log "done"
}

main "$@"
