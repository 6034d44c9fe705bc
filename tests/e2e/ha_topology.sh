# Sourced by the HA scenarios (ha_failover.sh) after topology.sh: the reference's section 2
# topology in network namespaces that exist only for this run, never linked to the root one.
#
#   h1 192.168.20.25 --+-- brin --+-- r1 lan0 .139 (VIP 192.168.20.1)   r1 wan0 19.26.116.139 --+
#                      |          +-- r2 lan0 .140                       r2 wan0 19.26.116.140 --+-- brout --
#                                                      VPNHA VIP 19.26.116.141                    |
#   h2 172.21.90.37 -- r3 lan0 172.21.91.1/23                            r3 wan0 20.15.6.6/24 ----+
#
# Both bridges live in namespace "sw" (multicast snooping off: HSRP Hellos reach every port).

H1=192.168.20.25 H2=172.21.90.37 VIP_OUT=19.26.116.141 VIP_IN=192.168.20.1

# ha_link NS IF PORT BRIDGE: a veth from NS to the switch namespace, enslaved to BRIDGE.
ha_link() {
  topo_link "$1" "$2" sw "$3"
  in_ns sw ip link set "$3" master "$4"
}

ha_build() {
  for n in sw r1 r2 r3 h1 h2; do topo_add_ns "$n"; done
  for b in brout brin; do
    in_ns sw ip link add "$b" type bridge mcast_snooping 0 stp_state 0
    in_ns sw ip link set "$b" up
  done
  ha_link r1 wan0 o1 brout; ha_link r2 wan0 o2 brout; ha_link r3 wan0 o3 brout
  ha_link r1 lan0 i1 brin; ha_link r2 lan0 i2 brin; ha_link h1 eth0 i3 brin
  topo_link r3 lan0 h2 eth0
  in_ns r1 ip addr add 19.26.116.139/26 dev wan0
  in_ns r1 ip addr add 192.168.20.139/24 dev lan0
  in_ns r2 ip addr add 19.26.116.140/26 dev wan0
  in_ns r2 ip addr add 192.168.20.140/24 dev lan0
  in_ns r3 ip addr add 20.15.6.6/24 dev wan0
  in_ns r3 ip addr add 172.21.91.1/23 dev lan0
  in_ns h1 ip addr add $H1/24 dev eth0
  in_ns h1 ip route add default via $VIP_IN
  in_ns h2 ip addr add $H2/23 dev eth0
  in_ns h2 ip route add default via 172.21.91.1
  # The HA pair and the peer are on one segment in two subnets: on-link routes.
  for r in r1 r2; do
    in_ns $r ip route add 20.15.6.0/24 dev wan0
    in_ns $r sysctl -qw net.ipv4.ip_forward=1
  done
  in_ns r3 ip route add 19.26.116.128/26 dev wan0
  in_ns r3 sysctl -qw net.ipv4.ip_forward=1
}

# ha_has_vip NS VIP: the address is on any interface of NS (espd puts it on the group's
# virtual-MAC macvlan child, wan0-h199 / lan0-h1; on wan0 / lan0 itself with use-bia).
ha_has_vip() { in_ns "$1" ip -4 -o addr show | matches "inet $2/"; }

# ha_neigh_mac NS IP: the MAC in NS's neighbour entry for IP (empty when none).
ha_neigh_mac() { in_ns "$1" ip neigh show "$2" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p' | head -n 1; }

# ha_vmac_links NS: the virtual-MAC children left in NS (names end in -h<group>).
ha_vmac_links() { in_ns "$1" ip -o link show type macvlan | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' '; }

# After espd created its TUN (esp0): the remote protected networks into the tunnel, as the
# operator's (covering) routes; reverse-route adds and removes the ACL's exact prefixes
# (172.21.90.0/23, 192.168.20.25/32) with the SAs, so those must not be the static ones.
ha_route() {
  case $1 in
    r1|r2) in_ns "$1" ip route replace 172.21.0.0/16 dev esp0 ;;
    r3) in_ns r3 ip route replace 192.168.20.0/24 dev esp0 ;;
  esac
}
ha_routes() { for r in r1 r2 r3; do ha_route $r; done; }

# ha_wait_roles ACTIVE STANDBY SECONDS: both groups (199 outside, 1 inside) settled.
ha_wait_roles() {
  local a=$1 s=$2 n=$(($3 * 10))
  for _ in $(seq $n); do
    local ba bs
    ba=$(espctl_on "$a" show standby brief 2>/dev/null || true)
    bs=$(espctl_on "$s" show standby brief 2>/dev/null || true)
    if echo "$ba" | grep -Eq "^Gi0/0 +199 .* Active " && echo "$ba" | grep -Eq "^Gi0/1 +1 .* Active " &&
       echo "$bs" | grep -Eq "^Gi0/0 +199 .* Standby " && echo "$bs" | grep -Eq "^Gi0/1 +1 .* Standby "; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# ha_wait_tunnel SECONDS: h1 reaches h2 (the first packets trigger IKE and are dropped).
ha_wait_tunnel() {
  for _ in $(seq "$1"); do
    in_ns h1 ping -n -c 1 -W 1 $H2 >/dev/null 2>&1 && return 0
  done
  return 1
}

# ha_ping_stats LOG -> "SENT LOST LONGEST_GAP LAST_SEQ" from a `ping -n` log.
ha_ping_stats() {
  awk '
    /icmp_seq=/ { match($0, /icmp_seq=[0-9]+/); s = substr($0, RSTART + 9, RLENGTH - 9) + 0
                  if (/bytes from/) { if (last != "" && s - last - 1 > gap) gap = s - last - 1; if (last == "" && s - 1 > gap) gap = s - 1; last = s } }
    /packets transmitted/ { sent = $1; recv = $4 }
    END { if (last == "") last = 0; if (sent - last > gap) gap = sent - last
          print sent + 0, sent - recv, gap + 0, last + 0 }' "$1"
}
