// A test-side ESP tunnel-mode encapsulator written directly on OpenSSL EVP (RFC 4303, RFC 3602,
// RFC 4868, RFC 2404, RFC 4106, RFC 4304, RFC 3948): the wire format every backend shares,
// built independently of any backend. Used to check outbound bytes exactly and to craft
// inbound packets a backend never sends (bad padding, wrong next header) with a valid ICV.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "esp_test_util.hpp"

namespace espgw::conformance {

// Deliberate departures from a well-formed packet; the ICV stays valid over whatever is built.
struct EspCraft {
  std::optional<Bytes> padding;              // padding bytes instead of 1, 2, 3, ...
  std::optional<std::uint8_t> pad_length;    // the pad length byte instead of padding.size()
  std::optional<std::uint8_t> next_header;   // instead of 4 (IPv4, tunnel mode)
};

// The outer IPv4 datagram (with UDP when the SA is encapsulated) carrying `inner` at 64-bit
// sequence number `seq`. Shared wire format: CBC IV = AES-Encrypt_K(0^64 || seq64 BE); GCM
// explicit IV = seq64 BE, nonce = salt (BE) || IV; padding 1, 2, 3, ... to 16 (CBC) or 4 (GCM);
// outer TOS copied from the inner, ID = low 16 bits of seq, DF per the SA's policy, TTL from
// the SA; UDP checksum 0.
Bytes reference_encap(const SaConfig& sa, std::span<const std::uint8_t> inner, std::uint64_t seq,
                      const EspCraft& craft = {});

// The deterministic CBC IV of the shared wire format.
Bytes reference_cbc_iv(const SaConfig& sa, std::uint64_t seq);

}  // namespace espgw::conformance
