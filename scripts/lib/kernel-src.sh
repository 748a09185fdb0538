# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Preparing a kernel source tree in a cache directory, shared by the kernel
# suites (klp-kernel/scripts/check-kernel.sh and
# test-objects/kernel/scripts/gen-kernel-cases.sh).  The source is either a
# vanilla tree named by the caller (KERNEL_SRC) or Debian's linux-source-6.1
# tarball.  A stamp file next to the source records what it was unpacked
# from, so that a warm cache is taken as it is; its format is kept stable,
# as a different line would unpack and rebuild every cached kernel.
#
# The functions print nothing of their own and never exit: messages go
# through the caller's callbacks, failures come back as the return status.

KERNEL_SRC_DEBIAN_PKG=linux-source-6.1
KERNEL_SRC_DEBIAN_TARBALL=/usr/src/$KERNEL_SRC_DEBIAN_PKG.tar.xz

# kernel_src_check KERNEL_SRC [NAME]
# Returns 1 and prints the problem when the source cannot be prepared: a
# KERNEL_SRC that is not a kernel tree (called NAME in the message, by
# default the path itself), or (KERNEL_SRC empty) a missing Debian tarball.
kernel_src_check() {
	local tree=$1 name=${2:-$1}
	if [[ -n "$tree" ]]; then
		if [[ ! -f "$tree/Makefile" ]]; then
			echo "$name is not a kernel tree"
			return 1
		fi
	elif [[ ! -f "$KERNEL_SRC_DEBIAN_TARBALL" ]]; then
		echo "$KERNEL_SRC_DEBIAN_TARBALL missing (apt-get install $KERNEL_SRC_DEBIAN_PKG)"
		return 1
	fi
}

# kernel_src_stamp KERNEL_SRC
# Prints the stamp line for a source: "dir <tree> <mtime of its Makefile>"
# or "tar <version of the Debian package>".  KERNEL_SRC should be absolute,
# as the line names it.
kernel_src_stamp() {
	local tree=$1 v
	if [[ -n "$tree" ]]; then
		v=$(stat -c %Y "$tree/Makefile") || return
		echo "dir $tree $v"
	else
		v=$(dpkg-query -W -f='${Version}' "$KERNEL_SRC_DEBIAN_PKG") || return
		echo "tar $v"
	fi
}

# kernel_src_prepare WORK SRC BUILD KERNEL_SRC LOG RUN [PATH...]
# Makes SRC a clean copy of KERNEL_SRC (without its .git) or, with
# KERNEL_SRC empty, of Debian's tarball, unless WORK/src.stamp says it
# already is.  Unpacking again removes SRC, the build tree BUILD and every
# PATH, which are derived from the old source.  LOG is called with a
# message; RUN with a log file and a command, which it runs with its
# output in that file (the caller decides what a failure does).
kernel_src_prepare() {
	local work=$1 src=$2 build=$3 tree=$4 log=$5 run=$6
	shift 6
	local stamp=$work/src.stamp want
	want=$(kernel_src_stamp "$tree") || return
	if [[ -d "$src" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		return 0
	fi
	"$log" "unpacking kernel source into $src"
	rm -rf "$src" "$src.tmp" "$build" "$@" || return
	mkdir -p "$src.tmp" || return
	if [[ -n "$tree" ]]; then
		tar -C "$tree" --exclude=.git -cf - . | tar -C "$src.tmp" -xf - || return
		mv "$src.tmp" "$src" || return
		# An in-tree configuration would make every O= build refuse.
		if [[ -f "$src/.config" || -d "$src/include/config" ]]; then
			"$run" "$work/mrproper.log" make -C "$src" mrproper || return
		fi
	else
		tar -C "$src.tmp" -xJf "$KERNEL_SRC_DEBIAN_TARBALL" || return
		mv "$src.tmp/$KERNEL_SRC_DEBIAN_PKG" "$src" || return
		rmdir "$src.tmp" || return
	fi
	echo "$want" >"$stamp"
}
