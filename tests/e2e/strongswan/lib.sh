# Sourced by the strongSwan interop scenarios: the reference walkthrough's topology in
# per-run network namespaces (never linked to the root namespace) and strongSwan 5.9 charon
# (kernel-libipsec, userspace ESP in UDP 4500, RFC 3947/3948) as an IKEv1 peer in them.
# Recipe and pitfalls: /work/shared/reference/strongswan-peer.md; overview: docs/interop.md.
#
#   h1 (192.168.20.25) --lan0-- gw1 "R2" wan0 19.26.116.141/26 ==outside== wan0 19.26.116.137/26 gw2 "R1" --lan0-- h2 (172.21.91.37)
#
# Call sw_init first: it installs a trap that, on every exit path, stops only the processes
# this run started and deletes only this run's namespaces. Every wait is bounded.

. "$(dirname "${BASH_SOURCE[0]}")/../matches.sh"
SW_RUN="sw$$$(printf '%04x' $((RANDOM)))"
SW_NS=()
SW_PIDS=()
SW_DIR=""

sw_log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }

# True once PID is gone or a zombie (reaping can be slow here; <defunct> counts as dead).
sw_dead() {
  kill -0 "$1" 2>/dev/null || return 0
  [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}

# sw_stop PID: SIGTERM, up to 5 s, then SIGKILL.
sw_stop() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do sw_dead "$1" && return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  return 0
}

sw_cleanup() {
  local rc=$?
  set +e
  local pid
  for pid in "${SW_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${SW_PIDS[@]}"; do sw_stop "$pid"; done
  local n
  for n in "${SW_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
  if [ -n "$SW_DIR" ]; then
    if [ -n "${SW_KEEP:-}" ]; then sw_log "kept $SW_DIR"; else rm -rf "$SW_DIR"; fi
  fi
  return $rc
}

sw_init() {
  SW_DIR=$(mktemp -d /tmp/espgw-swan.XXXXXX)
  trap sw_cleanup EXIT
  trap 'exit 130' INT TERM HUP
}

# Exit status for "this scenario cannot run here" (ctest SKIP_RETURN_CODE).
SW_SKIP=77

# sw_require_env: root, the tools and the strongSwan pieces the recipe needs, else skip.
sw_require_env() {
  if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root for network namespaces" >&2; exit $SW_SKIP; fi
  local t
  for t in ip swanctl tcpdump tshark ping timeout; do
    command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit $SW_SKIP; }
  done
  [ -x /usr/lib/ipsec/charon ] || { echo "SKIP: strongswan-charon not installed" >&2; exit $SW_SKIP; }
  [ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] \
    || { echo "SKIP: kernel-libipsec plugin (libcharon-extra-plugins) not installed" >&2; exit $SW_SKIP; }
}

sw_ns() { echo "${SW_RUN}-$1"; }
sw_in() { local n; n=$(sw_ns "$1"); shift; ip netns exec "$n" "$@"; }

