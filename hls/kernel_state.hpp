// What the ESP kernel keeps on chip between invocations: the control registers, the SA
// table (records, expanded AES keys, GHASH subkeys), the replay bitmaps, the event FIFO
// and one packet buffer. Under Vitis HLS these become BRAM/URAM; in C-simulation the
// transport owns one instance per device. Layouts come from esp_hls_regmap.
#pragma once

#include <cstdint>

#include "espgw/regmap/esp_hls_regmap.hpp"
#include "hls/aes.hpp"
#include "hls/ghash.hpp"
#include "hls/spi_index.hpp"

namespace espgw::hls {

namespace rm = ::esp_hls_regmap;

struct SaSlot {
  // The record as the host wrote it, with key words and HMAC states moved out (below)
  // and zeroed here, so the read path can never return them. Counters live in words 48-63.
  std::uint32_t rec[rm::kSaRecordWords];
  AesKey aes;                         // round keys, expanded at install
  Block128 ghash_h;                   // GCM: H = AES_K(0^128)
  std::uint32_t auth_inner[rm::sa_word::kAuthInnerWords];
  std::uint32_t auth_outer[rm::sa_word::kAuthOuterWords];
};

// One bit per sequence number, indexed by seq mod kReplayWindowMax (RFC 4303 App. A2.1,
// the bit-ring form): advancing the top clears the bits it passes over.
struct ReplayBits {
  std::uint32_t w[rm::kReplayWindowMax / 32];
};

// Each SA raises at most three events per install (soft, hard, seq overflow), so twice the
// SA capacity never overflows in practice; a full FIFO drops and counts the event.
inline constexpr std::uint32_t kEventFifoDepth = 2 * rm::kSaCapacity;

struct EventFifo {
  std::uint32_t e[kEventFifoDepth];
  std::uint32_t head;
  std::uint32_t count;
  std::uint32_t dropped;
};

struct ControlRegs {
  std::uint32_t ctrl;
  std::uint32_t sa_index;
  std::uint32_t desc_ring_lo, desc_ring_hi;
  std::uint32_t cmpl_ring_lo, cmpl_ring_hi;
  std::uint32_t ring_size;
  std::uint32_t desc_tail;  // free-running; slot = index % ring_size
  std::uint32_t desc_head;
  std::uint32_t cmpl_tail;
  std::uint32_t stage[rm::kSaRecordWords];
};

// The descriptor's 16-bit capacity field bounds every packet buffer.
inline constexpr std::uint32_t kMaxBufferBytes = 65535;

struct KernelState {
  ControlRegs regs;
  SaSlot sa[rm::kSaCapacity];
  ReplayBits replay[rm::kSaCapacity];
  SpiIndex spis;  // inbound SPI -> slot
  EventFifo events;
  std::uint8_t pkt[kMaxBufferBytes + 1];
};

// One packet job as the descriptor-fetch stage decodes it.
struct Job {
  std::uint64_t buf_addr;
  std::uint32_t offset;
  std::uint32_t length;
  std::uint32_t capacity;
  std::uint32_t inbound;
  std::uint32_t sa_index;
  std::uint32_t cookie;
};

// One result on its way to the completion ring.
struct JobResult {
  std::uint32_t status;
  std::uint32_t sa_index;  // 0xFFFF when no SA was found
  std::uint32_t offset;
  std::uint32_t length;
  std::uint32_t cookie;
  std::uint64_t seq;
  std::uint32_t seq_valid;  // a failed inbound job that had passed the replay check
};

inline constexpr std::uint32_t kNoSlot = 0xFFFF;

inline std::uint32_t status_code(rm::Status s) { return static_cast<std::uint32_t>(s); }

}  // namespace espgw::hls
