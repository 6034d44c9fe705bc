#!/usr/bin/env bash
# Issue 3's throughput goal measured side by side in ONE run: on the same network namespaces
# (reference topology, tests/e2e/strongswan/lib.sh) and with the same iperf3 TCP test (one
# stream h1 -> h2, -t S), alternating in every round: plain routing, strongSwan 5.9
# kernel-libipsec (userspace ESP-in-UDP, RFC 3948) with AES-256-GCM-16 and AES-256-CBC /
# HMAC-SHA-256, and two espd with the same transforms (ipsec-manual SAs, raw ESP and UDP 4500).
# Prints every run, then per path the median and the ratio to strongSwan with the same
# transform. A tunnel run counts only if its outbound SA's counters carried the stream.
#   bench/gateway_vs_strongswan.sh [--rounds N] [--time S] [--rt-priority P] [--build DIR]
#                                  [--paths "plain swan-gcm espd-gcm-raw ..."] [--perf DIR]
# --perf DIR: `perf record -g` on both espd during each espd run (DIR/<path>-<round>.data);
# --perf-stat DIR: `perf stat` of their syscalls and context switches instead (DIR/*.txt).
# --pin: each gateway's daemon on its own CPU, gw1's on CPU 0 and gw2's on CPU 1 (espd started
# under taskset, every charon thread moved with taskset -a), for both daemons alike.
# --iperf-rt P (default 0): iperf3 client and server at SCHED_FIFO P too, on every path, so
# that on a machine loaded by other work the end hosts are not what limits the tunnels.
# --rt-priority P (default 0) applies to BOTH daemons: espd --rt-priority P (its forwarder
# threads) and charon's threads (chrt -f -a), so neither gets a scheduling advantage.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 TIME=5 RT=0 BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
PATHS="plain swan-gcm espd-gcm-raw espd-gcm-udp swan-cbc espd-cbc-raw espd-cbc-udp"
ESPD_EXTRA=()
PERF_DIR="" PERF_STAT=0 IPERF_RT=0 PIN=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --time) TIME=$2; shift 2 ;;
    --rt-priority) RT=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --paths) PATHS=$2; shift 2 ;;
    --espd-arg) ESPD_EXTRA+=("$2"); shift 2 ;;
    --perf) PERF_DIR=$(realpath -m "$2"); mkdir -p "$PERF_DIR"; shift 2 ;;
    --iperf-rt) IPERF_RT=$2; shift 2 ;;
    --pin) PIN=1; shift ;;
    --perf-stat) PERF_DIR=$(realpath -m "$2"); PERF_STAT=1; mkdir -p "$PERF_DIR"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--time S] [--rt-priority P] [--build DIR] [--paths LIST] [--espd-arg ARG]... [--perf DIR | --perf-stat DIR] [--iperf-rt P] [--pin]" >&2
       exit 2 ;;
  esac
done
ESPD=$BUILD/host/espd/espd
ESPCTL=$BUILD/host/espctl/espctl
[ -x "$ESPD" ] && [ -x "$ESPCTL" ] || { echo "espd/espctl not built in $BUILD (--build DIR)" >&2; exit 1; }
. "$ROOT/tests/e2e/strongswan/lib.sh"
sw_require_env
command -v iperf3 >/dev/null || { echo "SKIP: iperf3 not installed" >&2; exit $SW_SKIP; }
sw_init
fail() { sw_log "FAIL: $*"; exit 1; }

sw_topology
# strongSwan needs the gateways to own an address inside the /32 selectors (lib.sh explains
# the trick); espd does not care, and the plain path works with it, so every path runs on
# exactly the same namespaces and rules.
sw_host_selector_trick gw1 $SW_H1 lan0
sw_host_selector_trick gw2 $SW_H2 lan0
sw_in gw1 ip route add $SW_NET2 via $SW_GW2_WAN
sw_in gw2 ip route add $SW_NET1 via $SW_GW1_WAN

ticks() {  # PID... -> user+system clock ticks of all their threads
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done
  echo $t
}
cores() {  # TICKS0 TICKS1 -> share of one core over the run
  /usr/bin/python3 -c "import os,sys; print(f'{(int(sys.argv[2])-int(sys.argv[1]))/os.sysconf(\"SC_CLK_TCK\")/float(sys.argv[3]):.2f}')" "$1" "$2" "$TIME"
}

