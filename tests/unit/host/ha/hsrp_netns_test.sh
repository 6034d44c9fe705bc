#!/usr/bin/env bash
# HSRP failover between two hsrp_speaker processes in two network namespaces joined by a
# veth pair (the outside segment). Checks: one active, one standby; only the active holds the
# VIP; after SIGKILL of the active the standby takes over within the hold time and announces
# the VIP by gratuitous ARP; SIGTERM of an active resigns and hands over at once. Runs twice:
# v1 with 1 s / 3 s timers and v2 with 100 ms / 400 ms. Every wait is bounded; a trap
# removes namespaces and processes on every exit path.
set -euo pipefail
SPEAKER=${1:?usage: hsrp_netns_test.sh path/to/hsrp_speaker}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

ID=h8$$
NA=${ID}a NB=${ID}b
VA=${ID}va VB=${ID}vb
DIR=$(mktemp -d /tmp/hsrp-netns-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$NA" 2>/dev/null || true
  ip netns del "$NB" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }
# wait_for FILE PATTERN TIMEOUT_S
wait_for() {
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -le "$deadline" ] || { echo "FAIL: timed out waiting for '$2' in $1"; cat "$1"; return 1; }
    sleep 0.05
  done
}
# wait_count FILE PATTERN N TIMEOUT_S: until PATTERN occurs N times
wait_count() {
  local deadline=$(( $(date +%s) + $4 ))
  until [ "$(grep -c -- "$2" "$1" 2>/dev/null || true)" -ge "$3" ]; do
    [ "$(date +%s)" -le "$deadline" ] || { echo "FAIL: timed out waiting for $3 x '$2' in $1"; cat "$1"; return 1; }
    sleep 0.05
  done
}
has_vip() { ip -n "$1" -4 addr show dev "$2" | grep -q "inet $VIP/"; }

ip netns add "$NA"
ip netns add "$NB"
ip link add "$VA" netns "$NA" type veth peer name "$VB" netns "$NB"
ip -n "$NA" addr add 10.99.0.2/24 dev "$VA"
ip -n "$NB" addr add 10.99.0.3/24 dev "$VB"
for ns in "$NA" "$NB"; do ip -n "$ns" link set lo up; done
ip -n "$NA" link set "$VA" up
ip -n "$NB" link set "$VB" up
VIP=10.99.0.1

run_case() {
  local name=$1 version=$2 hello=$3 hold=$4
  local la="$DIR/$name-a.log" lb="$DIR/$name-b.log"
  echo "== $name: HSRP v$version, hello ${hello} ms, hold ${hold} ms"
  ip netns exec "$NA" "$SPEAKER" --interface "$VA" --address 10.99.0.2 --vip $VIP --group 199 --version "$version" \
    --priority 105 --preempt --hello-ms "$hello" --hold-ms "$hold" --md5 VPNHA-key >"$la" 2>&1 &
  local pa=$!; PIDS+=("$pa")
  ip netns exec "$NB" "$SPEAKER" --interface "$VB" --address 10.99.0.3 --vip $VIP --group 199 --version "$version" \
    --priority 100 --hello-ms "$hello" --hold-ms "$hold" --md5 VPNHA-key >"$lb" 2>&1 &
  local pb=$!; PIDS+=("$pb")
  local limit=$(( 3 * hold / 1000 + 5 ))
  wait_for "$la" "state Standby -> Active" "$limit"
  wait_for "$lb" "state Speak -> Standby\|state Listen -> Standby" "$limit" || wait_for "$lb" "-> Standby" "$limit"
  has_vip "$NA" "$VA" || { echo "FAIL: active has no VIP"; exit 1; }
  ! has_vip "$NB" "$VB" || { echo "FAIL: standby holds the VIP"; exit 1; }
  echo "   elected: A active (priority 105), B standby; VIP only on A"

  # Capture B's gratuitous ARP from A's side of the segment.
  local cap="$DIR/$name-garp.pcap"
  ip netns exec "$NA" timeout 20 tcpdump -i "$VA" -n -c 1 -w "$cap" "arp and arp[6:2] == 1 and ether src $(ip -n "$NB" link show "$VB" | awk '/ether/{print $2}')" >/dev/null 2>&1 &
  local pcap=$!; PIDS+=("$pcap")
  sleep 0.3  # let tcpdump attach before the event it must see (bounded by its own timeout)

  local t_kill; t_kill=$(now_ms)
  kill -9 "$pa"; wait "$pa" 2>/dev/null || true
  wait_for "$lb" "state Standby -> Active" $(( hold / 1000 + 5 ))
  local t_active; t_active=$(grep -m1 "state Standby -> Active" "$lb" | cut -d' ' -f1)
  local took=$(( t_active - t_kill ))
  echo "   SIGKILL of the active: standby active after ${took} ms (hold time ${hold} ms)"
  [ "$took" -le $(( hold + 150 )) ] || { echo "FAIL: takeover ${took} ms exceeds the hold time"; exit 1; }
  has_vip "$NB" "$VB" || { echo "FAIL: new active has no VIP"; exit 1; }
  wait "$pcap" 2>/dev/null || true
  local garp; garp=$(tshark -r "$cap" -T fields -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 -e arp.isgratuitous 2>/dev/null || true)
  [ "$garp" = "$VIP	$VIP	1" ] || { echo "FAIL: no gratuitous ARP for $VIP seen (got '$garp')"; exit 1; }
  echo "   gratuitous ARP for $VIP from the new active seen on the segment"

  # The old active comes back (preempt, higher priority): it takes over again; then SIGTERM
  # makes it resign and B takes over at once, without waiting for the hold time.
  ip -n "$NA" addr del $VIP/32 dev "$VA" 2>/dev/null || true   # a killed process leaves its VIP behind
  ip netns exec "$NA" "$SPEAKER" --interface "$VA" --address 10.99.0.2 --vip $VIP --group 199 --version "$version" \
    --priority 105 --preempt --hello-ms "$hello" --hold-ms "$hold" --md5 VPNHA-key >"$la.2" 2>&1 &
  pa=$!; PIDS+=("$pa")
  wait_for "$la.2" "-> Active" "$limit"
  wait_for "$lb" "state Active -> Speak" "$limit"
  wait_count "$lb" "-> Standby" 2 "$limit"
  echo "   preempt: the returning higher-priority router took the group back; B is standby again"
  local t_term; t_term=$(now_ms)
  kill -TERM "$pa"
  wait_count "$lb" "state Standby -> Active" 2 "$limit"
  t_active=$(grep "state Standby -> Active" "$lb" | tail -1 | cut -d' ' -f1)
  echo "   SIGTERM (resign) of the active: standby active after $(( t_active - t_term )) ms"
  [ $(( t_active - t_term )) -lt $(( hold / 2 )) ] || { echo "FAIL: the resign did not hand over at once"; exit 1; }
  kill -9 "$pb" 2>/dev/null || true
  wait "$pb" 2>/dev/null || true
  ip -n "$NB" addr del $VIP/32 dev "$VB" 2>/dev/null || true
}

run_case v1 1 1000 3000
run_case v2ms 2 100 400
echo "PASS"
