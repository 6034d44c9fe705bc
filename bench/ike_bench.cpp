// IKEv1 tunnel-setup benchmark: Main Mode (PSK, AES-256/SHA-256, MODP 2048) plus Quick Mode
// with PFS group 14 (RFC 2409) between two espgw IKE stacks (IkeSaManager) over an in-memory
// network, next to the Diffie-Hellman limit measured in the same process (MODP 2048 via OpenSSL 3).
// Run bench/run_ike_bench.sh; docs/performance.md ("IKE") says what the figures mean.
#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/null_sink.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "host/common/scheduler.hpp"
#include "host/ike/dh_group.hpp"
#include "host/ike/ike_sa_manager.hpp"
#include "host/ike/ike_socket.hpp"

namespace espgw::ike::bench {
namespace {

constexpr std::uint32_t kInitiator = 0x7F000001;  // 127.0.0.1 ("loopback": in-memory, see docs)
constexpr std::uint32_t kResponder = 0x7F000002;  // 127.0.0.2
// A tunnel with PFS costs each peer two DH operations (Main Mode KE, Quick Mode KE); the
// in-memory run executes both peers on one thread, so one tunnel is 4 DH operations there.
constexpr double kDhOpsPerTunnelPerSide = 2;
constexpr double kDhOpsPerTunnelBothSides = 2 * kDhOpsPerTunnelPerSide;

SecretBytes psk(std::string_view s) {
  return SecretBytes(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// `maps` crypto-map entries towards one peer, entry i protecting 10.1.i/32 <-> 10.2.i/32
// (mirrored on the peer), each with esp-aes 256 esp-sha256-hmac and `set pfs group14`.
IkeConfig make_config(std::uint32_t self, std::uint32_t peer, bool initiator, std::size_t maps) {
  IkeConfig c;
  c.local_address = self;
  c.debug_isakmp = false;  // production logging: info lines only
  c.policies = {IsakmpPolicyInput{1, 256, P1Hash::kSha256, DhGroupId::kModp2048, kIsakmpLifetimeDefault}};
  c.keys.push_back(PreSharedKeyInput{peer, 0xFFFFFFFF, psk("cisco123")});
  for (std::size_t i = 0; i < maps; ++i) {
    const std::uint32_t a = 0x0A010000 + static_cast<std::uint32_t>(i);  // 10.1.x.y
    const std::uint32_t b = 0x0A020000 + static_cast<std::uint32_t>(i);  // 10.2.x.y
    CryptoMapInput m;
    m.map_name = "vpn";
    m.seq = static_cast<int>(10 + i);
    m.peer = peer;
    m.local = ProxyId{initiator ? a : b, 0xFFFFFFFF, 0, 0};
    m.remote = ProxyId{initiator ? b : a, 0xFFFFFFFF, 0, 0};
    m.transforms = {EspTransformInput{"mysec", EspTransformId::kEspAes, 256, AuthAlgorithm::kHmacSha256}};
    m.pfs = DhGroupId::kModp2048;
    c.crypto_maps.push_back(std::move(m));
  }
  return c;
}

// Two IKE stacks joined by a FIFO of datagrams, on a hand-advanced clock (no timer fires
// during a setup: every message is answered at once).
class TwoPeers {
 public:
  explicit TwoPeers(std::size_t maps)
      : init_(make_config(kInitiator, kResponder, true, maps), clock_, callbacks(init_installed_)),
        resp_(make_config(kResponder, kInitiator, false, maps), clock_, callbacks(resp_installed_)) {}

  // One tunnel through crypto-map entry `map`: MM1..MM6, QM1..QM3. True when both sides
  // installed an inbound and an outbound SA (plain ESP: a NAT wrongly detected would
  // make them UDP-encapsulated, and is counted as a failure).
  bool setup(std::size_t map) {
    init_installed_ = resp_installed_ = 0;
    if (!init_.initiate(map)) return false;
    pump();
    return init_installed_ == 2 && resp_installed_ == 2;
  }
  // `clear crypto isakmp` on both: the next setup needs Main Mode again.
  void teardown() {
    init_.clear();
    pump();
    resp_.clear();
    pump();
  }
  const IkeCounters& initiator_counters() const { return init_.counters(); }
  const IkeCounters& responder_counters() const { return resp_.counters(); }

 private:
  IkeCallbacks callbacks(std::size_t& installed) {
    return IkeCallbacks{[this](const Datagram& d) { wire_.push_back(d); },
                        [&installed](const driver::SaConfig& c) { installed += c.udp_encap ? 0 : 1; },
                        [](std::uint32_t, driver::Direction) {}};
  }
  void pump() {
    for (int guard = 0; !wire_.empty() && guard < 1000; ++guard) {
      Datagram d = std::move(wire_.front());
      wire_.pop_front();
      (d.dst.addr == kResponder ? resp_ : init_).receive(d);
    }
  }

  ManualScheduler clock_;
  std::deque<Datagram> wire_;
  std::size_t init_installed_ = 0, resp_installed_ = 0;
  IkeSaManager init_;
  IkeSaManager resp_;
};

// The same two stacks over real UDP sockets on loopback (127.0.0.1 and 127.0.0.2, ephemeral
// ports, one io_context on this thread): adds the syscalls and Asio dispatch. The managers
// speak of ports 500/4500; the send hook maps them to the peer's bound ports and the receive
// hook maps the peer's bound ports back, so NAT-D sees no NAT, as on a real port-500 link.
class TwoPeersUdp {
 public:
  explicit TwoPeersUdp(std::size_t maps)
      : init_sock_(io_, kInitiator, {0, 0}),
        resp_sock_(io_, kResponder, {0, 0}),
        init_(make_config(kInitiator, kResponder, true, maps), clock_, callbacks(init_sock_, resp_sock_, init_installed_)),
        resp_(make_config(kResponder, kInitiator, false, maps), clock_, callbacks(resp_sock_, init_sock_, resp_installed_)) {
    init_sock_.start(receiver(init_, resp_sock_), nullptr);
    resp_sock_.start(receiver(resp_, init_sock_), nullptr);
  }

  bool setup(std::size_t map) {
    init_installed_ = resp_installed_ = 0;
    if (!init_.initiate(map)) return false;
    // Nine messages; each poll round delivers what loopback has queued. Bounded.
    for (int round = 0; round < 1000 && !(init_installed_ == 2 && resp_installed_ == 2); ++round)
      io_.run_one_for(std::chrono::milliseconds(100));
    return init_installed_ == 2 && resp_installed_ == 2;
  }
  void teardown() {
    init_.clear();
    drain();
    resp_.clear();
    drain();
  }
  const IkeCounters& initiator_counters() const { return init_.counters(); }
  const IkeCounters& responder_counters() const { return resp_.counters(); }

 private:
  static std::uint16_t real_port(const IkeSocket& s, std::uint16_t logical) {
    return logical == kNattPort ? s.bound().natt : s.bound().ike;
  }
  IkeCallbacks callbacks(IkeSocket& own, IkeSocket& peer, std::size_t& installed) {
    return IkeCallbacks{[&own, &peer](const Datagram& d) {
                          Datagram out = d;
                          out.dst.port = real_port(peer, d.dst.port);
                          own.send(out);
                        },
                        [&installed](const driver::SaConfig& c) { installed += c.udp_encap ? 0 : 1; },
                        [](std::uint32_t, driver::Direction) {}};
  }
  static IkeSocket::IkeHandler receiver(IkeSaManager& mgr, IkeSocket& peer) {
    return [&mgr, &peer](const Datagram& d) {
      Datagram in = d;
      in.src.port = d.src.port == peer.bound().natt ? kNattPort : kIkePort;
      mgr.receive(in);
    };
  }
  void drain() {
    while (io_.poll() > 0) {
    }
  }

  boost::asio::io_context io_;
  ManualScheduler clock_;
  std::size_t init_installed_ = 0, resp_installed_ = 0;
  IkeSocket init_sock_;
  IkeSocket resp_sock_;
  IkeSaManager init_;
  IkeSaManager resp_;
};

// One DH operation, as each peer does it per KE payload (host/ike/dh_group): a fresh
// private value and g^x (DiffieHellman::create), then g^xy from the peer's value.
void bm_dh_modp2048(benchmark::State& state) {
  auto peer = DiffieHellman::create(DhGroupId::kModp2048);
  if (!peer) {
    state.SkipWithError("MODP 2048 key generation failed");
    return;
  }
  for (auto _ : state) {
    auto own = DiffieHellman::create(DhGroupId::kModp2048);
    auto secret = own ? own->shared_secret(peer->public_value()) : std::nullopt;
    if (!secret) {
      state.SkipWithError("MODP 2048 DH failed");
      return;
    }
    benchmark::DoNotOptimize(secret->view().data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The two halves of that operation on their own, to show where a DH operation's time goes.
void bm_dh_keygen(benchmark::State& state) {
  for (auto _ : state) {
    auto own = DiffieHellman::create(DhGroupId::kModp2048);
    if (!own) {
      state.SkipWithError("MODP 2048 key generation failed");
      return;
    }
    benchmark::DoNotOptimize(own->public_value().data());
  }
  state.SetItemsProcessed(state.iterations());
}

void bm_dh_derive(benchmark::State& state) {
  auto own = DiffieHellman::create(DhGroupId::kModp2048);
  auto peer = DiffieHellman::create(DhGroupId::kModp2048);
  if (!own || !peer) {
    state.SkipWithError("MODP 2048 key generation failed");
    return;
  }
  for (auto _ : state) {
    auto secret = own->shared_secret(peer->public_value());
    if (!secret) {
      state.SkipWithError("MODP 2048 DH failed");
      return;
    }
    benchmark::DoNotOptimize(secret->view().data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The bare arithmetic, straight through OpenSSL: keygen in the named group modp_2048 plus
// a derive without the peer-value check (a single short-exponent modexp each). Not what
// espgw does; it shows how much of dh_modp2048 is the peer check (a full-size modexp).
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

PkeyPtr bare_keygen() {
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  char group[] = "modp_2048";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0), OSSL_PARAM_END};
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_params(ctx.get(), params) <= 0 ||
      EVP_PKEY_keygen(ctx.get(), &key) <= 0)
    return nullptr;
  return PkeyPtr(key);
}

void bm_dh_bare(benchmark::State& state) {
  PkeyPtr peer = bare_keygen();
  if (!peer) {
    state.SkipWithError("modp_2048 key generation failed");
    return;
  }
  std::uint8_t secret[256];
  for (auto _ : state) {
    PkeyPtr own = bare_keygen();
    CtxPtr ctx(own ? EVP_PKEY_CTX_new_from_pkey(nullptr, own.get(), nullptr) : nullptr);
    std::size_t len = sizeof secret;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) <= 0 ||
        EVP_PKEY_derive(ctx.get(), secret, &len) <= 0) {
      state.SkipWithError("modp_2048 derive failed");
      return;
    }
    benchmark::DoNotOptimize(secret);
  }
  OPENSSL_cleanse(secret, sizeof secret);
  state.SetItemsProcessed(state.iterations());
}

// Tunnels through the last of `maps` entries (the farthest for a linear lookup); the
// `clear crypto isakmp` between tunnels is outside the timing.
template <typename Net>
void bm_tunnel(benchmark::State& state) {
  const auto maps = static_cast<std::size_t>(state.range(0));
  Net net(maps);
  std::int64_t tunnels = 0;
  for (auto _ : state) {
    if (!net.setup(maps - 1)) {
      state.SkipWithError("tunnel setup failed");
      return;
    }
    ++tunnels;
    state.PauseTiming();
    net.teardown();
    state.ResumeTiming();
  }
  // Each tunnel must have been a full Main Mode plus Quick Mode on both sides.
  const auto& i = net.initiator_counters();
  const auto& r = net.responder_counters();
  const auto n = static_cast<std::uint64_t>(tunnels);
  if (i.phase1_established != n || r.phase1_established != n || i.phase2_established != n ||
      r.phase2_established != n) {
    state.SkipWithError("phase 1 / phase 2 counters do not match the tunnels set up");
    return;
  }
  state.SetItemsProcessed(tunnels);
}

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      // CPU time (the machine is shared); the fastest repetition stands for the row.
      // Per iteration, in the run's unit; one iteration is one DH op or one tunnel.
      const double ns = r.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) * 1e9;
      auto [it, fresh] = ns_per_item.emplace(r.run_name.function_name + (r.run_name.args.empty() ? "" : "/" + r.run_name.args), ns);
      if (!fresh && ns < it->second) it->second = ns;
    }
  }
  std::map<std::string, double> ns_per_item;
};

int print_summary(const SummaryReporter& r) {
  auto it = r.ns_per_item.find("dh_modp2048");
  if (it == r.ns_per_item.end() || it->second <= 0) {
    std::printf("\nIKE: no DH measurement (filtered out or failed)\n");
    return 1;
  }
  const double dh_ops = 1e9 / it->second;
  auto rate = [&](const char* name) {
    auto i = r.ns_per_item.find(name);
    return i == r.ns_per_item.end() || i->second <= 0 ? 0.0 : 1e9 / i->second;
  };
  const double limit = dh_ops / kDhOpsPerTunnelBothSides;
  std::printf("\nIKE tunnel setup, one core, CPU time (Main Mode PSK + Quick Mode PFS group 14)\n");
  std::printf("DH limit: MODP 2048 ops/s %.1f (keygen + shared secret); one thread runs both peers,\n"
              "  %g DH ops per tunnel (%g per side), so the limit is %.1f tunnels/s\n",
              dh_ops, kDhOpsPerTunnelBothSides, kDhOpsPerTunnelPerSide, limit);
  std::printf("  of which: keygen alone %.1f/s, shared secret alone %.1f/s\n", rate("dh_keygen"), rate("dh_derive"));
  const double bare = rate("dh_bare");
  std::printf("  bare OpenSSL modp_2048 keygen + derive without the peer check: %.1f/s (limit %.1f tunnels/s)\n",
              bare, bare / kDhOpsPerTunnelBothSides);
  std::printf("%-28s %12s %8s %8s\n", "crypto-map entries", "tunnels/s", "ratio", "vs bare");
  int rc = 0;
  for (const auto& [name, ns] : r.ns_per_item) {
    if (name.rfind("tunnel", 0) != 0 || ns <= 0) continue;
    const double tps = 1e9 / ns;
    const bool udp = name.rfind("tunnel_udp/", 0) == 0;
    const std::string label = name.substr(name.find('/') + 1) + (udp ? " (UDP loopback)" : " (in-memory)");
    std::printf("%-28s %12.1f %7.0f%% %7.0f%%\n", label.c_str(), tps, 100 * tps / limit,
                bare > 0 ? 100 * tps * kDhOpsPerTunnelBothSides / bare : 0.0);
    if (tps < 0.7 * limit) rc = 2;
  }
  std::printf("ratio = tunnels/s / DH limit (DH as host/ike does it); vs bare = against the bare-modexp limit.\n"
              "Goal: ratio >= 70%%.%s\n", rc == 2 ? " NOT MET for some row." : "");
  return 0;
}

}  // namespace
}  // namespace espgw::ike::bench

int main(int argc, char** argv) {
  using namespace espgw::ike::bench;
  // espd logs info lines per tunnel; format them as it would, but to nowhere.
  auto logger = std::make_shared<spdlog::logger>("ike_bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(logger);

  benchmark::RegisterBenchmark("dh_modp2048", bm_dh_modp2048)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("dh_keygen", bm_dh_keygen)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("dh_derive", bm_dh_derive)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("dh_bare", bm_dh_bare)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("tunnel", bm_tunnel<TwoPeers>)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("tunnel_udp", bm_tunnel<TwoPeersUdp>)->Arg(1000)->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const int rc = print_summary(reporter);
  benchmark::Shutdown();
  return rc;
}
