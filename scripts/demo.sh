#!/usr/bin/env bash
# The reference walkthrough's standalone topology in network namespaces, with two espd on
# manually keyed SAs (tests/data/e2e/*-manual-cbc.cfg: the reference's ACL 110 and
# transform set `esp-aes 256 esp-sha256-hmac`): builds if needed, pings both ways, prints
# both gateways' `show crypto ipsec sa`, and tears everything down. Debian 12, as root.
#   scripts/demo.sh [--transform cbc|gcm] [--encap raw|udp]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TRANSFORM=cbc ENCAP=raw
while [ $# -gt 0 ]; do
  case $1 in
    --transform) TRANSFORM=$2; shift 2 ;;
    --encap) ENCAP=$2; shift 2 ;;
    *) echo "usage: $0 [--transform cbc|gcm] [--encap raw|udp]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "demo.sh needs root (network namespaces, TUN, raw sockets)" >&2; exit 1; }
BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
ESPD=$BUILD/host/espd/espd
ESPCTL=$BUILD/host/espctl/espctl
# A fresh machine: install the Debian packages first (idempotent).
if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null || ! command -v ping >/dev/null; then
  bash scripts/setup.sh
fi
if [ ! -x "$ESPD" ] || [ ! -x "$ESPCTL" ]; then
  echo "== building espd and espctl into $BUILD"
  ESPGW_BUILD_DIR=$BUILD bash scripts/build.sh
fi

. "$ROOT/tests/e2e/topology.sh"
topo_init
echo "== topology: h1 192.168.20.25 -- R2 19.26.116.141 == R1 19.26.116.137 -- h2 172.21.91.37 (namespaces ${TOPO_RUN}-*)"
topo_build
topo_start_espd gw1 "$ROOT/tests/data/e2e/r2-manual-$TRANSFORM.cfg" --esp-encap "$ENCAP"
topo_start_espd gw2 "$ROOT/tests/data/e2e/r1-manual-$TRANSFORM.cfg" --esp-encap "$ENCAP"

echo "== h1 (192.168.20.25) pings h2 (172.21.91.37) through the tunnel"
in_ns h1 ping -n -c 4 -i 0.3 -W 2 172.21.91.37
echo "== h2 (172.21.91.37) pings h1 (192.168.20.25)"
in_ns h2 ping -n -c 4 -i 0.3 -W 2 192.168.20.25

echo
echo "R2#show crypto ipsec sa"
espctl_on gw1 show crypto ipsec sa
echo "R1#show crypto ipsec sa"
espctl_on gw2 show crypto ipsec sa
echo "R2#show crypto sa-table"
espctl_on gw1 show crypto sa-table
echo "== tearing down (SIGTERM: espd removes routes and SAs, zeroizes keys; namespaces deleted)"
