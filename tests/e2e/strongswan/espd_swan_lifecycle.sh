#!/usr/bin/env bash
# espd <-> strongSwan 5.9 over the lifetime of a tunnel (issue 4): the same topology and
# configs as espd_interop.sh (espd = R1 on gw2, charon = R2 on gw1, AES-256-CBC/SHA-256,
# PFS 14, NAT-T forced by strongSwan's encap = yes). One scenario per run:
#   aggressive      strongSwan initiates Aggressive Mode (RFC 2409 5.4, PSK, NAT-D in AM2/AM3
#                   per RFC 3947); espd answers; ping passes both ways.
#   dpd-swan-dies   charon is SIGKILLed: espd's DPD (keepalive 10, retry 2, RFC 3706) deletes
#                   its ISAKMP and IPsec SAs within 10 + 2 x 6 s (+ slack).
#   dpd-espd-dies   espd is SIGKILLed: strongSwan's DPD (dpd_delay 5s, dpd_action clear)
#                   deletes its SAs.
#   dpd-espd-restart espd is SIGKILLed and started again with no state: strongSwan's DPD
#                   (dpd_action restart) notices and negotiates afresh; ping passes again.
#   rekey-espd      espd rekeys on its kilobyte soft lifetime (`set security-association
#                   lifetime kilobytes 2560`) under a fast ping: new SPIs, no ping lost.
#   rekey-swan      strongSwan rekeys its CHILD_SA at 20 s (life 40 s) under a ping: new SPIs
#                   on both, no ping lost, espd deletes the old pair on strongSwan's DELETE.
#   reauth-swan     strongSwan reauthenticates (IKEv1 has no phase-1 rekey; reauth_time 20s):
#                   a new ISAKMP SA in espd, the IPsec SAs kept (both sides move them), no
#                   ping lost.
#   p1rekey-espd    espd (ISAKMP lifetime 60 s, IOS's minimum) re-establishes phase 1 at
#                   51-54 s and deletes the old ISAKMP SA: strongSwan keeps its CHILD_SA
#                   (same SPIs), no ping lost.
#   natt-keepalive  `crypto isakmp nat keepalive 5` (IOS minimum): a capture of the outside link shows
#                   espd's NAT keepalives (UDP 4500, one byte 0xFF, RFC 3948 2.3) every 5 s.
# Usage: espd_swan_lifecycle.sh --scenario NAME [--build DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SCENARIO="" BUILD=${ESPGW_BUILD_DIR:-$ROOT/build}
while [ $# -gt 0 ]; do
  case $1 in
    --scenario) SCENARIO=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    *) echo "usage: $0 --scenario NAME [--build DIR]" >&2; exit 2 ;;
  esac
done
case $SCENARIO in aggressive | dpd-swan-dies | dpd-espd-dies | dpd-espd-restart | rekey-espd | rekey-swan | reauth-swan | p1rekey-espd | natt-keepalive) ;;
  *) echo "scenario: aggressive|dpd-swan-dies|dpd-espd-dies|dpd-espd-restart|rekey-espd|rekey-swan|reauth-swan|p1rekey-espd|natt-keepalive" >&2
     exit 2 ;;
esac

