// libFuzzer target for inbound ESP (RFC 4303 tunnel mode, RFC 3948 UDP, RFC 4304 ESN):
// each input is split into a burst of outer IPv4 datagrams and decapsulated by the cpu
// backend with both crypto providers, which must agree job for job; every job must get an
// inbound status, stay inside its buffer, and be counted exactly once.
// Input format: repeated [u16 big-endian length][bytes]; the last chunk takes what is left.
// Seeds: tests/fuzz/corpus/fuzz_esp_inbound (tests/conformance/gen_fuzz_corpus.py, same SAs).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "espgw/driver/esp_device.hpp"

namespace {

using namespace espgw::driver;

struct FuzzSa {
  std::uint32_t spi;
  Transform transform;
  std::size_t key_bytes;
  bool esn;
  bool udp;
  std::uint32_t window;
  std::uint64_t hard_packets;
};

// Keep in step with tests/conformance/gen_fuzz_corpus.py (SAS).
constexpr FuzzSa kSas[] = {
    {0x1001, Transform::kAesCbcHmacSha256, 16, false, false, 0, 0},
    {0x1002, Transform::kAesCbcHmacSha256, 32, true, false, 64, 0},
    {0x1003, Transform::kAesCbcHmacSha1, 16, false, false, 0, 5000},
    {0x1004, Transform::kAesCbcHmacSha1, 32, false, false, 4096, 0},
    {0x1005, Transform::kAesGcm16, 16, false, false, 0, 0},
    {0x1006, Transform::kAesGcm16, 32, true, false, 0, 0},
    {0x1007, Transform::kAesGcm16, 32, false, true, 0, 0},
};
constexpr std::size_t kSaCount = sizeof(kSas) / sizeof(kSas[0]);
constexpr std::size_t kMaxBurst = 8;

[[noreturn]] void fail(const char* what, std::size_t job) {
  std::fprintf(stderr, "fuzz_esp_inbound: %s (job %zu)\n", what, job);
  std::abort();
}

SaConfig config(const FuzzSa& s) {
  SaConfig c;
  c.spi = s.spi;
  c.direction = Direction::kInbound;
  c.tunnel_src = 0xC0000201;  // 192.0.2.1
  c.tunnel_dst = 0xC6336402;  // 198.51.100.2
  if (s.udp) c.udp_encap = UdpEncap{4500, 4500};
  c.transform = s.transform;
  std::vector<std::uint8_t> key(s.key_bytes);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(s.spi * 7 + i);
  c.enc_key = espgw::SecretBytes(key);
  if (s.transform != Transform::kAesGcm16) {
    std::vector<std::uint8_t> auth(s.transform == Transform::kAesCbcHmacSha1 ? 20 : 32);
    for (std::size_t i = 0; i < auth.size(); ++i) auth[i] = static_cast<std::uint8_t>(s.spi * 13 + 0x80 + i);
    c.auth_key = espgw::SecretBytes(auth);
  } else {
    c.salt = 0x01020304u + s.spi;
  }
  c.esn = s.esn;
  c.replay_window = s.window;
  c.lifetime.hard_packets = s.hard_packets;
  c.lifetime.soft_packets = s.hard_packets / 2;
  c.selector = {0x0A010100, 0xFFFFFF00, 0x0A020200, 0xFFFFFF00, 0, 0, 0xFFFF, 0, 0xFFFF};
  return c;
}

struct Device {
  std::unique_ptr<EspDevice> dev;
  SaHandle handles[kSaCount];

  explicit Device(const char* provider) {
    DeviceOptions o;
    o.backend = "cpu";
    o.provider = provider;
    o.sa_capacity = 64;
    dev = make_device(o);
    for (std::size_t i = 0; i < kSaCount; ++i) {
      auto r = dev->install_sa(config(kSas[i]));
      if (r.status != Status::kOk) fail("install_sa refused a fuzz SA", i);
      handles[i] = r.handle;
    }
  }
  // Jobs the device has accounted for: per-SA successes and drops plus its own drops.
  std::uint64_t accounted() const {
    auto d = dev->device_counters();
    std::uint64_t n = d.bad_spi + d.malformed + d.bad_sa;
    for (auto h : handles) {
      auto s = dev->read_sa(h);
      if (!s) fail("an installed SA vanished", 0);
      n += s->counters.packets + s->counters.errors();
    }
    return n;
  }
  bool owns(SaHandle h) const {
    for (auto x : handles)
      if (x == h) return true;
    return false;
  }
};

bool inbound_status(Status s) {
  switch (s) {
    case Status::kOk:
    case Status::kAuthFail:
    case Status::kReplay:
    case Status::kBadSpi:
    case Status::kBadPad:
    case Status::kBadNextHeader:
    case Status::kPolicyFail:
    case Status::kLifetimeExpired:
    case Status::kMalformed:
      return true;
    default:
      return false;
  }
}

// Each job's packet sits in its own exactly sized heap buffer, so ASan sees any stray write.
struct Burst {
  std::vector<std::unique_ptr<std::uint8_t[]>> bufs;
  std::vector<PacketJob> jobs;
  std::vector<std::uint32_t> sizes;

