#!/usr/bin/env bash
# strongSwan userspace-ESP throughput baseline (issue 3's benchmark): one TCP stream, iperf3
# -t 5, host to host on the reference topology, in one run: (1) the same path routed without
# IPsec, (2) through strongSwan 5.9 kernel-libipsec ESP-in-UDP (RFC 3948) with
# AES-256-CBC/HMAC-SHA-256, (3) with AES-256-GCM (RFC 4106). Every phase is bounded; a phase
# counts only if the CHILD_SA's byte counters show the stream really went through ESP.
# Usage: baseline_iperf.sh [--time S] [--repeat N]     (prints a Markdown table on stdout)
# The same strongSwan phases side by side with espd in one run: bench/gateway_vs_strongswan.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TIME=5 REPEAT=1
while [ $# -gt 0 ]; do
  case $1 in
    --time) TIME=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    *) echo "usage: $0 [--time S] [--repeat N]" >&2; exit 2 ;;
  esac
done
. "$HERE/lib.sh"
sw_require_env
command -v iperf3 >/dev/null || { echo "SKIP: iperf3 not installed" >&2; exit $SW_SKIP; }
sw_init
fail() { sw_log "FAIL: $*"; exit 1; }

sw_topology
sw_host_selector_trick gw1 $SW_H1 lan0
sw_host_selector_trick gw2 $SW_H2 lan0
# The plain path: each gateway routes the far LAN over the outside link. While a CHILD_SA is
# installed, kernel-libipsec's table 220 (ip rule pref 220, before main) sends the protected
# host into its TUN instead.
sw_in gw1 ip route add $SW_NET2 via $SW_GW2_WAN
sw_in gw2 ip route add $SW_NET1 via $SW_GW1_WAN

# iperf_run LABEL: one iperf3 -t TIME from h1 to h2; prints "Gbit/s retransmits bytes".
iperf_run() {
  local out=$SW_DIR/iperf-$1.json
  ip netns exec "$(sw_ns h2)" timeout $((TIME + 20)) iperf3 -s -1 -B $SW_H2 >"$SW_DIR/iperf-server-$1.log" 2>&1 &
  local spid=$!
  SW_PIDS+=("$spid")
  local up=0
  for _ in $(seq 50); do
    sw_in h2 ss -ltn 2>/dev/null | matches "$SW_H2:5201" && { up=1; break; }
    sleep 0.1
  done
  [ $up = 1 ] || fail "iperf3 server did not listen"
  timeout $((TIME + 15)) ip netns exec "$(sw_ns h1)" iperf3 -c $SW_H2 -t "$TIME" -J >"$out" 2>&1 || fail "iperf3 $1: $(tail -5 "$out")"
  sw_stop "$spid"
  /usr/bin/python3 - "$out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(f"{e['sum_received']['bits_per_second'] / 1e9:.3f} {e['sum_sent'].get('retransmits', 0)} {e['sum_received']['bytes']}")
PY
}

# swan_up ESP_PROPOSAL: fresh charons on both gateways, gw1 initiates, both installed.
swan_up() {
  local g
  for g in gw1 gw2; do
    local pid; eval "pid=\${SW_CHARON_PID_$g:-}"
    [ -n "$pid" ] && sw_stop "$pid"
    sw_charon_start $g || fail "charon $g"
  done
  local psk="bench-$SW_RUN"
  sw_conn gw2 --local $SW_GW2_WAN --remote $SW_GW1_WAN --local-ts $SW_H2/32 --remote-ts $SW_H1/32 \
    --psk "$psk" --esp "$1" --role responder || fail "load gw2"
  sw_conn gw1 --local $SW_GW1_WAN --remote $SW_GW2_WAN --local-ts $SW_H1/32 --remote-ts $SW_H2/32 \
    --psk "$psk" --esp "$1" --role initiator || fail "load gw1"
  sw_wait_established gw1 15 || fail "gw1 did not establish"
  sw_wait_established gw2 5 || fail "gw2 did not install"
  # The responder installs after QM3; one ping makes sure both directions work.
  sw_in h1 ping -n -c 1 -W 2 $SW_H2 >/dev/null || fail "ping through $1"
}

child_bytes() {  # GW out|in -> byte counter of the CHILD_SA
  sw_sas "$1" | sed -n "s/^ *$2  *[0-9a-f]\{8\}, *\([0-9]*\) bytes.*/\1/p" | head -1
}

CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "| path | run | Gbit/s (received) | TCP retransmits |"
echo "|---|---|---|---|"
for ((r = 1; r <= REPEAT; r++)); do
  read -r g retr _ <<<"$(iperf_run plain-$r)"
  echo "| plain routing (no IPsec) | $r | $g | $retr |"
done
for esp in aes256-sha256-modp2048 aes256gcm16-modp2048; do
  swan_up $esp
  for ((r = 1; r <= REPEAT; r++)); do
    before=$(child_bytes gw1 out)
    read -r g retr bytes <<<"$(iperf_run "$esp-$r")"
    after=$(child_bytes gw1 out)
    # The TCP payload must have crossed gw1's outbound SA (inner IP bytes >= payload bytes).
    [ $((after - before)) -ge "$bytes" ] || fail "$esp: SA carried $((after - before)) bytes for $bytes iperf3 bytes; traffic bypassed ESP"
    echo "| strongSwan kernel-libipsec, ESP-in-UDP, $esp | $r | $g | $retr |"
  done
done
sw_log "machine: $CPU, $(nproc) CPUs, kernel $(uname -r); iperf3 $(iperf3 --version | head -1 | awk '{print $2}'), -t $TIME, 1 stream"
