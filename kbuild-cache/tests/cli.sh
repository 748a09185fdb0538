#!/bin/bash
# kbuild-cache on a stand-in kernel tree: keys, build, restore, store
# maintenance, concurrency and bad input.
#
#   cli.sh BUILD_DIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=$(cd "${1:?usage: cli.sh BUILD_DIR}" && pwd)
KBC=$build/bin/kbuild-cache
T=$(mktemp -d /tmp/kbc-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
export KBUILD_CACHE_DIR=$T/cache
unset KBUILD_CACHE_REMOTE KCFLAGS
cfg=$KBC_TESTS/fake-kernel/config
vars=(KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970' KBUILD_BUILD_USER=kbuild-cache
	KBUILD_BUILD_HOST=kbuild-cache)
mk() { env "${vars[@]}" make -C "$1" CC=gcc LD=ld KCFLAGS='-ffunction-sections -fdata-sections' vmlinux modules; }

# ---- bad input: one line, non-zero exit, nothing written -------------------
mkdir -p "$T/empty"
out=$("$KBC" build -C "$T/empty" --config "$cfg" 2>&1); rc=$?
check "not a kernel tree: exit 1" [ $rc = 1 ]
check "not a kernel tree: one line naming it" \
	[ "$(wc -l <<<"$out")" = 1 -a -n "$(grep "$T/empty: not a kernel source tree" <<<"$out")" ]
fake_tree "$T/a"
out=$("$KBC" build -C "$T/a" 2>&1); rc=$?
check "no config: exit 1 and says so" [ $rc = 1 -a -n "$(grep 'no .config and no --config' <<<"$out")" ]
out=$("$KBC" build -C "$T/a" --config "$T/nope.config" 2>&1); rc=$?
check "missing config file named" [ $rc = 1 -a -n "$(grep "$T/nope.config" <<<"$out")" ]
echo "garbage" >"$T/garbage.config"
out=$("$KBC" key -C "$T/a" --config "$T/garbage.config" 2>&1); rc=$?
check "config without CONFIG_ lines refused" [ $rc = 1 -a -n "$(grep 'not a kernel config' <<<"$out")" ]
"$KBC" frobnicate >/dev/null 2>&1; rc=$?
check "unknown command: usage exit" [ $rc = 64 ]
"$KBC" gc >/dev/null 2>&1; rc=$?
check "gc without --max-size: usage exit" [ $rc = 64 ]
"$KBC" diff -C "$T/a" some.patch >/dev/null 2>&1; rc=$?
check "diff without -o: usage exit" [ $rc = 64 ]
out=$(env -u KPATCH_BUILD PATH=/usr/bin:/bin "$KBC" kpatch-build -C "$T/a" -- x.patch 2>&1); rc=$?
check "kpatch-build missing: exit 1, says how to point at it" \
	[ $rc = 1 -a "$out" = "kbuild-cache: kpatch-build not found: set KPATCH_BUILD or put it on PATH" ]
out=$(KPATCH_BUILD=/bin/true "$KBC" kpatch-build -C "$T/a" -- x.patch 2>&1); rc=$?
check "kpatch-build without its tools: exit 1, names them" [ $rc = 1 ] && grep -q "no kpatch-cc beside" <<<"$out"
check "no entry was written by bad input" [ -z "$(ls "$T/cache/entries" 2>/dev/null)" ]

# ---- keys ----------------------------------------------------------------------
k1=$("$KBC" key -C "$T/a" --config "$cfg")
check "key is 32 hex digits" grep -qxE '[0-9a-f]{32}' <<<"$k1"
check "key is stable" [ "$("$KBC" key -C "$T/a" --config "$cfg")" = "$k1" ]
explain=$("$KBC" key --explain -C "$T/a" --config "$cfg")
check "--explain names every input" bash -c 'for n in source config CC cc-version cc-binary cc1 LD ld-version KCFLAGS KBUILD_BUILD_TIMESTAMP arch; do grep -q "^$n " <<<"$1" || exit 1; done' _ "$explain"
check "--explain ends with the key" grep -q "=> key  *$k1" <<<"$explain"
check "key keeps a stat cache in the tree" grep -q "^kbuild-cache-stat 1 " "$T/a/.kbuild-cache-stat"
# a same-size edit with the old mtime put back: the stat cache must not hide it
sleep 1.1
cp -p "$T/a/kernel/fork.c" "$T/fork.c.orig"
sed -i 's/fork/FORK/' "$T/a/kernel/fork.c"
touch -r "$T/fork.c.orig" "$T/a/kernel/fork.c"
check "key sees a same-size edit with the old mtime (ctime)" [ "$("$KBC" key -C "$T/a" --config "$cfg")" != "$k1" ]
cp -p "$T/fork.c.orig" "$T/a/kernel/fork.c"
check "and is back once the file is" [ "$("$KBC" key -C "$T/a" --config "$cfg")" = "$k1" ]
echo garbage >"$T/a/.kbuild-cache-stat"
check "a damaged stat cache is ignored" [ "$("$KBC" key -C "$T/a" --config "$cfg")" = "$k1" ]

# --kpatch: kpatch-build's variables, found the way kpatch-build finds its tools
mkdir -p "$T/kp/bin" "$T/kp/libexec/kpatch" "$T/kp/share/kpatch/patch"
printf '#!/bin/sh\nexit 0\n' >"$T/kp/bin/kpatch-build"
printf '#!/bin/sh\nexec "$@"\n' >"$T/kp/libexec/kpatch/kpatch-cc"
chmod +x "$T/kp/bin/kpatch-build" "$T/kp/libexec/kpatch/kpatch-cc"
kexplain=$(KPATCH_BUILD=$T/kp/bin/kpatch-build "$KBC" key --kpatch --explain -C "$T/a" --config "$cfg")
check "--kpatch: CC and LD through kpatch-build's kpatch-cc" \
	bash -c 'grep -q "^CC  *$2/libexec/kpatch/kpatch-cc gcc$" <<<"$1" && grep -q "^LD  *$2/libexec/kpatch/kpatch-cc ld$" <<<"$1"' \
	_ "$kexplain" "$T/kp"
check "--kpatch: kpatch-build's KCFLAGS and make line" \
	bash -c 'grep -qE "^KCFLAGS  *-I$2/share/kpatch/patch -ffunction-sections -fdata-sections( -gz=none)?$" <<<"$1" &&
		grep -q "^make-line  *kpatch-build" <<<"$1"' _ "$kexplain" "$T/kp"
check "--kpatch: another key than the plain build's" bash -c '! grep -q "=> key  *$2" <<<"$1"' _ "$kexplain" "$k1"
out=$(env -u KPATCH_BUILD PATH=/usr/bin:/bin "$KBC" key --kpatch -C "$T/a" --config "$cfg" 2>&1); rc=$?
check "--kpatch without kpatch-build: exit 1, one line" \
	[ $rc = 1 -a "$out" = "kbuild-cache: kpatch-build not found: set KPATCH_BUILD or put it on PATH" ]
KPATCH_BUILD=$T/kp/bin/kpatch-build "$KBC" key --kpatch --cc clang -C "$T/a" --config "$cfg" >/dev/null 2>&1
check "--kpatch with --cc: usage exit" [ $? = 64 ]

# kpatch-build's arguments read as its getopt reads them: a recording stand-in
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\n' "$T/kp/args" >"$T/kp/bin/kpatch-build"
kpb_args() { # what kpatch-build got, on one line, the tree's path shortened
	KBUILD_CACHE_DIR=$T/kp/cache KPATCH_BUILD=$T/kp/bin/kpatch-build "$KBC" kpatch-build -q -C "$T/a" --config "$cfg" -- "$@" \
		>/dev/null 2>"$T/kp/err" || { cat "$T/kp/err"; return 1; }
	sed "s|^$T/a\$|SRC|" "$T/kp/args" | tr '\n' ' '
}
check "kpatch-build: -d takes no value, -c and its value are dropped, -s is added" \
	[ "$(kpb_args -dR -n foo x.patch -c "$cfg" --skip-cleanup)" = "-s SRC -dR -n foo x.patch --skip-cleanup " ]
check "kpatch-build: a value in a cluster, attached values, --config=" \
	[ "$(kpb_args -dc "$cfg" -nfoo --name=bar --config="$cfg" y.patch)" = "-s SRC -d -nfoo --name=bar y.patch " ]
check "kpatch-build: -s given is kept, a unique long prefix is understood" \
	[ "$(kpb_args --sourced "$T/a" --targ vmlinux z.patch)" = "--sourced SRC --targ vmlinux z.patch " ]
check "kpatch-build: after --, everything is a patch" \
	[ "$(kpb_args -n foo -- -c)" = "-s SRC -n foo -- -c " ]
sed 's/FOO=y/FOO=y\nCONFIG_BAR=y/' "$cfg" >"$T/other.config"
check "key changes with the config" [ "$("$KBC" key -C "$T/a" --config "$T/other.config")" != "$k1" ]
check "key changes with KCFLAGS" [ "$("$KBC" key -C "$T/a" --config "$cfg" --kcflags=-O3)" != "$k1" ]
check "key changes with a make variable" [ "$("$KBC" key -C "$T/a" --config "$cfg" KBUILD_MODPOST_WARN=1)" != "$k1" ]
check "key changes with the compiler" [ "$("$KBC" key -C "$T/a" --config "$cfg" --cc=clang-nonexistent)" != "$k1" ]
cp "$T/a/kernel/fork.c" "$T/fork.c.orig"
echo '/* changed */' >>"$T/a/kernel/fork.c"
check "key changes with a source file" [ "$("$KBC" key -C "$T/a" --config "$cfg")" != "$k1" ]
cp "$T/fork.c.orig" "$T/a/kernel/fork.c"
check "key returns when the source does" [ "$("$KBC" key -C "$T/a" --config "$cfg")" = "$k1" ]

# ---- build: miss, then hit -----------------------------------------------------
out=$("$KBC" build -C "$T/a" --config "$cfg" 2>"$T/err"); rc=$?
check "cold build succeeds" [ $rc = 0 ]
check "build prints the key" [ "$out" = "$k1" ]
check "cold build is a miss" grep -q "miss: ${k1:0:12}" "$T/err"
check "progress lines without a terminal" grep -q "storing: .* files" "$T/err"
check "vmlinux built" [ -f "$T/a/vmlinux" ]
check "key unchanged by building" [ "$("$KBC" key -C "$T/a" --config "$cfg")" = "$k1" ]
check "ls shows the entry" bash -c '"$1" ls | grep -q "^${2:0:12} .*6.1.0-fake"' _ "$KBC" "$k1"
fake_tree "$T/b"
"$KBC" build -C "$T/b" --config "$cfg" >/dev/null 2>"$T/err"; rc=$?
check "second build on another copy is a hit" [ $rc = 0 ] && grep -q "hit: ${k1:0:12}" "$T/err"
check "hit restores the same vmlinux" cmp -s "$T/a/vmlinux" "$T/b/vmlinux"
out=$("$KBC" build -q -C "$T/b" --config "$cfg" 2>&1 >/dev/null)
check "-q prints nothing" [ -z "$out" ]

# ---- restore: make has nothing left to do ----------------------------------------
fake_tree "$T/c"
"$KBC" restore -C "$T/c" >"$T/out" 2>"$T/err"; rc=$?
check "restore without a config finds the one entry" [ $rc = 0 ] && grep -qx "$k1" "$T/out"
check "restore says how to continue" grep -q "continue with: .*make" "$T/err"
mk "$T/c" >"$T/make.log" 2>&1
check "make after restore compiles and links nothing" [ "$(count_cc_ld "$T/make.log")" = 0 ]
for f in kernel/fork.o kernel/.fork.o.cmd include/generated/autoconf.h include/config/kernel.release; do
	check "restored $f equals the built one" cmp -s "$T/a/$f" "$T/c/$f"
done
echo '/* patched */' >>"$T/c/lib/string.c"
mk "$T/c" >"$T/make.log" 2>&1
check "a touched .c rebuilds exactly its object and the link" \
	[ "$(grep -cE '^  CC ' "$T/make.log")" = 1 -a "$(grep -cE '^  LD ' "$T/make.log")" = 1 ]
fake_tree "$T/d"
cp "$T/other.config" "$T/d/.config"
"$KBC" restore -C "$T/d" >/dev/null 2>"$T/err"; rc=$?
check "restore with another config is a clear miss" [ $rc = 1 ] && grep -q "no cache entry" "$T/err"
check "a failed restore writes nothing" [ ! -e "$T/d/vmlinux" ]

# ---- a second config side by side; ls, gc, rm ----------------------------------------
k2=$("$KBC" build -q -C "$T/d" --config "$T/other.config")
check "second config gets its own entry" [ -n "$k2" -a "$k2" != "$k1" ]
check "ls lists both" [ "$("$KBC" ls | grep -cE '^[0-9a-f]{12} ')" = 2 ]
touch -d '2 days ago' "$T/cache/entries/$k1.manifest"
# files derived from an entry (direct mode's parent symbol tables) go with it
for k in "$k1" "$k2"; do mkdir -p "$T/cache/derived/$k" && echo x >"$T/cache/derived/$k/vmlinux.symtab"; done
big=$(find "$T/cache/objects" -type f -printf "%s\n" | awk "{ s += \$1 } END { print s }")
"$KBC" gc --max-size $((big - 1)) >"$T/out" 2>&1
check "gc evicts the least recently used entry" [ ! -e "$T/cache/entries/$k1.manifest" -a -e "$T/cache/entries/$k2.manifest" ]
check "gc reports what it did" grep -q "gc: 1 entries evicted" "$T/out"
check "gc removes what was derived from the evicted entry only" [ ! -e "$T/cache/derived/$k1" -a -e "$T/cache/derived/$k2" ]
"$KBC" rm "${k2:0:8}" >/dev/null
check "rm by key prefix" [ ! -e "$T/cache/entries/$k2.manifest" ]
check "rm removes what was derived from the entry" [ ! -e "$T/cache/derived/$k2" ]
check "rm leaves no objects behind" [ -z "$(find "$T/cache/objects" -type f)" ]
"$KBC" rm deadbeef >/dev/null 2>"$T/err"; rc=$?
check "rm of an unknown key fails clearly" [ $rc = 1 ] && grep -q "no such entry" "$T/err"

# ---- corrupt entries ----------------------------------------------------------------
"$KBC" build -q -C "$T/a" --config "$cfg" >/dev/null
obj=$(grep -P '\tvmlinux$' "$T/cache/entries/$k1.manifest" | cut -f5)
objfile=$T/cache/objects/${obj:0:2}/${obj:2:2}/$obj.zst
printf '\x00\x00\x00\x00' | dd of="$objfile" bs=1 seek=20 conv=notrunc 2>/dev/null
mkdir -p "$T/cache/derived/$k1" && echo x >"$T/cache/derived/$k1/vmlinux.symtab"
fake_tree "$T/e"
"$KBC" restore -C "$T/e" --config "$cfg" >/dev/null 2>"$T/err"; rc=$?
check "restore refuses a corrupt object" [ $rc = 1 ] && grep -q "corrupt object" "$T/err"
check "a refused restore leaves no outputs" [ -z "$(find "$T/e" -name '*.o')" -a ! -e "$T/e/vmlinux" ]
"$KBC" verify >"$T/out" 2>&1; rc=$?
check "verify reports the corrupt entry" [ $rc = 2 ] && grep -q "^$k1: corrupt entry" "$T/out"
check "verify removed it" [ ! -e "$T/cache/entries/$k1.manifest" ]
check "and what was derived from it" [ ! -e "$T/cache/derived/$k1" ]
"$KBC" build -q -C "$T/a" --config "$cfg" >/dev/null
truncate -s 100 "$T/cache/entries/$k1.manifest"
"$KBC" verify >"$T/out" 2>&1; rc=$?
check "verify reports a truncated manifest" [ $rc = 2 ] && grep -q "truncated" "$T/out"
"$KBC" verify >"$T/out" 2>&1; rc=$?
check "verify of a clean cache passes" [ $rc = 0 ]

# ---- concurrent builds of one key ------------------------------------------------------
rm -rf "$T/cache"
fake_tree "$T/f"
fake_tree "$T/g"
"$KBC" build -C "$T/f" --config "$cfg" FAKE_SLOW=2 >/dev/null 2>"$T/err.f" &
p1=$!
"$KBC" build -C "$T/g" --config "$cfg" FAKE_SLOW=2 >/dev/null 2>"$T/err.g" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "two concurrent builds both succeed" [ $r1 = 0 -a $r2 = 0 ]
check "one built, the other waited and hit" \
	[ "$(cat "$T/err.f" "$T/err.g" | grep -c 'miss:')" = 1 -a "$(cat "$T/err.f" "$T/err.g" | grep -c 'hit:')" = 1 ]
check "one entry" [ "$(ls "$T/cache/entries" | grep -c manifest)" = 1 ]
check "no temporaries left" [ -z "$(find "$T/cache" -name '*.tmp.*')" ]
check "both trees built alike" cmp -s "$T/f/vmlinux" "$T/g/vmlinux"
"$KBC" verify >/dev/null 2>&1
check "the entry verifies" [ $? = 0 ]

# ---- full disk: no partial entry ------------------------------------------------------
mkdir -p "$T/small"
if mount -t tmpfs -o size=256k tmpfs "$T/small" 2>/dev/null; then
	fake_tree "$T/h"
	"$KBC" build -C "$T/h" --cache "$T/small" --config "$cfg" FAKE_BLOB_KB=2048 >/dev/null 2>"$T/err"; rc=$?
	check "full disk: build fails" [ $rc = 1 ]
	check "full disk: says so" grep -q "No space left on device" "$T/err"
	check "full disk: no entry" [ -z "$(ls "$T/small/entries")" ]
	check "full disk: no temporaries" [ -z "$(find "$T/small" -name '*.tmp.*')" ]
	umount "$T/small"
else
	skip "full disk tests: cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN)"
fi

summary kbuild-cache
