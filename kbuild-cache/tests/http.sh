#!/bin/bash
# kbuild-cache's remote HTTP store against a real nginx with WebDAV PUT,
# started on loopback by this test with its own configuration and stopped
# at the end.  Skips (and says why) only when nginx cannot be installed.
#
#   http.sh BUILD_DIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=$(cd "${1:?usage: http.sh BUILD_DIR}" && pwd)
top=$(cd "$KBC_TESTS/../.." && pwd)
KBC=$build/bin/kbuild-cache
T=$(mktemp -d /tmp/kbc-http-XXXXXX)
nginx_pid=
cleanup() {
	[ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null
	[ -z "$nginx_pid" ] || wait "$nginx_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
unset KBUILD_CACHE_REMOTE KCFLAGS
cfg=$KBC_TESTS/fake-kernel/config
vars=(KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970' KBUILD_BUILD_USER=kbuild-cache
	KBUILD_BUILD_HOST=kbuild-cache)
mk() { env "${vars[@]}" make -C "$1" CC=gcc LD=ld KCFLAGS='-ffunction-sections -fdata-sections' vmlinux modules; }

if ! command -v nginx >/dev/null && ! "$top/scripts/deps.sh" nginx >"$T/deps.log" 2>&1; then
	skip "HTTP store tests: nginx cannot be installed ($(tail -n 1 "$T/deps.log"))"
	summary kbc-http
	exit 0
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# nginx with PUT into $T/www, on a free loopback port
start_nginx() {
	local port try userline=
	mkdir -p "$T/www" "$T/nginx"
	# as root, nginx's workers would run as nobody, who cannot write $T
	[ "$(id -u)" != 0 ] || userline="user root root;"
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		cat >"$T/nginx/nginx.conf" <<CONF
$userline
worker_processes 1;
error_log $T/nginx/error.log;
pid $T/nginx/nginx.pid;
events { worker_connections 64; }
http {
	access_log $T/nginx/access.log;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$port;
		root $T/www;
		client_max_body_size 0;
		location / {
			dav_methods PUT DELETE;
			create_full_put_path on;
			dav_access user:rw group:r all:r;
		}
	}
}
CONF
		"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -g 'daemon off;' 2>>"$T/nginx/start.log" &
		nginx_pid=$!
		for _ in $(seq 50); do
			if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
				URL=http://127.0.0.1:$port/kbc
				return 0
			fi
			kill -0 "$nginx_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$nginx_pid" 2>/dev/null
		wait "$nginx_pid" 2>/dev/null
		nginx_pid=
	done
	return 1
}

if ! start_nginx; then
	fail "nginx did not start: $(tail -n 3 "$T/nginx/start.log" "$T/nginx/error.log" 2>/dev/null)"
	summary kbc-http
	exit 1
fi
ok "nginx serving $URL"

# ---- a build uploads its entry ---------------------------------------------------------
fake_tree "$T/a"
k=$("$KBC" build -C "$T/a" --cache "$T/c1" --remote "$URL" --config "$cfg" 2>"$T/err"); rc=$?
check "build with a remote succeeds" [ $rc = 0 ]
check "build says it uploaded" grep -q "uploaded ${k:0:12} to $URL" "$T/err"
check "manifest on the server" [ -f "$T/www/kbc/entries/$k.manifest" ]
check "objects on the server, two-level fan-out" \
	[ -n "$(find "$T/www/kbc/objects" -mindepth 3 -name '*.zst' | head -n 1)" ]
check "server has every object of the entry" bash -c '
	for h in $(grep -P "^[fl]\t" "$1" | cut -f5 | sort -u); do
		[ -f "$2/objects/${h:0:2}/${h:2:2}/$h.zst" ] || exit 1
	done' _ "$T/c1/entries/$k.manifest" "$T/www/kbc"

# ---- another machine: empty local cache, restore from the remote --------------------------
fake_tree "$T/b"
"$KBC" restore -C "$T/b" --cache "$T/c2" --remote "$URL" --config "$cfg" >/dev/null 2>"$T/err"; rc=$?
check "restore from the remote" [ $rc = 0 ] && grep -q "found ${k:0:12} on $URL" "$T/err"
mk "$T/b" >"$T/make.log" 2>&1
check "make after a remote restore compiles nothing" [ "$(count_cc_ld "$T/make.log")" = 0 ]
check "the local dir became a read-through copy" [ -f "$T/c2/entries/$k.manifest" ]
"$KBC" verify --cache "$T/c2" >/dev/null 2>&1
check "the local copy verifies" [ $? = 0 ]

# ---- dedupe: a second config uploads only what differs --------------------------------------
sed 's/FOO=y/FOO=y\nCONFIG_BAR=y/' "$cfg" >"$T/other.config"
before=$(grep -c '"PUT /kbc/objects' "$T/nginx/access.log")
fake_tree "$T/d"
k2=$("$KBC" build -q -C "$T/d" --cache "$T/c1" --remote "$URL" --config "$T/other.config")
after=$(grep -c '"PUT /kbc/objects' "$T/nginx/access.log")
total=$(grep -cP '^[fl]\t' "$T/c1/entries/$k2.manifest")
check "second entry uploaded" [ -f "$T/www/kbc/entries/$k2.manifest" ]
check "objects already on the server are not uploaded again ($((after - before)) of $total)" \
	[ $((after - before)) -gt 0 -a $((after - before)) -lt "$total" ]

# ---- concurrent restores from the remote into one fresh local dir ------------------------------
fake_tree "$T/e1"
fake_tree "$T/e2"
"$KBC" restore -q -C "$T/e1" --cache "$T/c3" --remote "$URL" --config "$cfg" >/dev/null 2>&1 &
p1=$!
"$KBC" restore -q -C "$T/e2" --cache "$T/c3" --remote "$URL" --config "$cfg" >/dev/null 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "two concurrent remote restores succeed" [ $r1 = 0 -a $r2 = 0 ]
check "and agree" cmp -s "$T/e1/vmlinux" "$T/e2/vmlinux"
"$KBC" verify --cache "$T/c3" >/dev/null 2>&1
check "their shared local dir verifies" [ $? = 0 ]

# ---- a corrupt object on the server is refused and not kept -----------------------------------
h=$(grep -P '\tvmlinux$' "$T/c1/entries/$k.manifest" | cut -f5)
printf 'garbage' >"$T/www/kbc/objects/${h:0:2}/${h:2:2}/$h.zst"
fake_tree "$T/f"
"$KBC" restore -C "$T/f" --cache "$T/c4" --remote "$URL" --config "$cfg" >/dev/null 2>"$T/err"; rc=$?
check "corrupt remote object refused" [ $rc = 1 ] && grep -q "corrupt object" "$T/err"
check "no outputs left in the tree" [ ! -e "$T/f/vmlinux" -a -z "$(find "$T/f" -name '*.o')" ]
check "bad download not kept locally" [ ! -e "$T/c4/objects/${h:0:2}/${h:2:2}/$h.zst" ]
check "no local entry made" [ ! -e "$T/c4/entries/$k.manifest" ]

# ---- the remote goes away: local cache only, with one message ---------------------------------
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null; nginx_pid=
fake_tree "$T/g"
"$KBC" restore -C "$T/g" --cache "$T/c2" --remote "$URL" --config "$cfg" >/dev/null 2>"$T/err"; rc=$?
check "restore from the local copy with the remote down" [ $rc = 0 ]
fake_tree "$T/h"
k3=$("$KBC" build -C "$T/h" --cache "$T/c5" --remote "$URL" --config "$T/other.config" 2>"$T/err"); rc=$?
check "build with an unreachable remote falls back to local" [ $rc = 0 -a -f "$T/c5/entries/$k3.manifest" ]
check "and says so once" [ "$(grep -c "remote $URL unreachable.*using the local cache only" "$T/err")" = 1 ]
KBUILD_CACHE_REMOTE=$URL "$KBC" restore -C "$T/h" --cache "$T/c5" --config "$T/other.config" >/dev/null 2>"$T/err"; rc=$?
check "\$KBUILD_CACHE_REMOTE is used" [ $rc = 0 ] && grep -q "already at the built state" "$T/err"

summary kbc-http