. "$HERE/lib.sh"
sw_require_env
sw_require_espd "$BUILD"
sw_init
PSK=cisco123
fail() {
  sw_log "FAIL ($SCENARIO): $*"
  echo "--- espd log (tail)" >&2; grep -v "DEBUG.*ESP" "$SW_DIR/espd.log" 2>/dev/null | tail -50 >&2
  echo "--- charon log (tail)" >&2; grep -v '^[0-9:]* [0-9]*\[[A-Z]*\] *[0-9]*: ' "$SW_DIR/gw1/charon.log" 2>/dev/null | tail -40 >&2
  exit 1
}
now_ms() { date +%s%3N; }
espd_active() { sw_espctl show crypto isakmp sa | matches "QM_IDLE .*ACTIVE"; }
espd_out_spi() { sw_espctl show crypto ipsec sa | sed -n 's/.*current outbound spi: 0x\([0-9A-F]*\).*/\1/p' | grep -v '^0$' | head -1; }
# same_spi A B: two hex SPIs are the same number. espctl prints them as IOS does (0xF96B192,
# no leading zeros), strongSwan as 8 digits (0f96b192), so strings may not be compared.
same_spi() { [[ $1 =~ ^[0-9a-fA-F]{1,8}$ && $2 =~ ^[0-9a-fA-F]{1,8}$ ]] && (( 16#$1 == 16#$2 )); }

sw_topology
sw_host_selector_trick gw1 $SW_H1 lan0

ESPD_SED=()
SW_ROLE=initiator SW_EXTRA=() SW_DPD=10s
case $SCENARIO in
  aggressive)
    SW_EXTRA=(--aggressive yes)
    # strongSwan refuses Aggressive Mode with a PSK unless told it knows the risk (the hash
    # in AM2 can be attacked offline); espd does AM as IOS does, refusable per config.
    export SW_CHARON_EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes" ;;
  dpd-espd-dies) SW_DPD=5s ;;
  dpd-espd-restart) SW_DPD=5s SW_EXTRA=(--dpd-action restart) ;;
  rekey-espd)
    SW_ROLE=responder
    ESPD_SED=('s/^\( set pfs group14\)$/\1\n set security-association lifetime kilobytes 2560/') ;;
  rekey-swan)
    SW_EXTRA=(--life 40s --rekey 20s)
    # strongSwan keeps a rekeyed IKEv1 CHILD_SA until it expires unless told to delete it.
    export SW_CHARON_EXTRA="delete_rekeyed = yes" ;;
  reauth-swan) SW_EXTRA=(--reauth 20s) ;;
  p1rekey-espd)
    SW_ROLE=responder
    ESPD_SED=('s/^ group 14$/ group 14\n lifetime 60/') ;;
  natt-keepalive) ESPD_SED=('s/^crypto isakmp nat keepalive 20$/crypto isakmp nat keepalive 5/') ;;
esac
sw_espd_start "esp-aes 256 esp-sha256-hmac" "$PSK" "${ESPD_SED[@]}" || fail "espd"
sw_charon_start gw1 || fail "charon"
PCAP=$SW_DIR/outside.pcap
sw_capture gw1 wan0 "$PCAP" || fail "capture"
sw_conn gw1 --local $SW_GW1_WAN --remote $SW_GW2_WAN --local-ts $SW_H1/32 --remote-ts $SW_H2/32 \
  --psk "$PSK" --esp aes256-sha256-modp2048 --role $SW_ROLE --dpd $SW_DPD "${SW_EXTRA[@]}" || fail "load strongSwan"
if [ $SW_ROLE = responder ]; then
  for _ in $(seq 10); do sw_in h2 ping -n -c 1 -W 1 $SW_H1 >/dev/null 2>&1 && break; done
fi
sw_wait_established gw1 15 || fail "strongSwan did not establish"
for _ in $(seq 50); do espd_active && [ -n "$(espd_out_spi)" ] && break; sleep 0.1; done
espd_active || fail "espd has no QM_IDLE ACTIVE ISAKMP SA"
read -r SW_IN SW_OUT <<<"$(sw_spis gw1)"
sw_log "tunnel up ($SCENARIO): strongSwan SPIs in $SW_IN out $SW_OUT"
sleep 0.3  # the Quick Mode responder installs after QM3

ping_both() {
  sw_in h1 ping -n -c "$1" -i 0.2 -W 2 $SW_H2 >"$SW_DIR/ping1.log" 2>&1 || fail "ping h1 -> h2: $(tail -2 "$SW_DIR/ping1.log")"
  sw_in h2 ping -n -c "$1" -i 0.2 -W 2 $SW_H1 >"$SW_DIR/ping2.log" 2>&1 || fail "ping h2 -> h1: $(tail -2 "$SW_DIR/ping2.log")"
}
received() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }

case $SCENARIO in
aggressive)
  ping_both 5
  sw_stop_capture
  am=$(tshark -n -r "$PCAP" -Y 'isakmp.exchangetype == 4' -T fields -e frame.number 2>/dev/null | wc -l)
  mm=$(tshark -n -r "$PCAP" -Y 'isakmp.exchangetype == 2' -T fields -e frame.number 2>/dev/null | wc -l)
  natd=$(tshark -n -r "$PCAP" -Y 'isakmp.exchangetype == 4 && isakmp.typepayload == 20' -T fields -e frame.number 2>/dev/null | wc -l)
  [ "$am" -ge 3 ] && [ "$mm" = 0 ] || fail "expected Aggressive Mode only: $am AM, $mm MM messages"
  [ "$natd" -ge 1 ] || fail "no NAT-D payload in the cleartext Aggressive Mode messages"
  # RFC 3947: AM3 floats to 4500 (strongSwan's encap = yes fakes a NAT); espd saw it.
  am3=$(tshark -n -r "$PCAP" -Y 'isakmp.exchangetype == 4 && udp.port == 4500' -T fields -e frame.number 2>/dev/null | wc -l)
  [ "$am3" = 1 ] || fail "$am3 Aggressive Mode messages on UDP 4500 (want AM3)"
  eval "$(sw_espctl --json show crypto ipsec sa detail | /usr/bin/python3 "$HERE/espd_sa.py" $SW_H2)"
  [ "$ESPD_UDP_ENCAP" = 1 ] || fail "espd's Aggressive Mode SAs are not UDP-encapsulated (NAT-D in AM missed)"
  grep -q "ESTABLISHED, IKEv1" <<<"$(sw_sas gw1)" || fail "strongSwan lost the SA"
  sw_log "PASS aggressive: $am AM messages ($natd cleartext with NAT-D, AM3 on 4500), ping 5+5 through UDP 4500" ;;

dpd-swan-dies)
  ping_both 2
  eval "kill -KILL \$SW_CHARON_PID_gw1"
  T0=$(now_ms) GONE=""
  for _ in $(seq 400); do
    if ! espd_active; then GONE=$(( $(now_ms) - T0 )); break; fi
    sleep 0.1
  done
  [ -n "$GONE" ] || fail "espd kept its ISAKMP SA 40 s after charon died"
  [ -z "$(espd_out_spi)" ] || fail "espd kept its IPsec SAs after DPD"
  grep -q "did not answer DPD" "$SW_DIR/espd.log" || fail "espd's log does not say DPD"
  [ "$GONE" -le 24000 ] || fail "DPD took ${GONE} ms (> 10 + 2 x 6 s + 2 s)"
  sw_log "PASS dpd-swan-dies: espd deleted the SAs ${GONE} ms after charon was killed" ;;

dpd-espd-dies)
  ping_both 2
  kill -KILL "$ESPD_PID"
  T0=$(now_ms) GONE=""
  for _ in $(seq 450); do
    if ! grep -q ESTABLISHED <<<"$(sw_sas gw1)"; then GONE=$(( $(now_ms) - T0 )); break; fi
    sleep 0.1
  done
  [ -n "$GONE" ] || fail "strongSwan kept its IKE_SA 45 s after espd died"
  grep -q "INSTALLED" <<<"$(sw_sas gw1)" && fail "strongSwan kept its CHILD_SA"
  grep -q "DPD" "$SW_DIR/gw1/charon.log" || fail "charon's log shows no DPD"
  sw_log "PASS dpd-espd-dies: strongSwan (dpd_delay 5s, clear) deleted the SAs ${GONE} ms after espd was killed" ;;

dpd-espd-restart)
  ping_both 2
  COOKIES=$(sw_ike_cookies gw1)
  kill -KILL "$ESPD_PID"
  sw_stop "$ESPD_PID"
  T0=$(now_ms)
  sw_espd_start "esp-aes 256 esp-sha256-hmac" "$PSK" || fail "espd restart"
  UP=""
  for _ in $(seq 400); do
    c=$(sw_ike_cookies gw1)
    if [ -n "$c" ] && [ "$c" != "$COOKIES" ] && espd_active && [ -n "$(espd_out_spi)" ]; then UP=$(( $(now_ms) - T0 )); break; fi
    sleep 0.1
  done
  [ -n "$UP" ] || fail "strongSwan did not restart the tunnel with the restarted espd within 40 s"
  sleep 0.5
  ping_both 3
  sw_log "PASS dpd-espd-restart: strongSwan's DPD restarted the tunnel ${UP} ms after espd came back; ping 3+3" ;;

