// CpuDevice: SA table management (install/remove/read with RCU-style reclamation) and the
// burst loop of process(). Framing is in esp_outbound.cpp / esp_inbound.cpp, crypto in the
// providers. See cpu_device.hpp for the threading contract.
#include "cpu_device.hpp"

#include <stdexcept>
#include <thread>

#include "backends.hpp"

namespace espgw::driver::cpu {
namespace {

constexpr std::uint32_t kEventRingEntries = 1024;
constexpr std::uint32_t kMinSpi = 256;  // 0 invalid, 1-255 reserved by IANA (RFC 4303 2.1)

std::uint32_t expected_auth_key_len(Transform t) {
  switch (t) {
    case Transform::kAesCbcHmacSha256: return 32;  // RFC 4868 2.1.1: key = output length
    case Transform::kAesCbcHmacSha1: return 20;    // RFC 2404 3
    case Transform::kAesGcm16: return 0;
  }
  return 0;
}

}  // namespace

CpuDevice::CpuDevice(std::unique_ptr<CryptoProvider> provider, std::uint32_t sa_capacity)
    : provider_(std::move(provider)),
      capacity_(sa_capacity),
      slots_(std::make_unique<std::atomic<CpuSa*>[]>(sa_capacity)),
      owned_(sa_capacity),
      spi_owned_(std::make_unique<SpiTable>(sa_capacity)),
      events_(kEventRingEntries) {
  for (std::uint32_t i = 0; i < capacity_; ++i) slots_[i].store(nullptr, std::memory_order_relaxed);
  spi_table_.store(spi_owned_.get(), std::memory_order_release);
}

CpuDevice::~CpuDevice() = default;  // CpuSa destructors zeroize every key copy

DeviceInfo CpuDevice::info() const {
  DeviceInfo i;
  i.backend = "cpu";
  i.device = "cpu: " + provider_->description();
  i.provider = provider_->name();
  i.sa_capacity = capacity_;
  i.max_replay_window = regmap::kReplayWindowMax;
  return i;
}

Status CpuDevice::validate(const SaConfig& c) {
  if (c.transform != Transform::kAesCbcHmacSha256 && c.transform != Transform::kAesCbcHmacSha1 &&
      c.transform != Transform::kAesGcm16) {
    return Status::kInvalidConfig;
  }
  if (c.direction != Direction::kOutbound && c.direction != Direction::kInbound) return Status::kInvalidConfig;
  if (c.enc_key.size() != 16 && c.enc_key.size() != 32) return Status::kInvalidConfig;
  if (c.auth_key.size() != expected_auth_key_len(c.transform)) return Status::kInvalidConfig;
  if (c.spi < kMinSpi) return Status::kInvalidConfig;
  if (c.replay_window > regmap::kReplayWindowMax) return Status::kInvalidConfig;
  if (c.ttl == 0) return Status::kInvalidConfig;
  if (c.df != DfPolicy::kCopy && c.df != DfPolicy::kSet && c.df != DfPolicy::kClear) return Status::kInvalidConfig;
  if (c.udp_encap && (c.udp_encap->src_port == 0 || c.udp_encap->dst_port == 0)) return Status::kInvalidConfig;
  if (!c.esn && c.initial_seq > 0xFFFFFFFFull) return Status::kInvalidConfig;
  return Status::kOk;
}

InstallResult CpuDevice::install_sa(const SaConfig& config) {
  if (Status s = validate(config); s != Status::kOk) return {s, kNoSa};
  std::lock_guard lock(control_mutex_);
  const bool inbound = config.direction == Direction::kInbound;
  if (inbound && spi_owned_->find(config.spi) != SpiTable::kNotFound) return {Status::kSpiInUse, kNoSa};
  SaHandle h = kNoSa;
  for (std::uint32_t i = 0; i < capacity_; ++i) {
    if (!owned_[i]) {
      h = i;
      break;
    }
  }
  if (h == kNoSa) return {Status::kTableFull, kNoSa};

  auto sa = std::make_unique<CpuSa>();
  sa->handle = h;
  sa->crypto = provider_->make_sa(config.transform, config.enc_key.view(), config.auth_key.view(), config.salt,
                                  config.direction);
  if (!sa->crypto) return {Status::kInvalidConfig, kNoSa};
  sa->config = config;
  sa->config.enc_key.clear();  // the only key copies left are inside the provider's SaCrypto
  sa->config.auth_key.clear();
  const bool gcm = config.transform == Transform::kAesGcm16;
  sa->iv_len = gcm ? kGcmIvLen : kCbcIvLen;
  sa->icv_len = sa->crypto->icv_len();
  sa->align = gcm ? 4 : kCbcBlock;
  sa->outer_len = kIpv4HeaderLen + (config.udp_encap ? kUdpHeaderLen : 0);
  const std::uint32_t proto = config.udp_encap ? kIpProtoUdp : kIpProtoEsp;
  sa->outer_csum_base = 0x4500u + (std::uint32_t{config.ttl} << 8 | proto) + (config.tunnel_src >> 16) +
                        (config.tunnel_src & 0xFFFF) + (config.tunnel_dst >> 16) + (config.tunnel_dst & 0xFFFF);
  sa->seq.store(config.initial_seq, std::memory_order_relaxed);
  // Inbound, initial_seq is the replay window's top carried over from another device.
  if (inbound) sa->replay = std::make_unique<ReplayWindow>(config.replay_window, config.esn, config.initial_seq);

  // Publish: the slot first, then the SPI, so a lookup never finds an empty slot.
  slots_[h].store(sa.get(), std::memory_order_release);
  if (inbound) {
    if (spi_owned_->tombstones() > capacity_) {
      // Too many deleted entries lengthen misses: rebuild into a fresh table, publish it,
      // and free the old one once no process() call can still be reading it.
      auto fresh = std::make_unique<SpiTable>(capacity_);
      for (std::uint32_t i = 0; i < capacity_; ++i) {
        if (owned_[i] && owned_[i]->config.direction == Direction::kInbound) fresh->insert(owned_[i]->config.spi, i);
      }
      spi_table_.store(fresh.get(), std::memory_order_seq_cst);
      wait_quiescent();
      spi_owned_ = std::move(fresh);
    }
    if (!spi_owned_->insert(config.spi, h)) {
      slots_[h].store(nullptr, std::memory_order_seq_cst);
      wait_quiescent();
      return {Status::kTableFull, kNoSa};
    }
  }
  owned_[h] = std::move(sa);
  return {Status::kOk, h};
}

void CpuDevice::wait_quiescent() const {
  // process() makes the epoch odd for the length of one burst. If it is even now, any later
  // burst starts after our unpublishing store and cannot see the old pointer; if odd, the
  // burst that might hold it ends within one burst's time. Idle never waits.
  const std::uint64_t e = epoch_.load(std::memory_order_seq_cst);
  if ((e & 1) == 0) return;
  while (epoch_.load(std::memory_order_seq_cst) == e) std::this_thread::yield();
}

Status CpuDevice::remove_sa(SaHandle handle) {
  std::lock_guard lock(control_mutex_);
  if (handle >= capacity_ || !owned_[handle]) return Status::kBadSa;
  CpuSa& sa = *owned_[handle];
  if (sa.config.direction == Direction::kInbound) spi_owned_->erase(sa.config.spi);
  slots_[handle].store(nullptr, std::memory_order_seq_cst);
  wait_quiescent();
  owned_[handle].reset();  // ~SaCrypto zeroizes key schedules, GCM tables, HMAC states
  return Status::kOk;
}

std::optional<SaState> CpuDevice::read_sa(SaHandle handle) const {
  std::lock_guard lock(control_mutex_);
  if (handle >= capacity_ || !owned_[handle]) return std::nullopt;
  const CpuSa& sa = *owned_[handle];
  const SaConfig& c = sa.config;
  SaState s;
  s.spi = c.spi;
  s.direction = c.direction;
  s.transform = c.transform;
  s.key_bits = sa.crypto->key_len() * 8;
  s.tunnel_src = c.tunnel_src;
  s.tunnel_dst = c.tunnel_dst;
  s.udp_encap = c.udp_encap;
  s.esn = c.esn;
  s.replay_window = c.direction == Direction::kInbound ? c.replay_window : 0;
  s.seq = c.direction == Direction::kInbound ? sa.replay->top() : sa.seq.load(std::memory_order_relaxed);
  s.lifetime = c.lifetime;
  s.selector = c.selector;
  s.counters.packets = sa.packets.get();
  s.counters.bytes = sa.bytes.get();
  s.counters.auth_fails = sa.auth_fails.get();
  s.counters.replay_fails = sa.replay_fails.get();
  s.counters.pad_fails = sa.pad_fails.get();
  s.counters.policy_fails = sa.policy_fails.get();
  s.counters.other_drops = sa.other_drops.get();
  s.soft_expired = sa.soft_expired.load(std::memory_order_relaxed);
  s.hard_expired = sa.hard_expired.load(std::memory_order_relaxed);
  return s;
}

std::vector<SaHandle> CpuDevice::list_sas() const {
  std::lock_guard lock(control_mutex_);
  std::vector<SaHandle> out;
  for (std::uint32_t i = 0; i < capacity_; ++i) {
    if (owned_[i]) out.push_back(i);
  }
  return out;
}

std::size_t CpuDevice::poll_events(std::span<SaEvent> out) {
  std::lock_guard lock(events_mutex_);
  return events_.pop(out);
}

EspDevice::DeviceCounters CpuDevice::device_counters() const {
  return {bad_spi_.get(), malformed_.get(), bad_sa_.get()};
}

void CpuDevice::process(std::span<PacketJob> jobs) {
  for (std::size_t i = 0; i < jobs.size(); i += kBurst) {
    process_burst(jobs.subspan(i, std::min(kBurst, jobs.size() - i)));
  }
}

void CpuDevice::process_burst(std::span<PacketJob> jobs) {
  epoch_.fetch_add(1, std::memory_order_seq_cst);  // odd: SA pointers are in use
  const SpiTable* spis = spi_table_.load(std::memory_order_seq_cst);
  std::size_t n_out = 0, n_in = 0;

  // Phase 1: framing prepares each job; failures are final here.
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    PacketJob& job = jobs[i];
    job.status = Status::kOk;
    if (job.direction == Direction::kOutbound) {
      CpuSa* sa = job.sa < capacity_ ? slots_[job.sa].load(std::memory_order_acquire) : nullptr;
      if (sa == nullptr || sa->config.direction != Direction::kOutbound) {
        job.status = Status::kBadSa;
        bad_sa_.add(1);
        continue;
      }
      job.status = outbound_prepare(*sa, job, out_ops_[n_out], events_);
      if (job.status == Status::kOk) {
        out_sa_[n_out] = sa;
        out_index_[n_out++] = static_cast<std::uint32_t>(i);
      }
    } else if (job.direction == Direction::kInbound) {
      job.sa = kNoSa;
      EspView& view = in_view_[n_in];
      job.status = inbound_parse(job, &view);
      if (job.status != Status::kOk) {
        malformed_.add(1);
        continue;
      }
      const std::uint32_t h = spis->find(view.spi);
      CpuSa* sa = h < capacity_ ? slots_[h].load(std::memory_order_acquire) : nullptr;
      if (sa == nullptr) {
        job.status = Status::kBadSpi;
        bad_spi_.add(1);
        continue;
      }
      job.sa = h;
      job.status = inbound_prepare(*sa, job, view, in_ops_[n_in]);
      if (job.status == Status::kOk) {
        in_sa_[n_in] = sa;
        in_index_[n_in++] = static_cast<std::uint32_t>(i);
      }
    } else {
      job.status = Status::kMalformed;
      malformed_.add(1);
    }
  }

  // Phase 2: one provider burst per direction.
  if (n_out) provider_->encrypt_burst(std::span(out_ops_.data(), n_out));
  if (n_in) provider_->decrypt_burst(std::span(in_ops_.data(), n_in));

  // Phase 3: finalize, in job order within each direction (replay updates stay ordered).
  for (std::size_t k = 0; k < n_out; ++k) {
    PacketJob& job = jobs[out_index_[k]];
    outbound_finalize(*out_sa_[k], job, out_ops_[k]);
  }
  for (std::size_t k = 0; k < n_in; ++k) {
    PacketJob& job = jobs[in_index_[k]];
    job.status = inbound_finalize(*in_sa_[k], job, in_view_[k], in_ops_[k], events_);
  }
  epoch_.fetch_add(1, std::memory_order_seq_cst);  // even: quiescent
}

}  // namespace espgw::driver::cpu

namespace espgw::driver {

std::unique_ptr<EspDevice> make_cpu_device(const DeviceOptions& options) {
  if (options.sa_capacity == 0) throw std::runtime_error("cpu backend: sa_capacity must be at least 1");
  return std::make_unique<cpu::CpuDevice>(cpu::make_provider(options.provider), options.sa_capacity);
}

}  // namespace espgw::driver
