#!/bin/sh
# Make sure the Debian packages named on the command line are installed.
# As root, install the missing ones; otherwise print the exact command and fail.
set -e
missing=""
for pkg in "$@"; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
	fi
else
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
