#!/bin/bash
# make install / uninstall / install-kpatch, and building an external
# program against the installed library through pkg-config alone.
#
#   tests/cli/install.sh BUILD_DIR
#
# Installs into a staging folder (DESTDIR) with PREFIX=/usr, as a
# distribution package build does.
set -euo pipefail

build=$(realpath -m -- "${1:?usage: install.sh BUILD_DIR}")
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdo-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/stage
version=$(cat "$top/VERSION")
passed=0 failed=0

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() {
	echo "FAIL $1: $2"
	[ -s "$work/log" ] && sed 's/^/    /' "$work/log" | tail -n 15
	failed=$((failed + 1))
}

# run the top-level make on this build tree, quietly; output in $work/log
mk() {
	make --no-print-directory -s -C "$top" BUILD="$build" "$@" >"$work/log" 2>&1
}

# ---- make install ---------------------------------------------------------

if mk install DESTDIR="$stage" PREFIX=/usr; then
	pass "install"
else
	fail "install" "make install failed"
fi
want=(usr/bin/create-diff-object usr/bin/cdo-objcmp usr/bin/klp-conflicts usr/bin/klpctl
	usr/bin/kbuild-cache
	usr/lib/libcdo.a "usr/lib/libcdo.so.$version" usr/lib/libcdo.so.0 usr/lib/libcdo.so
	usr/lib/pkgconfig/libcdo.pc usr/include/cdo/cdo.h usr/include/cdo/elf.h usr/include/cdo/version.h
	usr/share/man/man1/create-diff-object.1 usr/share/man/man1/cdo-objcmp.1
	usr/share/man/man1/klp-conflicts.1 usr/share/man/man1/klpctl.1 usr/share/man/man1/kbuild-cache.1
	usr/share/man/man3/libcdo.3
	usr/share/bash-completion/completions/create-diff-object
	usr/share/bash-completion/completions/cdo-objcmp
	usr/share/bash-completion/completions/klp-conflicts
	usr/share/bash-completion/completions/klpctl
	usr/share/bash-completion/completions/kbuild-cache)
missing=()
for f in "${want[@]}"; do
	[ -e "$stage/$f" ] || missing+=("$f")
