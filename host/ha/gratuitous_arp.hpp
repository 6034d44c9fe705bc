// Gratuitous ARP (RFC 5227 section 2.3 "ARP Announcement", as IOS sends when a group goes
// active): an ARP request from and for the virtual IP, broadcast on the interface through an
// AF_PACKET socket, so hosts and switches learn where the VIP lives now.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "host/ha/hsrp_constants.hpp"

namespace espgw::ha {

// The 42-byte Ethernet frame (no FCS) announcing `ip` at `mac`.
std::array<std::uint8_t, 42> gratuitous_arp_frame(std::uint32_t ip, const MacAddress& mac);

// The interface's hardware address (SIOCGIFHWADDR). Throws std::runtime_error.
MacAddress interface_mac(const std::string& interface);

// Sends one announcement on `interface`. Throws std::runtime_error (no device, not root).
void send_gratuitous_arp(const std::string& interface, std::uint32_t ip, const MacAddress& mac);

}  // namespace espgw::ha
