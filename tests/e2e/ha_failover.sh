#!/usr/bin/env bash
# Section 2 of the reference walkthrough (HSRP + crypto map redundancy, issue 7), stateless:
# R1 (active, priority 105) and R2 (standby) share the outside segment with the peer gateway
# R3 (a bridge in its own namespace), and the protected LAN with h1 (another bridge); h2 sits
# behind R3. h1 pings h2 at 10/s through the tunnel; then R1 fails and the script counts the
# pings lost until traffic flows through R2. The reference lost 39 pings at IOS's 2 s timeout
# (~78 s) stateless. Asserts:
#   0. the reference's R1 config verbatim loads with the rsa-sig warning (it has no
#      `authentication` line); the running copy adds it (tests/data/ios/README.md);
#   1. HSRP elects R1 Active for both groups, R2 Standby; only R1 holds the VIPs; R2 has no SA;
#   2. the tunnel comes up from the VIP (R3's ISAKMP SA names 19.26.116.141);
#   3. --scenario kill: SIGKILL of R1's espd; --scenario track: R1's tracked inside interface
#      goes down (track 2 decrement 10: 105 -> 95 < 100, R2 preempts at once);
#   4. traffic flows again via R2 within the bound, printed as lost pings and outage;
#   5. R2 holds the VIP and `show standby brief` says Active, it negotiated with R3;
#      track case: R1 released the VIP, is no longer Active, and holds no SA.
#   Virtual MAC: h1's neighbour entry for the inside VIP and R3's for the outside VIP are the
#   groups' virtual MACs (0000.0c07.acXX, v2 0000.0c9f.fXXX) with R1 Active, and the same
#   after the takeover; the VIP sits on the macvlan child (wan0-h199); a router that gave up
#   Active keeps no macvlan child.
# --stateful (section 2.2): the reference's stateful R1 (+ the same additions) and R2 with
# `redundancy VPNHA stateful` over `ipc zone default` (TLS 1.3, PSK from --ha-sync-key-file);
# also asserts: espd refuses the stateful config without the key file, R2's `show crypto ha`
# holds the replicated SAs before the failure, and after it R2 carries on with the SAME SPIs
# (no new IKE negotiation) with its outbound sequence numbers moved past R1's.
# --fast: both groups on both routers get `standby version 2` and `standby N timers msec 200
# msec 700` (sub-second HSRP, an addition to the reference's default 3/10 s timers).
# --preempt-back: then R1 returns (espd restarted, or the link up again) and, priority 105
# with preempt, takes both groups back under the running ping: lost pings counted and
# bounded again, R1 Active, R2 Standby without the VIP; stateful: still the same SPIs.
# --scenario split|partition (with --stateful; tests/e2e/ha_split_brain.sh): no failure; the
# Hellos between R1 and R2 are lost while both live (partition: then the sync channel too)
# and heal; asserts that no (SPI, sequence number) pair is sent twice on the wire.
# Stateful --preempt-back runs WITHOUT a preempt delay: espd holds the preempt until the
# returning router's replica is in sync (IOS SSO), so R1 takes back the same SAs.
# --use-bia: both routers' interfaces get `standby use-bia` (IOS): no macvlan child, the VIP
# on wan0 / lan0 themselves, and the hosts' neighbour entries are the active router's own MAC.
# Usage: ha_failover.sh --scenario kill|track|split|partition [--stateful] [--fast] [--preempt-back] [--use-bia] [--build DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
SCENARIO=kill
STATEFUL=""
FAST=""
BACK=""
USE_BIA=""
while [ $# -gt 0 ]; do
  case $1 in
    --build) BUILD=$2; shift 2 ;;
    --stateful) STATEFUL=1; shift ;;
    --fast) FAST=1; shift ;;
    --preempt-back) BACK=1; shift ;;
    --use-bia) USE_BIA=1; shift ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    *) echo "usage: $0 --scenario kill|track [--build DIR]" >&2; exit 2 ;;
  esac
done
case $SCENARIO in kill|track) ;; split|partition)
  [ -n "$STATEFUL" ] || { echo "--scenario $SCENARIO needs --stateful" >&2; exit 2; } ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;; esac
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root for network namespaces" >&2; exit 77; fi
ESPD=$BUILD/host/espd/espd
ESPCTL=$BUILD/host/espctl/espctl
for t in "$ESPD" "$ESPCTL"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done

. "$HERE/topology.sh"
. "$HERE/ha_topology.sh"
topo_init
ha_build

