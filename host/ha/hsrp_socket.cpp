// HsrpSocket (see hsrp_socket.hpp).
#include "host/ha/hsrp_socket.hpp"

#include <boost/asio/ip/multicast.hpp>
#include <spdlog/spdlog.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include <stdexcept>

#include "host/common/ipv4.hpp"

namespace espgw::ha {

namespace asio = boost::asio;
using asio::ip::udp;

HsrpSocket::HsrpSocket(asio::io_context& io, std::string interface, std::uint32_t interface_address, Handler handler)
    : interface_(std::move(interface)), socket_(io), handler_(std::move(handler)) {
  auto fail = [&](const char* step, const boost::system::error_code& ec) {
    throw std::runtime_error("HSRP on " + interface_ + ": " + step + ": " + ec.message());
  };
  boost::system::error_code ec;
  socket_.open(udp::v4(), ec);
  if (ec) fail("cannot open a UDP socket", ec);
  socket_.set_option(udp::socket::reuse_address(true), ec);
  // One socket per interface: bound to the device so groups on two interfaces stay apart.
  if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, interface_.c_str(),
                   static_cast<socklen_t>(interface_.size())) != 0)
    fail("SO_BINDTODEVICE (needs root or CAP_NET_RAW)", boost::system::error_code(errno, boost::system::system_category()));
  socket_.bind(udp::endpoint(asio::ip::address_v4::any(), kHsrpUdpPort), ec);
  if (ec) fail("cannot bind UDP port 1985", ec);
  auto local = asio::ip::address_v4(interface_address);
  for (std::uint32_t group : {kHsrpV1Group, kHsrpV2Group}) {
    socket_.set_option(asio::ip::multicast::join_group(asio::ip::address_v4(group), local), ec);
    if (ec) fail("cannot join the HSRP multicast group (is the address on the interface?)", ec);
  }
  socket_.set_option(asio::ip::multicast::outbound_interface(local), ec);
  if (!ec) socket_.set_option(asio::ip::multicast::hops(kHsrpTtl), ec);
  if (!ec) socket_.set_option(asio::ip::multicast::enable_loopback(false), ec);
  if (ec) fail("cannot set multicast options", ec);
  int on = 1;
  if (::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_RECVTTL, &on, sizeof on) != 0)
    fail("IP_RECVTTL", boost::system::error_code(errno, boost::system::system_category()));
  socket_.non_blocking(true, ec);
  receive();
}

void HsrpSocket::send(HsrpVersion version, std::span<const std::uint8_t> payload) {
  udp::endpoint to(asio::ip::address_v4(version == HsrpVersion::kV1 ? kHsrpV1Group : kHsrpV2Group), kHsrpUdpPort);
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(payload.data(), payload.size()), to, 0, ec);
  if (ec && send_errors_++ == 0) spdlog::warn("HSRP on {}: send failed: {}", interface_, ec.message());
}

void HsrpSocket::receive() {
  // recvmsg by hand (after Asio says readable) to see the IP TTL: HSRP is sent with TTL 1, so
  // anything else was routed here from off the segment (RFC 2281 5.1) and is dropped.
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    for (;;) {
      sockaddr_in from{};
      iovec iov{buffer_.data(), buffer_.size()};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT);
      if (n < 0) break;  // EAGAIN: drained
      int ttl = -1;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
      if (ttl != kHsrpTtl) {
        // Counted always; logged for the first and then every 100th, so a flood cannot fill the log.
        if (off_link_drops_++ % 100 == 0)
          spdlog::warn("HSRP on {}: dropped a packet from {} with TTL {} (off-link; {} so far)", interface_,
                       format_ipv4(ntohl(from.sin_addr.s_addr)), ttl, off_link_drops_);
        continue;
      }
      handler_(std::span(buffer_.data(), static_cast<std::size_t>(n)), ntohl(from.sin_addr.s_addr));
    }
    receive();
  });
}

}  // namespace espgw::ha
