// RFC 3948 demultiplexing on the UDP socket (ESP / IKE behind the non-ESP marker / NAT
// keepalive), the rebuilt outer headers the device expects, and header stripping on send.
// Uses loopback and an ephemeral port; needs CAP_NET_RAW for the raw ESP socket.
#include "host/dataplane/esp_socket.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>

#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {
namespace {

TEST(ClassifyUdpPayload, FollowsRfc3948Section2) {
  const std::uint8_t keepalive[] = {0xFF};
  const std::uint8_t ike[] = {0, 0, 0, 0, 1, 2, 3, 4, 5};
  const std::uint8_t esp[] = {0, 0, 0x11, 0x11, 0, 0, 0, 1, 9};
  const std::uint8_t short_esp[] = {1, 2, 3};
  EXPECT_EQ(classify_udp_payload(keepalive), UdpPayloadKind::kKeepalive);
  EXPECT_EQ(classify_udp_payload(ike), UdpPayloadKind::kIke);
  EXPECT_EQ(classify_udp_payload(esp), UdpPayloadKind::kEsp);
  EXPECT_EQ(classify_udp_payload(short_esp), UdpPayloadKind::kMalformed);
}

class EspSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      esp_ = std::make_unique<EspSocket>(0, 0);
    } catch (const std::exception& e) {
      GTEST_SKIP() << e.what();
    }
    peer_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(peer_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(peer_, reinterpret_cast<sockaddr*>(&a), &len);
    peer_port_ = ntohs(a.sin_port);
  }
  void TearDown() override {
    if (peer_ >= 0) ::close(peer_);
  }
  void send_to_esp(const std::vector<std::uint8_t>& payload) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(esp_->udp_port());
    ASSERT_EQ(::sendto(peer_, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(payload.size()));
  }
  unsigned receive(std::span<driver::PacketJob> jobs) {
    pollfd p{esp_->udp_fd(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 5000), 1);
    return esp_->recv_udp(jobs);
  }

  std::unique_ptr<EspSocket> esp_;
  int peer_ = -1;
  std::uint16_t peer_port_ = 0;
};

TEST_F(EspSocketTest, ReceivedEspGetsValidIpv4AndUdpHeadersRebuilt) {
  const std::vector<std::uint8_t> esp = {0x00, 0x00, 0x11, 0x11, 0, 0, 0, 7, 0xAA, 0xBB, 0xCC, 0xDD};
  send_to_esp(esp);
  std::array<std::uint8_t, 2048> buf{};
  std::array<driver::PacketJob, 4> jobs{};
  for (auto& j : jobs) j.buffer = buf.data(), j.capacity = buf.size();
  ASSERT_EQ(receive(jobs), 1u);
  const auto& j = jobs[0];
  ASSERT_EQ(j.length, esp.size() + 28);
  const std::uint8_t* p = j.buffer + j.offset;
  EXPECT_EQ(p[0], 0x45);
  EXPECT_EQ(p[9], kProtoUdp);
  EXPECT_EQ(ipv4_checksum({p, 20}), 0) << "rebuilt header checksum must verify";
  EXPECT_EQ((p[2] << 8) | p[3], static_cast<int>(j.length));
  EXPECT_EQ(p[12], 127);
  EXPECT_EQ(p[16], 127);
  EXPECT_EQ((p[20] << 8) | p[21], peer_port_);
  EXPECT_EQ((p[22] << 8) | p[23], esp_->udp_port());
  EXPECT_EQ((p[24] << 8) | p[25], static_cast<int>(esp.size() + 8));
  EXPECT_TRUE(std::equal(esp.begin(), esp.end(), p + 28));
  EXPECT_EQ(j.direction, driver::Direction::kInbound);
}

TEST_F(EspSocketTest, IkeGoesToTheSinkWithoutMarkerAndKeepalivesAreCounted) {
  std::vector<std::uint8_t> seen;
  esp_->set_ike_sink([&](std::uint32_t src, std::uint16_t sport, std::uint32_t, std::span<const std::uint8_t> m) {
    EXPECT_EQ(src, INADDR_LOOPBACK);
    EXPECT_EQ(sport, peer_port_);
    seen.assign(m.begin(), m.end());
  });
  send_to_esp({0, 0, 0, 0, 0xDE, 0xAD});
  send_to_esp({0xFF});
  std::array<std::uint8_t, 2048> b1{}, b2{};
  std::array<driver::PacketJob, 2> jobs{};
  jobs[0].buffer = b1.data(), jobs[0].capacity = b1.size();
  jobs[1].buffer = b2.data(), jobs[1].capacity = b2.size();
  unsigned got = 0;
  for (int i = 0; i < 2 && (esp_->counters().rx_ike + esp_->counters().rx_keepalives) < 2; ++i) got += receive(jobs);
  EXPECT_EQ(got, 0u);
  EXPECT_EQ(seen, (std::vector<std::uint8_t>{0xDE, 0xAD}));
  EXPECT_EQ(esp_->counters().rx_keepalives.load(), 1u);
  EXPECT_EQ(esp_->counters().rx_ike.load(), 1u);
}