done
if [ ${#missing[@]} = 0 ]; then
	pass "installed-files"
else
	fail "installed-files" "missing: ${missing[*]}"
fi
if [ "$(readlink "$stage/usr/lib/libcdo.so")" = libcdo.so.0 ] &&
	[ "$(readlink "$stage/usr/lib/libcdo.so.0")" = "libcdo.so.$version" ] &&
	grep -q 'SONAME.*\[libcdo\.so\.0\]' <<<"$(readelf -d "$stage/usr/lib/libcdo.so.$version")"; then
	pass "soname-and-links"
else
	fail "soname-and-links" "libcdo.so -> libcdo.so.0 -> libcdo.so.$version with soname libcdo.so.0 expected"
fi
pc=$stage/usr/lib/pkgconfig/libcdo.pc
if grep -qx 'prefix=/usr' "$pc" && grep -qx 'libdir=/usr/lib' "$pc" &&
	grep -qx 'includedir=/usr/include' "$pc" && grep -qx "Version: $version" "$pc" &&
	! grep -q /usr/local "$pc"; then
	pass "pc-for-install-prefix"
else
	fail "pc-for-install-prefix" "$(cat "$pc" 2>/dev/null)"
fi

# ---- an external program, through pkg-config only -------------------------

cat >"$work/user.c" <<'EOF2'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cdo/cdo.h>

int main(int argc, char **argv)
{
	CDO_OPTS(opts, .threads = 1);
	struct cdo_ctx *ctx = cdo_new(&opts);
	int err;

	if (!ctx || argc != 2)
		return 10;
	if (strcmp(cdo_version(), CDO_VERSION_STRING))
		return 11;
	err = cdo_diff(ctx, argv[1], argv[1]);
	printf("%s %s %s\n", cdo_version(), cdo_status_str(err),
	       cdo_errno(ctx) == ENOENT ? "ENOENT" : "?");
	cdo_free(ctx);
	return err == CDO_ERR_IO ? 0 : 12;
}
EOF2
san=()
syms=$(nm -D "$stage/usr/lib/libcdo.so.0")
if grep -q '__asan_init' <<<"$syms"; then
	san=(-fsanitize=address,undefined)
elif grep -q '__tsan_init' <<<"$syms"; then
	san=(-fsanitize=thread)
fi
export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$stage/usr/lib/pkgconfig PKG_CONFIG_PATH=
if cflags=$(pkg-config --cflags libcdo) && libs=$(pkg-config --libs libcdo) &&
	# shellcheck disable=SC2086 # pkg-config output is a list of words
	cc -std=c11 -Wall -Wextra -Werror "${san[@]}" $cflags -o "$work/user" "$work/user.c" $libs \
		>"$work/log" 2>&1; then
	pass "pkg-config-build"
else
	fail "pkg-config-build" "cc with pkg-config flags failed"
fi
out=$(LD_LIBRARY_PATH=$stage/usr/lib "$work/user" "$work/no-such.o" 2>&1) || true
# (not piped into grep -q: pipefail would see ldd's SIGPIPE)
libs=$(LD_LIBRARY_PATH=$stage/usr/lib ldd "$work/user" 2>&1) || true
if [ "$out" = "$version I/O error ENOENT" ] && grep -q "$stage/usr/lib/libcdo.so.0" <<<"$libs"; then
	pass "pkg-config-run"
else
	fail "pkg-config-run" "output '$out', or not linked to the staged libcdo.so.0"
fi
# the static archive, fully static, again through pkg-config alone
if [ ${#san[@]} = 0 ]; then
	if libs=$(pkg-config --static --libs libcdo) &&
		# shellcheck disable=SC2086
		cc -std=c11 -static $cflags -o "$work/user-static" "$work/user.c" $libs >"$work/log" 2>&1 &&
		[ "$("$work/user-static" "$work/no-such.o")" = "$version I/O error ENOENT" ]; then
		pass "pkg-config-static"
	else
		fail "pkg-config-static" "static build or run failed"
	fi
fi
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR PKG_CONFIG_PATH

# ---- uninstall --------------------------------------------------------------

if mk uninstall DESTDIR="$stage" PREFIX=/usr && [ -z "$(find "$stage" ! -type d)" ]; then
	pass "uninstall"
else
	fail "uninstall" "left: $(find "$stage" ! -type d | tr '\n' ' ')"
fi

# ---- install-kpatch -----------------------------------------------------------

kp=$work/libexec/kpatch
mkdir -p "$kp"
printf '#!/bin/sh\necho upstream\n' >"$kp/create-diff-object"
chmod 0755 "$kp/create-diff-object"
if mk install-kpatch KPATCH_LIBEXEC="$kp" &&
	[ "$("$kp/create-diff-object" --version)" = "create-diff-object (cdo) $version" ] &&
	[ "$("$kp/create-diff-object.upstream")" = upstream ]; then
	pass "install-kpatch"
else
	fail "install-kpatch" "ours not in place, or upstream not kept"
fi
# again: the upstream copy must survive
if mk install-kpatch KPATCH_LIBEXEC="$kp" && [ "$("$kp/create-diff-object.upstream")" = upstream ] &&
	[ "$(find "$kp" -type f | wc -l)" = 2 ]; then
	pass "install-kpatch-twice"
else
	fail "install-kpatch-twice" "upstream copy lost or stray files: $(ls -A "$kp")"
fi
if mk uninstall-kpatch KPATCH_LIBEXEC="$kp" && [ "$("$kp/create-diff-object")" = upstream ] &&
	[ ! -e "$kp/create-diff-object.upstream" ]; then
	pass "uninstall-kpatch"
else
	fail "uninstall-kpatch" "upstream not restored"
fi
if ! mk install-kpatch && grep -q KPATCH_LIBEXEC "$work/log"; then
	pass "install-kpatch-needs-dir"
else
	fail "install-kpatch-needs-dir" "no clear error without KPATCH_LIBEXEC"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
