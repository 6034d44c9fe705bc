// The NAT-D hash (RFC 3947 section 3.2): HASH(CKY-I | CKY-R | IP | Port) with the
// negotiated hash, IP and port in network byte order.
#pragma once

#include "host/ike/payload/isakmp_header.hpp"
#include "host/ike/prf.hpp"

namespace espgw::ike {

Bytes nat_d_hash(const Prf& prf, const Cookie& cky_i, const Cookie& cky_r, std::uint32_t ipv4, std::uint16_t port);

}  // namespace espgw::ike
