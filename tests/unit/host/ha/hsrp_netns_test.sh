#!/usr/bin/env bash
# HSRP failover between two hsrp_speaker processes in two network namespaces joined by a
# veth pair (the outside segment). Checks: one active, one standby; only the active holds the
# VIP; after SIGKILL of the active the standby takes over within the hold time and announces
# the VIP by gratuitous ARP; forged Hellos (wrong MD5 digest; TTL 5) are counted and change
# nothing; SIGTERM of an active resigns and hands over at once. Runs twice:
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
. "$(dirname "${BASH_SOURCE[0]}")/../../../e2e/matches.sh"

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
has_vip() { ip -n "$1" -4 addr show dev "$2" | matches "inet $VIP/"; }

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
  ip netns exec "$NA" timeout 20 tcpdump -i "$VA" -n -c 1 -w "$cap" "arp and arp[6:2] == 1 and ether src $(ip -n "$NB" link show "$VB" | awk '/ether/{print $2}')" >"$cap.log" 2>&1 &
  local pcap=$!; PIDS+=("$pcap")
  wait_for "$cap.log" "listening on" 10  # attached before the event it must see

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
  # Forged Hellos at the active, priority 255 and state Active, from B's namespace: one with a
  # wrong MD5 digest (TTL 1), one with a valid-looking layout but TTL 5 (routed: off-link).
  ip netns exec "$NB" /usr/bin/python3 - "$VB" "$version" <<'PY' >"$DIR/scapy.log" 2>&1
import sys, os, struct, socket
from scapy.all import Ether, IP, UDP, Raw, sendp
iface, version = sys.argv[1], int(sys.argv[2])
md5 = struct.pack("!BBBBHII", 4, 28, 1, 0, 0, 0x0A630032, 0) + os.urandom(16)
if version == 1:
    body = struct.pack("!BBBBBBBB", 0, 0, 16, 1, 3, 255, 199, 0) + bytes(8) + socket.inet_aton("10.99.0.1") + md5
    dst = "224.0.0.2"
else:
    body = struct.pack("!BBBBBBH6sIII", 1, 40, 2, 0, 6, 4, 199, bytes(6), 255, 100, 400) + socket.inet_aton("10.99.0.1") + bytes(12) + md5
    dst = "224.0.0.102"
for ttl in (1, 5):
    mac = "01:00:5e:00:00:%02x" % int(dst.split(".")[3])
    sendp(Ether(dst=mac) / IP(src="10.99.0.50", dst=dst, ttl=ttl) / UDP(sport=1985, dport=1985) / Raw(body),
          iface=iface, verbose=False)
PY
  [ $? = 0 ] || { echo "FAIL: scapy could not send the forged Hellos"; exit 1; }
  wait_for "$la.2" "BADAUTH" 5
  wait_for "$la.2" "with TTL 5 (off-link" 5
  grep -q "state Active -> Speak" "$la.2" && { echo "FAIL: a forged Hello moved the active"; exit 1; }
  local t_term; t_term=$(now_ms)
  kill -TERM "$pa"
  wait_count "$lb" "state Standby -> Active" 2 "$limit"
  t_active=$(grep "state Standby -> Active" "$lb" | tail -1 | cut -d' ' -f1)
  echo "   SIGTERM (resign) of the active: standby active after $(( t_active - t_term )) ms"
  [ $(( t_active - t_term )) -lt $(( hold / 2 )) ] || { echo "FAIL: the resign did not hand over at once"; exit 1; }
  wait "$pa" 2>/dev/null || true
  local counters; counters=$(grep "counters" "$la.2" || true)
  echo "   forged Hellos at the active: $counters"
  echo "$counters" | grep -q "auth_failures=[1-9]" || { echo "FAIL: the forged Hello was not counted"; exit 1; }
  echo "$counters" | grep -q "off_link=[1-9]" || { echo "FAIL: the TTL-5 Hello was not dropped as off-link"; exit 1; }
  kill -9 "$pb" 2>/dev/null || true
  wait "$pb" 2>/dev/null || true
  ip -n "$NB" addr del $VIP/32 dev "$VB" 2>/dev/null || true
}

run_case v1 1 1000 3000
run_case v2ms 2 100 400
echo "PASS"
