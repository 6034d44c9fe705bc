// ESP engine throughput of the CPU backend, per core: encap and decap Gb/s (inner bytes) at
// 64, 512 and 1420 B for AES-256-GCM and AES-256-CBC + HMAC-SHA-256-128, per provider.
// Baseline, measured in the same run: the same bursts of CryptoOps through the same provider
// with no ESP framing ("raw"). The summary prints ESP / raw for each row (STYLE.md "bench/").
// Decap restores the ciphertext with a memcpy before each burst, in both the ESP and the raw
// run; a copy-only run measures that cost so the summary can subtract it.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "cpu_device.hpp"
#include "esp_framing.hpp"

namespace espgw::driver::cpu::bench {
namespace {

constexpr std::size_t kBurst = 32;
constexpr std::uint32_t kSizes[] = {64, 512, 1420};

struct TransformSpec {
  const char* name;
  Transform transform;
};
constexpr TransformSpec kTransforms[] = {{"aes256gcm", Transform::kAesGcm16},
                                         {"aes256cbc-sha256", Transform::kAesCbcHmacSha256}};

SaConfig config(Transform t, Direction d) {
  SaConfig c;
  c.spi = 0x1000;
  c.direction = d;
  c.transform = t;
  std::vector<std::uint8_t> k(32), a(32);
  for (std::size_t i = 0; i < 32; ++i) {
    k[i] = static_cast<std::uint8_t>(i * 7 + 1);
    a[i] = static_cast<std::uint8_t>(i * 13 + 5);
  }
  c.enc_key = SecretBytes(k);
  if (t != Transform::kAesGcm16) c.auth_key = SecretBytes(a);
  c.salt = 0x01020304;
  c.tunnel_src = 0xC0000201;
  c.tunnel_dst = 0xC6336401;
  c.replay_window = 0;  // decap replays the same packets; the check itself still runs
  c.selector = {0, 0, 0, 0, 0, 0, 0xFFFF, 0, 0xFFFF};
  return c;
}

std::vector<std::uint8_t> inner_packet(std::uint32_t size) {
  std::vector<std::uint8_t> p(size, 0xA5);
  p[0] = 0x45;
  p[2] = static_cast<std::uint8_t>(size >> 8);
  p[3] = static_cast<std::uint8_t>(size);
  p[8] = 64;
  p[9] = 17;
  store_be32(p.data() + 12, 0x0A000001);
  store_be32(p.data() + 16, 0x0A010001);
  return p;
}

// One burst of packets and its device, built once per benchmark.
struct Fixture {
  std::unique_ptr<CpuDevice> dev;
  std::unique_ptr<CryptoProvider> raw_provider;
  std::unique_ptr<SaCrypto> raw_sa;
  std::vector<std::vector<std::uint8_t>> bufs;
  std::vector<std::vector<std::uint8_t>> pristine;  // decap: ESP packets to restore
  std::vector<PacketJob> jobs;
  std::vector<CryptoOp> ops;  // raw: the same crypto as the device does per packet
  std::vector<std::uint8_t> inner;
  SaHandle out = kNoSa, in = kNoSa;
  std::uint32_t esp_len = 0, esp_offset = 0;

  Fixture(const std::string& provider, Transform t, std::uint32_t size, bool decap) {
    dev = std::make_unique<CpuDevice>(make_provider(provider), 16);
    raw_provider = make_provider(provider);
    out = dev->install_sa(config(t, Direction::kOutbound)).handle;
    in = dev->install_sa(config(t, Direction::kInbound)).handle;
    inner = inner_packet(size);
    bufs.assign(kBurst, std::vector<std::uint8_t>(kOutboundHeadroom + size + kMaxEspOverhead));
    jobs.resize(kBurst);
    for (std::size_t i = 0; i < kBurst; ++i) {
      std::memcpy(bufs[i].data() + kOutboundHeadroom, inner.data(), size);
      reset_outbound(i);
    }
    dev->process(jobs);  // one real encapsulation gives the ESP layout
    esp_offset = jobs[0].offset + kIpv4HeaderLen;
    esp_len = jobs[0].length - kIpv4HeaderLen;
    if (decap) {
      for (std::size_t i = 0; i < kBurst; ++i) pristine.push_back(bufs[i]);
    }
    const SaConfig c = config(t, decap ? Direction::kInbound : Direction::kOutbound);
    raw_sa = raw_provider->make_sa(t, c.enc_key.view(), c.auth_key.view(), c.salt, c.direction);
    const bool gcm = t == Transform::kAesGcm16;
    const std::uint32_t iv_len = gcm ? kGcmIvLen : kCbcIvLen;
    const std::uint32_t icv_len = 16;
    ops.resize(kBurst);
    for (std::size_t i = 0; i < kBurst; ++i) {
      CryptoOp& op = ops[i];
      std::uint8_t* esp = bufs[i].data() + esp_offset;
      op.sa = raw_sa.get();
      op.base = esp;
      op.cipher_offset = kEspHeaderLen + iv_len;
      op.cipher_len = esp_len - kEspHeaderLen - iv_len - icv_len;
      op.auth_offset = 0;
      op.auth_len = kEspHeaderLen + iv_len + op.cipher_len;
      op.iv = esp + kEspHeaderLen;
      store_be64(op.iv_seed + 8, i + 1);
      store_be32(op.nonce, c.salt);
      std::memcpy(op.nonce + 4, esp + kEspHeaderLen, 8);
      op.aad = esp;
      op.aad_len = 8;
      std::memcpy(op.icv, esp + op.cipher_offset + op.cipher_len, icv_len);
    }
  }

