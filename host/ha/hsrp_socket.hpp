// HSRP on the wire: one UDP socket per interface, bound to port 1985 on that device, joined
// to 224.0.0.2 (v1) and 224.0.0.102 (v2) on the interface's address, sending with TTL 1 and
// multicast loopback off (RFC 2281 section 5.1). Packets that arrive with a TTL other than 1
// were routed from off the segment and are dropped and counted; the rest go to the handler
// with the source address, and each state machine drops what is not its group.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <array>
#include <functional>
#include <span>
#include <string>

#include "host/ha/hsrp_constants.hpp"

namespace espgw::ha {

class HsrpSocket {
 public:
  using Handler = std::function<void(std::span<const std::uint8_t> payload, std::uint32_t source)>;

  // Throws std::runtime_error naming the interface and the failing step (no such device,
  // not root, address not configured ...).
  HsrpSocket(boost::asio::io_context& io, std::string interface, std::uint32_t interface_address, Handler handler);

  void send(HsrpVersion version, std::span<const std::uint8_t> payload);
  std::uint64_t send_errors() const { return send_errors_; }
  std::uint64_t off_link_drops() const { return off_link_drops_; }  // IP TTL was not 1

 private:
  void receive();

  std::string interface_;
  boost::asio::ip::udp::socket socket_;
  Handler handler_;
  std::array<std::uint8_t, 1500> buffer_{};
  std::uint64_t send_errors_ = 0;
  std::uint64_t off_link_drops_ = 0;
};

}  // namespace espgw::ha
