#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild-cache on a real kernel (make check-kernel): Debian's
# linux-source-6.1, or the tree KBC_KERNEL_SRC names (version
# KBC_KERNEL_VERSION, such as 5.15), with the small livepatch
# configuration of the real-kernel cases (tinyconfig +
# test-objects/kernel/config/tobj.config and tobj-<version>.config).
#
#  - the key changes with the config, the compiler, a source file and a
#    flag, and with nothing else (not with building, restoring or touching);
#  - build stores the tree (cold once per source and config: the cache is
#    kept in $CDO_KERNEL_CACHE/kbuild-cache-<version> between runs);
#  - after restore into a fresh copy, `make vmlinux modules` compiles and
#    links nothing;
#  - diff on a .c patch, a header patch and a two-file patch gives what
#    create-diff-object gives on the pairs of a full two-build flow (the
#    original build, then `make vmlinux modules` on the patched tree);
#  - a patch that does not apply leaves the tree clean;
#  - with KPATCH_BUILD=, kbuild-cache kpatch-build (skipped without it).
#
# Ends with "kbuild-cache-kernel: N passed, M failed[, K skipped]".
#
# Environment: BUILD (our build dir, default build), CDO_KERNEL_CACHE,
# JOBS (default 2), KPATCH_BUILD.
set -uo pipefail
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"
. "$TOP/scripts/lib/kernel-src.sh"
BUILD=$(cd "${BUILD:-$TOP/build}" && pwd)
KBC=$BUILD/bin/kbuild-cache
CDO=$BUILD/bin/create-diff-object
OBJCMP=$BUILD/bin/cdo-objcmp
JOBS=${JOBS:-2}
KSRC=${KBC_KERNEL_SRC:-}
V=${KBC_KERNEL_VERSION:-6.1}
[ -z "$KSRC" ] || [ -n "${KBC_KERNEL_VERSION:-}" ] || { echo "kbuild-cache-kernel: KBC_KERNEL_SRC needs KBC_KERNEL_VERSION" >&2; exit 1; }
[ -z "$KSRC" ] || KSRC=$(cd "$KSRC" && pwd) || exit 1
WORK=${CDO_KERNEL_CACHE:-/var/cache/cdo-kernel}/kbuild-cache-$V
SRC=$WORK/src
CASES=$TOP/test-objects/kernel/cases
export KBUILD_CACHE_DIR=$WORK/cache
unset KBUILD_CACHE_REMOTE KCFLAGS
T0=$(date +%s)

log() { printf 'kbuild-cache-kernel: [%4ds] %s\n' $(($(date +%s) - T0)) "$*"; }
die() {
	echo "kbuild-cache-kernel: error: $*" >&2
	fail "$*"
	summary kbuild-cache-kernel
	exit 1
}
run_logged() {
	local logfile=$1
	shift
	"$@" >"$logfile" 2>&1 || { tail -n 30 "$logfile" >&2; return 1; }
}

"$TOP/scripts/deps.sh" gcc make libc6-dev bc flex bison libssl-dev libelf-dev xz-utils \
	patch binutils "$KERNEL_SRC_DEBIAN_PKG" >/dev/null || die "cannot install the kernel build packages"
mkdir -p "$WORK"
problem=$(kernel_src_check "$KSRC" "KBC_KERNEL_SRC=$KSRC") || die "$problem"
kernel_src_prepare "$WORK" "$SRC" "$WORK/cfg" "$KSRC" log run_logged "$WORK/trees" ||
	die "cannot unpack $KERNEL_SRC_DEBIAN_TARBALL"

# ---- the configuration: tinyconfig + the real-kernel cases' lines --------------
CFG=$WORK/tobj.config
want=$(cat "$TOP/test-objects/kernel/config/tobj.config" "$TOP/test-objects/kernel/config/tobj-$V.config" |
	sha256sum | cut -c1-16)
if [ ! -f "$CFG" ] || [ "$(cat "$WORK/tobj.config.stamp" 2>/dev/null)" != "$want" ]; then
	log "configuring (tinyconfig + test-objects/kernel/config/tobj*.config)"
	rm -rf "$WORK/cfg"
	run_logged "$WORK/config.log" make -C "$SRC" O="$WORK/cfg" ARCH=x86_64 tinyconfig || die "tinyconfig failed"
	grep -h '^CONFIG_' "$TOP/test-objects/kernel/config/tobj.config" \
		"$TOP/test-objects/kernel/config/tobj-$V.config" >>"$WORK/cfg/.config"
	run_logged "$WORK/config.log" make -C "$SRC" O="$WORK/cfg" ARCH=x86_64 olddefconfig || die "olddefconfig failed"
	cp "$WORK/cfg/.config" "$CFG"
	echo "$want" >"$WORK/tobj.config.stamp"