DATA=$ROOT/tests/data/ios
fail() {
  topo_log "FAIL: $*"
  for g in r1 r2 r3; do
    echo "--- $g log" >&2; tail -n 60 "$TOPO_DIR/$g.log" >&2 || true
    echo "--- $g show crypto sa-table" >&2; espctl_on $g show crypto sa-table >&2 2>/dev/null || true
  done
  exit 1
}
now_ms() { date +%s%3N; }

# 0. The reference's R1 verbatim: loads, and says plainly that policy 1 is rsa-sig.
if ! in_ns r1 "$ESPD" --check-config --config "$DATA/r1-stateless-ha.cfg" \
     --ifmap GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0 >"$TOPO_DIR/verbatim.out" 2>&1; then
  cat "$TOPO_DIR/verbatim.out" >&2; fail "the reference's R1 config does not load"
fi
grep -q "has no \`authentication\` command, so IOS's default \`authentication rsa-sig\` applies" "$TOPO_DIR/verbatim.out" \
  || { cat "$TOPO_DIR/verbatim.out" >&2; fail "no rsa-sig warning for the reference's R1 config"; }
topo_log "verbatim r1-stateless-ha.cfg: loads, warns that policy 1 is rsa-sig (running copy adds pre-share)"

MODE=stateless
CFG1=$DATA/r1-stateless-ha-running.cfg CFG2=$DATA/r2-stateless-ha-standby.cfg
EXTRA=()
if [ -n "$STATEFUL" ]; then
  MODE=stateful
  CFG1=$DATA/r1-stateful-ha-running.cfg CFG2=$DATA/r2-stateful-ha-standby.cfg
  # Refused without the channel's key, with a message that names the option.
  if in_ns r1 "$ESPD" --config "$CFG1" --ifmap GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0 \
       --control "$TOPO_DIR/refused.sock" --tun esp9 >"$TOPO_DIR/refused.out" 2>&1; then
    fail "espd started a stateful config without --ha-sync-key-file"
  fi
  grep -q "redundancy VPNHA stateful: give espd --ha-sync-key-file FILE" "$TOPO_DIR/refused.out" \
    || { cat "$TOPO_DIR/refused.out" >&2; fail "no clear refusal without --ha-sync-key-file"; }
  openssl rand -hex 32 >"$TOPO_DIR/sync.key"
  chmod 600 "$TOPO_DIR/sync.key"
  EXTRA=(--ha-sync-key-file "$TOPO_DIR/sync.key")
fi
TIMERS="hello 3 s hold 10 s" BOUND_MS=16000
if [ -n "$FAST" ]; then
  TIMERS="v2, hello 200 ms hold 700 ms" BOUND_MS=3000
  for c in CFG1 CFG2; do
    sed -e '/^interface GigabitEthernet0\/[01]/a\ standby version 2' \
        -e 's/^\(.*standby \(199\|1\) preempt\)$/\1\n standby \2 timers msec 200 msec 700/' "${!c}" >"$TOPO_DIR/$c.cfg"
    [ "$(grep -c 'timers msec 200 msec 700' "$TOPO_DIR/$c.cfg")" = 2 ] || fail "could not add the fast timers to ${!c}"
    eval "$c=\$TOPO_DIR/$c.cfg"
  done
fi
# The groups' virtual MACs (RFC 2281 5.1 / HSRPv2): 199 outside, 1 inside.
if [ -n "$FAST" ]; then VMAC_OUT=00:00:0c:9f:f0:c7 VMAC_IN=00:00:0c:9f:f0:01 VMAC_OUT_IOS=0000.0c9f.f0c7
else VMAC_OUT=00:00:0c:07:ac:c7 VMAC_IN=00:00:0c:07:ac:01 VMAC_OUT_IOS=0000.0c07.acc7; fi
if [ -n "$USE_BIA" ]; then
  for c in CFG1 CFG2; do
    sed -e '/^interface GigabitEthernet0\/[01]/a\ standby use-bia' "${!c}" >"$TOPO_DIR/$c-bia.cfg"
    eval "$c=\$TOPO_DIR/$c-bia.cfg"
  done
fi
topo_start_espd r3 "$DATA/peer-20.15.6.6-ha.cfg"
topo_start_espd r1 "$CFG1" "${EXTRA[@]}"
topo_start_espd r2 "$CFG2" "${EXTRA[@]}"
ha_routes

