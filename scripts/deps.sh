#!/bin/sh
# What cdo needs from the system, and who may install it.
#
#   deps.sh --probe GROUP...    say what is missing (exit 1), never install
#   deps.sh --install GROUP...  as root on Debian, apt-get the missing
#                               packages; otherwise say what is missing
#   deps.sh PKG...              make sure these Debian packages are
#                               installed (the kernel suites and bench)
#
# Groups (what each needs is probed directly, so the probe works on any
# distribution; the Debian package is named so a Debian user can copy it):
#   build   compile libcdo, the tools and the man pages (`make`, `make install`)
#   check   also run `make check` (tests, header checks, install test)
#
# Only `make deps`, `make check` and `make demo` ask for --install: a plain
# `make` or `make install` must never run apt-get behind the user's back.
set -e

CC=${CC:-cc}
CXX=${CXX:-c++}

# "probe|debian-package|what it is for" lines of a group
group() {
	case $1 in
	build)
		cat <<-EOF
		tool:$CC|gcc|C compiler
		tool:make|make|make
		tool:ar|binutils|archiver
		tool:ld|binutils|linker
		tool:objcopy|binutils|objcopy (the static archive)
		tool:scdoc|scdoc|man page generator
		header:xxhash.h|libxxhash-dev|xxHash headers
		header:elf.h|libc6-dev|C library headers
		header:zstd.h|libzstd-dev|zstd (kbuild-cache's store)
		header:curl/curl.h|libcurl4-openssl-dev|libcurl (kbuild-cache's remote store)
		header:liburing.h|liburing-dev|liburing (kbuild-cache: reading a source tree in batches)
		header:libelf.h|libelf-dev|libelf (kbuild-cache)
		header:libdwarf/libdwarf.h|libdwarf-dev|libdwarf (libcdo: struct sizes and source lines from debug info)
		header:zlib.h|zlib1g-dev|zlib (kbuild-cache, through libelf)
		EOF
		;;
	check)
		group build
		cat <<-EOF
		tool:$CXX|g++|C++ compiler (header and README checks)
		tool:pkg-config|pkg-config|pkg-config (install test)
		tool:readelf|binutils|readelf
		tool:nm|binutils|nm
		tool:patch|patch|patch
		tool:man|man-db|man (man page rendering test)
		header:cmocka.h|libcmocka-dev|cmocka (unit tests)
		tool:curl|curl|curl (kbuild-cache's HTTP store test)
		tool:clang|clang|clang (fuzz targets)
		tool:strace|strace|strace (signal tests)
		tool:jq|jq|jq (JSON report checks)
		header:libelf.h|libelf-dev|libelf (benchmark floor)
		EOF
		;;
	*)
		echo "deps: unknown group '$1'" >&2
		exit 2
		;;
	esac
}

have() {
	case $1 in
	tool:*)
		# $CC may carry flags ("ccache gcc"): look up its first word
		set -- ${1#tool:}
		command -v "$1" >/dev/null 2>&1
		;;
	header:*)
		printf '#include <%s>\n' "${1#header:}" |
			$CC -E -x c - >/dev/null 2>&1
		;;
	esac
}

# Sets $missing (what) and $pkgs (Debian packages) for the given groups.
probe() {
	missing="" pkgs=""
	for g in "$@"; do
		group "$g"
	done | sort -u >"${TMPDIR:-/tmp}/cdo-deps.$$"
	while IFS='|' read -r what pkg why; do
		have "$what" && continue
		missing="$missing
  ${what#*:} ($why; Debian package $pkg)"
		case " $pkgs " in *" $pkg "*) ;; *) pkgs="$pkgs $pkg" ;; esac
	done <"${TMPDIR:-/tmp}/cdo-deps.$$"
	rm -f "${TMPDIR:-/tmp}/cdo-deps.$$"
}

apt_install() {
	echo "deps: installing $*"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
	fi
}

can_apt() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

case $1 in
--probe | --install)
	mode=$1
	shift
	probe "$@"
	[ -z "$missing" ] && exit 0
	if [ "$mode" = --install ] && can_apt; then
		# shellcheck disable=SC2086 # one word per package
		apt_install $pkgs
		probe "$@"
		[ -z "$missing" ] && exit 0
	fi
	echo "deps: missing:$missing" >&2
	if command -v apt-get >/dev/null 2>&1; then
		echo "deps: on Debian, as root: apt-get install$pkgs (or: make deps)" >&2
	fi
	exit 1
	;;
esac

# Debian package names, for the scripts that need more than a build.
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; make sure the equivalents of these are installed: $*" >&2
	exit 0
fi
missing=""
for pkg in "$@"; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if can_apt; then
	# shellcheck disable=SC2086
	apt_install $missing
else
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