  void reset_outbound(std::size_t i) {
    PacketJob& j = jobs[i];
    j.direction = Direction::kOutbound;
    j.sa = out;
    j.buffer = bufs[i].data();
    j.capacity = static_cast<std::uint32_t>(bufs[i].size());
    j.offset = kOutboundHeadroom;
    j.length = static_cast<std::uint32_t>(inner.size());
  }
  void reset_inbound(std::size_t i) {
    PacketJob& j = jobs[i];
    j.direction = Direction::kInbound;
    j.buffer = bufs[i].data();
    j.capacity = static_cast<std::uint32_t>(bufs[i].size());
    j.offset = esp_offset - kIpv4HeaderLen;
    j.length = esp_len + kIpv4HeaderLen;
  }
  void restore(std::size_t i) {
    std::memcpy(bufs[i].data() + esp_offset, pristine[i].data() + esp_offset, esp_len);
  }
};

void set_rate(benchmark::State& state, std::uint32_t size) {
  const double bits = static_cast<double>(state.iterations()) * kBurst * size * 8;
  state.counters["Gbps"] = benchmark::Counter(bits / 1e9, benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBurst * size));
}

// The same raw crypto, one job per provider call: every call flushes the multi-buffer
// manager, so the lanes never fill. Shows why process() works on bursts.
void bm_raw_encrypt_single(benchmark::State& state, std::string provider, Transform t, std::uint32_t size) {
  Fixture f(provider, t, size, false);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBurst; ++i) f.raw_provider->encrypt_burst({&f.ops[i], 1});
    benchmark::DoNotOptimize(f.ops[kBurst - 1].icv[0]);
  }
  set_rate(state, size);
}

void bm_encap(benchmark::State& state, std::string provider, Transform t, std::uint32_t size) {
  Fixture f(provider, t, size, false);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBurst; ++i) {
      f.reset_outbound(i);
      // The previous burst encrypted the inner header in place; put it back (20 bytes).
      std::memcpy(f.bufs[i].data() + kOutboundHeadroom, f.inner.data(), kIpv4HeaderLen);
    }
    f.dev->process(f.jobs);
    benchmark::DoNotOptimize(f.jobs[kBurst - 1].status);
  }
  if (f.jobs[0].status != Status::kOk) state.SkipWithError("encap failed");
  set_rate(state, size);
}

void bm_raw_encrypt(benchmark::State& state, std::string provider, Transform t, std::uint32_t size) {
  Fixture f(provider, t, size, false);
  for (auto _ : state) {
    f.raw_provider->encrypt_burst(f.ops);
    benchmark::DoNotOptimize(f.ops[kBurst - 1].icv[0]);
  }
  if (!f.ops[0].ok) state.SkipWithError("raw encrypt failed");
  set_rate(state, size);
}

void bm_decap(benchmark::State& state, std::string provider, Transform t, std::uint32_t size) {
  Fixture f(provider, t, size, true);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBurst; ++i) {
      f.restore(i);
      f.reset_inbound(i);
    }
    f.dev->process(f.jobs);
    benchmark::DoNotOptimize(f.jobs[kBurst - 1].status);
  }
  if (f.jobs[0].status != Status::kOk) state.SkipWithError("decap failed");
  set_rate(state, size);
}

void bm_raw_decrypt(benchmark::State& state, std::string provider, Transform t, std::uint32_t size) {
  Fixture f(provider, t, size, true);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBurst; ++i) f.restore(i);
    f.raw_provider->decrypt_burst(f.ops);
    benchmark::DoNotOptimize(f.ops[kBurst - 1].ok);
  }
  if (!f.ops[0].ok) state.SkipWithError("raw decrypt failed");
  set_rate(state, size);
}

void bm_copy(benchmark::State& state, std::uint32_t size) {
  Fixture f("openssl", Transform::kAesGcm16, size, true);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBurst; ++i) f.restore(i);
    benchmark::ClobberMemory();
  }
  set_rate(state, size);
}

