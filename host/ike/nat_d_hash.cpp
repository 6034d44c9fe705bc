// NAT-D hash (RFC 3947 section 3.2).
#include "host/ike/nat_d_hash.hpp"

namespace espgw::ike {

Bytes nat_d_hash(const Prf& prf, const Cookie& cky_i, const Cookie& cky_r, std::uint32_t ipv4, std::uint16_t port) {
  Bytes addr;
  Writer w(addr);
  w.u32(ipv4);
  w.u16(port);
  return prf.digest({cky_i, cky_r, addr});
}

}  // namespace espgw::ike