fi

# A copy of the pristine source; hard links are safe, as patch(1) and
# kbuild-cache replace files instead of writing into them.
fresh() {
	rm -rf "$1"
	mkdir -p "$(dirname "$1")"
	cp -al "$SRC" "$1"
}
vars=(KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970' KBUILD_BUILD_USER=kbuild-cache
	KBUILD_BUILD_HOST=kbuild-cache)
kmake() {
	local tree=$1
	shift
	env "${vars[@]}" make -C "$tree" -j"$JOBS" ARCH=x86_64 CC=gcc LD=ld \
		KCFLAGS='-ffunction-sections -fdata-sections' "$@"
}
TR=$WORK/trees
mkdir -p "$TR"

# ---- keys: they change with each input and only then ---------------------------------
fresh "$TR/keys"
k0=$("$KBC" key -C "$TR/keys" --config "$CFG") || die "key failed: $k0"
log "key of the pristine tree: $k0"
check "key: stable" [ "$("$KBC" key -C "$TR/keys" --config "$CFG")" = "$k0" ]
sed 's/^# CONFIG_PRINTK_TIME is not set/CONFIG_PRINTK_TIME=y/' "$CFG" >"$WORK/other.config"
check "key: changes with the config" [ "$("$KBC" key -C "$TR/keys" --config "$WORK/other.config")" != "$k0" ]
printf '#!/bin/sh\nexec gcc "$@"\n' >"$WORK/gcc-wrapper"
chmod +x "$WORK/gcc-wrapper"
check "key: changes with the compiler" [ "$("$KBC" key -C "$TR/keys" --config "$CFG" --cc "$WORK/gcc-wrapper")" != "$k0" ]
check "key: changes with a flag" [ "$("$KBC" key -C "$TR/keys" --config "$CFG" --kcflags '-ffunction-sections -fdata-sections -fno-ipa-sra')" != "$k0" ]
cp --remove-destination "$SRC/kernel/sys.c" "$TR/keys/kernel/sys.c"
echo '/* a comment */' >>"$TR/keys/kernel/sys.c"
check "key: changes with a source file" [ "$("$KBC" key -C "$TR/keys" --config "$CFG")" != "$k0" ]
cp --remove-destination "$SRC/kernel/sys.c" "$TR/keys/kernel/sys.c"
touch "$TR/keys/kernel/sys.c" "$TR/keys/include/linux/sched.h"
check "key: not with mtimes alone" [ "$("$KBC" key -C "$TR/keys" --config "$CFG")" = "$k0" ]
rm -rf "$TR/keys"

# ---- build (cold once, then a hit) ---------------------------------------------------------
fresh "$TR/built"
t=$(date +%s)
k=$("$KBC" build -C "$TR/built" --config "$CFG" -j "$JOBS" 2>"$WORK/build.err") ||
	{ tail -n 20 "$WORK/build.err"; die "kbuild-cache build failed"; }
log "build: $(grep -oE '(hit|miss): [0-9a-f]+' "$WORK/build.err") in $(($(date +%s) - t))s"
check "build prints the tree's key" [ "$k" = "$k0" ]
check "the built tree has the same key" [ "$("$KBC" key -C "$TR/built" --config "$CFG")" = "$k0" ]
check "built tree has vmlinux and a module" [ -f "$TR/built/vmlinux" -a -f "$TR/built/fs/ext4/ext4.ko" ]
"$KBC" ls >"$WORK/ls.out"
check "ls shows the entry with its release" grep -q "^${k:0:12} .*${V//./\\.}\." "$WORK/ls.out"

# ---- restore: make compiles and links nothing -------------------------------------------------
fresh "$TR/restored"
t=$(date +%s.%N)
"$KBC" restore -C "$TR/restored" --config "$CFG" >/dev/null 2>"$WORK/restore.err" ||
	{ cat "$WORK/restore.err"; die "restore failed"; }
