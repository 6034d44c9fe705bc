#!/usr/bin/env bash
# The reference walkthrough's standalone topology in network namespaces with two espd.
# Default: the reference's standalone configs VERBATIM (tests/data/ios/r1-standalone.cfg,
# r2-standalone.cfg): the first ping triggers IKEv1 (Main Mode + Quick Mode, PFS group14),
# then both gateways' `show crypto isakmp sa` and `show crypto ipsec sa` are printed.
# --manual: manually keyed SAs instead (tests/data/e2e/*-manual-{cbc,gcm}.cfg: the
# reference's ACL 110 and transform set), raw ESP or UDP-encapsulated.
# Builds if needed and tears everything down on every exit. Debian 12, as root.
#   scripts/demo.sh [--debug] | scripts/demo.sh --manual [--transform cbc|gcm] [--encap raw|udp]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TRANSFORM=cbc ENCAP=raw MODE=ike DEBUG=""
while [ $# -gt 0 ]; do
  case $1 in
    --manual) MODE=manual; shift ;;
    --debug) DEBUG=1; shift ;;
    --transform) TRANSFORM=$2; shift 2 ;;
    --encap) ENCAP=$2; shift 2 ;;
    *) echo "usage: $0 [--debug] | $0 --manual [--transform cbc|gcm] [--encap raw|udp]" >&2; exit 2 ;;
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
if [ "$MODE" = manual ]; then
  topo_start_espd gw1 "$ROOT/tests/data/e2e/r2-manual-$TRANSFORM.cfg" --esp-encap "$ENCAP"
  topo_start_espd gw2 "$ROOT/tests/data/e2e/r1-manual-$TRANSFORM.cfg" --esp-encap "$ENCAP"
else
  echo "== R2 (gw1) runs tests/data/ios/r2-standalone.cfg, R1 (gw2) runs tests/data/ios/r1-standalone.cfg, verbatim"
  topo_start_espd gw1 "$ROOT/tests/data/ios/r2-standalone.cfg"
  topo_start_espd gw2 "$ROOT/tests/data/ios/r1-standalone.cfg"
  # The routing an IOS router gets from its route out of the crypto-map interface: the
  # remote protected network goes to espd's TUN, so the first packet triggers IKE.
  in_ns gw1 ip route add 172.21.91.0/24 dev esp0
  in_ns gw2 ip route add 192.168.20.0/24 dev esp0
  [ -n "$DEBUG" ] && espctl_on gw2 debug crypto isakmp
  echo "== first packet h1 -> h2: IKE negotiates (IOS drops the packet that triggers it, so does espd)"
  t0=$(date +%s%3N)
  in_ns h1 ping -n -c 1 -W 1 172.21.91.37 >/dev/null 2>&1 &
  first=$!
  up=""
  for _ in $(seq 60); do
    if espctl_on gw1 show crypto isakmp sa | matches "QM_IDLE" &&
       espctl_on gw1 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]"; then
      up=$(( $(date +%s%3N) - t0 )); break
    fi
    sleep 0.05
  done
  wait "$first" || true
  [ -n "$up" ] || { echo "tunnel did not come up within 3 s; gateway logs:" >&2; cat "$TOPO_DIR"/gw*.log >&2; exit 1; }
  echo "== tunnel up ${up} ms after the first packet"
fi

echo "== h1 (192.168.20.25) pings h2 (172.21.91.37) through the tunnel"
in_ns h1 ping -n -c 4 -i 0.3 -W 2 172.21.91.37
echo "== h2 (172.21.91.37) pings h1 (192.168.20.25)"
in_ns h2 ping -n -c 4 -i 0.3 -W 2 192.168.20.25

echo
if [ "$MODE" = ike ]; then
  echo "R2#show crypto isakmp sa"
  espctl_on gw1 show crypto isakmp sa
  echo "R1#show crypto isakmp sa"
  espctl_on gw2 show crypto isakmp sa
fi
echo "R2#show crypto ipsec sa"
espctl_on gw1 show crypto ipsec sa
echo "R1#show crypto ipsec sa"
espctl_on gw2 show crypto ipsec sa
echo "R2#show crypto sa-table"
espctl_on gw1 show crypto sa-table
echo "== tearing down (SIGTERM: espd removes routes and SAs, zeroizes keys; namespaces deleted)"
