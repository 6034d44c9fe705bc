# Sourced by ha_failover.sh --scenario split --stateful (issue 7, docs/ha.md "Split brain"):
# the standby stops hearing the active's Hellos while both live. The outside switch ports of
# R1 and R2 are isolated from each other (bridge port isolation: both still reach the peer
# R3, not each other), so the HSRP Hellos are lost both ways while the sync channel, on the
# inside segment, stays up. Phase "full" isolates the inside ports too: Hellos AND channel
# lost (a full partition), then the inside heals first (the channel returns while the outside
# Hellos are still lost), then the outside.
# Asserts, with h1 pinging h2 at 10/s throughout and tcpdump on both routers' outside ports:
#   - hellos lost, channel alive: R2 never goes Active for VPNHA (takeover held: the channel
#     says R1 is alive, Active and better), holds no VIP, sends no ESP; no ping lost;
#   - full partition: R2 takes over, its outbound SAs starting above R1's lifetime bound;
#     when the channel returns R2 loses the comparison, steps down, reports its final
#     sequence numbers, and R1 continues above them;
#   - on the wire (ESP from each router told apart by its MAC): no (SPI, sequence number)
#     pair appears twice, within one router or across the two;
#   - healed: R1 Active, R2 Standby for both groups, pings flowing; lost pings printed.

# split_isolate on|off PORT...: bridge port isolation in the switch namespace.
split_isolate() {
  local state=$1; shift
  for p in "$@"; do in_ns sw bridge link set dev "$p" isolated "$state"; done
}

# split_esp PCAP MAC -> "SPI SEQ" lines of the ESP frames sent by MAC (tshark's dissector).
split_esp() {
  tshark -r "$1" -Y "esp && eth.src == $2" -T fields -e esp.spi -e esp.sequence 2>/dev/null
}