tr=$(echo "$(date +%s.%N) - $t" | bc)
log "restore: $(printf '%.1f' "$tr")s ($(grep -oE 'restored [0-9]+ files' "$WORK/restore.err"))"
check "restored tree has the key" [ "$("$KBC" key -C "$TR/restored" --config "$CFG")" = "$k0" ]
kmake "$TR/restored" vmlinux modules >"$WORK/make-after-restore.log" 2>&1
check "make after restore succeeds" [ $? = 0 ]
n=$(grep -cE '^  (CC|LD|AR|AS|CC \[M\]|LD \[M\]) ' "$WORK/make-after-restore.log")
check "make after restore compiles and links nothing ($n CC/LD lines)" [ "$n" = 0 ]
[ "$n" = 0 ] || grep -E '^  (CC|LD|AR|AS)' "$WORK/make-after-restore.log" | head -n 10

# ---- diff against a full two-build flow ------------------------------------------------------------
# two_build NAME PATCH: kpatch-build's flow on a restored copy (which is the
# original full build): apply, `make vmlinux modules`, and diff every
# object the build rewrote with create-diff-object.
two_build() {
	# the same path as the direct mode's tree: the objects' debug info
	# names the build directory
	local name=$1 patch=$2 tree=$TR/direct out=$WORK/two-$1 obj parent mod symtab
	fresh "$tree"
	"$KBC" restore -q -C "$tree" --config "$CFG" >/dev/null || return 1
	rm -rf "$out"
	mkdir -p "$out/parents"
	readelf -s --wide "$tree/vmlinux" >"$out/parents/vmlinux.symtab"
	touch "$out/stamp"
	sleep 1
	patch -p1 -s -d "$tree" <"$patch" || return 1
	kmake "$tree" vmlinux modules >"$out/make.log" 2>&1 || return 1
	: >"$out/lines"
	# relative member names, as in the .mod files (ar prefixes the archive's directory)
	(cd "$tree" && ar t vmlinux.a) >"$out/vmlinux.members"
	(cd "$tree" && find . -name '*.o' -newer "$out/stamp" ! -name '*.mod.o' ! -name 'vmlinux.o' \
		! -path './tools/*' ! -path './scripts/*' ! -name '.tmp_*' | sed 's|^\./||' | sort) >"$out/objects"
	while read -r obj; do
		# kpatch-build's parent: the module that lists the object, else vmlinux
		mod=$(cd "$tree" && grep -lx "$obj" $(find . -name '*.mod' ! -path './scripts/*') 2>/dev/null | head -n 1)
		if [ -n "$mod" ]; then
			mod=${mod#./}
			parent=$(basename "${mod%.mod}" | tr - _)
			readelf -s --wide "$TR/built/${mod%.mod}.ko" >"$out/parents/$parent.symtab"
		else
			grep -qx "$obj" "$out/vmlinux.members" || continue
			parent=vmlinux
		fi
		mkdir -p "$out/orig/$(dirname "$obj")" "$out/patched/$(dirname "$obj")" "$out/output/$(dirname "$obj")"
		cp "$TR/built/$obj" "$out/orig/$obj"
		cp "$tree/$obj" "$out/patched/$obj"
		(cd "$out" && env BUG_STRUCT_SIZE=12 EX_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16 \
			ALT_STRUCT_SIZE=12 PARA_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6 STATIC_CALL_STRUCT_SIZE=8 \
			PRINTK_INDEX_STRUCT_SIZE=44 "$CDO" "orig/$obj" "patched/$obj" "$parent" \
			"parents/$parent.symtab" "$tree/Module.symvers" "livepatch_$name" "output/$obj" \
			>>"$out/lines" 2>>"$out/errors")
	done <"$out/objects"
	rm -rf "$tree"
}

diff_case() {
	local name=$1 patch=$2 t
	local out=$WORK/direct-$name tree=$TR/direct
	shift 2
	log "diff: $name"
	[ -d "$tree" ] || { fresh "$tree" && "$KBC" restore -q -C "$tree" --config "$CFG" >/dev/null; }
	(cd "$tree" && find . -type f ! -path './.kbuild-cache*' -printf '%P %s %T@\n' | sort) >"$WORK/tree.before"
	t=$(date +%s.%N)
	"$KBC" diff -C "$tree" --config "$CFG" -j "$JOBS" --json "$WORK/direct-$name.json" -o "$out" \
		"$patch" >"$WORK/direct-$name.lines" 2>"$WORK/direct-$name.err"
	local rc=$?
	log "diff $name: exit $rc in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t" | bc)")s: $(tail -n 1 "$WORK/direct-$name.err")"
	check "diff $name succeeds" [ $rc = 0 ] || cat "$WORK/direct-$name.err"
	(cd "$tree" && find . -type f ! -path './.kbuild-cache*' -printf '%P %s %T@\n' | sort) >"$WORK/tree.after"
	check "diff $name leaves the tree unchanged" cmp -s "$WORK/tree.before" "$WORK/tree.after"
	if ! two_build "$name" "$patch"; then
		fail "two-build flow for $name failed (see $WORK/two-$name/make.log)"
		return
	fi
	check "diff $name: same create-diff-object lines as the two-build flow" \
		diff <(sort "$WORK/two-$name/lines") <(sort "$WORK/direct-$name.lines")
	check "diff $name: same output objects" bash -c '
		cd "$1/output" && find . -name "*.o" | sort >"$3.a"
		cd "$2/output" && find . -name "*.o" | sort >"$3.b"
		cmp -s "$3.a" "$3.b" || exit 1
		while read -r o; do "$4" "$1/output/$o" "$2/output/$o" >/dev/null || exit 1; done <"$3.a"' \
		_ "$WORK/two-$name" "$out" "$WORK/outlist-$name" "$OBJCMP"
	check "diff $name: same patched objects, byte for byte" bash -c '
		while read -r o; do cmp -s "$1/patched/$o" "$2/patched/$o" || exit 1; done <"$3.a"' \
		_ "$WORK/two-$name" "$out" "$WORK/outlist-$name"
	check "diff $name: JSON report written" grep -q '"changed_functions": \[{' "$WORK/direct-$name.json"
}

