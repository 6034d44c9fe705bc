#!/usr/bin/env bash
# Section 1 of the reference walkthrough with IKEv1: the reference's two standalone configs
# (tests/data/ios/r1-standalone.cfg, r2-standalone.cfg) VERBATIM, two espd in network
# namespaces. Asserts:
#   1. the first ping triggers Main Mode + Quick Mode (PFS group14); tunnel up within 2 s;
#   2. ping passes both ways;
#   3. `show crypto isakmp sa`: QM_IDLE ACTIVE, dst = responder, src = initiator, both sides;
#   4. `show crypto ipsec sa`: PFS (Y/N): Y, DH group: group14; SPIs in hex and decimal that
#      agree with each other and across the gateways; encaps on one side = decaps on the other;
#   4b. tshark decrypts Quick Mode and ESP with `espctl export wireshark` (ikev1_decryption_table
#      and esp_sa, both mode 0600);
#   5. `espctl debug crypto isakmp` turns on the reference-style state lines;
#   5b. SIGHUP with an unchanged config keeps the ISAKMP SA and the IPsec SPIs;
#   6. `clear crypto isakmp` deletes the SAs on both sides (DELETE), the next ping renegotiates;
#   7. killing one espd (SIGKILL, no DELETE) makes the other's DPD (keepalive 10) delete its
#      ISAKMP and IPsec SAs within the keepalive bound.
#   5c. `clear crypto sa` on gw1 deletes the IPsec SAs on both sides (DELETE) and keeps the
#      ISAKMP SA (QM_IDLE, same conn-id); the next ping runs only Quick Mode (new SPIs).
# --rekey: the same configs plus one line per crypto map, `set security-association lifetime
# kilobytes 2560` (IOS's minimum), and a fast ping that crosses the soft kilobyte lifetime:
# Quick Mode rekeys (new SPIs), the old SA is deleted, and no ping is lost.
# --p1rekey: the same configs plus `lifetime 60` (IOS's minimum) in the ISAKMP policy and a
# ping every 0.2 s for 64 s: phase 1 is re-established before it expires (new conn-id), the
# IPsec SAs keep their SPIs, and no ping is lost.
# Usage: standalone_ike.sh [--rekey|--p1rekey] [--build DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
REKEY="" P1REKEY=""
while [ $# -gt 0 ]; do
  case $1 in
    --build) BUILD=$2; shift 2 ;;
    --rekey) REKEY=1; shift ;;
    --p1rekey) P1REKEY=1; shift ;;
    *) echo "usage: $0 [--rekey|--p1rekey] [--build DIR]" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root for network namespaces" >&2; exit 77; fi
ESPD=$BUILD/host/espd/espd
ESPCTL=$BUILD/host/espctl/espctl
for t in "$ESPD" "$ESPCTL"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done

. "$HERE/topology.sh"
topo_init
topo_build

R1=19.26.116.137 R2=19.26.116.141 H1=192.168.20.25 H2=172.21.91.37
# gw1 is R2 (19.26.116.141, h1 behind it), gw2 is R1 (19.26.116.137, h2 behind it).
CFG1=$ROOT/tests/data/ios/r2-standalone.cfg CFG2=$ROOT/tests/data/ios/r1-standalone.cfg
# add_line SED_EXPR WANT: both configs get one line added (by SED_EXPR), checked by grep WANT.
add_line() {
  local c
  for c in CFG1 CFG2; do
    sed "$1" "${!c}" >"$TOPO_DIR/$c.cfg"
    grep -q "$2" "$TOPO_DIR/$c.cfg" || { echo "could not add '$2' to ${!c}" >&2; exit 1; }
    eval "$c=\$TOPO_DIR/$c.cfg"
  done
}
[ -n "$REKEY" ] && add_line 's/\(set pfs group14\)/\1\n set security-association lifetime kilobytes 2560/' \
  "lifetime kilobytes 2560"
# The reference's policy lines are indented with a no-break space; match the end only.
[ -n "$P1REKEY" ] && add_line 's/^\(.*[^a-z]group 14\)$/\1\n lifetime 60/' "^ lifetime 60"
topo_start_espd gw1 "$CFG1"
topo_start_espd gw2 "$CFG2"

