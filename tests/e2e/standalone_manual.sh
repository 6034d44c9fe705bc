#!/usr/bin/env bash
# Section 1 of the reference walkthrough ("Standalone IOS Router set up IPSec VPN") with
# manually keyed SAs: two espd in network namespaces, the reference's ACL 110 and transform
# set (or AES-256-GCM), raw ESP or RFC 3948 UDP encapsulation. Asserts:
#   1. ping passes both ways (h1 -> h2 and h2 -> h1);
#   2. the outside link carries only ESP: no cleartext ICMP, nothing that is not the tunnel;
#   3. `show crypto ipsec sa` counters on both gateways equal the packets sent;
#   4. tshark decrypts the capture with the keys from `espctl export wireshark`, and the
#      export is refused without --reveal-keys;
#   5. a replayed and a tampered packet injected on the outside link (scapy) are dropped and
#      counted as replay and verify (auth) failures;
#   6. 8 MiB of TCP arrive intact (SHA-256 end to end) through the TUN offload path;
#   7. SIGHUP with an unchanged config keeps SAs and counters; clear crypto sa reinstalls
#      manual SAs without reusing sequence numbers; SIGTERM removes the reverse route and
#      espd exits 0.
# Usage: standalone_manual.sh --transform cbc|gcm --encap raw|udp [--build DIR] [--backend NAME]
# (--backend sim: both gateways on the Verilated RTL kernel; the TCP transfer is 256 KiB there)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TRANSFORM=cbc ENCAP=raw BUILD=${ESPGW_BUILD_DIR:-$ROOT/build} BACKEND=""
while [ $# -gt 0 ]; do
  case $1 in
    --transform) TRANSFORM=$2; shift 2 ;;
    --encap) ENCAP=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --backend) BACKEND=$2; shift 2 ;;
    *) echo "usage: $0 --transform cbc|gcm --encap raw|udp [--build DIR] [--backend NAME]" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root for network namespaces" >&2; exit 77; fi
ESPD=$BUILD/host/espd/espd
ESPCTL=$BUILD/host/espctl/espctl
PY=/usr/bin/python3
for t in "$ESPD" "$ESPCTL"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done
for t in tcpdump tshark ip; do command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }; done

. "$HERE/topology.sh"
topo_init
topo_build

CFG1=$ROOT/tests/data/e2e/r2-manual-$TRANSFORM.cfg
CFG2=$ROOT/tests/data/e2e/r1-manual-$TRANSFORM.cfg
topo_start_espd gw1 "$CFG1" --esp-encap "$ENCAP" ${BACKEND:+--backend "$BACKEND"}
topo_start_espd gw2 "$CFG2" --esp-encap "$ENCAP" ${BACKEND:+--backend "$BACKEND"}

PCAP=$TOPO_DIR/outside.pcap
topo_capture gw1 wan0 "$PCAP"

fail() { topo_log "FAIL: $*"; for g in gw1 gw2; do echo "--- $g log" >&2; cat "$TOPO_DIR/$g.log" >&2; done; exit 1; }

COUNT=5
topo_log "ping h1 -> h2 and h2 -> h1 ($COUNT each, $TRANSFORM, $ENCAP)"
in_ns h1 ping -n -c $COUNT -i 0.2 -W 2 172.21.91.37 >"$TOPO_DIR/ping1.log" || fail "ping h1 -> h2: $(cat "$TOPO_DIR/ping1.log")"
in_ns h2 ping -n -c $COUNT -i 0.2 -W 2 192.168.20.25 >"$TOPO_DIR/ping2.log" || fail "ping h2 -> h1: $(cat "$TOPO_DIR/ping2.log")"
grep -q "$COUNT received" "$TOPO_DIR/ping1.log" || fail "h1 -> h2 lost packets"
grep -q "$COUNT received" "$TOPO_DIR/ping2.log" || fail "h2 -> h1 lost packets"
EXPECTED=$((2 * COUNT))  # each gateway encapsulates requests one way and replies the other

