#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a small livepatch kernel with our patch series applied and run the
# kernel's livepatch selftests plus our own tests in it under qemu (TCG).
# The last line of output is "kernel: N passed, M failed"; the exit status is
# 0 only when M is 0.
#
# Environment:
#   KERNEL_SRC        a vanilla kernel tree to test instead of Debian's
#                     linux-source-6.1; the series is picked by its version
#   CDO_KERNEL_CACHE  where sources, build trees and the initramfs are kept
#                     (default /var/cache/cdo-kernel); reused between runs
#   JOBS              make -j value (default 2)
#   KLP_TESTS         space-separated test scripts to run (default: all)
#   KLP_STRESS_CYCLES cycles of the stress test (default 200)
#   KLP_QEMU_TIMEOUT  seconds before the guest is killed (default 1800;
#                     7800 with KLP_DEBUG=1: its 200 stress cycles take
#                     about 19 s each, mostly DEBUG_KOBJECT_RELEASE's
#                     delayed releases that patch removal waits for)
#   KLP_SERIES        a directory of patches to apply instead of patches/<ver>
#   KLP_BUILD_ONLY    1: stop after building the kernel (see check-series.sh)
#   KLP_DEBUG         1: add config/debug.config (KASAN, DEBUG_LIST,
#                     DEBUG_KOBJECT_RELEASE) in a cache of its own, for the
#                     stress run: KLP_DEBUG=1 KLP_TESTS=test-klp-stress.sh
#   KLP_QEMU_SMP, KLP_QEMU_MEM  CPUs and MiB of the guest (default 2, 1024)
#   KLP_QEMU_ACCEL    qemu's -accel value (default tcg,thread=single: all
#                     CPUs on one host thread).  Debian 12's qemu 7.2 with
#                     one thread per CPU (tcg) runs an int3 that ftrace has
#                     already replaced: a stock 6.1 kernel toggling the
#                     function tracer on ksys_read while two CPUs call it
#                     dies within seconds (docs/klp-kernel.md)
#   KLP_GUEST_RUN     the script the guest runs instead of guest-run.sh, and
#   KLP_GUEST_FILES   files it needs, put next to it in /klp (bench/klp)
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$HERE/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/kernel-src.sh
. "$TOP/scripts/lib/kernel-src.sh"
CACHE=${CDO_KERNEL_CACHE:-/var/cache/cdo-kernel}
JOBS=${JOBS:-2}
KERNEL_SRC=${KERNEL_SRC:-}
KLP_TESTS=${KLP_TESTS:-}
KLP_STRESS_CYCLES=${KLP_STRESS_CYCLES:-200}
KLP_DEBUG=${KLP_DEBUG:-0}
if [[ "$KLP_DEBUG" == 1 ]]; then
	KLP_QEMU_TIMEOUT=${KLP_QEMU_TIMEOUT:-7800}
fi
KLP_QEMU_TIMEOUT=${KLP_QEMU_TIMEOUT:-1800}
KLP_QEMU_SMP=${KLP_QEMU_SMP:-2}
KLP_QEMU_MEM=${KLP_QEMU_MEM:-1024}
KLP_QEMU_ACCEL=${KLP_QEMU_ACCEL:-tcg,thread=single}
KLP_GUEST_RUN=${KLP_GUEST_RUN:-$HERE/scripts/guest-run.sh}
KLP_GUEST_FILES=${KLP_GUEST_FILES:-}
FRAGMENT=$HERE/config/livepatch.config

# Tools copied from Debian into the guest because the selftests compare the
# exact text they print (or use options busybox lacks).
GUEST_PKGS="bash coreutils procps kmod grep sed diffutils"
HOST_PKGS="gcc make libc6-dev bc flex bison libssl-dev libelf-dev cpio kmod
	xz-utils gzip perl git qemu-system-x86 busybox-static $GUEST_PKGS"

T0=$(date +%s)

log() { printf 'check-kernel: [%4ds] %s\n' $(($(date +%s) - T0)) "$*"; }
die() {
	printf 'check-kernel: error: %s\n' "$*" >&2
	echo "kernel: 0 passed, 1 failed"
	exit 1
}

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

series_hash() {
	(cd "$SERIES" && for p in $(ls | grep "\.patch$"); do echo "$p"; cat "$p"; done) |
		sha256sum | cut -c1-16
}

# Git is used only as a patch tool here: keep it from finding a repository
# above the cache (a cache inside a checkout would redirect the paths).
gapply() {
	GIT_CEILING_DIRECTORIES=$(dirname "$SRC") git -C "$SRC" apply "$@"
}