cat "$CASES/workqueue-warn-line-shift/patch" "$CASES/packet-qdisc-bypass-bounds/patch" >"$WORK/two-file.patch"
# a fresh tree for every run: one left behind by an earlier, killed run may be patched
rm -rf "$TR/direct"
diff_case c-file "$CASES/sys-subreaper-lock/patch"
# the sizes kpatch-build would read from vmlinux's DWARF, as the 6.1 cases know them
if [ "$V" = 6.1 ]; then
	check "struct sizes read from the cached build" grep -q '"struct_sizes": {"bug_entry": 12, "exception_table_entry": 12, "jump_entry": 16, "alt_instr": 12, "paravirt_patch_site": 16, "orc_entry": 6, "static_call_site": 8, "pi_entry": 44}' \
		"$WORK/direct-c-file.json"
else
	check "struct sizes read from the cached build" grep -qE '"struct_sizes": \{"bug_entry": [0-9]+, "exception_table_entry": [0-9]+, "jump_entry": [0-9]+, "alt_instr": [0-9]+' \
		"$WORK/direct-c-file.json"
fi
diff_case header "$CASES/ext4-header-inline/patch"
diff_case two-file "$WORK/two-file.patch"

# ---- a patch that does not apply ------------------------------------------------------------------
[ -d "$TR/direct" ] || { fresh "$TR/direct" && "$KBC" restore -q -C "$TR/direct" --config "$CFG" >/dev/null; }
(cd "$TR/direct" && find . -type f ! -path './.kbuild-cache*' -printf '%P %s %T@\n' | sort) >"$WORK/tree.before"
# no context line matches the source any more (patch's fuzz cannot help)
sed 's/^ \(.*\)$/ \1 NOT THERE/' "$CASES/sys-subreaper-lock/patch" >"$WORK/bad.patch"
rm -rf "$WORK/bad"
"$KBC" diff -q -C "$TR/direct" --config "$CFG" -o "$WORK/bad" "$CASES/workqueue-warn-line-shift/patch" \
	"$WORK/bad.patch" >/dev/null 2>"$WORK/bad.err"
rc=$?
check "a patch that does not apply: exit 1, one message" \
	[ $rc = 1 -a "$(wc -l <"$WORK/bad.err")" = 1 ] && grep -q 'bad.patch: does not apply.*(tree left clean)' "$WORK/bad.err"
(cd "$TR/direct" && find . -type f ! -path './.kbuild-cache*' -printf '%P %s %T@\n' | sort) >"$WORK/tree.after"
check "a patch that does not apply leaves the tree clean (also the one before it)" \
	cmp -s "$WORK/tree.before" "$WORK/tree.after"
check "and writes no output" [ ! -e "$WORK/bad" ]

# ---- direct mode on a fresh copy: only what compiling needs is restored ------------------------------
rm -rf "$TR/direct" "$WORK/partial-c-file"
fresh "$TR/direct"
"$KBC" diff -C "$TR/direct" --config "$CFG" -j "$JOBS" -o "$WORK/partial-c-file" \
	"$CASES/sys-subreaper-lock/patch" >"$WORK/partial-c-file.lines" 2>"$WORK/partial-c-file.err"