# 3. counters: every echo request and reply crossed each gateway once in each direction.
check_counters() {  # GW LOCAL_IDENT expected_encaps expected_decaps
  local out
  out=$(espctl_on "$1" --json show crypto ipsec sa detail | $PY "$HERE/check_json.py" "$2") || fail "$1: no pair $2"
  eval "$out"
  [ "$encaps" = "$3" ] && [ "$encrypt" = "$3" ] && [ "$digest" = "$3" ] || fail "$1: encaps $encaps, expected $3"
  [ "$decaps" = "$4" ] && [ "$decrypt" = "$4" ] && [ "$verify" = "$4" ] || fail "$1: decaps $decaps, expected $4"
  [ "$inbound_sas" = 1 ] && [ "$outbound_sas" = 1 ] || fail "$1: SAs missing"
  [ "$udp_encap" = "$([ "$ENCAP" = udp ] && echo 1 || echo 0)" ] || fail "$1: udp_encap=$udp_encap"
}
check_counters gw1 192.168.20.25 $EXPECTED $EXPECTED
check_counters gw2 172.21.91.37 $EXPECTED $EXPECTED
text=$(espctl_on gw1 show crypto ipsec sa)
grep -q "#pkts encaps: $EXPECTED, #pkts encrypt: $EXPECTED, #pkts digest: $EXPECTED" <<<"$text" \
  || fail "IOS text counters differ from JSON"

# SIGHUP with an unchanged file: SAs, sequence numbers and counters stay.
kill -HUP "$ESPD_PID_gw2"
for _ in $(seq 50); do grep -q "SIGHUP: re-reading" "$TOPO_DIR/gw2.log" && grep -c "OK: 1 crypto map" "$TOPO_DIR/gw2.log" | matches 2 && break; sleep 0.1; done
grep -c "OK: 1 crypto map" "$TOPO_DIR/gw2.log" | matches 2 || fail "gw2 did not reload on SIGHUP"
check_counters gw2 172.21.91.37 $EXPECTED $EXPECTED

# 5. replay and tamper, injected from gw2's side of the outside link towards gw1.
# The first capture ends here (pings only); a second one watches the injection.
topo_stop_capture
PCAP2=$TOPO_DIR/outside-inject.pcap
topo_capture gw1 wan0 "$PCAP2"
check_counters gw1 192.168.20.25 $EXPECTED $EXPECTED
REPLAYS_BEFORE=$(espctl_on gw1 --json show crypto ipsec sa detail | $PY "$HERE/check_json.py" 192.168.20.25 | sed -n 's/^replay_failed_rcv=//p')
in_ns gw2 $PY "$HERE/inject_esp.py" replay "$PCAP" 19.26.116.137 || fail "replay injection"
in_ns gw2 $PY "$HERE/inject_esp.py" tamper "$PCAP" 19.26.116.137 || fail "tamper injection"
for _ in $(seq 50); do
  eval "$(espctl_on gw1 --json show crypto ipsec sa detail | $PY "$HERE/check_json.py" 192.168.20.25)"
  [ "$verify_failed" -ge 1 ] && [ "$replay_failed_rcv" -ge $((REPLAYS_BEFORE + 1)) ] && break
  sleep 0.1
done
[ "$verify_failed" = 1 ] || fail "tampered packet: verify failed = $verify_failed, expected 1"
[ "$replay_failed_rcv" -ge 1 ] || fail "replayed packet: replay failed = $replay_failed_rcv, expected >= 1"
[ "$decaps" = "$EXPECTED" ] || fail "an injected packet was decapsulated (decaps $decaps)"
text=$(espctl_on gw1 show crypto ipsec sa detail)
grep -q "#pkts invalid prot (recv) 0, #pkts verify failed: 1" <<<"$text" || fail "detail text: verify failed"
grep -q "##pkts replay failed (rcv): $replay_failed_rcv" <<<"$text" || fail "detail text: replay failed"
grep -q "#send errors 0, #recv errors $((replay_failed_rcv + 1))" <<<"$text" || fail "detail text: recv errors"
topo_stop_capture

# 2. only ESP on the outside link; no cleartext ICMP at all.
if [ "$ENCAP" = raw ]; then TUNNEL='ip proto 50'; else TUNNEL='udp port 4500'; fi
total=$(tcpdump -n -r "$PCAP" 2>/dev/null | wc -l)
tunnel=$(tcpdump -n -r "$PCAP" "$TUNNEL" 2>/dev/null | wc -l)
icmp=$(tcpdump -n -r "$PCAP" icmp 2>/dev/null | wc -l)
[ "$icmp" = 0 ] || fail "$icmp cleartext ICMP packets on the outside link"
[ "$total" = "$tunnel" ] || fail "$((total - tunnel)) non-tunnel packets on the outside link"
[ "$tunnel" -ge $((2 * EXPECTED)) ] || fail "only $tunnel ESP packets captured, expected >= $((2 * EXPECTED))"