# iperf_run LABEL: one iperf3 -t TIME from h1 to h2; sets IPERF="Gbit/s retransmits bytes".
# (No command substitution around the run functions: a subshell would hide the pids they
# start from the cleanup trap.)
iperf_run() {
  local out=$SW_DIR/iperf-$1.json
  local rt=()
  [ "$IPERF_RT" -gt 0 ] && rt=(chrt -f "$IPERF_RT")
  ip netns exec "$(sw_ns h2)" timeout $((TIME + 20)) "${rt[@]}" iperf3 -s -1 -B $SW_H2 >"$SW_DIR/iperf-server-$1.log" 2>&1 &
  local spid=$!
  SW_PIDS+=("$spid")
  local up=0
  for _ in $(seq 50); do
    sw_in h2 ss -ltn 2>/dev/null | matches "$SW_H2:5201" && { up=1; break; }
    sleep 0.1
  done
  [ $up = 1 ] || fail "iperf3 server did not listen"
  timeout $((TIME + 15)) ip netns exec "$(sw_ns h1)" "${rt[@]}" iperf3 -c $SW_H2 -t "$TIME" -J >"$out" 2>&1 || fail "iperf3 $1: $(tail -5 "$out")"
  sw_stop "$spid"
  IPERF=$(/usr/bin/python3 - "$out" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(f"{e['sum_received']['bits_per_second'] / 1e9:.3f} {e['sum_sent'].get('retransmits', 0)} {e['sum_received']['bytes']}")
PY
)
}

gw_cpu() { [ "$1" = gw1 ] && echo 0 || echo 1; }  # --pin: gw1 on CPU 0, gw2 on CPU 1

# ---- strongSwan pair -------------------------------------------------------------------
child_bytes() {  # GW out|in -> byte counter of the CHILD_SA
  sw_sas "$1" | sed -n "s/^ *$2  *[0-9a-f]\{8\}, *\([0-9]*\) bytes.*/\1/p" | head -1
}
swan_up() {  # ESP_PROPOSAL: fresh charons on both gateways, established, one ping through
  local g psk="bench-$SW_RUN"
  for g in gw1 gw2; do
    sw_charon_start $g || fail "charon $g"
    local pid; eval "pid=\$SW_CHARON_PID_$g"
    if [ "$RT" -gt 0 ]; then chrt -f -a -p "$RT" "$pid" >/dev/null; fi
    if [ "$PIN" = 1 ]; then taskset -a -p -c "$(gw_cpu $g)" "$pid" >/dev/null; fi
  done
  sw_conn gw2 --local $SW_GW2_WAN --remote $SW_GW1_WAN --local-ts $SW_H2/32 --remote-ts $SW_H1/32 \
    --psk "$psk" --esp "$1" --role responder || fail "load gw2"
  sw_conn gw1 --local $SW_GW1_WAN --remote $SW_GW2_WAN --local-ts $SW_H1/32 --remote-ts $SW_H2/32 \
    --psk "$psk" --esp "$1" --role initiator || fail "load gw1"
  sw_wait_established gw1 15 || fail "gw1 did not establish"
  sw_wait_established gw2 5 || fail "gw2 did not install"
  # Threads charon started since (thread pool) get the same policy.
  for g in gw1 gw2; do
    local pid; eval "pid=\$SW_CHARON_PID_$g"
    if [ "$RT" -gt 0 ]; then chrt -f -a -p "$RT" "$pid" >/dev/null; fi
    if [ "$PIN" = 1 ]; then taskset -a -p -c "$(gw_cpu $g)" "$pid" >/dev/null; fi
  done
  sw_in h1 ping -n -c 1 -W 2 $SW_H2 >/dev/null || fail "ping through strongSwan $1"
}
swan_down() {
  local g pid
  for g in gw1 gw2; do eval "pid=\$SW_CHARON_PID_$g"; sw_stop "$pid"; done
  # kernel-libipsec's TUN goes with charon; its routes (table 220) with it.
}
run_swan() {  # TRANSFORM LABEL; sets RES="Gbit/s retransmits cores"
  local esp=aes256gcm16-modp2048
  [ "$1" = cbc ] && esp=aes256-sha256-modp2048
  swan_up $esp
  local before after t0 t1 g retr bytes
  before=$(child_bytes gw1 out)
  t0=$(ticks "$SW_CHARON_PID_gw1" "$SW_CHARON_PID_gw2")
  iperf_run "$2"
  read -r g retr bytes <<<"$IPERF"
  t1=$(ticks "$SW_CHARON_PID_gw1" "$SW_CHARON_PID_gw2")
  after=$(child_bytes gw1 out)
  swan_down
  # The TCP payload must have crossed gw1's outbound SA (inner IP bytes >= payload bytes).
  [ $((after - before)) -ge "$bytes" ] || fail "$2: SA carried $((after - before)) bytes for $bytes iperf3 bytes"
  RES="$g $retr $(cores "$t0" "$t1")"
}