sw_add_ns() {
  local n; n=$(sw_ns "$1")
  ip netns add "$n"
  SW_NS+=("$n")
  sw_in "$1" ip link set lo up
  # No IPv6: the outside-link capture must hold nothing but the tunnel.
  sw_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# sw_link A IFA B IFB: a veth pair created directly between two of this run's namespaces.
sw_link() {
  ip -n "$(sw_ns "$1")" link add "$2" type veth peer name "$4" netns "$(sw_ns "$3")"
  sw_in "$1" ip link set "$2" up
  sw_in "$3" ip link set "$4" up
}

# Addresses of the reference topology (gw1 = R2, gw2 = R1 as in tests/e2e/topology.sh).
SW_GW1_WAN=19.26.116.141 SW_GW2_WAN=19.26.116.137
SW_H1=192.168.20.25 SW_H2=172.21.91.37
export SW_NET1=192.168.20.0/24 SW_NET2=172.21.91.0/24  # used by the scripts

sw_topology() {
  local n
  for n in gw1 gw2 h1 h2; do sw_add_ns "$n"; done
  sw_link gw1 wan0 gw2 wan0
  sw_link gw1 lan0 h1 eth0
  sw_link gw2 lan0 h2 eth0
  sw_in gw1 ip addr add $SW_GW1_WAN/26 dev wan0
  sw_in gw1 ip addr add 192.168.20.1/24 dev lan0
  sw_in gw2 ip addr add $SW_GW2_WAN/26 dev wan0
  sw_in gw2 ip addr add 172.21.91.1/24 dev lan0
  sw_in h1 ip addr add $SW_H1/24 dev eth0
  sw_in h1 ip route add default via 192.168.20.1
  sw_in h2 ip addr add $SW_H2/24 dev eth0
  sw_in h2 ip route add default via 172.21.91.1
  for n in gw1 gw2; do sw_in "$n" sysctl -qw net.ipv4.ip_forward=1; done
}

# sw_host_selector_trick GW HOST LANIF: kernel-libipsec installs its route for an outbound
# policy with a source address taken from the local traffic selector, and fails ("error
# installing route with policy ... out") when the gateway owns no address inside it, as with
# the reference's host-to-host (/32) ACL. The gateway gets HOST/32 on a spare veth; an ip rule
# (pref 10) sends traffic *to* HOST through the main table to the LAN before the `local` table
# (moved from pref 0 to 100) could claim it, and ARP on the LAN side never answers for it.
sw_host_selector_trick() {
  local gw=$1 host=$2 lanif=$3
  sw_in "$gw" ip link add spare0 type veth peer name spare1
  sw_in "$gw" ip link set spare0 up
  sw_in "$gw" ip link set spare1 up
  sw_in "$gw" ip addr add "$host/32" dev spare0
  sw_in "$gw" ip rule add pref 100 lookup local
  sw_in "$gw" ip rule del pref 0 lookup local
  sw_in "$gw" ip rule add pref 10 to "$host" lookup main
  sw_in "$gw" ip route add "$host/32" dev "$lanif"
  sw_in "$gw" sysctl -qw net.ipv4.conf.all.accept_local=1 "net.ipv4.conf.$lanif.accept_local=1" \
    "net.ipv4.conf.$lanif.arp_ignore=1" "net.ipv4.conf.$lanif.arp_announce=2" \
    "net.ipv4.conf.all.arp_ignore=1" "net.ipv4.conf.all.arp_announce=2"
}

# sw_charon_start GW: a charon of its own in GW's namespace: self-contained strongswan.conf
# (no /etc/strongswan.d, load_modular = no, kernel-libipsec before kernel-netlink), its own
# /run (pid file), its own vici socket; filelog with ike = 4 / chd = 4, the key oracle the
# tests read (never for production). Waits up to 10 s for the vici socket.
sw_charon_start() {
  local gw=$1 d="$SW_DIR/$1"
  mkdir -p "$d/run"
  cat >"$d/strongswan.conf" <<CONF
# generated by tests/e2e/strongswan/lib.sh for one test run
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gcm gmp kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici updown
  install_virtual_ip = no
  ${SW_CHARON_EXTRA:-}
  retransmit_timeout = 1.0
  retransmit_tries = 3
  plugins {
    vici { socket = unix://$d/charon.vici }
  }
  filelog {
    log {
      path = $d/charon.log
      time_format = %H:%M:%S
      flush_line = yes
      default = 1
      ike = 4
      chd = 4
      cfg = 2
      net = 1
    }
  }
  syslog { daemon { default = -1 } }
}
CONF
  ip netns exec "$(sw_ns "$gw")" env STRONGSWAN_CONF="$d/strongswan.conf" \
    sh -c "mount --bind '$d/run' /run && exec /usr/lib/ipsec/charon" >"$d/charon.out" 2>&1 &
  local pid=$!
  SW_PIDS+=("$pid")
  eval "SW_CHARON_PID_$gw=$pid"
  for _ in $(seq 100); do
    if [ -S "$d/charon.vici" ] && sw_swanctl "$gw" --stats >/dev/null 2>&1; then return 0; fi
    sw_dead "$pid" && { cat "$d/charon.out" >&2; sw_log "charon on $gw exited"; return 1; }
    sleep 0.1
  done
  sw_log "charon on $gw did not open its vici socket in 10 s"
  return 1
}

# sw_swanctl GW ARGS...: swanctl against GW's charon, bounded to 30 s.
sw_swanctl() {
  local gw=$1; shift
  timeout 30 ip netns exec "$(sw_ns "$gw")" swanctl "$1" --uri "unix://$SW_DIR/$gw/charon.vici" "${@:2}"
}

# sw_conn GW [--name N] --local A --remote A --local-ts NET --remote-ts NET --psk K
#         [--ike P] [--esp P] [--role initiator|responder|trap] [--dpd 10s] [--life 3600s]
#         [--rekey SECONDS] [--reauth SECONDS] [--aggressive yes|no] [--dpd-action clear|restart]
# Writes GW's swanctl.conf (IKEv1 Main Mode, PSK, ids = outside addresses, encap = yes
# because libipsec only does UDP-encapsulated ESP) and loads it. role initiator =
# start_action start (initiates on load); trap = on traffic; responder = waits.
sw_conn() {
  local gw=$1; shift
  local name=ref local="" remote="" lts="" rts="" psk="" ike=aes256-sha256-modp2048
  local esp=aes256-sha256-modp2048 role=responder dpd=10s life=3600s rekey="" reauth="" aggressive=no dpd_action=clear
  while [ $# -gt 0 ]; do
    case $1 in
      --name) name=$2 ;; --local) local=$2 ;; --remote) remote=$2 ;;
      --local-ts) lts=$2 ;; --remote-ts) rts=$2 ;; --psk) psk=$2 ;;
      --ike) ike=$2 ;; --esp) esp=$2 ;; --role) role=$2 ;; --dpd) dpd=$2 ;; --life) life=$2 ;;
      --rekey) rekey=$2 ;; --reauth) reauth=$2 ;; --aggressive) aggressive=$2 ;; --dpd-action) dpd_action=$2 ;;
      *) sw_log "sw_conn: unknown option $1"; return 2 ;;
    esac
    shift 2
  done
  local start=none
  case $role in initiator) start="start" ;; trap) start="trap" ;; responder) start="none" ;;
    *) sw_log "sw_conn: role $role"; return 2 ;; esac
  local d="$SW_DIR/$gw"
  # The PSK goes to a file readable by root only, never to the test's output.
  (umask 077; cat >"$d/swanctl.conf" <<CONF
connections {
  $name {
    version = 1
    aggressive = $aggressive
    encap = yes
    local_addrs = $local
    remote_addrs = $remote
    proposals = $ike
    dpd_delay = $dpd${reauth:+
    reauth_time = $reauth
    rand_time = 0s}
    local { auth = psk
            id = $local }
    remote { auth = psk
             id = $remote }
    children {
      $name {
        mode = tunnel
        local_ts = $lts
        remote_ts = $rts
        esp_proposals = $esp
        life_time = $life${rekey:+
        rekey_time = $rekey
        rand_time = 0s}
        start_action = $start
        dpd_action = $dpd_action
      }
    }
  }
}
secrets {
  ike-$name {
    id-1 = $local
    id-2 = $remote
    secret = "$psk"
  }
}
CONF
  )
  eval "SW_CONN_$gw=$name"
  sw_swanctl "$gw" --load-all --noprompt --file "$d/swanctl.conf" >"$d/load.out" 2>&1 \
    || { cat "$d/load.out" >&2; sw_log "swanctl --load-all failed on $gw"; return 1; }
}

