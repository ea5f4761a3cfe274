#!/bin/sh
# The Debian packages the tests drive as real references and real servers.
# Installs what is missing when run as root; otherwise names what to install.
# chromium, tmux, hatop and prometheus-haproxy-exporter are the operator's
# tools the stats page and runtime API are tested with; nghttp2-client
# (h2load) is the HTTP/2 load of the bench.
set -eu
PACKAGES="haproxy wrk nghttp2-client socat curl openssl redis-server mariadb-server postgresql iproute2 procps keepalived iputils-arping systemd python3 chromium tmux hatop prometheus-haproxy-exporter"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "the tests need these Debian packages:$missing" >&2
  echo "install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing test dependencies:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