TEST_F(EspSocketTest, NatKeepaliveIsTheSingleByteFfWithoutMarker) {
  ASSERT_TRUE(esp_->send_natt_keepalive(INADDR_LOOPBACK, peer_port_));
  pollfd p{peer_, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  std::array<std::uint8_t, 16> got{};
  ASSERT_EQ(::recv(peer_, got.data(), got.size(), 0), 1);
  EXPECT_EQ(got[0], 0xFF);
}

TEST_F(EspSocketTest, SendStripsOuterHeadersOfUdpEncapsulatedEsp) {
  // A device-built datagram: IPv4 + UDP(4500 -> peer) + ESP.
  std::vector<std::uint8_t> d(28 + 12, 0);
  d[0] = 0x45;
  d[3] = static_cast<std::uint8_t>(d.size());
  d[9] = kProtoUdp;
  d[12] = 127, d[15] = 1, d[16] = 127, d[19] = 1;
  d[22] = static_cast<std::uint8_t>(peer_port_ >> 8), d[23] = static_cast<std::uint8_t>(peer_port_);
  for (int i = 0; i < 12; ++i) d[28 + i] = static_cast<std::uint8_t>(0x30 + i);
  driver::PacketJob job;
  job.buffer = d.data();
  job.capacity = static_cast<std::uint32_t>(d.size());
  job.length = static_cast<std::uint32_t>(d.size());
  driver::PacketJob* jobs[] = {&job};
  bool failed[1] = {true};
  EXPECT_EQ(esp_->send(jobs, failed), 0u);
  EXPECT_FALSE(failed[0]);
  std::array<std::uint8_t, 64> got{};
  pollfd p{peer_, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  ASSERT_EQ(::recv(peer_, got.data(), got.size(), 0), 12);
  EXPECT_TRUE(std::equal(d.begin() + 28, d.end(), got.begin()));
}

// A burst of equal-size datagrams (and a shorter last one) to one peer leaves as one UDP GSO
// message; the peer's socket must still receive each ESP packet as its own datagram, bytes
// unchanged, in order: with GSO on (one sendmmsg message) and off (one message each).
TEST_F(EspSocketTest, GsoBurstArrivesAsSeparateDatagramsWithTheirOwnBytes) {
  for (bool gso : {true, false}) {
    esp_->set_udp_gso(gso);
    if (gso && !esp_->udp_gso()) GTEST_SKIP() << "kernel without UDP_SEGMENT";
    constexpr int kCount = 7;
    std::vector<std::vector<std::uint8_t>> dgrams;
    std::vector<driver::PacketJob> jobs(kCount);
    std::vector<driver::PacketJob*> ptrs;
    for (int k = 0; k < kCount; ++k) {
      const std::size_t payload = k == kCount - 1 ? 100 : 1200;
      std::vector<std::uint8_t> d(28 + payload, 0);
      d[0] = 0x45, d[2] = static_cast<std::uint8_t>(d.size() >> 8), d[3] = static_cast<std::uint8_t>(d.size());
      d[9] = kProtoUdp;
      d[12] = 127, d[15] = 1, d[16] = 127, d[19] = 1;
      d[22] = static_cast<std::uint8_t>(peer_port_ >> 8), d[23] = static_cast<std::uint8_t>(peer_port_);
      for (std::size_t i = 0; i < payload; ++i) d[28 + i] = static_cast<std::uint8_t>(k * 31 + i);
      dgrams.push_back(std::move(d));
    }
    for (int k = 0; k < kCount; ++k) {
      jobs[k].buffer = dgrams[k].data();
      jobs[k].capacity = jobs[k].length = static_cast<std::uint32_t>(dgrams[k].size());
      ptrs.push_back(&jobs[k]);
    }
    bool failed[kCount] = {};
    EXPECT_EQ(esp_->send(ptrs, std::span(failed, kCount)), 0u);
    for (int k = 0; k < kCount; ++k) {
      EXPECT_FALSE(failed[k]);
      std::array<std::uint8_t, 2048> got{};
      pollfd p{peer_, POLLIN, 0};
      ASSERT_EQ(::poll(&p, 1, 5000), 1);
      const auto n = ::recv(peer_, got.data(), got.size(), 0);
      ASSERT_EQ(n, static_cast<ssize_t>(dgrams[k].size() - 28)) << "gso " << gso << " datagram " << k;
      EXPECT_TRUE(std::equal(dgrams[k].begin() + 28, dgrams[k].end(), got.begin())) << "datagram " << k;
    }
  }
}

// A peer's UDP GSO burst reaches the socket as one GRO message (or, GRO off, as datagrams
// the kernel cut): either way each ESP datagram becomes one job with its own bytes and rebuilt
// headers, in order; what does not fit the jobs waits for the next call.
TEST_F(EspSocketTest, PeerGsoBurstBecomesOneJobPerDatagramAcrossCalls) {
  for (bool gro : {true, false}) {
    esp_->set_udp_gro(gro);
    if (gro && !esp_->udp_gro()) GTEST_SKIP() << "kernel without UDP_GRO";
    constexpr int kCount = 7;
    std::vector<std::uint8_t> burst;
    for (int k = 0; k < kCount; ++k) {
      const std::size_t payload = k == kCount - 1 ? 100 : 1200;
      for (std::size_t i = 0; i < payload; ++i)
        burst.push_back(i < 4 ? static_cast<std::uint8_t>(i == 3 ? k + 1 : 0x10) : static_cast<std::uint8_t>(k * 31 + i));
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(esp_->udp_port());
    iovec iov{burst.data(), burst.size()};
    alignas(cmsghdr) std::uint8_t ctl[CMSG_SPACE(sizeof(std::uint16_t))] = {};
    msghdr m{};
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = IPPROTO_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    const std::uint16_t seg = 1200;
    std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
    ASSERT_EQ(::sendmsg(peer_, &m, 0), static_cast<ssize_t>(burst.size()));

    std::vector<std::array<std::uint8_t, 2048>> bufs(4);
    std::array<driver::PacketJob, 4> jobs{};
    std::size_t offset = 0;
    int seen = 0;
    for (int call = 0; call < 2 && seen < kCount; ++call) {
      for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].buffer = bufs[i].data(), jobs[i].capacity = 2048;
      const unsigned got = call == 0 ? receive(jobs) : esp_->recv_udp(jobs);
      EXPECT_EQ(got, call == 0 ? 4u : 3u) << "gro " << gro << " call " << call;
      if (call == 0) {
        EXPECT_EQ(esp_->udp_pending(), gro);
      }
      for (unsigned i = 0; i < got; ++i, ++seen) {
        const std::size_t payload = seen == kCount - 1 ? 100 : 1200;
        const auto& j = jobs[i];
        ASSERT_EQ(j.length, payload + 28) << "datagram " << seen;
        const std::uint8_t* p = j.buffer + j.offset;
        EXPECT_EQ(ipv4_checksum({p, 20}), 0);
        EXPECT_EQ((p[22] << 8) | p[23], esp_->udp_port());
        EXPECT_TRUE(std::equal(p + 28, p + 28 + payload, burst.begin() + static_cast<long>(offset))) << "datagram " << seen;
        offset += payload;
      }
    }
    EXPECT_EQ(seen, kCount);
    EXPECT_FALSE(esp_->udp_pending());
  }
}

// Once a GRO message has shown the peer's datagram size, the next messages are received
// scattered straight into the job buffers (no copy); datagrams that do not fit the free jobs
// wait for the next call, an IKE message among them is handed off without taking a job, and
// a message of another size or a lone datagram still comes out one job per datagram, bytes
// unchanged and in order.
TEST_F(EspSocketTest, GroMessagesOfTheLearnedSizeLandInTheJobsAndOthersStillCutRight) {
  esp_->set_udp_gro(true);
  if (!esp_->udp_gro()) GTEST_SKIP() << "kernel without UDP_GRO";
  std::vector<std::vector<std::uint8_t>> ike_seen;
  esp_->set_ike_sink([&](std::uint32_t, std::uint16_t, std::uint32_t, std::span<const std::uint8_t> m) {
    ike_seen.emplace_back(m.begin(), m.end());
  });
  int serial = 0;
  auto datagram = [&](std::size_t size, bool ike) {
    std::vector<std::uint8_t> d(size);
    ++serial;
    for (std::size_t i = 0; i < size; ++i) d[i] = static_cast<std::uint8_t>(serial * 37 + i * 3);
    d[0] = 0, d[1] = 0, d[2] = ike ? 0 : 0x20, d[3] = ike ? 0 : static_cast<std::uint8_t>(serial);
    return d;
  };
  // Sends the datagrams as one UDP GSO message of `seg`-byte segments.
  auto send_gso = [&](const std::vector<std::vector<std::uint8_t>>& ds, std::uint16_t seg) {
    std::vector<std::uint8_t> all;
    for (const auto& d : ds) all.insert(all.end(), d.begin(), d.end());
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(esp_->udp_port());
    iovec iov{all.data(), all.size()};
    alignas(cmsghdr) std::uint8_t ctl[CMSG_SPACE(sizeof(std::uint16_t))] = {};
    msghdr m{};
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (ds.size() > 1) {
      m.msg_control = ctl;
      m.msg_controllen = sizeof ctl;
      cmsghdr* c = CMSG_FIRSTHDR(&m);
      c->cmsg_level = IPPROTO_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
      std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
    }
    ASSERT_EQ(::sendmsg(peer_, &m, 0), static_cast<ssize_t>(all.size()));
  };
  // Receives with `per_call` jobs per call until `want` ESP datagrams came out; checks each.
  auto expect_jobs = [&](const std::vector<std::vector<std::uint8_t>>& want, unsigned per_call) {
    std::vector<std::array<std::uint8_t, 2048>> bufs(per_call);
    std::vector<driver::PacketJob> jobs(per_call);
    std::size_t seen = 0;
    for (int call = 0; call < 20 && seen < want.size(); ++call) {
      for (unsigned i = 0; i < per_call; ++i) jobs[i].buffer = bufs[i].data(), jobs[i].capacity = 2048;
      const unsigned got = esp_->udp_pending() ? esp_->recv_udp(jobs) : receive(jobs);
      for (unsigned i = 0; i < got && seen < want.size(); ++i, ++seen) {
        const auto& j = jobs[i];
        ASSERT_EQ(j.length, want[seen].size() + 28) << "datagram " << seen;
        const std::uint8_t* p = j.buffer + j.offset;
        EXPECT_EQ(ipv4_checksum({p, 20}), 0);
        EXPECT_TRUE(std::equal(want[seen].begin(), want[seen].end(), p + 28)) << "datagram " << seen;
      }
    }
    EXPECT_EQ(seen, want.size());
    EXPECT_FALSE(esp_->udp_pending());
  };

  // 1. The first message teaches the size (1200): cut from the GRO buffer as before.
  std::vector<std::vector<std::uint8_t>> a;
  for (int k = 0; k < 5; ++k) a.push_back(datagram(k == 4 ? 300 : 1200, false));
  send_gso(a, 1200);
  expect_jobs(a, 16);
  // 2. Ten datagrams of that size, the fourth an IKE message, received 6 jobs at a time.
  std::vector<std::vector<std::uint8_t>> b, b_esp;
  for (int k = 0; k < 10; ++k) b.push_back(datagram(1200, k == 3));
  for (int k = 0; k < 10; ++k)
    if (k != 3) b_esp.push_back(b[static_cast<std::size_t>(k)]);
  send_gso(b, 1200);
  expect_jobs(b_esp, 6);
  ASSERT_EQ(ike_seen.size(), 1u);
  EXPECT_TRUE(std::equal(ike_seen[0].begin(), ike_seen[0].end(), b[3].begin() + 4, b[3].end()));
  EXPECT_EQ(esp_->counters().rx_ike.load(), 1u);
  // 3. Another size (700 bytes, last 50) straddles the 1200-byte iovecs: gathered, then cut.
  std::vector<std::vector<std::uint8_t>> c;
  for (int k = 0; k < 6; ++k) c.push_back(datagram(k == 5 ? 50 : 700, false));
  send_gso(c, 700);
  expect_jobs(c, 16);
  // 4. A lone datagram smaller than the learned size.
  std::vector<std::vector<std::uint8_t>> d{datagram(500, false)};
  send_gso(d, 0);
  expect_jobs(d, 4);
}

}  // namespace
}  // namespace espgw::dataplane
