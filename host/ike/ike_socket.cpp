// UDP 500/4500 demultiplexing for IKE and NAT-T (RFC 3947 section 4, RFC 3948 section 2).
#include "host/ike/ike_socket.hpp"

#include <spdlog/spdlog.h>
#include <system_error>

namespace espgw::ike {

namespace {
using boost::asio::ip::udp;

udp::endpoint to_asio(std::uint32_t addr, std::uint16_t port) {
  return udp::endpoint(boost::asio::ip::address_v4(addr), port);
}

void open_and_bind(udp::socket& s, std::uint32_t addr, std::uint16_t port) {
  boost::system::error_code ec;
  s.open(udp::v4(), ec);
  if (!ec) s.set_option(udp::socket::reuse_address(true), ec);
  if (!ec) s.bind(to_asio(addr, port), ec);
  if (ec)
    throw std::system_error(ec.value(), std::generic_category(),
                            "cannot bind UDP port " + std::to_string(port) + " for IKE (in use, or not root?)");
}
}  // namespace

IkeSocket::IkeSocket(boost::asio::io_context& io, std::uint32_t local_addr, Ports ports)
    : local_addr_(local_addr), ike_(io), natt_(io) {
  open_and_bind(ike_.socket, local_addr, ports.ike);
  open_and_bind(natt_.socket, local_addr, ports.natt);
}

IkeSocket::Ports IkeSocket::bound() const {
  return Ports{ike_.socket.local_endpoint().port(), natt_.socket.local_endpoint().port()};
}

void IkeSocket::start(IkeHandler on_ike, EspHandler on_esp) {
  on_ike_ = std::move(on_ike);
  on_esp_ = std::move(on_esp);
  receive(ike_, false);
  receive(natt_, true);
}

void IkeSocket::receive(Channel& ch, bool natt) {
  ch.socket.async_receive_from(boost::asio::buffer(ch.buffer), ch.from,
                               [this, &ch, natt](const boost::system::error_code& ec, std::size_t n) {
                                 if (ec == boost::asio::error::operation_aborted) return;
                                 if (!ec) deliver(ch, n, natt);
                                 receive(ch, natt);
                               });
}

void IkeSocket::deliver(const Channel& ch, std::size_t n, bool natt) {
  Endpoint src{ch.from.address().to_v4().to_uint(), ch.from.port()};
  ByteView data(ch.buffer.data(), n);
  if (natt) {
    if (n == 1 && data[0] == 0xFF) {
      ++counters_.keepalives_in;
      return;
    }
    if (n < kNonEspMarkerSize) {
      ++counters_.runts;
      return;
    }
    if (data[0] != 0 || data[1] != 0 || data[2] != 0 || data[3] != 0) {
      ++counters_.esp_in;  // a non-zero SPI: UDP-encapsulated ESP
      if (on_esp_) on_esp_(src, data);
      return;
    }
    data = data.subspan(kNonEspMarkerSize);
  }
  ++counters_.ike_in;
  std::uint32_t local = local_addr_ != 0 ? local_addr_ : ch.socket.local_endpoint().address().to_v4().to_uint();
  if (on_ike_) on_ike_(Datagram{src, Endpoint{local, natt ? kNattPort : kIkePort}, Bytes(data.begin(), data.end())});
}

void IkeSocket::send(const Datagram& d) {
  boost::system::error_code ec;
  if (d.natt_keepalive) {
    natt_.socket.send_to(boost::asio::buffer(d.data), to_asio(d.dst.addr, d.dst.port), 0, ec);  // no marker
  } else if (d.src.port == kNattPort) {
    Bytes framed(kNonEspMarkerSize, 0);
    framed.insert(framed.end(), d.data.begin(), d.data.end());
    natt_.socket.send_to(boost::asio::buffer(framed), to_asio(d.dst.addr, d.dst.port), 0, ec);
  } else {
    ike_.socket.send_to(boost::asio::buffer(d.data), to_asio(d.dst.addr, d.dst.port), 0, ec);
  }
  if (ec) {
    ++counters_.send_errors;
    spdlog::debug("ISAKMP: send to {}:{} failed: {}", d.dst.addr, d.dst.port, ec.message());
  }
}

void IkeSocket::send_esp(const Endpoint& dst, ByteView esp) {
  boost::system::error_code ec;
  natt_.socket.send_to(boost::asio::buffer(esp.data(), esp.size()), to_asio(dst.addr, dst.port), 0, ec);
  if (ec) ++counters_.send_errors;
}

}  // namespace espgw::ike
