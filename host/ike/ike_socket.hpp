// The UDP front end of IKE (Boost.Asio): UDP 500 for ISAKMP, UDP 4500 shared by NAT-T IKE
// (after the 4-byte non-ESP marker, RFC 3948 section 2.2) and UDP-encapsulated ESP (first
// four bytes = a non-zero SPI). NAT keepalives (one 0xFF byte, RFC 3948 section 2.3) are
// dropped. The manager always sees logical ports 500/4500, whatever was bound, so tests can
// bind port 0.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>

#include "host/ike/ike_sa_manager.hpp"

namespace espgw::ike {

class IkeSocket {
 public:
  struct Ports {
    std::uint16_t ike = kIkePort;
    std::uint16_t natt = kNattPort;
  };
  using IkeHandler = std::function<void(const Datagram&)>;
  using EspHandler = std::function<void(const Endpoint& src, ByteView esp)>;

  // Binds both sockets on `local_addr` (0 = any). Throws std::system_error naming the port
  // on failure (port in use, no permission): an environment error, reported once by espd.
  IkeSocket(boost::asio::io_context& io, std::uint32_t local_addr, Ports ports);
  void start(IkeHandler on_ike, EspHandler on_esp);
  // Sends an IKE datagram; src.port 4500 selects the NAT-T socket and adds the marker.
  void send(const Datagram& d);
  // Sends UDP-encapsulated ESP (no marker) or a NAT keepalive from the 4500 socket.
  void send_esp(const Endpoint& dst, ByteView esp);
  Ports bound() const;

  struct Counters {
    std::uint64_t ike_in = 0, esp_in = 0, keepalives_in = 0, runts = 0, send_errors = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  struct Channel {
    explicit Channel(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::udp::socket socket;
    boost::asio::ip::udp::endpoint from;
    std::array<std::uint8_t, kMaxMessageSize> buffer{};
  };
  void receive(Channel& ch, bool natt);
  void deliver(const Channel& ch, std::size_t n, bool natt);

  std::uint32_t local_addr_;
  Channel ike_;
  Channel natt_;
  IkeHandler on_ike_;
  EspHandler on_esp_;
  Counters counters_;
};

}  // namespace espgw::ike
