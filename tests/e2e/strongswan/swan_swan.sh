#!/usr/bin/env bash
# strongSwan <-> strongSwan on the reference topology: proves the interop harness (lib.sh)
# that espd_interop.sh uses. IKEv1 Main Mode + Quick Mode (RFC 2409) with PSK, PFS group 14,
# NAT-T forced (RFC 3947/3948), the reference's host-to-host selectors. Asserts:
#   1. both charons list the IKE_SA ESTABLISHED and the CHILD_SA INSTALLED, with mirrored SPIs;
#   2. ping passes both ways, and each side's CHILD_SA counters equal the packets sent;
#   3. the outside link carries only IKE (UDP 500/4500) and UDP-encapsulated ESP: no raw ESP,
#      no cleartext ICMP;
#   4. tshark, fed only the keys charon logged (ike = 4, chd = 4), decrypts every ESP packet to
#      the hosts' ICMP and the encrypted Main Mode / Quick Mode messages to their payloads.
# With --wrong-psk the responder holds another key: no IKE_SA, no CHILD_SA, no route, the
# responder cannot decrypt Main Mode 5, and a ping gets nowhere and leaks nothing.
# Usage: swan_swan.sh --initiator gw1|gw2 --transform cbc|gcm [--wrong-psk]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
INITIATOR=gw1 TRANSFORM=cbc WRONG_PSK=0
while [ $# -gt 0 ]; do
  case $1 in
    --wrong-psk) WRONG_PSK=1; shift ;;
    --initiator) INITIATOR=$2; shift 2 ;;
    --transform) TRANSFORM=$2; shift 2 ;;
    *) echo "usage: $0 --initiator gw1|gw2 --transform cbc|gcm" >&2; exit 2 ;;
  esac
done
case $TRANSFORM in
  cbc) ESP=aes256-sha256-modp2048 ;;
  gcm) ESP=aes256gcm16-modp2048 ;;
  *) echo "transform: cbc|gcm" >&2; exit 2 ;;
esac
[ "$INITIATOR" = gw1 ] || [ "$INITIATOR" = gw2 ] || { echo "initiator: gw1|gw2" >&2; exit 2; }

. "$HERE/lib.sh"
sw_require_env
sw_init
T0=$(date +%s.%N)
sw_topology
sw_host_selector_trick gw1 $SW_H1 lan0
sw_host_selector_trick gw2 $SW_H2 lan0

fail() {
  sw_log "FAIL: $*"
  local g
  for g in gw1 gw2; do echo "--- $g charon log (tail)" >&2; tail -40 "$SW_DIR/$g/charon.log" >&2 2>/dev/null; done
  exit 1
}

sw_charon_start gw1 || fail "charon gw1"
sw_charon_start gw2 || fail "charon gw2"
PCAP=$SW_DIR/outside.pcap
sw_capture gw1 wan0 "$PCAP" || fail "capture"

RESPONDER=gw2; [ "$INITIATOR" = gw2 ] && RESPONDER=gw1
role() { [ "$1" = "$INITIATOR" ] && echo initiator || echo responder; }
PSK="swan-$SW_RUN"  # per-run secret; charon logs only its hash-derived keys
# Responder first, so the initiator's Main Mode 1 finds a loaded peer.
for g in $RESPONDER $INITIATOR; do
  key=$PSK; [ $WRONG_PSK = 1 ] && [ "$g" = "$RESPONDER" ] && key="other-$PSK"
  if [ "$g" = gw1 ]; then
    sw_conn gw1 --local $SW_GW1_WAN --remote $SW_GW2_WAN --local-ts $SW_H1/32 --remote-ts $SW_H2/32 \
      --psk "$key" --esp $ESP --role "$(role gw1)" || fail "load gw1"
  else
    sw_conn gw2 --local $SW_GW2_WAN --remote $SW_GW1_WAN --local-ts $SW_H2/32 --remote-ts $SW_H1/32 \
      --psk "$key" --esp $ESP --role "$(role gw2)" || fail "load gw2"
  fi