# 1. Election (default timers 3/10 s: listen one hold time, speak one, then Active).
ha_wait_roles r1 r2 45 || fail "HSRP did not elect R1 Active and R2 Standby for both groups within 45 s"
ha_has_vip r1 "$VIP_OUT" || fail "R1 Active without the VIP"
if [ -n "$USE_BIA" ]; then
  in_ns r1 ip -4 addr show dev wan0 | matches "$VIP_OUT/" || fail "R1 (use-bia): the VIP is not on wan0"
  [ -z "$(ha_vmac_links r1)" ] || fail "R1 (use-bia) created virtual-MAC links: $(ha_vmac_links r1)"
  # The active's own MACs (read before any failover; R1 is the active now).
  VMAC_OUT=$(in_ns r1 cat /sys/class/net/wan0/address) VMAC_IN=$(in_ns r1 cat /sys/class/net/lan0/address)
  VMAC_OUT_IOS=$(echo "$VMAC_OUT" | tr -d : | sed 's/\(....\)\(....\)\(....\)/\1.\2.\3/')
else
  in_ns r1 ip -4 addr show dev wan0-h199 | matches "$VIP_OUT/32" || fail "R1: the VIP is not on the virtual-MAC child wan0-h199"
fi
ha_has_vip r2 "$VIP_OUT" && fail "R2 (Standby) holds the VIP"
[ -z "$(ha_vmac_links r2)" ] || fail "R2 (Standby) has virtual-MAC links: $(ha_vmac_links r2)"
echo "--- r1: show standby brief"; espctl_on r1 show standby brief
espctl_on r1 show standby | matches "Active router is local" || fail "R1 show standby: not 'Active router is local'"

# 2. The tunnel from the VIP.
ha_wait_tunnel 15 || fail "no ping h1 -> h2 through the tunnel within 15 s"
espctl_on r3 show crypto isakmp sa | matches -E "^20\.15\.6\.6 +19\.26\.116\.141 +QM_IDLE|^19\.26\.116\.141 +20\.15\.6\.6 +QM_IDLE" \
  || fail "R3's ISAKMP SA does not name the VIP 19.26.116.141"
espctl_on r2 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]" && fail "R2 (Standby) holds IPsec SAs"
# The hosts learned the groups' virtual MACs (IOS's default), not R1's own: h1 for its
# gateway, R3 for the IKE/ESP peer address.
check_vmacs() {
  local h1mac r3mac
  h1mac=$(ha_neigh_mac h1 $VIP_IN) r3mac=$(ha_neigh_mac r3 $VIP_OUT)
  echo "neighbour entries ($1): h1 $VIP_IN -> $h1mac, r3 $VIP_OUT -> $r3mac"
  [ "$h1mac" = "$VMAC_IN" ] || fail "$1: h1's neighbour entry for $VIP_IN is '$h1mac', not the virtual MAC $VMAC_IN"
  [ "$r3mac" = "$VMAC_OUT" ] || fail "$1: R3's neighbour entry for $VIP_OUT is '$r3mac', not the virtual MAC $VMAC_OUT"
}
check_vmacs "R1 Active"
espctl_on r1 show standby | matches "Active virtual MAC address is ${VMAC_OUT_IOS}" || fail "R1 show standby: not the virtual MAC"
spi_of() { espctl_on "$1" show crypto ipsec sa | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | sort -u; }
SPIS_BEFORE=$(spi_of r1)
if [ -n "$STATEFUL" ]; then
  # The replica: both SAs of each pair (inbound + outbound) reach R2 over the channel.
  for _ in $(seq 50); do
    espctl_on r2 show crypto ha | matches "Role: standby, [0-9]* IKE SAs, [1-9][0-9]* IPsec SAs replicated" && break
    sleep 0.1
  done
  echo "--- r2: show crypto ha"; espctl_on r2 show crypto ha
  echo "--- r1: show redundancy"; espctl_on r1 show redundancy
  espctl_on r2 show crypto ha | matches "Role: standby, [0-9]* IKE SAs, [1-9][0-9]* IPsec SAs replicated" \
    || fail "R2 replicated no IPsec SA"
  espctl_on r1 show redundancy | matches "Peer present: RF_INTERDEV_PEER_COMM" || fail "R1: sync peer not present"
  espctl_on r2 show redundancy | matches "Sync state: in sync" || fail "R2: replica not in sync"
fi

if [ "$SCENARIO" = split ] || [ "$SCENARIO" = partition ]; then
  . "$HERE/ha_split_brain.sh"
  ha_split_brain "$([ -n "$FAST" ] && echo 3 || echo 25)" "$([ "$SCENARIO" = partition ] && echo 1)"
  exit 0
fi