prepare_source() {
	local problem
	problem=$(kernel_src_check "$KERNEL_SRC" "KERNEL_SRC=$KERNEL_SRC") || die "$problem"
	[[ -z "$KERNEL_SRC" ]] || KERNEL_SRC=$(cd "$KERNEL_SRC" && pwd)
	kernel_src_prepare "$WORK" "$SRC" "$BUILD" "$KERNEL_SRC" log run_logged \
		"$WORK/applied"
}

# Apply the series; when it changed since the last run, take the old one
# off first so only the files the patches touch get new timestamps.
apply_series() {
	local want p
	want=$(series_hash)
	if [[ -f "$WORK/applied/hash" && "$(cat "$WORK/applied/hash")" == "$want" ]]; then
		return
	fi
	# Files the series touches keep their time stamp when their content
	# comes out the same, so that make rebuilds only what really changed.
	: >"$WORK/stamps"
	for p in $(sed -n 's#^[-+][-+][-+] [ab]/##p' "$WORK"/applied/*.patch "$SERIES"/*.patch \
			2>/dev/null | sort -u); do
		[[ -f "$SRC/$p" ]] &&
			echo "$p $(sha256sum <"$SRC/$p" | cut -c1-64) $(stat -c %Y "$SRC/$p")" >>"$WORK/stamps"
	done
	if [[ -d "$WORK/applied" ]]; then
		log "reverting the previously applied series"
		for p in $(ls -r "$WORK/applied"/*.patch 2>/dev/null); do
			if ! gapply -R "$p"; then
				rm -f "$WORK/src.stamp"
				die "cannot revert $(basename "$p"); the cache was reset, run again"
			fi
		done
		rm -rf "$WORK/applied"
	fi
	log "applying $(ls "$SERIES" | grep -c "\.patch$") patches from $SERIES"
	mkdir -p "$WORK/applied.tmp"
	for p in $(ls "$SERIES"/*.patch 2>/dev/null); do
		gapply --whitespace=error-all "$p" || die "$(basename "$p") does not apply"
		cp "$p" "$WORK/applied.tmp/"
	done
	echo "$want" >"$WORK/applied.tmp/hash"
	mv "$WORK/applied.tmp" "$WORK/applied"
	local f sum mtime
	while read -r f sum mtime; do
		[[ -f "$SRC/$f" && "$(sha256sum <"$SRC/$f" | cut -c1-64)" == "$sum" ]] &&
			touch -d "@$mtime" "$SRC/$f"
	done <"$WORK/stamps"
	return 0
}

configure() {
	local want line
	want="$(sha256sum <"$FRAGMENT" | cut -c1-16)"
	if [[ -f "$BUILD/.config" && -f "$BUILD/config.stamp" &&
	      "$(cat "$BUILD/config.stamp")" == "$want" ]]; then
		return
	fi
	log "configuring (tinyconfig + $(basename "$FRAGMENT"))"
	mkdir -p "$BUILD"
	run_logged "$WORK/config.log" kmake tinyconfig
	grep '^CONFIG_' "$FRAGMENT" >>"$BUILD/.config"
	run_logged "$WORK/config.log" kmake olddefconfig
	while read -r line; do
		grep -qx "$line" "$BUILD/.config" ||
			die "$line did not survive olddefconfig (see $BUILD/.config)"
	done < <(grep '^CONFIG_' "$FRAGMENT")
	echo "$want" >"$BUILD/config.stamp"
}

build_kernel() {
	log "building the kernel and modules (make -j$JOBS, log: $WORK/build.log)"
	run_logged "$WORK/build.log" kmake bzImage modules
	log "kernel built: $(kmake -s kernelrelease 2>/dev/null)"
}

# klp-conflicts and klpctl, static, with the library they share and
# libcdo's ELF view (one file that needs libc only, as klp-kernel/Makefile
# compiles it in)
build_tool() {
	local t lib=("$HERE"/tools/klp-util.c "$HERE"/tools/klp-module.c \
		"$HERE"/tools/klp-sysfs.c "$HERE"/tools/klp-order.c "$HERE"/../libcdo/src/elf.c)
	mkdir -p "$WORK/tools"
	for t in klp-conflicts klpctl; do
		run_logged "$WORK/tool-$t.log" gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra \
			-Werror -static -I"$HERE/../libcdo/include" -o "$WORK/tools/$t" \
			"$HERE/tools/$t.c" "${lib[@]}"
	done
	# for the host: the converter of build_rela_module()
	run_logged "$WORK/tool-klp-mkrela.log" gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra \
		-Werror -o "$WORK/tools/klp-mkrela" "$HERE/tests/rela/klp-mkrela.c" -lelf
}

# The livepatch module with livepatch relocations into
# test_klp_conflict_mod (tests/test-klp-rela.sh): built as an external
# module, then converted the way kpatch-build's modules are made.
build_rela_module() {
	local dir=$WORK/extmod
	log "building the livepatch module with livepatch relocations"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$HERE/tests/rela/Kbuild" "$HERE/tests/rela/test_klp_rela.c" \
		"$HERE/tests/rela/test_klp_rela.h" "$dir/"
	# the symbols of the target stay undefined until klp-mkrela converts
	# them: modpost warns instead of failing, as for kpatch-build's modules
	run_logged "$WORK/extmod.log" kmake M="$dir" KBUILD_MODPOST_WARN=1 modules
	run_logged "$WORK/mkrela.log" "$WORK/tools/klp-mkrela" \
		"$dir/test_klp_rela.ko" "$dir/test_klp_rela.klp.ko" \
		test_klp_conflict_mod value_set value_get
}

# Copy a binary and the shared libraries it needs, keeping their paths.
copy_binary() {
	local bin=$1 dest=$2 lib
	install -D -m 0755 "$bin" "$ROOT$dest"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[[ -e "$ROOT$lib" ]] || install -D -m 0755 "$(readlink -f "$lib")" "$ROOT$lib"
	done
}

build_initramfs() {
	local krel pkg f t tests=()
	log "building the initramfs"
	ROOT=$WORK/rootfs
	rm -rf "$ROOT"
	mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root}
	krel=$(kmake -s kernelrelease)
	run_logged "$WORK/modules_install.log" \
		kmake INSTALL_MOD_PATH="$ROOT" INSTALL_MOD_STRIP=1 DEPMOD=true modules_install
	install -D -m 0644 "$WORK/extmod/test_klp_rela.klp.ko" \
		"$ROOT/lib/modules/$krel/extra/test_klp_rela.ko"
	depmod -b "$ROOT" "$krel"

	install -m 0755 /bin/busybox "$ROOT/bin/busybox"
	for f in $("$ROOT/bin/busybox" --list); do
		[[ "$f" == busybox ]] || ln -sf busybox "$ROOT/bin/$f"
	done
	# Debian's own tools win over busybox applets: same names in /usr/bin
	# come first on PATH, and /bin/stat is called by absolute path.
	for pkg in $GUEST_PKGS; do
		for f in $(dpkg -L "$pkg" | grep -E '^/(usr/)?s?bin/[^/]+$'); do
			[[ -f "$f" && -x "$f" && ! -L "$f" ]] || continue
			copy_binary "$f" "/usr/bin/$(basename "$f")"
		done
	done
	ln -sf /usr/bin/bash "$ROOT/bin/bash"
	ln -sf /usr/bin/stat "$ROOT/bin/stat"
	for f in modprobe rmmod insmod modinfo lsmod depmod; do
		ln -sf /usr/bin/kmod "$ROOT/usr/sbin/$f"
		rm -f "$ROOT/bin/$f" "$ROOT/sbin/$f"
	done
	echo "root:x:0:0:root:/root:/bin/bash" >"$ROOT/etc/passwd"
	echo "root:x:0:" >"$ROOT/etc/group"

	mkdir -p "$ROOT/kselftest/livepatch" "$ROOT/klp"
	cp "$SRC"/tools/testing/selftests/livepatch/*.sh "$ROOT/kselftest/livepatch/"
	cp "$HERE"/tests/*.sh "$ROOT/klp/"
	install -m 0755 "$WORK/tools/klp-conflicts" "$ROOT/usr/bin/klp-conflicts"
	install -m 0755 "$WORK/tools/klpctl" "$ROOT/usr/bin/klpctl"
	install -m 0755 "$HERE/scripts/guest-init.sh" "$ROOT/init"
	install -m 0755 "$KLP_GUEST_RUN" "$ROOT/klp/run.sh"
	for f in $KLP_GUEST_FILES; do
		install -m 0755 "$f" "$ROOT/klp/"
	done

	# The selftests named by the kernel's own Makefile, then ours.
	for t in $(sed -n '/^TEST_PROGS *:*=/,/^$/p' \
			"$SRC/tools/testing/selftests/livepatch/Makefile" |
		   grep -o 'test-[a-z0-9-]*\.sh'); do
		tests+=("/kselftest/livepatch/$t")
	done
	for t in "$HERE"/tests/test-*.sh; do
		tests+=("/klp/$(basename "$t")")
	done
	: >"$ROOT/klp/tests.list"
	for t in "${tests[@]}"; do
		if [[ -z "$KLP_TESTS" || " $KLP_TESTS " == *" $(basename "$t") "* ]]; then
			echo "$t" >>"$ROOT/klp/tests.list"
		fi
	done
	[[ -s "$ROOT/klp/tests.list" ]] || die "KLP_TESTS='$KLP_TESTS' selects no test"
	{
		echo "KLP_STRESS_CYCLES=$KLP_STRESS_CYCLES"
		# each script's time limit: 20 min, or a little less than the
		# whole run's with the (slow) debug kernel
		if [[ "$KLP_DEBUG" == 1 ]]; then
			echo "KLP_SCRIPT_TIMEOUT=$((KLP_QEMU_TIMEOUT - 300))"
		else
			echo "KLP_SCRIPT_TIMEOUT=1200"
		fi
	} >"$ROOT/klp/env"

	(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.cpio.gz"
}

run_guest() {
	local line pass=0 fail=0 finished=0 console=$WORK/console.log
	log "booting under qemu (-accel $KLP_QEMU_ACCEL); console log: $console"
	: >"$console"
	: >"$WORK/dmesg.txt"
	local in_dmesg=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$console"
		if ((in_dmesg)); then
			if [[ "$line" == "KLPDMESG-END" ]]; then
				in_dmesg=0
			else
				printf '%s\n' "$line" >>"$WORK/dmesg.txt"
			fi
			continue
		fi
		case "$line" in
		"KLPTEST: ok "*)
			pass=$((pass + 1))
			log "${line#KLPTEST: }";;
		"KLPTEST: FAIL "*)
			fail=$((fail + 1))
			log "${line#KLPTEST: }";;
		"KLPTEST: info "*)
			log "${line#KLPTEST: info }";;
		"KLPDMESG-BEGIN")
			in_dmesg=1;;
		"KLPTEST-DONE")
			finished=1;;
		esac
	done < <(timeout "$KLP_QEMU_TIMEOUT" qemu-system-x86_64 \
			-machine pc -accel "$KLP_QEMU_ACCEL" -cpu max -smp "$KLP_QEMU_SMP" -m "$KLP_QEMU_MEM" \
			-display none -monitor none -serial stdio -no-reboot \
			-kernel "$BUILD/arch/x86/boot/bzImage" \
			-initrd "$WORK/initramfs.cpio.gz" \
			-append "console=ttyS0 loglevel=4 panic=-1 oops=panic printk.time=1 log_buf_len=1M livepatch.conflict_policy=deny" \
			</dev/null 2>&1 || true)
	if ((!finished)); then
		tail -n 60 "$console" >&2
		log "FAIL guest did not finish its tests (crash or timeout)"
		fail=$((fail + 1))
	fi
	log "done"
	echo "kernel: $pass passed, $fail failed"
	((fail == 0))
}

main() {
	# One word per package.
	# shellcheck disable=SC2086,SC2046
	"$TOP/scripts/deps.sh" $HOST_PKGS $([[ -n "$KERNEL_SRC" ]] || echo "$KERNEL_SRC_DEBIAN_PKG")
	# One run at a time per cache: a second one (another checkout, CI)
	# waits instead of building into the same tree.
	mkdir -p "$CACHE"
	exec {LOCK_FD}>"$CACHE/.lock"
	if ! flock -n "$LOCK_FD"; then
		log "waiting for another check-kernel run to finish"
		flock "$LOCK_FD"
	fi
	local ver
	if [[ -n "$KERNEL_SRC" ]]; then
		ver=$(make -s -C "$KERNEL_SRC" kernelversion | cut -d. -f1,2)
		WORK=$CACHE/src-$(echo "$KERNEL_SRC" | sha256sum | cut -c1-12)
	else
		ver=6.1
		WORK=$CACHE/debian-6.1
	fi
	SERIES=${KLP_SERIES:-$HERE/patches/$ver}
	[[ -d "$SERIES" ]] || die "no patch series for kernel $ver in $SERIES"
	if [[ "$KLP_DEBUG" == 1 ]]; then
		WORK=$WORK-debug
	fi
	SRC=$WORK/src
	BUILD=$WORK/build
	mkdir -p "$WORK"
	if [[ "$KLP_DEBUG" == 1 ]]; then
		cat "$FRAGMENT" "$HERE/config/debug.config" >"$WORK/fragment.config"
		FRAGMENT=$WORK/fragment.config
	fi
	log "kernel $ver, cache $WORK"
	prepare_source
	apply_series
	configure
	build_kernel
	if [[ "${KLP_BUILD_ONLY:-0}" == 1 ]]; then
		return 0
	fi
	build_tool
	build_rela_module
	build_initramfs
	run_guest
}

main "$@"