# 4. tshark decrypts with the exported keys; the export needs --reveal-keys.
WS=$TOPO_DIR/wireshark
if espctl_on gw1 export wireshark "$WS" >/dev/null 2>&1; then fail "export wireshark without --reveal-keys was allowed"; fi
espctl_on gw1 export wireshark "$WS" --reveal-keys >/dev/null || fail "export wireshark"
[ "$(stat -c %a "$WS/esp_sa")" = 600 ] || fail "esp_sa is not mode 0600"
WIRESHARK_CONFIG_DIR=$WS tshark -n -r "$PCAP" -o esp.enable_encryption_decode:TRUE \
  -Y 'icmp.type == 8 || icmp.type == 0' -T fields -e ip.src -e ip.dst -e icmp.type >"$TOPO_DIR/tshark.txt" 2>/dev/null || true
decrypted=$(wc -l <"$TOPO_DIR/tshark.txt")
# Inner addresses must be the hosts': "outer,inner" pairs as tshark lists nested IP layers.
requests=$(grep -c $'19.26.116.137,172.21.91.37\t19.26.116.141,192.168.20.25\t8' "$TOPO_DIR/tshark.txt" || true)
[ "$decrypted" = $((2 * EXPECTED)) ] || { cat "$TOPO_DIR/tshark.txt" >&2; fail "tshark decrypted $decrypted ICMP packets, expected $((2 * EXPECTED))"; }
[ "$requests" = "$COUNT" ] || { cat "$TOPO_DIR/tshark.txt" >&2; fail "tshark: $requests echo requests h2 -> h1, expected $COUNT"; }

# clear crypto sa: manual SAs come back at once with counters reset, and their sequence
# numbers continue (else gw2 would drop the next packets as replays and the ping would fail).
espctl_on gw1 clear crypto sa >/dev/null || fail "clear crypto sa"
in_ns h1 ping -n -c 1 -W 2 172.21.91.37 >/dev/null || fail "ping after clear crypto sa"
check_counters gw1 192.168.20.25 1 1

# A TCP transfer with an end-to-end digest: bulk data takes the TUN offload path (TSO
# super-packets segmented by espd); the bytes must arrive intact and in order.
NBYTES=$((8 << 20))
if [ "$BACKEND" = sim ]; then NBYTES=$((256 << 10)); fi  # a Verilated kernel moves tens of KB/s
ip netns exec "$(ns h2)" $PY "$HERE/tcp_transfer.py" recv 5201 $NBYTES >"$TOPO_DIR/recv.txt" 2>&1 &
RECV_PID=$!
TOPO_PIDS+=("$RECV_PID")
for _ in $(seq 50); do grep -q listening "$TOPO_DIR/recv.txt" && break; sleep 0.1; done
sent=$(timeout 30 ip netns exec "$(ns h1)" $PY "$HERE/tcp_transfer.py" send 172.21.91.37 5201 $NBYTES) || fail "TCP transfer through the tunnel"
topo_wait_dead "$RECV_PID"
received=$(tail -1 "$TOPO_DIR/recv.txt")
[ "$sent" = "$received" ] || fail "TCP transfer: sent '$sent', received '$received'"
eval "$(espctl_on gw1 --json show crypto ipsec sa detail | $PY "$HERE/check_json.py" 192.168.20.25)"
[ "$encaps" -ge $((NBYTES / 1400)) ] || fail "TCP transfer: only $encaps packets encapsulated for $NBYTES bytes"
[ "$send_errors" = 0 ] || fail "TCP transfer: $send_errors send errors"

# 6. SIGTERM: routes and SAs go, exit 0.
routes=$(in_ns gw1 ip route show)  # (grep -q in a pipe would SIGPIPE ip under pipefail)
grep -q "^172.21.91.37 dev esp0" <<<"$routes" || fail "reverse route missing before SIGTERM"
kill -TERM "$ESPD_PID_gw1"
rc=0; wait "$ESPD_PID_gw1" || rc=$?
[ "$rc" = 0 ] || fail "espd exited $rc on SIGTERM"
routes=$(in_ns gw1 ip route show)
! grep -q '172.21.91.37' <<<"$routes" || fail "reverse route left behind"
grep -q "stopped:" "$TOPO_DIR/gw1.log" || fail "espd did not log its orderly stop"
topo_log "PASS standalone_manual $TRANSFORM $ENCAP: ping both ways, counters $EXPECTED/$EXPECTED, ${tunnel} ESP packets only, tshark decrypted $decrypted, replay+tamper dropped"