# sw_initiate GW: swanctl --initiate of GW's child, bounded.
sw_initiate() {
  local gw=$1 name; eval "name=\$SW_CONN_$gw"
  sw_swanctl "$gw" --initiate --child "$name" --timeout 15 >"$SW_DIR/$gw/initiate.out" 2>&1
}

# sw_sas GW: GW's `swanctl --list-sas` output.
sw_sas() { sw_swanctl "$1" --list-sas 2>/dev/null; }

# sw_wait_established GW SECONDS: until GW lists an ESTABLISHED IKE_SA and an INSTALLED
# CHILD_SA (IKEv1 Quick Mode responders install only after QM3, so wait on the responder
# too before sending ESP).
sw_wait_established() {
  local gw=$1 limit=$2 out i
  for ((i = 0; i < limit * 10; i++)); do
    out=$(sw_sas "$gw")
    if grep -q ESTABLISHED <<<"$out" && grep -q INSTALLED <<<"$out"; then return 0; fi
    sleep 0.1
  done
  sw_log "$gw: no ESTABLISHED IKE_SA with an INSTALLED CHILD_SA within $limit s"
  sw_sas "$gw" >&2
  return 1
}

# sw_spis GW: "IN OUT" ESP SPIs (hex, no 0x) of GW's installed CHILD_SA, from swanctl.
sw_spis() {
  sw_sas "$1" | sed -n 's/.*INSTALLED.*//; s/^ *\(in\|out\) *\([0-9a-f]\{8\}\).*/\1 \2/p' \
    | awk '$1=="in"{i=$2} $1=="out"{o=$2} END{if(i&&o) print i, o}'
}

# sw_ike_cookies GW: "ICOOKIE RCOOKIE" of GW's IKE_SA (16 hex digits each).
sw_ike_cookies() {
  sw_sas "$1" | sed -n 's/.*ESTABLISHED, IKEv1, \([0-9a-f]\{16\}\)_i\*\? \([0-9a-f]\{16\}\)_r.*/\1 \2/p' | head -1
}

# sw_capture GW IF FILE: tcpdump in the background; returns once the pcap header is on disk.
sw_capture() {
  ip netns exec "$(sw_ns "$1")" tcpdump -U --immediate-mode -n -i "$2" -w "$3" 'not arp' \
    >"$SW_DIR/tcpdump-$1-$2.log" 2>&1 &
  SW_CAPTURE_PID=$!
  SW_PIDS+=("$SW_CAPTURE_PID")
  for _ in $(seq 100); do
    [ -s "$3" ] && [ "$(stat -c %s "$3")" -ge 24 ] && return 0
    sleep 0.05
  done
  sw_log "tcpdump did not start"
  return 1
}