split_json() {  # split_json ROUTER JQ-ish python expression over `show standby --json`
  espctl_on "$1" --json show standby | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

ha_split_brain() {
  local wait_s=$1 phase_full=$2
  local mac1 mac2
  mac1=$(in_ns r1 cat /sys/class/net/wan0/address)
  mac2=$(in_ns r2 cat /sys/class/net/wan0/address)
  for p in o1 o2; do
    in_ns sw tcpdump -i "$p" -nn -U -w "$TOPO_DIR/$p.pcap" 'ip proto 50 or udp port 4500' \
      >"$TOPO_DIR/$p.tcpdump.log" 2>&1 &
    TOPO_PIDS+=("$!")
    eval "CAP_$p=$!"
  done
  for p in o1 o2; do
    for _ in $(seq 50); do grep -q "listening on" "$TOPO_DIR/$p.tcpdump.log" && break; sleep 0.1; done
    grep -q "listening on" "$TOPO_DIR/$p.tcpdump.log" || fail "tcpdump on $p did not start"
  done
  local count=$(( (wait_s * 2 + 12) * 10 ))
  [ -n "$phase_full" ] && count=$(( (wait_s * 4 + 30) * 10 ))
  in_ns h1 ping -n -i 0.1 -c "$count" -W 1 "$H2" >"$TOPO_DIR/ping-split.log" 2>&1 &
  local ping=$!
  TOPO_PIDS+=("$ping")
  sleep 2

  # A. Hellos lost, channel alive.
  topo_log "split: R1 and R2 no longer hear each other on the outside segment; the sync channel (inside) stays up"
  split_isolate on o1 o2
  sleep "$wait_s"
  echo "--- r2 (hellos lost): show standby brief"; espctl_on r2 show standby brief
  echo "--- r2: show crypto ha"; espctl_on r2 show crypto ha
  espctl_on r1 show standby brief | matches -E "^Gi0/0 +199 .* Active " || fail "split: R1 is not Active for 199"
  espctl_on r2 show standby brief | matches -E "^Gi0/0 +199 .* Active " && fail "split: R2 went Active while R1 lives"
  local held
  held=$(split_json r2 "[g for g in d['groups'] if g['group']==199][0]['counters']['takeovers_held']")
  [ "$held" -ge 1 ] || fail "split: R2 counted no held takeover ($held)"
  espctl_on r2 show standby | matches "Takeover held: the sync peer is alive and Active" \
    || fail "split: R2 show standby does not say the takeover is held"
  espctl_on r2 show crypto ha | matches "peer Active and better: takeover held" || fail "split: R2 show crypto ha: no hold"
  ha_has_vip r2 "$VIP_OUT" && fail "split: R2 holds the VIP while R1 lives"
  grep -q "Grp 199 state Standby -> Active" "$TOPO_DIR/r2.log" && fail "split: R2's group 199 went Active"
  topo_log "split: R2 held its takeover $held times (hellos lost for ${wait_s} s), no VIP, R1 Active"

  if [ -n "$phase_full" ]; then
    # B. Full partition: the inside ports too (the channel breaks), so R2 takes over.
    topo_log "split: full partition (inside segment too: Hellos and sync channel lost)"
    split_isolate on i1 i2
    local t=""
    for _ in $(seq $((wait_s * 20))); do
      if espctl_on r2 show standby brief | matches -E "^Gi0/0 +199 .* Active "; then t=1; break; fi
      sleep 0.1
    done
    [ -n "$t" ] || fail "split: R2 did not take over during the full partition"
    grep -q "taking over without word from the old active" "$TOPO_DIR/r2.log" \
      || fail "split: R2's takeover did not use the partition bound"
    sleep "$wait_s"
    # C. The inside heals first: the channel returns while the outside Hellos are still lost.
    topo_log "split: the inside segment heals (sync channel back), outside Hellos still lost"
    split_isolate off i1 i2
    local yielded=""
    for _ in $(seq $((wait_s * 20 + 100))); do
      if espctl_on r2 show crypto ha | matches -E "Split brain: [0-9]+ role conflicts, [1-9][0-9]* yields"; then
        yielded=1; break
      fi
      sleep 0.1
    done
    echo "--- r2: show crypto ha"; espctl_on r2 show crypto ha
    echo "--- r1: show crypto ha"; espctl_on r1 show crypto ha
    [ -n "$yielded" ] || fail "split: R2 did not step down when the channel returned"
    espctl_on r1 show crypto ha | matches -E "Split brain: [1-9][0-9]* role conflicts" || fail "split: R1 saw no conflict"
    espctl_on r2 show standby brief | matches -E "^Gi0/0 +199 .* Active " && fail "split: R2 still Active for 199"
    sleep "$wait_s"
  fi

  # Heal.
  topo_log "split: the outside segment heals"
  split_isolate off o1 o2
  ha_wait_roles r1 r2 30 || fail "split: the pair did not settle to R1 Active, R2 Standby after healing"
  wait "$ping" || true
  for p in o1 o2; do kill -INT "$(eval echo "\$CAP_$p")" 2>/dev/null || true; done
  for p in o1 o2; do
    local pid; pid=$(eval echo "\$CAP_$p")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  echo "--- r1: show crypto ha"; espctl_on r1 show crypto ha
  echo "--- r2: show standby brief"; espctl_on r2 show standby brief

  # The wire: every ESP frame each router sent, by its MAC, on its own switch port.
  split_esp "$TOPO_DIR/o1.pcap" "$mac1" >"$TOPO_DIR/esp-r1.txt"
  split_esp "$TOPO_DIR/o2.pcap" "$mac2" >"$TOPO_DIR/esp-r2.txt"
  local n1 n2 dup_all dup_cross
  n1=$(wc -l <"$TOPO_DIR/esp-r1.txt")
  n2=$(wc -l <"$TOPO_DIR/esp-r2.txt")
  [ "$n1" -gt 0 ] || fail "split: no ESP from R1 captured (capture broken?)"
  dup_all=$(cat "$TOPO_DIR/esp-r1.txt" "$TOPO_DIR/esp-r2.txt" | sort | uniq -d | wc -l)
  dup_cross=$(comm -12 <(sort -u "$TOPO_DIR/esp-r1.txt") <(sort -u "$TOPO_DIR/esp-r2.txt") | wc -l)
  echo "WIRE: ESP from R1 $n1 frames, from R2 $n2 frames; (SPI, sequence number) pairs seen twice: $dup_all" \
       "(used by both routers: $dup_cross)"
  for f in r1 r2; do
    [ -s "$TOPO_DIR/esp-$f.txt" ] || continue
    awk -v who="$f" '{ n[$1]++; if (!($1 in lo) || $2 + 0 < lo[$1]) lo[$1] = $2 + 0; if ($2 + 0 > hi[$1]) hi[$1] = $2 + 0 }
      END { for (s in n) printf "WIRE: %s SPI %s: %d frames, sequence numbers %d..%d\n", who, s, n[s], lo[s], hi[s] }' \
      "$TOPO_DIR/esp-$f.txt"
  done
  [ "$dup_all" = 0 ] || { cat "$TOPO_DIR/esp-r1.txt" "$TOPO_DIR/esp-r2.txt" | sort | uniq -d | head >&2
                          fail "split: $dup_all (SPI, sequence number) pairs were sent twice"; }
  if [ -z "$phase_full" ]; then
    [ "$n2" = 0 ] || fail "split: R2 sent $n2 ESP frames while R1 was Active"
  fi

  local sent lost gap last
  read -r sent lost gap last < <(ha_ping_stats "$TOPO_DIR/ping-split.log")
  echo "MEASURED (split brain$([ -n "$phase_full" ] && echo ", then full partition"), HSRP $TIMERS): $lost of $sent" \
       "pings lost at 10/s, longest outage $gap pings = $((gap * 100)) ms"
  [ "$last" -ge $((sent - 3)) ] || fail "split: traffic did not flow after healing (last reply $last of $sent)"
  if [ -z "$phase_full" ]; then
    [ "$lost" -le 2 ] || fail "split: $lost pings lost while only the Hellos were lost"
  fi
  [ "$(grep -c "SA has been authenticated" "$TOPO_DIR/r3.log")" = 1 ] || fail "split: R3 negotiated Main Mode again"
  echo "PASS: split brain ($MODE): R2 held $held takeovers; no (SPI, sequence number) reused on the wire; $lost pings lost"
}