# The operator's routing sends the remote protected network to espd's TUN (on IOS: the route
# out of the crypto-map interface), so the first packet reaches espd and triggers IKE;
# reverse-route adds the /32 host routes while SAs exist.
in_ns gw1 ip route add 172.21.91.0/24 dev esp0
in_ns gw2 ip route add 192.168.20.0/24 dev esp0

fail() { topo_log "FAIL: $*"; for g in gw1 gw2; do echo "--- $g log" >&2; tail -n 80 "$TOPO_DIR/$g.log" >&2; done; exit 1; }
now_ms() { date +%s%3N; }

grep -q "authentication" "$TOPO_DIR/gw1.log" && fail "verbatim config produced an authentication warning"

PCAP=$TOPO_DIR/outside.pcap
[ -z "$REKEY" ] && command -v tshark >/dev/null && topo_capture gw1 wan0 "$PCAP"

# 5. debug on gw1 through espctl (the reference's debug ran on the responder; either works).
espctl_on gw1 debug crypto isakmp | matches "debugging is on" || fail "debug crypto isakmp not acknowledged"

# 1. The first ping triggers IKE. IOS drops the packet that triggers negotiation; so do we.
topo_log "first ping h1 -> h2 triggers IKE"
T0=$(now_ms)
in_ns h1 ping -n -c 1 -W 1 $H2 >/dev/null 2>&1 &
FIRST_PING=$!
UP=""
for _ in $(seq 40); do
  if espctl_on gw1 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]" &&
     espctl_on gw2 show crypto ipsec sa | matches "current outbound spi: 0x[0-9A-F]*[1-9A-F]"; then
    UP=$(( $(now_ms) - T0 )); break
  fi
  sleep 0.05
done
[ -n "$UP" ] || fail "tunnel not up 2 s after the first packet"
wait "$FIRST_PING" || true
topo_log "tunnel up ${UP} ms after the first packet"
[ "$UP" -le 2000 ] || fail "tunnel took ${UP} ms (> 2000)"

# 2. ping both ways.
COUNT=5
in_ns h1 ping -n -c $COUNT -i 0.2 -W 2 $H2 >"$TOPO_DIR/ping1.log" || fail "ping h1 -> h2: $(cat "$TOPO_DIR/ping1.log")"
in_ns h2 ping -n -c $COUNT -i 0.2 -W 2 $H1 >"$TOPO_DIR/ping2.log" || fail "ping h2 -> h1: $(cat "$TOPO_DIR/ping2.log")"
grep -q "$COUNT received" "$TOPO_DIR/ping1.log" || fail "h1 -> h2 lost packets"
grep -q "$COUNT received" "$TOPO_DIR/ping2.log" || fail "h2 -> h1 lost packets"

if [ -n "$REKEY" ]; then
  # 2560 KB hard, soft at 90 % (~1780 pings of 1328 bytes each way, under the TUN's 1404 MTU): 2000 at 10 ms cross it
  # at ~16 s. The rate stays under 10 % of the lifetime per second because the gateway polls
  # the device's soft-lifetime event once a second (a faster flow reaches hard first).
  OLD_SPI=$(espctl_on gw1 show crypto ipsec sa | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | head -1)
  topo_log "rekey: 2000 pings of 1328 bytes at 10 ms under a 2560 KB lifetime (outbound spi 0x$OLD_SPI)"
  in_ns h1 ping -n -q -c 2000 -i 0.01 -s 1300 -W 2 $H2 >"$TOPO_DIR/ping-rekey.log" 2>&1 || true
  cat "$TOPO_DIR/ping-rekey.log"
  NEW_SPI=$(espctl_on gw1 show crypto ipsec sa | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | head -1)
  [ -n "$NEW_SPI" ] && [ "$NEW_SPI" != "$OLD_SPI" ] || fail "no rekey: outbound spi still 0x$OLD_SPI"
  RECEIVED=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TOPO_DIR/ping-rekey.log")
  [ "${RECEIVED:-0}" = 2000 ] || fail "pings lost across the rekey: $(grep received "$TOPO_DIR/ping-rekey.log")"
  sleep 2.5  # the old pair's inbound SA outlives the DELETE by 2 s (packets in flight)
  espctl_on gw1 show crypto ipsec sa | matches "spi: 0x$OLD_SPI(" && fail "old SA 0x$OLD_SPI not deleted after the rekey"
  echo "PASS: tunnel up ${UP} ms; rekeyed 0x$OLD_SPI -> 0x$NEW_SPI under 2000 pings without loss"
  exit 0
