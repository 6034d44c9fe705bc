// Tests host/ha/sync_channel on 127.0.0.1 with ephemeral ports: an active and a standby
// replicate over TLS 1.3 (PSK, and mutual certificates made by the openssl CLI), a peer with
// the wrong key is refused, a recording TCP proxy in the middle never sees a key byte in the
// clear, and after the proxy cuts the connection the pair reconnects and resynchronises.
// Waits are bounded (run_until), never sleeps.
#include "host/ha/sync_channel.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <list>

#include "host/ha/sync_publisher.hpp"
#include "host/ha/sync_replica.hpp"
#include "sync_fixtures.hpp"
#include "tool_runner.hpp"

namespace espgw::ha {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

const std::uint32_t kLoopback = 0x7F000001;

template <typename Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(5ms);
  }
  return true;
}

// A TCP relay that records every byte both ways and can cut every connection.
class RecordingProxy {
 public:
  RecordingProxy(asio::io_context& io, std::uint16_t target) : io_(io), acceptor_(io, {asio::ip::address_v4::loopback(), 0}), target_(target) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::vector<std::uint8_t>& recorded() const { return recorded_; }
  void cut_all() {
    for (auto& p : pairs_) {
      boost::system::error_code ec;
      p->a.close(ec);
      p->b.close(ec);
    }
  }