  void add(const std::uint8_t* p, std::size_t n, std::uint32_t offset) {
    const std::size_t cap = offset + n;
    auto b = std::make_unique<std::uint8_t[]>(cap == 0 ? 1 : cap);
    if (n) std::memcpy(b.get() + offset, p, n);
    PacketJob j;
    j.direction = Direction::kInbound;
    j.buffer = b.get();
    j.capacity = static_cast<std::uint32_t>(cap);
    j.offset = offset;
    j.length = static_cast<std::uint32_t>(n);
    jobs.push_back(j);
    sizes.push_back(static_cast<std::uint32_t>(n));
    bufs.push_back(std::move(b));
  }
};

void check(const Device& d, const Burst& b, std::uint64_t accounted_before) {
  for (std::size_t k = 0; k < b.jobs.size(); ++k) {
    const PacketJob& j = b.jobs[k];
    if (!inbound_status(j.status)) fail("status outside the inbound set", k);
    if (j.status != Status::kOk) continue;
    const std::uint32_t in_off = k % 2 ? 5 : 0;
    if (j.offset < in_off || std::uint64_t{j.offset} + j.length > std::uint64_t{in_off} + b.sizes[k])
      fail("ok job points outside its input", k);
    if (j.length < 20 || (j.buffer[j.offset] >> 4) != 4) fail("ok job is not an IPv4 packet", k);
    if (!d.owns(j.sa)) fail("ok job names no installed SA", k);
  }
  if (d.accounted() - accounted_before != b.jobs.size()) fail("jobs not counted exactly once", 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Device openssl("openssl");
  static Device ipsec_mb("ipsec-mb");

  Burst a, b;
  std::size_t pos = 0;
  while (pos < size && a.jobs.size() < kMaxBurst) {
    std::size_t len = size - pos;
    if (size - pos >= 2 && a.jobs.size() + 1 < kMaxBurst) {
      len = static_cast<std::size_t>(data[pos] << 8 | data[pos + 1]);
      pos += 2;
      if (len > size - pos) len = size - pos;
    }
    const std::uint32_t offset = a.jobs.size() % 2 ? 5 : 0;
    a.add(data + pos, len, offset);
    b.add(data + pos, len, offset);
    pos += len;
  }
  if (a.jobs.empty()) return 0;

  const std::uint64_t before_a = openssl.accounted(), before_b = ipsec_mb.accounted();
  openssl.dev->process(a.jobs);
  ipsec_mb.dev->process(b.jobs);
  check(openssl, a, before_a);
  check(ipsec_mb, b, before_b);
  for (std::size_t k = 0; k < a.jobs.size(); ++k) {
    const PacketJob &x = a.jobs[k], &y = b.jobs[k];
    if (x.status != y.status) fail("providers disagree on status", k);
#ifdef ESPGW_FUZZ_TRACE  // -DESPGW_FUZZ_TRACE: print each job's status (to check the seeds decrypt)
    std::fprintf(stderr, "job %zu: %s\n", k, std::string(espgw::regmap::to_string(x.status)).c_str());
#endif
    if (x.status != Status::kOk) continue;
    if (x.offset != y.offset || x.length != y.length || x.seq != y.seq ||
        std::memcmp(x.buffer + x.offset, y.buffer + y.offset, x.length) != 0)
      fail("providers disagree on the inner packet", k);
  }
  SaEvent events[16];
  while (openssl.dev->poll_events(events) > 0) {
  }
  while (ipsec_mb.dev->poll_events(events) > 0) {
  }
  return 0;
}