// Collects every run so the summary can pair ESP with raw.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      // CPU time: the machine may be shared, and a preempted burst is not slower crypto.
      // With --benchmark_repetitions the fastest repetition stands for the row.
      const double ns = r.GetAdjustedCPUTime();
      auto [it, fresh] = ns_per_burst.emplace(r.run_name.function_name, ns);
      if (!fresh && ns < it->second) it->second = ns;
    }
  }
  std::map<std::string, double> ns_per_burst;
};

std::string key(const char* kind, const std::string& provider, const char* transform, std::uint32_t size) {
  return std::string(kind) + "/" + provider + "/" + transform + "/" + std::to_string(size);
}

void print_summary(const SummaryReporter& r, const std::vector<std::string>& providers) {
  auto gbps = [](double ns, std::uint32_t size) { return ns > 0 ? kBurst * size * 8.0 / ns : 0.0; };
  auto get = [&](const std::string& k) {
    auto it = r.ns_per_burst.find(k);
    return it == r.ns_per_burst.end() ? 0.0 : it->second;
  };
  std::printf("\nESP engine, one core, bursts of %zu, Gb/s of inner packet bytes\n", kBurst);
  std::printf("%-9s %-17s %5s | %8s %8s %6s | %8s %8s %6s %6s\n", "provider", "transform", "bytes", "raw-enc",
              "encap", "ratio", "raw-dec", "decap", "ratio", "ratio*");
  for (const auto& p : providers) {
    for (const auto& t : kTransforms) {
      for (std::uint32_t size : kSizes) {
        const double re = get(key("raw_encrypt", p, t.name, size)), en = get(key("encap", p, t.name, size));
        const double rd = get(key("raw_decrypt", p, t.name, size)), de = get(key("decap", p, t.name, size));
        if (re == 0 && en == 0 && rd == 0 && de == 0) continue;  // filtered out
        const double cp = get("copy/" + std::to_string(size));
        const double enc_ratio = en > 0 ? re / en : 0, dec_ratio = de > 0 ? rd / de : 0;
        // ratio*: decap vs raw with the restore copy subtracted from both.
        const double dec_net = de - cp > 0 ? (rd - cp) / (de - cp) : 0;
        std::printf("%-9s %-17s %5u | %8.2f %8.2f %5.0f%% | %8.2f %8.2f %5.0f%% %5.0f%%\n", p.c_str(), t.name, size,
                    gbps(re, size), gbps(en, size), 100 * enc_ratio, gbps(rd, size), gbps(de, size), 100 * dec_ratio,
                    100 * dec_net);
      }
    }
  }
  for (const auto& p : providers) {
    for (const auto& t : kTransforms) {
      const double one = get(key("raw_encrypt_single", p, t.name, 1420));
      const double burst = get(key("raw_encrypt", p, t.name, 1420));
      if (one > 0 && burst > 0) {
        std::printf("%-9s %-17s  1420 B raw encrypt one job per call: %6.2f Gb/s (bursts of %zu: %6.2f)\n", p.c_str(),
                    t.name, gbps(one, 1420), kBurst, gbps(burst, 1420));
      }
    }
  }
  std::printf("ratio = ESP Gb/s / raw crypto Gb/s of the same provider and bursts; ratio* = decap with the\n"
              "ciphertext-restoring memcpy (run \"copy\") subtracted from both sides. Goal: >= 80%% at 1420 B.\n");
}

}  // namespace
}  // namespace espgw::driver::cpu::bench

int main(int argc, char** argv) {
  using namespace espgw::driver::cpu::bench;
  using espgw::driver::cpu::make_ipsec_mb_provider;
  std::vector<std::string> providers = {"openssl"};
  std::string why;
  if (make_ipsec_mb_provider(&why)) {
    providers.insert(providers.begin(), "ipsec-mb");
  } else {
    std::fprintf(stderr, "esp_bench: ipsec-mb skipped: %s\n", why.c_str());
  }
  for (const auto& p : providers) {
    for (const auto& t : kTransforms) {
      for (std::uint32_t size : kSizes) {
        benchmark::RegisterBenchmark(key("raw_encrypt", p, t.name, size).c_str(), bm_raw_encrypt, p, t.transform, size);
        benchmark::RegisterBenchmark(key("encap", p, t.name, size).c_str(), bm_encap, p, t.transform, size);
        benchmark::RegisterBenchmark(key("raw_decrypt", p, t.name, size).c_str(), bm_raw_decrypt, p, t.transform, size);
        benchmark::RegisterBenchmark(key("decap", p, t.name, size).c_str(), bm_decap, p, t.transform, size);
      }
      benchmark::RegisterBenchmark(key("raw_encrypt_single", p, t.name, 1420).c_str(), bm_raw_encrypt_single, p,
                                   t.transform, 1420u);
    }
  }
  for (std::uint32_t size : kSizes) {
    benchmark::RegisterBenchmark(("copy/" + std::to_string(size)).c_str(), bm_copy, size);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter, providers);
  benchmark::Shutdown();
  return 0;
}