# 3 + 4. Ping at 10/s, fail R1 after 3 s, count.
# -c, not -w: ping -w stops at the first ICMP error (R1's kernel answers "net unreachable"
# once its espd and TUN are gone, until h1 learns R2 from the gratuitous ARP).
COUNT=400
in_ns h1 ping -n -i 0.1 -c $COUNT -W 1 "$H2" >"$TOPO_DIR/ping.log" 2>&1 &
PING=$!
TOPO_PIDS+=("$PING")
sleep 3
T_FAIL=$(now_ms)
if [ "$SCENARIO" = kill ]; then
  topo_log "SIGKILL R1's espd"
  kill -KILL "$ESPD_PID_r1"
  topo_wait_dead "$ESPD_PID_r1" || fail "R1's espd did not die"
else
  topo_log "R1's tracked interface GigabitEthernet0/1 (lan0) goes down"
  in_ns r1 ip link set lan0 down
fi
# R2 takes the outside group (bounded by the hold time, 10 s, plus slack).
T_ACTIVE=""
for _ in $(seq 200); do
  if espctl_on r2 show standby brief | matches -E "^Gi0/0 +199 .* Active "; then T_ACTIVE=$(( $(now_ms) - T_FAIL )); break; fi
  sleep 0.1
done
[ -n "$T_ACTIVE" ] || fail "R2 did not become Active for group 199 within 20 s"
topo_log "R2 Active for VPNHA ${T_ACTIVE} ms after the failure"
wait "$PING" || true

read -r SENT LOST OUTAGE_PINGS LAST < <(ha_ping_stats "$TOPO_DIR/ping.log")
OUTAGE_MS=$((OUTAGE_PINGS * 100))
echo "MEASURED ($SCENARIO, $MODE, HSRP $TIMERS): $LOST of $SENT pings lost at 10/s," \
     "longest outage $OUTAGE_PINGS pings = ${OUTAGE_MS} ms (reference: $([ -n "$STATEFUL" ] && echo "13 pings at 2 s = ~26 s" || echo "39 pings at 2 s = ~78 s"))"
[ "$LAST" -ge $((SENT - 3)) ] || fail "traffic did not flow at the end (last reply icmp_seq $LAST of $SENT)"
# Bound: the hold time (10 s; --fast 0.7 s) + Main and Quick Mode + slack, far under the reference's 78 s.
[ "$OUTAGE_MS" -le "$BOUND_MS" ] || fail "outage ${OUTAGE_MS} ms > $BOUND_MS ms"

# 5. R2 is the gateway now.
ha_has_vip r2 "$VIP_OUT" || fail "R2 Active without the outside VIP"
ha_has_vip r2 "$VIP_IN" || fail "R2 does not hold the inside VIP (h1's gateway)"
# The same virtual MACs: the hosts did not relearn anything, the bridge moved the MAC
# (use-bia: they relearned R2's own MACs from its gratuitous ARP).
if [ -n "$USE_BIA" ]; then
  VMAC_OUT=$(in_ns r2 cat /sys/class/net/wan0/address) VMAC_IN=$(in_ns r2 cat /sys/class/net/lan0/address)
fi
check_vmacs "after the takeover by R2"
echo "--- r2: show standby brief"; espctl_on r2 show standby brief
espctl_on r2 show standby brief | matches -E "^Gi0/0 +199 +(\(v2\) +)?100 +P +Active +local " || fail "R2 show standby brief: 199 not Active local"
espctl_on r2 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]" || fail "R2 has no IPsec SA"
if [ -n "$STATEFUL" ]; then
  # R2 carries on with R1's SAs: the SPIs R1 had are R2's now.
  SPIS_AFTER=$(spi_of r2)
  echo "outbound SPI before (R1): $SPIS_BEFORE, after (R2): $SPIS_AFTER"
  [ "$SPIS_AFTER" = "$SPIS_BEFORE" ] || fail "R2 did not continue with R1's SAs (SPIs $SPIS_BEFORE -> $SPIS_AFTER)"
  grep -q "HA takeover on 19.26.116.141: [1-9][0-9]* IPsec SA pairs installed from the replica" "$TOPO_DIR/r2.log" \
    || fail "R2 did not install the replica"
  # ... and the ISAKMP SA: R2 answers R3's DPD, R3 never renegotiates nor gives up on the VIP.
  grep -q "HA takeover on 19.26.116.141: 1 ISAKMP SAs adopted" "$TOPO_DIR/r2.log" || fail "R2 did not adopt the ISAKMP SA"
  espctl_on r2 show crypto isakmp sa | matches -E "QM_IDLE +[0-9]+ ACTIVE" || fail "R2 shows no adopted ISAKMP SA"
  [ "$(grep -c "SA has been authenticated" "$TOPO_DIR/r3.log")" = 1 ] || fail "R3 negotiated Main Mode again"
  grep -q "did not answer DPD" "$TOPO_DIR/r3.log" && fail "R3's DPD gave up on the VIP after the takeover"
  espctl_on r2 show crypto sa-table