# ---- espd pair -------------------------------------------------------------------------
espd_start() {  # GW CONFIG ENCAP
  local gw=$1 sock="$SW_DIR/$1-espd.sock"
  local pin=()
  [ "$PIN" = 1 ] && pin=(taskset -c "$(gw_cpu "$gw")")
  ip netns exec "$(sw_ns "$gw")" "${pin[@]}" "$ESPD" --config "$2" --ifmap GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0 \
    --control "$sock" --tun esp0 --esp-encap "$3" --rt-priority "$RT" --log-level warn "${ESPD_EXTRA[@]}" \
    >"$SW_DIR/$gw-espd.log" 2>&1 &
  local pid=$!
  SW_PIDS+=("$pid")
  eval "ESPD_PID_$gw=$pid"
  for _ in $(seq 100); do
    "$ESPCTL" --control "$sock" show crypto map >/dev/null 2>&1 && return 0
    sw_dead "$pid" && { cat "$SW_DIR/$gw-espd.log" >&2; fail "espd on $gw exited"; }
    sleep 0.1
  done
  fail "espd on $gw did not open its control socket in 10 s"
}
encaps() {  # GW -> #pkts encaps of its (only) outbound SA
  "$ESPCTL" --control "$SW_DIR/$1-espd.sock" show crypto ipsec sa | sed -n 's/.*#pkts encaps: *\([0-9]*\).*/\1/p' | head -1
}
run_espd() {  # TRANSFORM ENCAP LABEL; sets RES="Gbit/s retransmits cores"
  espd_start gw1 "$ROOT/tests/data/e2e/r2-manual-$1.cfg" "$2"
  espd_start gw2 "$ROOT/tests/data/e2e/r1-manual-$1.cfg" "$2"
  sw_in h1 ping -n -c 1 -W 2 $SW_H2 >/dev/null || fail "ping through espd $1/$2"
  local before after t0 t1 g retr bytes
  before=$(encaps gw1)
  t0=$(ticks "$ESPD_PID_gw1" "$ESPD_PID_gw2")
  local perf_pid=""
  if [ -n "$PERF_DIR" ]; then
    # The middle of the transfer (TCP slow start and the tail left out), both daemons.
    local what=(record -q -g -o "$PERF_DIR/$3.data")
    [ "$PERF_STAT" = 1 ] && what=(stat -o "$PERF_DIR/$3.txt" -e context-switches,syscalls:sys_enter_poll,syscalls:sys_enter_read,syscalls:sys_enter_writev,syscalls:sys_enter_recvmmsg,syscalls:sys_enter_sendmmsg)
    (sleep 1; exec timeout $((TIME + 5)) perf "${what[@]}" \
       -p "$ESPD_PID_gw1,$ESPD_PID_gw2" -- sleep $((TIME > 3 ? TIME - 2 : 1))) >/dev/null 2>&1 &
    perf_pid=$!
    SW_PIDS+=("$perf_pid")
  fi
  iperf_run "$3"
  read -r g retr bytes <<<"$IPERF"
  t1=$(ticks "$ESPD_PID_gw1" "$ESPD_PID_gw2")
  if [ -n "$perf_pid" ]; then wait "$perf_pid" || true; fi
  after=$(encaps gw1)
  sw_stop "$ESPD_PID_gw1"
  sw_stop "$ESPD_PID_gw2"
  # Every inner packet carries at most 1500 bytes of TCP payload: fewer ESP packets than
  # bytes/1500 would mean the stream bypassed the tunnel.
  [ $(((after - before) * 1500)) -ge "$bytes" ] || fail "$3: $((after - before)) ESP packets for $bytes bytes"
  RES="$g $retr $(cores "$t0" "$t1")"
}

