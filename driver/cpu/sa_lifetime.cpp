// SA lifetimes (RFC 4301 4.4.2.1) on the data path, for both directions: byte and packet
// counts against the soft limit (one kSoftLifetime event: the daemon rekeys) and the hard
// limit (one kHardLifetime event, and the SA stops passing traffic).
#include "esp_framing.hpp"

namespace espgw::driver::cpu {

bool account_lifetime(CpuSa& sa, std::uint64_t inner_bytes, EventRing& events) {
  const Lifetime& life = sa.config.lifetime;
  const std::uint64_t packets = sa.packets.get() + 1;
  const std::uint64_t bytes = sa.bytes.get() + inner_bytes;
  if ((life.hard_packets && packets > life.hard_packets) || (life.hard_bytes && bytes > life.hard_bytes)) {
    if (!sa.hard_expired.exchange(true, std::memory_order_relaxed)) {
      events.push({SaEventKind::kHardLifetime, sa.handle, sa.config.spi});
    }
    return false;
  }
  sa.packets.add(1);
  sa.bytes.add(inner_bytes);
  if (!sa.soft_expired.load(std::memory_order_relaxed) &&
      ((life.soft_packets && packets >= life.soft_packets) || (life.soft_bytes && bytes >= life.soft_bytes))) {
    sa.soft_expired.store(true, std::memory_order_relaxed);
    events.push({SaEventKind::kSoftLifetime, sa.handle, sa.config.spi});
  }
  // Reaching a hard limit exactly stops the SA now, so the host hears about it without
  // waiting for one more packet.
  if ((life.hard_packets && packets >= life.hard_packets) || (life.hard_bytes && bytes >= life.hard_bytes)) {
    if (!sa.hard_expired.exchange(true, std::memory_order_relaxed)) {
      events.push({SaEventKind::kHardLifetime, sa.handle, sa.config.spi});
    }
  }
  return true;
}

}  // namespace espgw::driver::cpu
