#!/usr/bin/env bash
# Gateway throughput: one TCP stream (iperf3, -t 5) from h1 to h2 through two espd on the
# reference topology, versus the same namespaces and veths routed in clear, in the same run.
# Prints one line per path and the ratio. The ratio to strongSwan's userspace ESP (issue 3's
# goal: 10x) is measured side by side in one run by bench/gateway_vs_strongswan.sh.
#   bench/gateway_iperf.sh [--transform cbc|gcm] [--encap raw|udp] [--threads N] [--seconds S]
#                          [--rt-priority P]   (espd --rt-priority; 0 = normal scheduling; default 10)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRANSFORM=gcm ENCAP=raw THREADS=1 SECONDS_=5 RT=10
while [ $# -gt 0 ]; do
  case $1 in
    --transform) TRANSFORM=$2; shift 2 ;;
    --encap) ENCAP=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --rt-priority) RT=$2; shift 2 ;;
    *) echo "usage: $0 [--transform cbc|gcm] [--encap raw|udp] [--threads N] [--seconds S]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
ESPD=$BUILD/host/espd/espd
ESPCTL=$BUILD/host/espctl/espctl
[ -x "$ESPD" ] || ESPGW_BUILD_DIR=$BUILD bash "$ROOT/scripts/build.sh"

. "$ROOT/tests/e2e/topology.sh"
topo_init
topo_build

iperf() {  # prints Gbit/s received and retransmits of one bounded run
  local json="$TOPO_DIR/iperf-$1.json"
  timeout $((SECONDS_ + 20)) ip netns exec "$(ns h1)" iperf3 -c 172.21.91.37 -t "$SECONDS_" -J >"$json" || true
  /usr/bin/python3 - "$json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    e = d["end"]
    print(f'{e["sum_received"]["bits_per_second"] / 1e9:.2f} {e["sum_sent"].get("retransmits", 0)}')
except Exception as ex:  # iperf3 failed: report zero rather than a traceback
    print("0.00 -1")
PY
}

ip netns exec "$(ns h2)" iperf3 -s -D --pidfile "$TOPO_DIR/iperf3.pid" >/dev/null
for _ in $(seq 50); do [ -s "$TOPO_DIR/iperf3.pid" ] && break; sleep 0.1; done
TOPO_PIDS+=("$(cat "$TOPO_DIR/iperf3.pid")")

# 1. Through the tunnel.
topo_start_espd gw1 "$ROOT/tests/data/e2e/r2-manual-$TRANSFORM.cfg" --esp-encap "$ENCAP" --threads "$THREADS" --rt-priority "$RT" --log-level warn
topo_start_espd gw2 "$ROOT/tests/data/e2e/r1-manual-$TRANSFORM.cfg" --esp-encap "$ENCAP" --threads "$THREADS" --rt-priority "$RT" --log-level warn
in_ns h1 ping -c 1 -W 2 172.21.91.37 >/dev/null
ticks0=$(( $(awk '{print $14+$15}' /proc/$ESPD_PID_gw1/stat) + $(awk '{print $14+$15}' /proc/$ESPD_PID_gw2/stat) ))
read -r esp_gbps esp_retr < <(iperf esp)
ticks1=$(( $(awk '{print $14+$15}' /proc/$ESPD_PID_gw1/stat) + $(awk '{print $14+$15}' /proc/$ESPD_PID_gw2/stat) ))
# CPU both espd used during the run, as a share of one core: robust to a busy machine.
espd_cores=$(/usr/bin/python3 -c "import os,sys; print(f'{(int(sys.argv[1])-int(sys.argv[2]))/os.sysconf(\"SC_CLK_TCK\")/float(sys.argv[3]):.2f}')" "$ticks1" "$ticks0" "$SECONDS_")
echo "R2#show crypto ipsec sa (after the run)"; espctl_on gw1 show crypto ipsec sa | sed -n '/#pkts encaps/,/#send errors/p'
kill -TERM "$ESPD_PID_gw1" "$ESPD_PID_gw2"; topo_wait_dead "$ESPD_PID_gw1"; topo_wait_dead "$ESPD_PID_gw2"

# 2. The same path in clear: the gateways route the hosts over the outside link.
in_ns gw1 ip route add 172.21.91.37/32 via 19.26.116.137
in_ns gw2 ip route add 192.168.20.25/32 via 19.26.116.141
read -r plain_gbps plain_retr < <(iperf plain)

ratio() { /usr/bin/python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'{a/b:.1f}' if b else 'n/a')" "$1" "$2"; }
echo "espd $TRANSFORM/$ENCAP threads=$THREADS rt-priority=$RT: $esp_gbps Gbit/s (retransmits $esp_retr); both espd together used $espd_cores cores"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "plain routing (same run): $plain_gbps Gbit/s (retransmits $plain_retr); espd/plain = $(ratio "$esp_gbps" "$plain_gbps")"