rekey-espd)
  OLD=$(espd_out_spi)
  # 2560 KB, soft at ~90 %: 2000 pings of 1328 bytes at 10 ms cross it (standalone_ike.sh --rekey).
  sw_in h2 ping -n -q -c 2000 -i 0.01 -s 1300 -W 2 $SW_H1 >"$SW_DIR/ping-rekey.log" 2>&1 || true
  NEW=$(espd_out_spi)
  [ -n "$NEW" ] && [ "$NEW" != "$OLD" ] || fail "espd did not rekey (outbound spi 0x$OLD)"
  # At most one of 2000 (10 ms apart): strongSwan, answering espd's Quick Mode, closes its old
  # CHILD_SA (inbound SA included) while it installs the new one, so a ping in flight on
  # the old SPI at that instant can be lost on strongSwan's side (seen once in CI-like runs:
  # 1999/2000). espd-side losses would be many more; espd-to-espd rekeys lose none
  # (e2e_standalone_ike_rekey).
  GOT=$(received "$SW_DIR/ping-rekey.log")
  [ "${GOT:-0}" -ge 1999 ] || fail "pings lost across the rekey: $(grep received "$SW_DIR/ping-rekey.log")"
  read -r IN2 OUT2 <<<"$(sw_spis gw1)"
  [ "$IN2" != "$SW_IN" ] && same_spi "$IN2" "$NEW" || fail "strongSwan's inbound SPI $IN2 is not espd's new outbound 0x$NEW"
  sleep 3  # the old pair's inbound SA outlives the DELETE by 2 s
  sw_espctl show crypto ipsec sa | matches "spi: 0x$OLD(" && fail "espd kept the old SA 0x$OLD"
  [ "$(sw_sas gw1 | grep -c INSTALLED)" = 1 ] || fail "strongSwan did not delete the old CHILD_SA on espd's DELETE"
  sw_log "PASS rekey-espd: 0x$OLD -> 0x$NEW under 2000 pings, $GOT received; strongSwan in $SW_IN -> $IN2" ;;

rekey-swan)
  OLD=$(espd_out_spi)
  # strongSwan's CHILD_SA rekeys at 20 s; 150 pings at 0.2 s span it.
  sw_in h1 ping -n -q -c 150 -i 0.2 -W 2 $SW_H2 >"$SW_DIR/ping-rekey.log" 2>&1 || true
  NEW=$(espd_out_spi)
  [ -n "$NEW" ] && [ "$NEW" != "$OLD" ] || fail "no new SA in espd after strongSwan's rekey (0x$OLD)"
  [ "$(received "$SW_DIR/ping-rekey.log")" = 150 ] || fail "pings lost across the rekey: $(grep received "$SW_DIR/ping-rekey.log")"
  read -r IN2 OUT2 <<<"$(sw_spis gw1)"
  [ "$IN2" != "$SW_IN" ] || fail "strongSwan did not rekey"
  same_spi "$IN2" "$NEW" || fail "strongSwan in $IN2 is not espd's outbound 0x$NEW"
  sw_espctl show crypto ipsec sa | matches "spi: 0x$OLD(" && fail "espd kept the old SA 0x$OLD after strongSwan's DELETE"
  sw_log "PASS rekey-swan: strongSwan rekeyed at 20 s, espd 0x$OLD -> 0x$NEW, 150/150 pings" ;;

reauth-swan)
  # strongSwan 5.9 reauthenticates IKEv1 by a new Main Mode, moves its CHILD_SAs to the new
  # IKE_SA and deletes the old one (ISAKMP DELETE only): espd must follow the same way.
  OLD=$(espd_out_spi) CONN=$(sw_espctl show crypto isakmp sa | awk '/QM_IDLE/ {print $4; exit}')
  COOKIES=$(sw_ike_cookies gw1)
  sw_in h1 ping -n -q -c 150 -i 0.2 -W 2 $SW_H2 >"$SW_DIR/ping-reauth.log" 2>&1 || true
  NEWC=$(sw_ike_cookies gw1)
  [ -n "$NEWC" ] && [ "$NEWC" != "$COOKIES" ] || fail "strongSwan did not reauthenticate"
  isakmp=$(sw_espctl show crypto isakmp sa)
  [ "$(grep -c QM_IDLE <<<"$isakmp" || true)" = 1 ] || { echo "$isakmp" >&2; fail "espd does not have exactly one ISAKMP SA"; }
  NEWCONN=$(awk '/QM_IDLE/ {print $4; exit}' <<<"$isakmp")
  [ "$NEWCONN" != "$CONN" ] || fail "espd's ISAKMP SA is still conn-id $CONN"
  [ "$(espd_out_spi)" = "$OLD" ] || fail "espd's IPsec SA changed (0x$OLD -> 0x$(espd_out_spi)); strongSwan kept its CHILD_SA"
  [ "$(sw_spis gw1)" = "$SW_IN $SW_OUT" ] || fail "strongSwan's SPIs changed: $(sw_spis gw1)"
  [ "$(received "$SW_DIR/ping-reauth.log")" = 150 ] || fail "pings lost across the reauthentication: $(grep received "$SW_DIR/ping-reauth.log")"
  sw_log "PASS reauth-swan: ISAKMP conn-id $CONN -> $NEWCONN, IPsec SAs kept (0x$OLD), 150/150 pings" ;;

