// Owning the virtual IP: add it to, or remove it from, the interface through rtnetlink
// (RTM_NEWADDR / RTM_DELADDR, libmnl), as the active router does on taking or giving up
// the group. Idempotent: adding a present address or removing an absent one succeeds.
#pragma once

#include <cstdint>
#include <string>

namespace espgw::ha {

// Throws std::runtime_error with the kernel's reason (no such device, not root ...).
void add_vip(const std::string& interface, std::uint32_t vip, int prefix_length);
void remove_vip(const std::string& interface, std::uint32_t vip, int prefix_length);

}  // namespace espgw::ha