done
TI=$(date +%s.%N)
if [ $WRONG_PSK = 1 ]; then
  # SKEYID derives from the PSK, so the responder cannot decrypt Main Mode 5 (RFC 2409 5).
  for _ in $(seq 100); do
    grep -q "decryption failed" "$SW_DIR/$RESPONDER/charon.log" && break
    sleep 0.1
  done
  grep -q "decryption failed" "$SW_DIR/$RESPONDER/charon.log" || fail "responder did not reject Main Mode 5"
  if sw_in h1 ping -n -c 2 -i 0.5 -W 1 $SW_H2 >/dev/null 2>&1; then fail "ping passed without an SA"; fi
  for g in gw1 gw2; do
    sas=$(sw_sas $g)
    ! grep -q -e ESTABLISHED -e INSTALLED <<<"$sas" || { echo "$sas" >&2; fail "$g has an SA with a wrong PSK"; }
    [ -z "$(sw_in $g ip route show table 220 2>/dev/null)" ] || fail "$g installed a route without an SA"
  done
  sw_stop_capture
  icmp=$(tcpdump -n -r "$PCAP" icmp 2>/dev/null | wc -l)
  esp=$(tcpdump -n -r "$PCAP" 'ip proto 50 or (udp port 4500 and udp[8:4] != 0)' 2>/dev/null | wc -l)
  [ "$icmp" = 0 ] && [ "$esp" = 0 ] || fail "with no SA: $icmp cleartext ICMP, $esp ESP packets on the outside link"
  sw_log "PASS swan_swan wrong PSK ($INITIATOR initiating): MM5 rejected, no IKE_SA, no CHILD_SA, no route, nothing leaked"
  exit 0
fi
sw_wait_established "$INITIATOR" 15 || fail "$INITIATOR did not establish"
sw_wait_established "$RESPONDER" 5 || fail "$RESPONDER did not install after QM3"
TUP=$(echo "$(date +%s.%N) - $TI" | bc)
sw_log "tunnel up in ${TUP}s ($INITIATOR initiated, $TRANSFORM)"

# 1. mirrored SPIs.
read -r IN1 OUT1 <<<"$(sw_spis gw1)"
read -r IN2 OUT2 <<<"$(sw_spis gw2)"
[ -n "${IN1:-}" ] && [ -n "${IN2:-}" ] || fail "no SPIs listed"
[ "$IN1" = "$OUT2" ] && [ "$IN2" = "$OUT1" ] || fail "SPIs not mirrored: gw1 in $IN1 out $OUT1, gw2 in $IN2 out $OUT2"
[ "$(sw_ike_cookies gw1)" = "$(sw_ike_cookies gw2)" ] || fail "IKE cookies differ"
sw_sas gw1 | matches "TUNNEL-in-UDP" || fail "CHILD_SA is not UDP-encapsulated tunnel mode"
if [ "$TRANSFORM" = gcm ]; then want=AES_GCM_16-256; else want=AES_CBC-256/HMAC_SHA2_256_128; fi
sw_sas gw1 | matches "ESP:$want/MODP_2048" || fail "CHILD_SA transform is not $want with PFS MODP_2048"

# 2. ping both ways; counters.
COUNT=5
sw_in h1 ping -n -c $COUNT -i 0.2 -W 2 $SW_H2 >"$SW_DIR/ping1.log" || fail "ping h1 -> h2: $(cat "$SW_DIR/ping1.log")"
sw_in h2 ping -n -c $COUNT -i 0.2 -W 2 $SW_H1 >"$SW_DIR/ping2.log" || fail "ping h2 -> h1: $(cat "$SW_DIR/ping2.log")"
grep -q " $COUNT received" "$SW_DIR/ping1.log" || fail "h1 -> h2 lost packets"
grep -q " $COUNT received" "$SW_DIR/ping2.log" || fail "h2 -> h1 lost packets"
EXPECTED=$((2 * COUNT))
for g in gw1 gw2; do
  for dir in in out; do
    n=$(sw_child_packets $g $dir)
    [ "$n" = "$EXPECTED" ] || fail "$g CHILD_SA $dir: $n packets, expected $EXPECTED"
  done
done
sw_stop_capture