run_path() {  # PATH ROUND; sets RES="Gbit/s retransmits cores"
  case $1 in
    plain) iperf_run "plain-$2"; read -r g retr _ <<<"$IPERF"; RES="$g $retr -" ;;
    swan-gcm) run_swan gcm "$1-$2" ;;
    swan-cbc) run_swan cbc "$1-$2" ;;
    espd-*-*) local t=${1#espd-}; run_espd "${t%-*}" "${t#*-}" "$1-$2" ;;
    *) fail "unknown path $1" ;;
  esac
}

describe() {
  case $1 in
    plain) echo "plain routing (no IPsec)" ;;
    swan-gcm) echo "strongSwan kernel-libipsec, UDP 4500, AES-256-GCM-16" ;;
    swan-cbc) echo "strongSwan kernel-libipsec, UDP 4500, AES-256-CBC/HMAC-SHA-256" ;;
    espd-gcm-raw) echo "espd, raw ESP, esp-gcm 256" ;;
    espd-gcm-udp) echo "espd, UDP 4500, esp-gcm 256" ;;
    espd-cbc-raw) echo "espd, raw ESP, esp-aes 256 esp-sha256-hmac" ;;
    espd-cbc-udp) echo "espd, UDP 4500, esp-aes 256 esp-sha256-hmac" ;;
  esac
}

RESULTS=$SW_DIR/results.txt
: >"$RESULTS"
sw_log "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, kernel $(uname -r); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| round | path | Gbit/s | TCP retransmits | CPU of both daemons (cores) | load average |"
echo "|---|---|---|---|---|---|"
for ((r = 1; r <= ROUNDS; r++)); do
  for p in $PATHS; do
    run_path "$p" "$r"
    read -r g retr c <<<"$RES"
    echo "$p $r $g $retr $c" >>"$RESULTS"
    echo "| $r | $(describe "$p") | $g | $retr | $c | $(cut -d' ' -f1 /proc/loadavg) |"
  done
done

echo
echo "Medians over $ROUNDS rounds (iperf3 -t $TIME, 1 TCP stream; rt-priority $RT for both daemons, $IPERF_RT for iperf3, pinned $PIN):"
echo
/usr/bin/python3 - "$RESULTS" "$PATHS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
paths = sys.argv[2].split()
med = {}
names = {
    "plain": "plain routing (no IPsec)",
    "swan-gcm": "strongSwan kernel-libipsec, UDP 4500, AES-256-GCM-16",
    "swan-cbc": "strongSwan kernel-libipsec, UDP 4500, AES-256-CBC/HMAC-SHA-256",
    "espd-gcm-raw": "espd, raw ESP, esp-gcm 256",
    "espd-gcm-udp": "espd, UDP 4500, esp-gcm 256",
    "espd-cbc-raw": "espd, raw ESP, esp-aes 256 esp-sha256-hmac",
    "espd-cbc-udp": "espd, UDP 4500, esp-aes 256 esp-sha256-hmac",
}
# Gbit/s per core the two daemons used: what each path would move with the same CPU, on a
# machine where the share of CPU each daemon gets from the scheduler varies from run to run.
eff = {}
for p in paths:
    e = [float(r[2]) / float(r[4]) for r in rows if r[0] == p and r[4] not in ("-", "0.00")]
    if e:
        eff[p] = statistics.median(e)
print("| path | median Gbit/s | range | median retransmits | vs strongSwan, same transform | vs plain | Gbit/s per daemon core | per core vs strongSwan |")
print("|---|---|---|---|---|---|---|---|")
for p in paths:
    g = [float(r[2]) for r in rows if r[0] == p]
    if not g:
        continue
    med[p] = statistics.median(g)
for p in paths:
    g = [float(r[2]) for r in rows if r[0] == p]
    if not g:
        continue
    rt = statistics.median([int(r[3]) for r in rows if r[0] == p])
    ratio = eratio = "-"
    if p.startswith("espd-"):
        base = "swan-" + p.split("-")[1]
        if med.get(base):
            ratio = f"**{med[p] / med[base]:.1f}x**"
        if eff.get(base) and eff.get(p):
            eratio = f"{eff[p] / eff[base]:.1f}x"
    plain = f"{med[p] / med['plain']:.2f}" if med.get("plain") and p != "plain" else "-"
    e = f"{eff[p]:.2f}" if p in eff else "-"
    print(f"| {names[p]} | {med[p]:.2f} | {min(g):.2f}-{max(g):.2f} | {rt:.0f} | {ratio} | {plain} | {e} | {eratio} |")
PY
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