check "diff on a fresh copy succeeds" [ $? = 0 ] || cat "$WORK/partial-c-file.err"
log "diff on a fresh copy: $(grep 'what compiling needs' "$WORK/partial-c-file.err")"
# the entry's object index exists by now (the diffs above made it): no .cmd files either
check "diff on a fresh copy restores only what compiling needs (no vmlinux, no objects, no .cmd)" \
	[ -n "$(grep 'what compiling needs' "$WORK/partial-c-file.err")" -a ! -e "$TR/direct/vmlinux" -a \
	! -e "$TR/direct/kernel/sys.o" -a ! -e "$TR/direct/kernel/.sys.o.cmd" -a \
	-f "$TR/direct/include/generated/autoconf.h" ]
check "diff on a fresh copy: the same lines" cmp -s "$WORK/partial-c-file.lines" "$WORK/direct-c-file.lines"
check "diff on a fresh copy: the same objects, byte for byte" bash -c '
	for d in output patched orig; do
		(cd "$1/$d" && find . -type f | sort) >"$3.$d.a"
		(cd "$2/$d" && find . -type f | sort) >"$3.$d.b"
		cmp -s "$3.$d.a" "$3.$d.b" || exit 1
		while read -r f; do cmp -s "$1/$d/$f" "$2/$d/$f" || exit 1; done <"$3.$d.a"
	done
	cmp -s "$1/parents/vmlinux.symtab" "$2/parents/vmlinux.symtab"' \
	_ "$WORK/partial-c-file" "$WORK/direct-c-file" "$WORK/partial-list"
# ---- interrupted: the tree is put back and the temporary output removed, then the signal ends it ----
rm -rf "$WORK/killed" "$WORK"/killed.tmp.*
"$KBC" diff -q -C "$TR/direct" --config "$CFG" -o "$WORK/killed" "$CASES/workqueue-queue-work-once/patch" \
	>/dev/null 2>"$WORK/killed.err" &
pid=$!
# until the patch is in (compiling workqueue.c takes seconds after that)
for i in $(seq 1 600); do
	cmp -s "$TR/direct/kernel/workqueue.c" "$SRC/kernel/workqueue.c" || break
	sleep 0.05
done
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM while compiling: the command dies of it (143) after its cleanup" [ $rc = 143 ] || cat "$WORK/killed.err"
check "SIGTERM while compiling: the patched source is back" \
	cmp -s "$TR/direct/kernel/workqueue.c" "$SRC/kernel/workqueue.c"
check "SIGTERM while compiling: says so, leaves no output and no temporary directory" \
	[ ! -e "$WORK/killed" -a -z "$(ls -d "$WORK"/killed.tmp.* 2>/dev/null)" ] && grep -q 'interrupted' "$WORK/killed.err"

"$KBC" restore -q -C "$TR/direct" --config "$CFG" >/dev/null 2>"$WORK/restore-after-partial.err"
check "restore after a partial one succeeds" [ $? = 0 ] || cat "$WORK/restore-after-partial.err"
kmake "$TR/direct" vmlinux modules >"$WORK/make-after-partial.log" 2>&1
n=$(grep -cE '^  (CC|LD|AR|AS|CC \[M\]|LD \[M\]) ' "$WORK/make-after-partial.log")
check "then make compiles and links nothing ($n CC/LD lines)" [ "$n" = 0 ]

# ---- kpatch-build -------------------------------------------------------------------------------------
if [ -z "${KPATCH_BUILD:-}" ] || [ ! -x "${KPATCH_BUILD:-}" ]; then
	skip "kpatch-build tests: KPATCH_BUILD is not set to an installed kpatch-build"