# 3. only IKE and UDP-encapsulated ESP on the outside link.
total=$(tcpdump -n -r "$PCAP" 2>/dev/null | wc -l)
ike_esp=$(tcpdump -n -r "$PCAP" 'udp port 500 or udp port 4500' 2>/dev/null | wc -l)
raw_esp=$(tcpdump -n -r "$PCAP" 'ip proto 50' 2>/dev/null | wc -l)
icmp=$(tcpdump -n -r "$PCAP" icmp 2>/dev/null | wc -l)
[ "$icmp" = 0 ] || fail "$icmp cleartext ICMP packets on the outside link"
[ "$raw_esp" = 0 ] || fail "$raw_esp raw ESP packets (libipsec should encapsulate)"
[ "$total" = "$ike_esp" ] || fail "$((total - ike_esp)) packets that are neither IKE nor UDP-encapsulated ESP"

# 4. tshark with the logged keys.
WS=$SW_DIR/wireshark
sw_wireshark_keys gw1 "$WS" >/dev/null || fail "keys from charon's log"
tsh() { WIRESHARK_CONFIG_DIR=$WS tshark -n -r "$PCAP" -o esp.enable_encryption_decode:TRUE "$@" 2>/dev/null; }
esp_pkts=$(tsh -Y 'esp && udp.port == 4500' -T fields -e frame.number | wc -l)
# RFC 3947: only Main Mode 1-4 (cleartext) use port 500; from MM5 on everything is on 4500.
on500=$(tsh -Y 'udp.port == 500' -T fields -e frame.number | wc -l)
not_mm=$(tsh -Y 'udp.port == 500 && !(isakmp.exchangetype == 2 && isakmp.flags == 0x00)' -T fields -e frame.number | wc -l)
[ "$on500" -ge 4 ] && [ "$not_mm" = 0 ] || fail "UDP 500 carried $on500 packets, $not_mm of them not cleartext Main Mode 1-4"
tsh -Y 'esp && icmp' -T fields -e esp.spi -e ip.src -e ip.dst -e icmp.type >"$SW_DIR/esp.txt"
decrypted=$(wc -l <"$SW_DIR/esp.txt")
[ "$esp_pkts" -ge $((2 * EXPECTED)) ] || fail "$esp_pkts ESP packets captured, expected >= $((2 * EXPECTED))"
[ "$decrypted" = "$esp_pkts" ] || { cat "$SW_DIR/esp.txt" >&2; fail "tshark decrypted $decrypted of $esp_pkts ESP packets to ICMP"; }
req1=$(grep -c $'19.26.116.141,192.168.20.25\t19.26.116.137,172.21.91.37\t8$' "$SW_DIR/esp.txt" || true)
req2=$(grep -c $'19.26.116.137,172.21.91.37\t19.26.116.141,192.168.20.25\t8$' "$SW_DIR/esp.txt" || true)
[ "$req1" = "$COUNT" ] && [ "$req2" = "$COUNT" ] || { cat "$SW_DIR/esp.txt" >&2; fail "decrypted echo requests: $req1 h1->h2, $req2 h2->h1, expected $COUNT each"; }
# Main Mode 5/6 (ID_PROT, 2) and Quick Mode 1-3 (32) are encrypted: with Ka, tshark shows
# their ID payloads (the outside addresses, RFC 2407 ID_IPV4_ADDR) and the QM proxy IDs.
tsh -Y 'isakmp.exchangetype == 2 && isakmp.flags == 0x01' -T fields -e isakmp.id.data.ipv4_addr >"$SW_DIR/mm.txt" || true
tsh -Y 'isakmp.exchangetype == 32' -T fields -e isakmp.id.data.ipv4_addr >"$SW_DIR/qm.txt" || true
[ "$(grep -c '19.26.116.1' "$SW_DIR/mm.txt" || true)" = 2 ] || { cat "$SW_DIR/mm.txt" >&2; fail "tshark did not decrypt Main Mode 5/6 to their ID payloads"; }
grep -q "$SW_H1" "$SW_DIR/qm.txt" && grep -q "$SW_H2" "$SW_DIR/qm.txt" \
  || { cat "$SW_DIR/qm.txt" >&2; fail "tshark did not decrypt Quick Mode to its proxy IDs"; }

T=$(echo "$(date +%s.%N) - $T0" | bc)
sw_log "PASS swan_swan $INITIATOR-initiated $TRANSFORM: up in ${TUP}s, ping $COUNT+$COUNT, counters $EXPECTED/$EXPECTED, $esp_pkts ESP-in-UDP packets all decrypted by tshark, IKE MM5/6 + QM decrypted; ${T}s"