p1rekey-espd)
  grep -q "^ lifetime 60" "$SW_DIR/r1.cfg" || fail "could not set the ISAKMP lifetime"
  CONN=$(sw_espctl show crypto isakmp sa | awk '/QM_IDLE/ {print $4; exit}') OLD=$(espd_out_spi)
  COOKIES=$(sw_ike_cookies gw1)
  sw_in h2 ping -n -q -c 290 -i 0.2 -W 2 $SW_H1 >"$SW_DIR/ping-p1.log" 2>&1 || true
  isakmp=$(sw_espctl show crypto isakmp sa)
  [ "$(grep -c QM_IDLE <<<"$isakmp" || true)" = 1 ] || { echo "$isakmp" >&2; fail "espd does not have exactly one ISAKMP SA"; }
  NEWCONN=$(awk '/QM_IDLE/ {print $4; exit}' <<<"$isakmp")
  [ "$NEWCONN" != "$CONN" ] || fail "espd did not re-establish phase 1 (conn-id $CONN)"
  NEWC=$(sw_ike_cookies gw1)
  [ -n "$NEWC" ] && [ "$NEWC" != "$COOKIES" ] || fail "strongSwan has no new IKE_SA (cookies $COOKIES -> '${NEWC}')"
  [ "$(espd_out_spi)" = "$OLD" ] || fail "espd's IPsec SA changed (0x$OLD -> 0x$(espd_out_spi))"
  [ "$(sw_spis gw1)" = "$SW_IN $SW_OUT" ] || fail "strongSwan's CHILD_SA changed: '$(sw_spis gw1)' (was $SW_IN $SW_OUT)"
  [ "$(received "$SW_DIR/ping-p1.log")" = 290 ] || fail "pings lost across the phase-1 re-establishment: $(grep received "$SW_DIR/ping-p1.log")"
  sw_log "PASS p1rekey-espd: ISAKMP conn-id $CONN -> $NEWCONN, strongSwan IKE_SA replaced, IPsec SAs kept, 290/290 pings" ;;

natt-keepalive)
  sleep 16
  sw_stop_capture
  # RFC 3948 2.3: a one-byte UDP payload 0xFF from espd (19.26.116.137) to 4500.
  times=$(tshark -n -r "$PCAP" -Y "ip.src == $SW_GW2_WAN && udp.srcport == 4500 && udp.length == 9" \
    -T fields -e frame.time_relative -e udp.payload 2>/dev/null)
  echo "$times" >&2
  n=$(grep -c . <<<"$times" || true)
  [ "$n" -ge 3 ] || fail "$n NAT keepalives from espd in ~17 s (want >= 3 at 5 s)"
  grep -qv "ff$" <<<"$times" && fail "a keepalive is not the byte 0xFF"
  tshark -n -r "$PCAP" -Y "ip.src == $SW_GW2_WAN && udpencap.nat_keepalive" 2>/dev/null | matches . || fail "tshark does not see NAT-keepalive packets"
  gaps=$(awk 'NR > 1 {printf "%.2f ", $1 - p} {p = $1}' <<<"$times")
  for g in $gaps; do
    awk -v g="$g" 'BEGIN {exit !(g >= 4.7 && g <= 5.3)}' || fail "keepalive interval $g s (want 5 +- 0.3)"
  done
  sw_log "PASS natt-keepalive: $n keepalives 0xFF from espd's UDP 4500, intervals: $gaps" ;;
esac