else
  espctl_on r2 show crypto isakmp sa | matches "QM_IDLE" || fail "R2 has no ISAKMP SA"
fi
if [ "$SCENARIO" = track ]; then
  espctl_on r1 show standby brief
  espctl_on r1 show standby brief | matches -E "^Gi0/0 +199 +95 +P +(Standby|Speak) " \
    || fail "R1 did not step down to Standby at priority 95"
  espctl_on r1 show standby | matches "Track object 2 state Down decrement 10" || fail "R1 show standby: track 2 not Down"
  ha_has_vip r1 "$VIP_OUT" && fail "R1 kept the VIP after stepping down"
  [ -z "$(ha_vmac_links r1)" ] || fail "R1 (stepped down) kept virtual-MAC links: $(ha_vmac_links r1)"
  espctl_on r1 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]" && fail "R1 kept IPsec SAs"
  espctl_on r1 show crypto isakmp sa | matches "QM_IDLE" && fail "R1 kept its ISAKMP SA"
fi
if [ -n "$BACK" ]; then
  in_ns h1 ping -n -i 0.1 -c $COUNT -W 1 "$H2" >"$TOPO_DIR/ping-back.log" 2>&1 &
  PING=$!
  TOPO_PIDS+=("$PING")
  sleep 3
  if [ "$SCENARIO" = kill ]; then
    topo_log "R1's espd starts again"
    topo_start_espd r1 "$CFG1" "${EXTRA[@]}"
    ha_route r1  # its new TUN
  else
    topo_log "R1's tracked interface comes back up"
    in_ns r1 ip link set lan0 up
  fi
  ha_wait_roles r1 r2 45 || fail "R1 did not take both groups back (preempt) within 45 s"
  wait "$PING" || true
  read -r SENT_B LOST_B OUTAGE_B LAST_B < <(ha_ping_stats "$TOPO_DIR/ping-back.log")
  echo "MEASURED (preempt back, $SCENARIO, $MODE, HSRP $TIMERS): $LOST_B of $SENT_B pings lost," \
       "longest outage $OUTAGE_B pings = $((OUTAGE_B * 100)) ms"
  [ "$LAST_B" -ge $((SENT_B - 3)) ] || fail "traffic did not flow after R1 came back (last reply $LAST_B of $SENT_B)"
  [ $((OUTAGE_B * 100)) -le "$BOUND_MS" ] || fail "preempt back: outage $((OUTAGE_B * 100)) ms > $BOUND_MS ms"
  ha_has_vip r1 "$VIP_OUT" || fail "R1 Active again without the VIP"
  ha_has_vip r2 "$VIP_OUT" && fail "R2 kept the VIP after R1 preempted"
  [ -z "$(ha_vmac_links r2)" ] || fail "R2 (Standby again) kept virtual-MAC links: $(ha_vmac_links r2)"
  if [ -n "$USE_BIA" ]; then
    VMAC_OUT=$(in_ns r1 cat /sys/class/net/wan0/address) VMAC_IN=$(in_ns r1 cat /sys/class/net/lan0/address)
  fi
  check_vmacs "after R1 took back"
  espctl_on r2 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]" && fail "R2 (Standby again) kept SAs"
  if [ -n "$STATEFUL" ]; then
    # No preempt delay configured: the preempt waited for the bulk sync (espd's hold).
    grep -q "preempt delay" "$CFG1" && fail "the stateful preempt-back case must run without a preempt delay"
    grep -q "HA takeover on 19.26.116.141: [1-9][0-9]* IPsec SA pairs installed from the replica" "$TOPO_DIR/r1.log" \
      || fail "R1 preempted without installing the replica"
    [ "$(spi_of r1)" = "$SPIS_BEFORE" ] || fail "R1 did not take back the same SAs ($SPIS_BEFORE -> $(spi_of r1))"
    [ "$(grep -c "SA has been authenticated" "$TOPO_DIR/r3.log")" = 1 ] || fail "R3 negotiated Main Mode again"
  fi
fi
echo "PASS: $SCENARIO ($MODE): R2 Active ${T_ACTIVE} ms after the failure; $LOST pings lost, outage ${OUTAGE_MS} ms"
