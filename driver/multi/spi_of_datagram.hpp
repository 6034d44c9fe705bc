// spi_of_datagram(): the SPI an inbound ESP datagram carries (RFC 4303 2.1), raw (IPv4
// protocol 50) or UDP-encapsulated (RFC 3948 2.1), read without validating anything else.
// MultiDevice routes on it; the unit that gets the packet does the full checks and counting.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace espgw::driver::multi {

// nullopt when the bytes cannot carry an SPI: not IPv4, truncated, neither ESP nor UDP, or
// a UDP payload starting with the non-ESP marker (four zero bytes, RFC 3948 2.2: IKE).
std::optional<std::uint32_t> spi_of_datagram(std::span<const std::uint8_t> datagram);

}  // namespace espgw::driver::multi