 private:
  struct Pair {
    explicit Pair(asio::io_context& io) : a(io), b(io) {}
    tcp::socket a, b;
    std::array<std::uint8_t, 4096> buf_ab{}, buf_ba{};
  };
  void accept() {
    auto p = std::make_shared<Pair>(io_);
    acceptor_.async_accept(p->a, [this, p](const boost::system::error_code& ec) {
      if (ec) return;
      pairs_.push_back(p);
      p->b.async_connect({asio::ip::address_v4::loopback(), target_}, [this, p](const boost::system::error_code& cec) {
        if (cec) return;
        pump(p, p->a, p->b, p->buf_ab);
        pump(p, p->b, p->a, p->buf_ba);
      });
      accept();
    });
  }
  void pump(std::shared_ptr<Pair> p, tcp::socket& from, tcp::socket& to, std::array<std::uint8_t, 4096>& buf) {
    from.async_read_some(asio::buffer(buf), [this, p, &from, &to, &buf](const boost::system::error_code& ec, std::size_t n) {
      if (ec) {
        boost::system::error_code ignored;
        to.close(ignored);
        return;
      }
      recorded_.insert(recorded_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      asio::async_write(to, asio::buffer(buf.data(), n), [this, p, &from, &to, &buf](const boost::system::error_code& wec, std::size_t) {
        if (!wec) pump(p, from, to, buf);
      });
    });
  }
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::uint16_t target_;
  std::vector<std::shared_ptr<Pair>> pairs_;
  std::vector<std::uint8_t> recorded_;
};

SyncTlsConfig psk_config(std::string_view key) {
  SyncTlsConfig c;
  c.psk = SecretBytes(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
  return c;
}

constexpr ReplayInterval kInterval{100, 1000};

// The standby listens and keeps a replica; the active connects, publishes, and answers every
// connect with a bulk resync.
struct Pair {
  asio::io_context io;
  SyncPublisher publisher{kInterval};
  SyncReplica replica{kInterval, 256};
  std::unique_ptr<SyncChannel> standby, active;
  std::uint64_t generation = 0;
  int standby_downs = 0;

  void start_standby(SyncTlsConfig tls) {
    SyncChannelOptions so;
    so.mode = SyncChannelOptions::Mode::kListen;
    so.local_address = kLoopback;
    so.tls = std::move(tls);
    standby = std::make_unique<SyncChannel>(
        io, so,
        SyncChannel::Callbacks{nullptr, [this](const SyncMessage& m) { replica.apply(m); },
                               [this](const std::string&) {
                                 ++standby_downs;
                                 replica.connection_lost();
                               }});
    standby->start();
  }
  void start_active(SyncTlsConfig tls, std::uint16_t port) {
    SyncChannelOptions ao;
    ao.mode = SyncChannelOptions::Mode::kConnect;
    ao.remote_address = kLoopback;
    ao.remote_port = port;
    ao.retry_interval = 20ms;
    ao.tls = std::move(tls);
    active = std::make_unique<SyncChannel>(io, ao, SyncChannel::Callbacks{[this] {
                                                     ++active_ups;
                                                     for (const auto& m : publisher.bulk(++generation)) active->send(m);
                                                   },
                                                   nullptr, nullptr});
    active->start();
  }
  void start(SyncTlsConfig standby_tls, SyncTlsConfig active_tls) {
    start_standby(std::move(standby_tls));
    start_active(std::move(active_tls), standby->listening_port());
  }
  int active_ups = 0;
};

TEST(SyncChannel, ActiveReplicatesEverySaToTheStandbyOverTls13Psk) {
  Pair p;
  p.publisher.ike_sa_up(test::make_ike_sa(1));
  auto out = test::make_ipsec_sa(0x2811DA7F, driver::Direction::kOutbound);
  p.publisher.ipsec_sa_up(out);
  p.publisher.ipsec_sa_up(test::make_ipsec_sa(0x2F3884, driver::Direction::kInbound));
  p.start(psk_config("0123456789abcdef-ha-key"), psk_config("0123456789abcdef-ha-key"));
  ASSERT_TRUE(run_until(p.io, [&] { return p.replica.in_sync(); }));
  EXPECT_EQ(p.replica.ipsec_sa_count(), 2u);
  EXPECT_EQ(p.replica.ike_sa_count(), 1u);
  // Incremental updates after the bulk: a sequence-number report.
  p.active->send(*p.publisher.sa_progress(0x2811DA7F, driver::Direction::kOutbound, 5000));
  ASSERT_TRUE(run_until(p.io, [&] { return p.replica.reported_seq(0x2811DA7F, driver::Direction::kOutbound) == 5000u; }));
  auto plan = p.replica.takeover_ipsec();
  auto& o = plan[0].direction == driver::Direction::kOutbound ? plan[0] : plan[1];
  test::expect_same_sa(o, out.config);
  EXPECT_EQ(o.initial_seq, 5000u + 1000 + 256);
  EXPECT_EQ(p.standby->counters().handshake_failures, 0u);
}

TEST(SyncChannel, PeerWithTheWrongPskIsRefused) {
  Pair p;
  p.publisher.ipsec_sa_up(test::make_ipsec_sa(1, driver::Direction::kOutbound));
  p.start(psk_config("0123456789abcdef-ha-key"), psk_config("0123456789abcdef-WRONG"));
  ASSERT_TRUE(run_until(p.io, [&] { return p.standby->counters().handshake_failures >= 2; }));
  EXPECT_FALSE(p.active->up());
  EXPECT_FALSE(p.standby->up());
  EXPECT_EQ(p.replica.ipsec_sa_count(), 0u);
  EXPECT_EQ(p.replica.counters().messages, 0u);
  EXPECT_GE(p.active->counters().handshake_failures, 2u);
}

TEST(SyncChannel, PeerWithAnUnknownPskIdentityIsRefused) {
  Pair p;
  auto wrong_id = psk_config("0123456789abcdef-ha-key");
  wrong_id.psk_identity = "someone-else";
  p.start(psk_config("0123456789abcdef-ha-key"), std::move(wrong_id));
  ASSERT_TRUE(run_until(p.io, [&] { return p.standby->counters().handshake_failures >= 1; }));
  EXPECT_FALSE(p.active->up());
}

TEST(SyncChannel, NoKeyByteCrossesTheWireInTheClear) {
  Pair p;
  auto ike = test::make_ike_sa(4);
  auto out = test::make_ipsec_sa(0xAAAA0001, driver::Direction::kOutbound);
  auto in = test::make_ipsec_sa(0xAAAA0002, driver::Direction::kInbound);
  p.publisher.ike_sa_up(ike);
  p.publisher.ipsec_sa_up(out);
  p.publisher.ipsec_sa_up(in);
  std::string psk = "0123456789abcdef-ha-key";
  p.start_standby(psk_config(psk));
  RecordingProxy proxy(p.io, p.standby->listening_port());
  p.start_active(psk_config(psk), proxy.port());
  ASSERT_TRUE(run_until(p.io, [&] { return p.replica.in_sync(); }));
  p.active->send(*p.publisher.sa_progress(0xAAAA0001, driver::Direction::kOutbound, 7777));
  ASSERT_TRUE(run_until(p.io, [&] { return p.replica.reported_seq(0xAAAA0001, driver::Direction::kOutbound) == 7777u; }));
  const auto& wire = proxy.recorded();
  ASSERT_GT(wire.size(), 500u);
  EXPECT_TRUE(test::contains(wire, std::vector<std::uint8_t>{0x17, 0x03, 0x03}));  // TLS application data records
  for (const SecretBytes* key : {&out.config.enc_key, &out.config.auth_key, &in.config.enc_key, &in.config.auth_key,
                                 &ike.skeyid_d, &ike.skeyid_a, &ike.skeyid_e}) {
    EXPECT_FALSE(test::contains(wire, key->view()));
    EXPECT_FALSE(test::contains(wire, key->view().first(8)));  // not even a fragment
  }
  EXPECT_FALSE(test::contains(wire, std::span(reinterpret_cast<const std::uint8_t*>(psk.data()), psk.size())));
}

TEST(SyncChannel, ReconnectsAndResynchronisesAfterABreak) {
  Pair p;
  p.publisher.ipsec_sa_up(test::make_ipsec_sa(1, driver::Direction::kOutbound));
  std::string psk = "0123456789abcdef-ha-key";
  p.start_standby(psk_config(psk));
  RecordingProxy proxy(p.io, p.standby->listening_port());
  p.start_active(psk_config(psk), proxy.port());
  ASSERT_TRUE(run_until(p.io, [&] { return p.active_ups == 1 && p.replica.in_sync(); }));

  proxy.cut_all();
  ASSERT_TRUE(run_until(p.io, [&] { return p.standby_downs == 1 && !p.active->up(); }));
  EXPECT_FALSE(p.replica.in_sync());
  // While apart the active gains an SA; the message is dropped, the resync brings it.
  p.active->send(p.publisher.ipsec_sa_up(test::make_ipsec_sa(2, driver::Direction::kInbound)));
  EXPECT_EQ(p.active->counters().dropped_while_down, 1u);

  ASSERT_TRUE(run_until(p.io, [&] { return p.active_ups == 2 && p.replica.in_sync(); }));
  EXPECT_EQ(p.replica.ipsec_sa_count(), 2u);
  EXPECT_EQ(p.active->counters().connects, 2u);
  EXPECT_EQ(p.replica.counters().bulks_completed, 2u);
}

TEST(SyncChannel, UnauthenticatedConnectCannotCutAnEstablishedSession) {
  Pair p;
  p.publisher.ipsec_sa_up(test::make_ipsec_sa(0x77, driver::Direction::kOutbound));
  std::string psk = "0123456789abcdef-ha-key";
  p.start(psk_config(psk), psk_config(psk));
  ASSERT_TRUE(run_until(p.io, [&] { return p.replica.in_sync(); }));
  tcp::socket intruder(p.io);
  intruder.connect({asio::ip::address_v4::loopback(), p.standby->listening_port()});
  const char junk[] = "GET / HTTP/1.0\r\n\r\n";
  asio::write(intruder, asio::buffer(junk, sizeof junk - 1));
  ASSERT_TRUE(run_until(p.io, [&] { return p.standby->counters().handshake_failures == 1; }));
  EXPECT_EQ(p.standby_downs, 0);
  EXPECT_TRUE(p.active->up());
  p.active->send(*p.publisher.sa_progress(0x77, driver::Direction::kOutbound, 3000));
  EXPECT_TRUE(run_until(p.io, [&] { return p.replica.reported_seq(0x77, driver::Direction::kOutbound) == 3000u; }));
}

TEST(SyncChannel, ConfiguredSctpIsCarriedOverTcpAndSaysSo) {
  EXPECT_EQ(sync_transport_note("sctp"),
            "HA sync: `protocol sctp` configured; this kernel has no SCTP, the association runs over TCP with TLS 1.3");
}

TEST(SyncChannel, ShortPskIsAConfigurationError) {
  asio::io_context io;
  SyncChannelOptions o;
  o.tls = psk_config("short");
  EXPECT_THROW(SyncChannel(io, o, {}), std::runtime_error);
}

// Mutual certificates: a CA and two leaves made with the openssl CLI; a leaf from another CA
// is refused.
TEST(SyncChannel, MutualCertificatesAuthenticateAndAForeignCaIsRefused) {
  if (!test::have_executable("/usr/bin/openssl")) GTEST_SKIP() << "openssl CLI missing";
  char tmpl[] = "/tmp/espgw-ha-certs-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  auto sh = [&](const std::string& cmd) {
    int status = 0;
    std::string out = test::run_command("cd " + dir.string() + " && " + cmd + " 2>&1", &status);
    EXPECT_EQ(status, 0) << cmd << "\n" << out;
  };
  const std::string kEc = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  for (std::string ca : {"ca", "evil"}) sh("openssl req -x509 " + kEc + " -keyout " + ca + ".key -out " + ca + ".pem -days 2 -subj /CN=" + ca);
  for (auto [leaf, ca] : {std::pair{"r1", "ca"}, std::pair{"r2", "ca"}, std::pair{"intruder", "evil"}}) {
    sh(std::string("openssl req ") + kEc + " -keyout " + leaf + ".key -out " + leaf + ".csr -subj /CN=" + leaf);
    sh(std::string("openssl x509 -req -in ") + leaf + ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -out " +
       leaf + ".pem -days 2");
  }
  auto certs = [&](const std::string& leaf) {
    SyncTlsConfig c;
    c.cert_file = (dir / (leaf + ".pem")).string();
    c.key_file = (dir / (leaf + ".key")).string();
    c.ca_file = (dir / "ca.pem").string();
    return c;
  };
  {
    Pair p;
    p.publisher.ipsec_sa_up(test::make_ipsec_sa(1, driver::Direction::kOutbound));
    p.start(certs("r2"), certs("r1"));
    EXPECT_TRUE(run_until(p.io, [&] { return p.replica.in_sync(); }));
    EXPECT_EQ(p.replica.ipsec_sa_count(), 1u);
  }
  {
    Pair p;
    p.publisher.ipsec_sa_up(test::make_ipsec_sa(1, driver::Direction::kOutbound));
    p.start(certs("r2"), certs("intruder"));
    EXPECT_TRUE(run_until(p.io, [&] { return p.standby->counters().handshake_failures >= 1; }));
    EXPECT_EQ(p.replica.counters().messages, 0u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace espgw::ha
