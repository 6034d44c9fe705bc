// Tests host/ike/ike_socket.cpp on loopback with ephemeral ports: the non-ESP marker is
// added on 4500 and stripped on receipt, ESP and NAT keepalives are told apart, and the
// manager sees logical ports 500/4500. Also host/common/asio_scheduler.hpp.
#include "host/ike/ike_socket.hpp"

#include <gtest/gtest.h>

#include "host/common/asio_scheduler.hpp"

namespace espgw::ike {
namespace {

constexpr std::uint32_t kLoopback = 0x7F000001;

TEST(IkeSocket, MarkerKeepaliveAndEspAreDemultiplexedOn4500) {
  boost::asio::io_context io;
  IkeSocket a(io, kLoopback, {0, 0}), b(io, kLoopback, {0, 0});
  std::vector<Datagram> got;
  std::vector<Bytes> esp;
  b.start([&](const Datagram& d) { got.push_back(d); }, [&](const Endpoint&, ByteView e) { esp.emplace_back(e.begin(), e.end()); });
  a.start(nullptr, nullptr);
  auto bp = b.bound();
  Bytes ike = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  a.send(Datagram{{kLoopback, kIkePort}, {kLoopback, bp.ike}, ike});
  a.send(Datagram{{kLoopback, kNattPort}, {kLoopback, bp.natt}, ike});  // gets the marker
  a.send_esp({kLoopback, bp.natt}, Bytes{0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 1});
  a.send_esp({kLoopback, bp.natt}, Bytes{0xFF});
  a.send_esp({kLoopback, bp.natt}, Bytes{0, 0});
  for (int i = 0; i < 200 && b.counters().ike_in + b.counters().esp_in + b.counters().keepalives_in + b.counters().runts < 5; ++i)
    io.run_for(std::chrono::milliseconds(10));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].data, ike);
  EXPECT_EQ(got[0].dst.port, kIkePort);
  EXPECT_EQ(got[1].data, ike);  // marker stripped
  EXPECT_EQ(got[1].dst.port, kNattPort);
  EXPECT_EQ(got[1].src.port, a.bound().natt);
  ASSERT_EQ(esp.size(), 1u);
  EXPECT_EQ(esp[0][0], 0xDE);
  EXPECT_EQ(b.counters().keepalives_in, 1u);
  EXPECT_EQ(b.counters().runts, 1u);
}

TEST(IkeSocket, NatKeepaliveDatagramLeaves4500AsOneBareFfByteWithoutMarker) {
  boost::asio::io_context io;
  IkeSocket a(io, kLoopback, {0, 0}), b(io, kLoopback, {0, 0});
  std::size_t ike_seen = 0;
  b.start([&](const Datagram&) { ++ike_seen; }, nullptr);
  a.start(nullptr, nullptr);
  Datagram ka{{kLoopback, kNattPort}, {kLoopback, b.bound().natt}, Bytes{0xFF}};
  ka.natt_keepalive = true;
  a.send(ka);
  for (int i = 0; i < 200 && b.counters().ike_in + b.counters().keepalives_in + b.counters().runts < 1; ++i)
    io.run_for(std::chrono::milliseconds(10));
  // With the marker it would have been 00 00 00 00 FF: an IKE message to the receiver.
  EXPECT_EQ(b.counters().keepalives_in, 1u);
  EXPECT_EQ(b.counters().ike_in, 0u);
  EXPECT_EQ(ike_seen, 0u);
}

TEST(IkeSocket, BindingATakenPortThrowsANamedError) {
  boost::asio::io_context io;
  IkeSocket a(io, kLoopback, {0, 0});
  boost::asio::ip::udp::socket taken(io, boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4(kLoopback), 0));
  std::uint16_t port = taken.local_endpoint().port();
  try {
    IkeSocket b(io, kLoopback, {port, 0});
    // SO_REUSEADDR lets UDP share a port on Linux only when both set it; `taken` did not.
    FAIL() << "bind succeeded";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot bind UDP port " + std::to_string(port)), std::string::npos);
  }
}

TEST(AsioScheduler, FiresInOrderAndHonoursCancel) {
  boost::asio::io_context io;
  AsioScheduler s(io);
  std::vector<int> fired;
  s.schedule(std::chrono::milliseconds(20), [&] { fired.push_back(2); });
  auto id = s.schedule(std::chrono::milliseconds(10), [&] { fired.push_back(99); });
  s.schedule(std::chrono::milliseconds(1), [&] { fired.push_back(1); });
  s.cancel(id);
  io.run_for(std::chrono::milliseconds(500));
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace espgw::ike
