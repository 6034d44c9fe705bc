// CpuSa: one installed SA as the CPU backend holds it: the configuration without keys, the
// provider's precomputed key material, and the live state the data path updates (sequence
// number, replay window, lifetimes, counters). Live fields are single-writer atomics written
// by process() with relaxed stores, so read_sa() on another thread sees whole values.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "crypto_provider.hpp"
#include "espgw/driver/esp_device.hpp"
#include "replay_window.hpp"

namespace espgw::driver::cpu {

// A counter with one writer: a plain load+store (no locked read-modify-write) is enough.
class Counter {
 public:
  void add(std::uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  void sub(std::uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed); }
  std::uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

struct CpuSa {
  SaHandle handle = kNoSa;
  SaConfig config;  // enc_key and auth_key cleared after install
  std::unique_ptr<SaCrypto> crypto;
  std::unique_ptr<ReplayWindow> replay;  // inbound only

  // Framing constants, fixed at install.
  std::uint32_t iv_len = 0;     // 16 CBC, 8 GCM
  std::uint32_t icv_len = 0;    // 16, or 12 for HMAC-SHA1-96
  std::uint32_t align = 0;      // padding alignment, a power of two: 16 CBC (block), 4 GCM (RFC 4303 2.4)
  std::uint32_t outer_len = 0;  // outer IPv4 (+ UDP) header bytes
  // One's-complement sum of the outer IPv4 header words that never change (version/IHL,
  // TTL/protocol, addresses): per packet only TOS, length, ID and DF are added. Summing
  // values instead of re-reading the bytes just stored avoids store-forwarding stalls.
  std::uint32_t outer_csum_base = 0;

  // Live state.
  std::atomic<std::uint64_t> seq{0};  // outbound: last sequence number used
  Counter packets, bytes, auth_fails, replay_fails, pad_fails, policy_fails, other_drops;
  std::atomic<bool> soft_expired{false};
  std::atomic<bool> hard_expired{false};
  bool overflow_reported = false;  // data path only

  void count_drop(Status s) {
    switch (s) {
      case Status::kAuthFail: auth_fails.add(1); break;
      case Status::kReplay: replay_fails.add(1); break;
      case Status::kBadPad:
      case Status::kBadNextHeader: pad_fails.add(1); break;
      case Status::kPolicyFail: policy_fails.add(1); break;
      default: other_drops.add(1); break;
    }
  }
};

}  // namespace espgw::driver::cpu
