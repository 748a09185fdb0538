#!/bin/sh
# Put cdo's create-diff-object where kpatch-build runs it, or take it out.
#
#   install-kpatch.sh install DIR OUR_BINARY
#   install-kpatch.sh uninstall DIR
#
# DIR is kpatch's libexec folder (kpatch-build runs the create-diff-object
# it finds there).  Installing moves the binary that was there aside as
# create-diff-object.upstream, once: installing again, or over our own,
# keeps the upstream copy.  Uninstalling puts the upstream copy back.
# Every step is a rename, so kpatch-build never sees a half-written file.
set -eu

prog=install-kpatch
action=${1:-}
dir=${2:-}

if [ -z "$dir" ]; then
	echo "$prog: set KPATCH_LIBEXEC to kpatch's libexec folder (e.g. /usr/libexec/kpatch)" >&2
	exit 2
fi
cdo=$dir/create-diff-object
upstream=$dir/create-diff-object.upstream

# ours says so in its --version line; look without running it
is_ours() {
	[ -f "$1" ] && LC_ALL=C grep -q -a -F 'create-diff-object (cdo) ' "$1"
}

case $action in
install)
	ours=${3:?usage: install-kpatch.sh install DIR BINARY}
	if [ ! -d "$dir" ]; then
		echo "$prog: $dir: no such folder (is kpatch installed? set KPATCH_LIBEXEC)" >&2
		exit 1
	fi
	if [ -e "$cdo" ] && ! is_ours "$cdo"; then
		# a kpatch (re)install put its binary back: that is the upstream one now
		mv -f "$cdo" "$upstream"
		echo "$prog: kept kpatch's create-diff-object as $upstream"
	fi
	tmp=$(mktemp "$dir/.create-diff-object.XXXXXX")
	cp "$ours" "$tmp"
	chmod 0755 "$tmp"
	mv -f "$tmp" "$cdo"
	echo "$prog: installed $cdo"
	;;
uninstall)
	if [ -e "$upstream" ]; then
		mv -f "$upstream" "$cdo"
		echo "$prog: restored kpatch's create-diff-object in $cdo"
	elif is_ours "$cdo"; then
		rm -f "$cdo"
		echo "$prog: removed $cdo (there was no upstream copy to restore)"
	else
		echo "$prog: $cdo is not cdo's; left alone"
	fi
	;;
*)
	echo "usage: install-kpatch.sh install DIR BINARY | uninstall DIR" >&2
	exit 2
	;;
esac