# SIGTERM, not SIGINT: bash starts background jobs with SIGINT ignored.
sw_stop_capture() { sw_stop "$SW_CAPTURE_PID"; }

# sw_wireshark_keys GW DIR: from GW's charon log (ike = 4, chd = 4) and `swanctl --list-sas`,
# writes DIR/ikev1_decryption_table (initiator cookie, Ka) and DIR/esp_sa (both directions)
# so that `WIRESHARK_CONFIG_DIR=DIR tshark -o esp.enable_encryption_decode:TRUE` decrypts a
# capture of the outside link. Files are mode 0600: they hold keys.
sw_wireshark_keys() {
  local gw=$1 dir=$2 laddr raddr sas
  mkdir -p "$dir"; chmod 700 "$dir"
  sas=$(sw_sas "$gw")
  # "local  'A' @ A[4500]" / "remote 'B' @ B[4500]" lines of the IKE_SA.
  laddr=$(sed -n "s/^ *local *'[^']*' @ \([0-9.]*\)\[.*/\1/p" <<<"$sas" | head -1)
  raddr=$(sed -n "s/^ *remote *'[^']*' @ \([0-9.]*\)\[.*/\1/p" <<<"$sas" | head -1)
  (umask 077
   /usr/bin/python3 "$SW_LIB_DIR/charon_keys.py" --log "$SW_DIR/$gw/charon.log" \
     --cookies "$(sw_ike_cookies "$gw")" --spis "$(sw_spis "$gw")" \
     --local "$laddr" --remote "$raddr" --out "$dir")
}
SW_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# sw_child_packets GW in|out: packet counter of GW's CHILD_SA in that direction.
sw_child_packets() {
  sw_sas "$1" | sed -n "s/^ *$2  *[0-9a-f]\{8\}, *[0-9]* bytes, *\([0-9]*\) packets.*/\1/p" | head -1
}

# sw_espd_start TRANSFORM_IOS PSK [SED_EXPR...]: espd on gw2 as the reference's R1
# (r1-isakmp.cfg.in with the transform set's cipher and the PSK filled in, then each SED_EXPR
# applied), control socket $SW_DIR/espd.sock, log $SW_DIR/espd.log, and the operator's route
# of h1's network into its TUN. Sets ESPD_PID. Needs ESPD and ESPCTL; ESPD_ARGS (array,
# optional) adds espd options.
sw_espd_start() {
  [ -n "${ESPD_ARGS+x}" ] || ESPD_ARGS=()
  local ts=$1 psk=$2 cfg=$SW_DIR/r1.cfg e; shift 2
  local args=(-e "s/@ESP_TRANSFORM@/$ts/" -e "s/@PSK@/$psk/")
  for e in "$@"; do args+=(-e "$e"); done
  (umask 077; sed "${args[@]}" "$SW_LIB_DIR/r1-isakmp.cfg.in" >"$cfg")
  sw_in gw2 "$ESPD" --config "$cfg" --ifmap GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0 --check-config \
    >"$SW_DIR/check.out" 2>&1 || { cat "$SW_DIR/check.out" >&2; sw_log "espd refuses $cfg"; return 1; }
  ip netns exec "$(sw_ns gw2)" "$ESPD" --config "$cfg" --ifmap GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0 \
    --control "$SW_DIR/espd.sock" --tun esp0 --log-level debug "${ESPD_ARGS[@]}" >"$SW_DIR/espd.log" 2>&1 &
  ESPD_PID=$!
  SW_PIDS+=("$ESPD_PID")
  for _ in $(seq 100); do
    sw_espctl show crypto map >/dev/null 2>&1 && break
    sw_dead "$ESPD_PID" && { sw_log "espd exited at start"; return 1; }
    sleep 0.1
  done
  sw_espctl show crypto map >/dev/null 2>&1 || { sw_log "espd's control socket did not answer in 10 s"; return 1; }
  sw_in gw2 ip route add $SW_NET1 dev esp0
}
sw_espctl() { timeout 15 "$ESPCTL" --control "$SW_DIR/espd.sock" "$@"; }

# sw_require_espd BUILD: sets ESPD and ESPCTL from a build tree, or exits 1 if missing.
sw_require_espd() {
  ESPD=$1/host/espd/espd
  ESPCTL=$1/host/espctl/espctl
  local t
  for t in "$ESPD" "$ESPCTL"; do [ -x "$t" ] || { echo "missing $t (build espd and espctl first)" >&2; exit 1; }; done
}