fi

conn_id() { espctl_on "$1" show crypto isakmp sa | awk '/QM_IDLE/ {print $4; exit}'; }
out_spi() { espctl_on "$1" show crypto ipsec sa | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | head -1; }

if [ -n "$P1REKEY" ]; then
  # The ISAKMP SA came up with the first ping (lifetime 60 s); the initiator re-establishes it
  # at 51-54 s, the IPsec SAs (3600 s) stay. 320 pings at 0.2 s span the switch and the old
  # SA's expiry.
  C1=$(conn_id gw1) C2=$(conn_id gw2) SPI1=$(out_spi gw1) SPI2=$(out_spi gw2)
  topo_log "phase-1 rekey: conn-id $C1/$C2, outbound spi 0x$SPI1/0x$SPI2; 320 pings at 0.2 s"
  in_ns h1 ping -n -q -c 320 -i 0.2 -W 2 $H2 >"$TOPO_DIR/ping-p1.log" 2>&1 || true
  cat "$TOPO_DIR/ping-p1.log"
  N1=$(conn_id gw1) N2=$(conn_id gw2)
  [ -n "$N1" ] && [ "$N1" != "$C1" ] || fail "gw1: ISAKMP SA not re-established (conn-id $C1 -> ${N1:-none})"
  [ -n "$N2" ] && [ "$N2" != "$C2" ] || fail "gw2: ISAKMP SA not re-established (conn-id $C2 -> ${N2:-none})"
  [ "$(espctl_on gw1 show crypto isakmp sa | grep -c QM_IDLE)" = 1 ] || fail "gw1: the old ISAKMP SA was not deleted"
  [ "$(out_spi gw1)" = "$SPI1" ] || fail "gw1: IPsec SA changed across the phase-1 rekey (0x$SPI1 -> 0x$(out_spi gw1))"
  [ "$(out_spi gw2)" = "$SPI2" ] || fail "gw2: IPsec SA changed across the phase-1 rekey"
  grep -q "phase 1 with .* re-establishing" "$TOPO_DIR/gw1.log" "$TOPO_DIR/gw2.log" || fail "no re-establishment logged"
  RECEIVED=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TOPO_DIR/ping-p1.log")
  [ "${RECEIVED:-0}" = 320 ] || fail "pings lost across the phase-1 rekey: $(grep received "$TOPO_DIR/ping-p1.log")"
  echo "PASS: phase 1 re-established (conn-id $C1 -> $N1, $C2 -> $N2); IPsec SPIs 0x$SPI1/0x$SPI2 kept; 320/320 pings"
  exit 0
fi

# 3. show crypto isakmp sa: gw1 (R2) initiated, so dst = R1, src = R2 on both gateways.
for g in gw1 gw2; do
  out=$(espctl_on $g show crypto isakmp sa)
  echo "--- $g: show crypto isakmp sa"; echo "$out"
  echo "$out" | grep -q '^dst             src             state          conn-id status$' || fail "$g: header layout"
  echo "$out" | grep -Eq "^${R1//./\\.} +${R2//./\\.} +QM_IDLE +[0-9]+ ACTIVE$" || fail "$g: no QM_IDLE ACTIVE row"
done