else
	export KPATCH_BUILD
	"$TOP/scripts/deps.sh" gawk >/dev/null || die "cannot install gawk (kpatch-build needs it)"
	# kpatch_run NAME PATCH...: kbuild-cache kpatch-build on a fresh copy,
	# output in $WORK/kpatch-NAME/ (the module, kbuild-cache's and
	# kpatch-build's messages); the tree's file list before and after.
	kpatch_run() {
		local name=$1 d=$WORK/kpatch-$1 tree=$TR/kpatch
		shift
		rm -rf "$d"
		mkdir -p "$d"
		fresh "$tree"
		(cd "$tree" && find . -type f ! -path './.kbuild-cache*' -printf '%P %s\n' | sort) >"$d/tree.before"
		# CACHEDIR: kpatch-build's own work directory, kept with -d for its build.log
		(cd "$d" && CACHEDIR=$d/kpatch "$KBC" kpatch-build -C "$tree" --config "$CFG" -j "$JOBS" -- \
			-d -n "$name" "$@") >"$d/out" 2>&1
		echo $? >"$d/rc"
		(cd "$tree" && find . -type f ! -path './.kbuild-cache*' -printf '%P %s\n' | sort) >"$d/tree.after"
		cp "$tree/kernel/sys.c" "$d/sys.c"
		# kpatch-build's log, for the make lines of its two builds
		cp "$d/kpatch/build.log" "$d/build.log" 2>/dev/null
		rm -rf "$tree"
		log "kpatch-build $name: exit $(cat "$d/rc"): $(tail -n 1 "$d/out")"
	}
	# functions a module changes, from the lines create-diff-object printed
	changed_fns() { grep -o 'changed function: .*\|new function: .*' "$1" | sort -u; }

	# the first run fills the kpatch-build entry (cold once), the second restores it
	kpatch_run kbc_first "$CASES/sys-subreaper-lock/patch"
	check "kpatch-build under kbuild-cache builds a module" \
		[ "$(cat "$WORK/kpatch-kbc_first/rc")" = 0 -a -f "$WORK/kpatch-kbc_first/kbc_first.ko" ] ||
		tail -n 20 "$WORK/kpatch-kbc_first/out"
	kpatch_run kbc_warm "$CASES/sys-subreaper-lock/patch"
	d=$WORK/kpatch-kbc_warm
	check "kpatch-build, second run: a module" [ "$(cat "$d/rc")" = 0 -a -f "$d/kbc_warm.ko" ] ||
		tail -n 20 "$d/out"
	check "kpatch-build, second run: the tree comes from the cache" grep -q '^kbuild-cache: hit: ' "$d/out"
	check "kpatch-build gets the one changed object as its target" \
		grep -q 'the patches change 1 object: building only it with -t' "$d/out"
	# build.log holds both make runs of the tree (then the patch module's own build,
	# whose lines name kpatch-build's work directory).  kernel/sys.o is compiled in
	# each: kpatch-build tries the patch (applies and reverts it) before its
	# original build, which leaves kernel/sys.c newer than its object.
	check "kpatch-build compiles kernel/sys.o in each build, nothing else, and links nothing" \
		[ "$(grep -E '^  (CC|AS) ' "$d/build.log" | grep -v "$d/kpatch" | tr -s ' ' | tr '\n' '|')" = \
		" CC kernel/sys.o| CC kernel/sys.o|" -a \
		"$(grep -cE '^  [A-Z]+ +(vmlinux|\.tmp_vmlinux)' "$d/build.log")" = 0 ] ||
		grep -E '^  [A-Z]+ ' "$d/build.log" | grep -v "$d/kpatch" | head -n 5
	check "kpatch-build changes the functions direct mode finds" \
		diff <(changed_fns "$d/out") <(changed_fns "$WORK/direct-c-file.lines")
	check "the module carries the patched function" \
		bash -c 'readelf -sW "$1" | grep -q " __x64_sys_prctl$"' _ "$d/kbc_warm.ko"
	# the source as it was: every file of the fresh copy there with its size
	# (the restore added the outputs), the patched one byte for byte
	check "kpatch-build leaves the tree's sources as they were" \
		[ -z "$(comm -23 "$d/tree.before" "$d/tree.after")" ] ||
		comm -23 "$d/tree.before" "$d/tree.after" | head -n 5
	check "kpatch-build reverts its patch" cmp -s "$d/sys.c" "$SRC/kernel/sys.c"

	# a header patch: every object that includes it is a target, the module builds
	kpatch_run kbc_header "$CASES/ext4-header-inline/patch"
	d=$WORK/kpatch-kbc_header
	check "kpatch-build, header patch: a module" [ "$(cat "$d/rc")" = 0 -a -f "$d/kbc_header.ko" ] ||
		tail -n 20 "$d/out"
	# and "modules", whose link of ext4.ko is where kpatch-build takes the patched module from
	check "kpatch-build, header patch: the objects that include it and the modules are the targets" \
		grep -q "the patches change $(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["objects"]))' \
			"$WORK/direct-header.json") objects: building only them and their modules with -t" "$d/out"
	check "kpatch-build, header patch: the functions direct mode finds" \
		diff <(changed_fns "$d/out") <(changed_fns "$WORK/direct-header.lines")
fi

log "done"
summary kbuild-cache-kernel
