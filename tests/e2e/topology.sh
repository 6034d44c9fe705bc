# Sourced by the e2e scenarios and scripts/demo.sh: the reference walkthrough's topology in
# network namespaces that exist only for this run and never link to the root namespace.
#
#   h1 (192.168.20.25) --lan-- gw1 "R2" (wan0 19.26.116.141/26) ==outside== (wan0 19.26.116.137/26) gw2 "R1" --lan-- h2 (172.21.91.37)
#
# Call topo_init first; it installs a trap that kills what it started and deletes every
# namespace on any exit. Every wait is bounded.

TOPO_RUN="eg$$$(printf '%04x' $((RANDOM)))"
TOPO_NS=()
TOPO_PIDS=()
TOPO_DIR=""

topo_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

. "$(dirname "${BASH_SOURCE[0]}")/matches.sh"

topo_cleanup() {
  local rc=$?
  set +e
  for pid in "${TOPO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${TOPO_PIDS[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      # A zombie (<defunct>) is dead for our purposes.
      [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
  done
  for ns in "${TOPO_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ -n "$TOPO_DIR" ] && [ -z "${TOPO_KEEP:-}" ]; then rm -rf "$TOPO_DIR"; fi
  return $rc
}

topo_init() {
  TOPO_DIR=$(mktemp -d /tmp/espgw-e2e.XXXXXX)
  trap topo_cleanup EXIT
  trap 'exit 130' INT TERM
}

# ns NAME -> the namespace's full name
ns() { echo "${TOPO_RUN}-$1"; }
in_ns() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }

topo_add_ns() {
  local n; n=$(ns "$1")
  ip netns add "$n"
  TOPO_NS+=("$n")
  in_ns "$1" ip link set lo up
  # No IPv6: the outside-link capture must hold nothing but the tunnel.
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# link A IFA B IFB: a veth pair created directly between two namespaces.
topo_link() {
  ip -n "$(ns "$1")" link add "$2" type veth peer name "$4" netns "$(ns "$3")"
  in_ns "$1" ip link set "$2" up
  in_ns "$3" ip link set "$4" up
}

topo_build() {
  for n in gw1 gw2 h1 h2; do topo_add_ns "$n"; done
  topo_link gw1 wan0 gw2 wan0
  topo_link gw1 lan0 h1 eth0
  topo_link gw2 lan0 h2 eth0
  in_ns gw1 ip addr add 19.26.116.141/26 dev wan0
  in_ns gw1 ip addr add 192.168.20.1/24 dev lan0
  in_ns gw2 ip addr add 19.26.116.137/26 dev wan0
  in_ns gw2 ip addr add 172.21.91.1/24 dev lan0
  in_ns h1 ip addr add 192.168.20.25/24 dev eth0
  in_ns h1 ip route add default via 192.168.20.1
  in_ns h2 ip addr add 172.21.91.37/24 dev eth0
  in_ns h2 ip route add default via 172.21.91.1
  for g in gw1 gw2; do in_ns "$g" sysctl -qw net.ipv4.ip_forward=1; done
}

# topo_start_espd GW CONFIG [extra espd args...]: starts espd in GW's namespace, waits (bounded)
# until its control socket answers.
topo_start_espd() {
  local gw=$1 cfg=$2; shift 2
  local sock="$TOPO_DIR/$gw.sock"
  # ip netns exec execs the program, so $! is espd itself (a function call would be a subshell).
  ip netns exec "$(ns "$gw")" "$ESPD" --config "$cfg" --ifmap GigabitEthernet0/0=wan0,GigabitEthernet0/1=lan0 \
    --control "$sock" --tun esp0 "$@" >"$TOPO_DIR/$gw.log" 2>&1 &
  local pid=$!
  TOPO_PIDS+=("$pid")
  eval "ESPD_PID_$gw=$pid"
  for _ in $(seq 100); do
    if "$ESPCTL" --control "$sock" show crypto map >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$TOPO_DIR/$gw.log" >&2; topo_log "espd on $gw exited"; return 1; }
    sleep 0.1
  done
  cat "$TOPO_DIR/$gw.log" >&2
  topo_log "espd on $gw did not open its control socket in 10 s"
  return 1
}

espctl_on() { local gw=$1; shift; "$ESPCTL" --control "$TOPO_DIR/$gw.sock" "$@"; }

# topo_capture GW IF FILE: tcpdump in the background; returns once the pcap header is written.
topo_capture() {
  ip netns exec "$(ns "$1")" tcpdump -U --immediate-mode -n -i "$2" -w "$3" 'not arp' >"$TOPO_DIR/tcpdump-$1.log" 2>&1 &
  TOPO_PIDS+=("$!")
  TOPO_CAPTURE_PID=$!
  for _ in $(seq 100); do
    [ -s "$3" ] && [ "$(stat -c %s "$3")" -ge 24 ] && return 0
    sleep 0.05
  done
  topo_log "tcpdump did not start"
  return 1
}

# True once PID is gone or a zombie (<defunct> counts as dead). Bounded: 5 s.
topo_wait_dead() {
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 0
    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ] && return 0
    sleep 0.1
  done
  return 1
}

# SIGTERM, not SIGINT: bash starts background jobs with SIGINT ignored.
topo_stop_capture() {
  kill -TERM "$TOPO_CAPTURE_PID" 2>/dev/null
  topo_wait_dead "$TOPO_CAPTURE_PID" || topo_log "tcpdump $TOPO_CAPTURE_PID did not stop"
}