# 4. show crypto ipsec sa.
S1=$(espctl_on gw1 show crypto ipsec sa) S2=$(espctl_on gw2 show crypto ipsec sa)
echo "--- gw1: show crypto ipsec sa"; echo "$S1"
for g in 1 2; do
  eval "out=\$S$g"
  echo "$out" | grep -q "PFS (Y/N): Y, DH group: group14" || fail "gw$g: PFS group14 not shown"
  # Every "spi: 0xHEX(DEC)" must agree with itself.
  while read -r hex dec; do
    [ $((16#$hex)) = "$dec" ] || fail "gw$g: spi 0x$hex is not $dec"
  done < <(echo "$out" | sed -n 's/.*spi: 0x\([0-9A-F]*\)(\([0-9]*\)).*/\1 \2/p')
done
out1=$(echo "$S1" | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | head -1)
out2=$(echo "$S2" | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | head -1)
echo "$S2" | grep -A3 "inbound esp sas" | matches "spi: 0x$out1" || fail "gw1's outbound SPI $out1 is not gw2's inbound"
echo "$S1" | grep -A3 "inbound esp sas" | matches "spi: 0x$out2" || fail "gw2's outbound SPI $out2 is not gw1's inbound"
enc() { echo "$1" | sed -n 's/.*#pkts encaps: \([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}'; }
dec() { echo "$1" | sed -n 's/.*#pkts decaps: \([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}'; }
[ "$(enc "$S1")" = "$(dec "$S2")" ] || fail "gw1 encaps $(enc "$S1") != gw2 decaps $(dec "$S2")"
[ "$(enc "$S2")" = "$(dec "$S1")" ] || fail "gw2 encaps $(enc "$S2") != gw1 decaps $(dec "$S1")"
[ "$(enc "$S1")" -ge $((2 * COUNT)) ] || fail "gw1 encapsulated only $(enc "$S1") packets"

# 5. debug lines, reference style.
grep -Eq 'ISAKMP:\([0-9]+\):Old State = IKE_I_MM[0-9]+ +New State = IKE_I_MM[0-9]+' "$TOPO_DIR/gw1.log" \
  || fail "no Main Mode state lines in gw1's log after debug crypto isakmp"
grep -q "SA has been authenticated" "$TOPO_DIR/gw1.log" || fail "no 'SA has been authenticated' debug line"

# 4b. espctl export wireshark: tshark decrypts Quick Mode (IKEv1 table) and ESP (ESP table).
if [ -s "$PCAP" ]; then
  WS=$TOPO_DIR/ws
  espctl_on gw1 export wireshark "$WS" --reveal-keys >/dev/null || fail "export wireshark"
  [ -s "$WS/ikev1_decryption_table" ] || fail "no ikev1_decryption_table written"
  [ "$(stat -c %a "$WS/ikev1_decryption_table")" = 600 ] || fail "ikev1_decryption_table is not mode 0600"
  sleep 0.2  # let tcpdump flush (-U) the last packets
  qm=$(WIRESHARK_CONFIG_DIR=$WS tshark -r "$PCAP" -Y 'isakmp.exchangetype == 32 && isakmp.nonce' 2>/dev/null | wc -l)
  esp=$(WIRESHARK_CONFIG_DIR=$WS tshark -r "$PCAP" -o esp.enable_encryption_decode:TRUE -Y 'esp && icmp' 2>/dev/null | wc -l)
  topo_log "tshark with espctl's export: $qm Quick Mode messages and $esp ESP packets decrypted"
  [ "$qm" -ge 2 ] || fail "tshark decrypted $qm Quick Mode messages with the exported IKEv1 keys (want QM1 and QM2)"
  [ "$esp" -ge $((2 * COUNT)) ] || fail "tshark decrypted only $esp ESP packets"
fi

# 5b. SIGHUP with the same config keeps the ISAKMP SA and the IPsec SPIs.
kill -HUP "$ESPD_PID_gw1"
for _ in $(seq 50); do grep -q "SIGHUP: re-reading" "$TOPO_DIR/gw1.log" && break; sleep 0.1; done
sleep 0.3
espctl_on gw1 show crypto ipsec sa | matches "current outbound spi: 0x$out1(" || fail "SIGHUP changed gw1's outbound SA"
espctl_on gw1 show crypto isakmp sa | matches "QM_IDLE" || fail "SIGHUP dropped gw1's ISAKMP SA"

# 5c. clear crypto sa on gw1: IPsec SAs go on both sides (DELETE), ISAKMP SAs stay QM_IDLE.
C1=$(conn_id gw1) C2=$(conn_id gw2)
espctl_on gw1 clear crypto sa >/dev/null
for _ in $(seq 40); do
  espctl_on gw2 show crypto ipsec sa | matches "current outbound spi: 0x$out2(" || break
  sleep 0.05
done
espctl_on gw1 show crypto ipsec sa | matches "current outbound spi: 0x$out1(" && fail "gw1 kept its IPsec SA after clear crypto sa"
espctl_on gw2 show crypto ipsec sa | matches "current outbound spi: 0x$out2(" && fail "gw2 kept its IPsec SA after gw1's clear crypto sa (DELETE)"
[ "$(conn_id gw1)" = "$C1" ] && [ "$(conn_id gw2)" = "$C2" ] || fail "clear crypto sa touched the ISAKMP SAs"
MM_BEFORE=$(grep -c "New State = IKE_I_MM1" "$TOPO_DIR/gw1.log" || true)
in_ns h1 ping -n -c 1 -W 1 $H2 >/dev/null 2>&1 || true
in_ns h1 ping -n -c 3 -i 0.2 -W 2 $H2 >"$TOPO_DIR/ping-clear.log" || fail "ping after clear crypto sa: $(cat "$TOPO_DIR/ping-clear.log")"
[ "$(grep -c "New State = IKE_I_MM1" "$TOPO_DIR/gw1.log" || true)" = "$MM_BEFORE" ] || fail "clear crypto sa led to a new Main Mode"
NEW1=$(out_spi gw1)
[ -n "$NEW1" ] && [ "$NEW1" != "$out1" ] || fail "no new IPsec SA after clear crypto sa"
[ "$(conn_id gw1)" = "$C1" ] || fail "gw1's ISAKMP SA changed"
topo_log "clear crypto sa: SPI 0x$out1 -> 0x$NEW1 by Quick Mode alone, ISAKMP conn-id $C1 kept"

# 6. clear crypto isakmp on gw2: DELETEs make gw1 forget too; the next ping renegotiates.
espctl_on gw2 clear crypto isakmp >/dev/null
for _ in $(seq 40); do
  espctl_on gw1 show crypto isakmp sa | matches QM_IDLE || break
  sleep 0.05
done
espctl_on gw2 show crypto isakmp sa | matches QM_IDLE && fail "gw2 still has an ISAKMP SA after clear"
espctl_on gw1 show crypto isakmp sa | matches QM_IDLE && fail "gw1 kept its ISAKMP SA after gw2's clear (DELETE)"
in_ns h2 ping -n -c 1 -W 1 $H1 >/dev/null 2>&1 || true
in_ns h2 ping -n -c 3 -i 0.2 -W 2 $H1 >"$TOPO_DIR/ping3.log" || fail "ping after clear: $(cat "$TOPO_DIR/ping3.log")"
espctl_on gw2 show crypto isakmp sa | matches -E "^${R2//./\\.} +${R1//./\\.} +QM_IDLE" \
  || fail "gw2 did not renegotiate as initiator after clear"

# 7. DPD: SIGKILL gw2 (no DELETE reaches gw1). keepalive 10 (retry 2): gw1 must notice within
# 10 s idle + retries; bound 35 s.
kill -KILL "$ESPD_PID_gw2"
topo_wait_dead "$ESPD_PID_gw2" || fail "gw2 did not die"
T0=$(now_ms)
GONE=""
for _ in $(seq 350); do
  if ! espctl_on gw1 show crypto isakmp sa | matches "ACTIVE"; then GONE=$(( $(now_ms) - T0 )); break; fi
  sleep 0.1
done
[ -n "$GONE" ] || fail "gw1's DPD did not delete the ISAKMP SA within 35 s"
topo_log "gw1's DPD deleted the SAs ${GONE} ms after the peer died"
espctl_on gw1 show crypto ipsec sa | matches "current outbound spi: 0x0(0)" || fail "gw1 kept IPsec SAs after DPD"
echo "PASS: tunnel up ${UP} ms; DPD ${GONE} ms"
