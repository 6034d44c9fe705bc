// The HSRP virtual MAC on Linux (RFC 2281 section 5.1 / IOS default): the Active router
// receives for 0000.0c07.acXX (v2: 0000.0c9f.fXXX) through a macvlan child of the mapped
// interface that carries that MAC and the VIP. rtnetlink RTM_NEWLINK / RTM_DELLINK (libmnl);
// the ARP sysctls (arp_ignore, arp_announce, rp_filter) that keep parent and child apart.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "host/ha/hsrp_constants.hpp"

namespace espgw::ha {

// The child's name for a parent interface and group: "<parent>-h<group>", the parent's name
// cut so the whole fits IFNAMSIZ-1 (15) characters. Deterministic, so a restarted espd
// finds and removes a child left behind by a killed one.
std::string virtual_mac_link_name(const std::string& parent, std::uint16_t group);

// The RTM_NEWLINK request creating the macvlan (mode bridge, link down) as bytes, for tests.
// IFLA_IFNAME, IFLA_LINK = parent_index, IFLA_ADDRESS = mac, IFLA_LINKINFO { IFLA_INFO_KIND
// "macvlan", IFLA_INFO_DATA { IFLA_MACVLAN_MODE MACVLAN_MODE_BRIDGE } }.
std::vector<std::uint8_t> macvlan_newlink_request(const std::string& name, unsigned parent_index,
                                                  const MacAddress& mac, std::uint32_t seq);

// Creates the child (replacing one of that name left behind), sets its sysctls, brings it up.
// Also sets arp_ignore=1 / arp_announce=2 on the parent, so the parent does not answer ARP for
// the VIP with its own MAC nor announce the VIP as the sender of its own ARP requests.
// Throws std::runtime_error with the kernel's reason.
void create_virtual_mac_link(const std::string& parent, const std::string& name, const MacAddress& mac);

// Deletes the link; a link that does not exist is not an error. Throws std::runtime_error.
void delete_link(const std::string& name);

// An HSRP packet as the Active router sends it under IOS: an Ethernet frame whose source is
// the virtual MAC (so the LAN's switches keep the MAC on the active's port with every Hello),
// IPv4 from `source` to `group` (224.0.0.2 / 224.0.0.102), TTL 1, UDP 1985 -> 1985 with its
// checksum (RFC 768), destination MAC the group's (RFC 1112 6.4: 01:00:5e + low 23 bits).
std::vector<std::uint8_t> hsrp_frame_from_virtual_mac(const MacAddress& mac, std::uint32_t source,
                                                      std::uint32_t group, std::span<const std::uint8_t> payload);
// Sends that frame on `link` (the child) through AF_PACKET. Throws std::runtime_error.
void send_hsrp_from_virtual_mac(const std::string& link, const MacAddress& mac, std::uint32_t source,
                                std::uint32_t group, std::span<const std::uint8_t> payload);

// Writes /proc/sys/net/ipv4/conf/<interface>/<key>. Throws std::runtime_error.
void set_ipv4_conf(const std::string& interface, const std::string& key, int value);

}  // namespace espgw::ha
