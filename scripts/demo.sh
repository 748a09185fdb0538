#!/bin/bash
# `make demo`: build the bundled example pair the way kpatch-build compiles
# kernel objects, run create-diff-object on it, and show the result.
set -euo pipefail
build=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="$build/demo"
rm -rf "$work"
mkdir -p "$work/orig/demo" "$work/patched/demo" "$work/output/demo"

flags=(-O2 -ffunction-sections -fdata-sections -pg -mfentry -mrecord-mcount
	-mcmodel=kernel -mno-red-zone -fno-PIE -fno-asynchronous-unwind-tables
	-fno-stack-protector -fcf-protection=none)
# kpatch-build compiles the same file name twice; so do we
cp "$top/examples/demo/orig.c" "$work/orig/demo/limiter.c"
cp "$top/examples/demo/patched.c" "$work/patched/demo/limiter.c"
(cd "$work/orig" && gcc "${flags[@]}" -c demo/limiter.c -o demo/limiter.o)
(cd "$work/patched" && gcc "${flags[@]}" -c demo/limiter.c -o demo/limiter.o)
# the parent's symbol table: for the demo, the object's own
readelf -s --wide "$work/orig/demo/limiter.o" >"$work/vmlinux.symtab"

echo "== create-diff-object orig/demo/limiter.o patched/demo/limiter.o vmlinux ..."
cd "$work"
set +e
"$build/bin/create-diff-object" orig/demo/limiter.o patched/demo/limiter.o vmlinux \
	vmlinux.symtab /dev/null livepatch_demo output/demo/limiter.o
rc=$?
set -e
echo "== exit status $rc (0: output written, 1: error, 2: unreconcilable, 3: no change)"
[ $rc = 0 ] || exit $rc
echo "== functions the patch replaces (.kpatch.funcs):"
"$build/bin/create-diff-object" --json "$work/report.json" orig/demo/limiter.o \
	patched/demo/limiter.o vmlinux vmlinux.symtab /dev/null livepatch_demo output/demo/limiter.o >/dev/null
sed -n '/"changed_functions"/,/\]/p' "$work/report.json" | grep '"name"' | sed 's/^ */  /'
echo "== references resolved in the running kernel (klp relocations):"
sed -n '/"klp_relocations"/,/\]/p' "$work/report.json" | grep '"name"' | sed 's/^ */  /'
echo "== output object $work/output/demo/limiter.o:"
readelf -SW output/demo/limiter.o | grep -E '\] \.(kpatch|text|rela\.kpatch)|__mcount' | sed 's/^ */  /'
echo "== JSON report: $work/report.json"
