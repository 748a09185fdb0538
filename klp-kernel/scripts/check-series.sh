#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check a patch series the way a maintainer would: every patch passes
# checkpatch.pl --strict, and the kernel builds after each patch, not only
# after the last one.  Builds reuse check-kernel.sh's cache, so a patch that
# touches one file rebuilds little.
#   check-series.sh            the 6.1 series on Debian's linux-source-6.1
#   KERNEL_SRC=... check-series.sh
#   KLP_CHECK_FROM=0015 check-series.sh   check from that patch on; the
#                     ones before it are applied, not built one by one
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [[ -n "${KERNEL_SRC:-}" ]]; then
	ver=$(make -s -C "$KERNEL_SRC" kernelversion | cut -d. -f1,2)
else
	ver=6.1
fi
SERIES=${KLP_SERIES:-$HERE/patches/$ver}
patches=("$SERIES"/*.patch)
from=${KLP_CHECK_FROM:-}
bad=0 checked=0

mkdir -p "$TMP/series"
for p in "${patches[@]}"; do
	name=$(basename "$p")
	cp "$p" "$TMP/series/"
	if [[ -n "$from" && "$name" < "$from" ]]; then
		continue
	fi
	checked=$((checked + 1))
	if ! KLP_SERIES="$TMP/series" KLP_BUILD_ONLY=1 \
		"$HERE/scripts/check-kernel.sh" >"$TMP/log" 2>&1; then
		echo "FAIL build after $name"
		tail -n 20 "$TMP/log"
		bad=$((bad + 1))
		continue
	fi
	# checkpatch.pl comes from the tree the series is for.  Its one
	# question, "does MAINTAINERS need updating?" for added files, has
	# the answer no: MAINTAINERS covers kernel/livepatch/, lib/livepatch/
	# and tools/testing/selftests/livepatch/ as directories.
	# A backport names its upstream commit the way stable kernels do,
	# "commit <sha> upstream." (Documentation/process/stable-kernel-rules.rst).
	# checkpatch can only verify a commit id in a repository that has it,
	# and neither the Debian source nor a 5.15 tarball has upstream's
	# history, so for those patches alone its two commit id checks are
	# off.  It runs outside any repository, so the result does not depend
	# on the directory the script is started from.
	ignore=FILE_PATH_CHANGES
	grep -qE '^commit [0-9a-f]{40} upstream\.$' "$p" &&
		ignore=$ignore,GIT_COMMIT_ID,UNKNOWN_COMMIT_ID
	work=$(sed -n 's/.*, cache //p' "$TMP/log" | head -n 1)
	if ! out=$(cd "$TMP" && perl "$work/src/scripts/checkpatch.pl" --strict \
			--no-tree -q --ignore "$ignore" "$p" 2>&1) ||
	   [[ -n "$out" ]]; then
		echo "FAIL checkpatch --strict $name"
		echo "$out" | sed 's/^/  /'
		bad=$((bad + 1))
	else
		echo "ok   build and checkpatch --strict after $name"
	fi
done
((checked > 0)) || { echo "series: no patch from $from on in $SERIES"; exit 1; }
echo "series: $checked of ${#patches[@]} patches checked, $bad failed"
((bad == 0))
