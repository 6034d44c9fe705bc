// SA table operations behind the sa_cmd register, SPI lookup, counters and lifetimes.
// Key words arrive in the staging window, are expanded into round keys here and are then
// zeroed in both the window and the stored record (esp_regs.json: keys are never read back).
#include "hls/sa_table.hpp"

namespace espgw::hls {
namespace {

namespace w = rm::sa_word;
namespace fl = rm::sa_flag;

// sa_state bits (esp_regs.json sa_record.sa_state).
constexpr std::uint32_t kStateSoftFired = 1u << 0;
constexpr std::uint32_t kStateHardExpired = 1u << 1;
constexpr std::uint32_t kStateSeqExhausted = 1u << 2;

std::uint64_t join64(std::uint32_t lo, std::uint32_t hi) { return (std::uint64_t{hi} << 32) | lo; }

}  // namespace

bool sa_valid(const SaSlot& sa) { return (sa.rec[w::kFlags] & fl::kValid) != 0; }
bool sa_inbound(const SaSlot& sa) { return (sa.rec[w::kFlags] & fl::kInbound) != 0; }
bool sa_esn(const SaSlot& sa) { return (sa.rec[w::kFlags] & fl::kEsn) != 0; }
bool sa_udp(const SaSlot& sa) { return (sa.rec[w::kFlags] & fl::kUdpEncap) != 0; }
rm::Transform sa_transform(const SaSlot& sa) {
  return static_cast<rm::Transform>((sa.rec[w::kFlags] >> fl::kTransformShift) & fl::kTransformMask);
}
std::uint64_t sa_seq(const SaSlot& sa) { return join64(sa.rec[w::kSeqLo], sa.rec[w::kSeqHi]); }
void sa_set_seq(SaSlot& sa, std::uint64_t seq) {
  sa.rec[w::kSeqLo] = static_cast<std::uint32_t>(seq);
  sa.rec[w::kSeqHi] = static_cast<std::uint32_t>(seq >> 32);
}
bool sa_hard_expired(const SaSlot& sa) { return (sa.rec[w::kSaState] & kStateHardExpired) != 0; }

std::uint64_t sa_counter(const SaSlot& sa, rm::Counter c) {
  const std::uint32_t i = w::kCounters + 2 * static_cast<std::uint32_t>(c);
  return join64(sa.rec[i], sa.rec[i + 1]);
}

void sa_count(SaSlot& sa, rm::Counter c, std::uint64_t n) {
  const std::uint32_t i = w::kCounters + 2 * static_cast<std::uint32_t>(c);
  const std::uint64_t v = join64(sa.rec[i], sa.rec[i + 1]) + n;
  sa.rec[i] = static_cast<std::uint32_t>(v);
  sa.rec[i + 1] = static_cast<std::uint32_t>(v >> 32);
}

void event_push(EventFifo& f, rm::Event kind, std::uint32_t index) {
  if (f.count == kEventFifoDepth) {
    ++f.dropped;
    return;
  }
  f.e[(f.head + f.count) % kEventFifoDepth] = (static_cast<std::uint32_t>(kind) << 24) | (index & 0xFFFF);
  ++f.count;
}

std::uint32_t event_pop(EventFifo& f) {
  if (f.count == 0) return 0;
  const std::uint32_t v = f.e[f.head];
  f.head = (f.head + 1) % kEventFifoDepth;
  --f.count;
  return v;
}

bool sa_account_packet(KernelState& st, std::uint32_t index, std::uint32_t inner_bytes) {
  SaSlot& sa = st.sa[index];
  const std::uint64_t packets = sa_counter(sa, rm::Counter::kPackets) + 1;
  const std::uint64_t bytes = sa_counter(sa, rm::Counter::kBytes) + inner_bytes;
  const std::uint64_t soft_bytes = join64(sa.rec[w::kLifeSoftBytesLo], sa.rec[w::kLifeSoftBytesHi]);
  const std::uint64_t hard_bytes = join64(sa.rec[w::kLifeHardBytesLo], sa.rec[w::kLifeHardBytesHi]);
  const std::uint32_t soft_packets = sa.rec[w::kLifeSoftPackets];
  const std::uint32_t hard_packets = sa.rec[w::kLifeHardPackets];
  std::uint32_t& state = sa.rec[w::kSaState];
  auto stop = [&] {
    if (state & kStateHardExpired) return;
    state |= kStateHardExpired;
    event_push(st.events, rm::Event::kHardLifetime, index);
  };
  // RFC 4301 4.4.2.1: a packet that would take the SA past a hard limit is refused.
  if ((hard_packets != 0 && packets > hard_packets) || (hard_bytes != 0 && bytes > hard_bytes)) {
    stop();
    return false;
  }
  sa_count(sa, rm::Counter::kPackets, 1);
  sa_count(sa, rm::Counter::kBytes, inner_bytes);
  if (!(state & kStateSoftFired) &&
      ((soft_packets != 0 && packets >= soft_packets) || (soft_bytes != 0 && bytes >= soft_bytes))) {
    state |= kStateSoftFired;
    event_push(st.events, rm::Event::kSoftLifetime, index);
  }
  // Reaching a hard limit exactly stops the SA now, so the host hears of it at once.
  if ((hard_packets != 0 && packets >= hard_packets) || (hard_bytes != 0 && bytes >= hard_bytes)) stop();
  return true;
}

void sa_mark_seq_exhausted(KernelState& st, std::uint32_t index) {
  std::uint32_t& state = st.sa[index].rec[w::kSaState];
  if (state & kStateSeqExhausted) return;
  state |= kStateSeqExhausted;
  event_push(st.events, rm::Event::kSeqOverflow, index);
}

void sa_table_write(KernelState& st, std::uint32_t index) {
  if (index >= rm::kSaCapacity) return;
  SaSlot& sa = st.sa[index];
  if (sa_valid(sa)) sa_table_invalidate(st, index);  // overwriting a live slot replaces it
  std::uint32_t* stage = st.regs.stage;
  for (std::uint32_t i = 0; i < rm::kSaRecordWords; ++i) sa.rec[i] = stage[i];
  const bool key256 = (stage[w::kFlags] & fl::kKey256) != 0;
  aes_expand_key(stage + w::kEncKey, key256 ? 8 : 4, sa.aes);
  const std::uint8_t zero[16] = {};
  std::uint8_t h[16];
  aes_encrypt_block(sa.aes, zero, h);
  sa.ghash_h = block_from_bytes(h);
  for (std::uint32_t i = 0; i < w::kAuthInnerWords; ++i) sa.auth_inner[i] = stage[w::kAuthInner + i];
  for (std::uint32_t i = 0; i < w::kAuthOuterWords; ++i) sa.auth_outer[i] = stage[w::kAuthOuter + i];
  // Secrets leave the window and the readable record; state and counters start fresh.
  for (std::uint32_t i = w::kEncKey; i < w::kCounters; ++i) {
    sa.rec[i] = 0;
    stage[i] = 0;
  }
  sa.rec[w::kSaState] = 0;
  sa.rec[w::kReserved] = 0;
  for (std::uint32_t i = w::kCounters; i < rm::kSaRecordWords; ++i) sa.rec[i] = 0;
  // An inbound SA moved from another device (top != 0): every number at or below the top
  // counts as seen, so none is accepted twice; advancing the top clears the bits it passes.
  const bool carried = (sa.rec[w::kFlags] & fl::kInbound) && sa_seq(sa) != 0;
  for (std::uint32_t i = 0; i < rm::kReplayWindowMax / 32; ++i) st.replay[index].w[i] = carried ? ~0u : 0u;
  // A record whose transform the kernel does not implement never becomes valid.
  const rm::Transform t = sa_transform(sa);
  if (t != rm::Transform::kAesGcm16 && t != rm::Transform::kAesCbcHmacSha256 && t != rm::Transform::kAesCbcHmacSha1)
    sa.rec[w::kFlags] &= ~fl::kValid;
  if (sa_valid(sa) && sa_inbound(sa)) spi_index_insert(st.spis, sa.rec[w::kSpi], index);
}

void sa_table_read(KernelState& st, std::uint32_t index) {
  if (index >= rm::kSaCapacity) return;
  for (std::uint32_t i = 0; i < rm::kSaRecordWords; ++i) st.regs.stage[i] = st.sa[index].rec[i];
}

void sa_table_invalidate(KernelState& st, std::uint32_t index) {
  if (index >= rm::kSaCapacity) return;
  SaSlot& sa = st.sa[index];
  if (sa_valid(sa) && sa_inbound(sa) && spi_index_find(st.spis, sa.rec[w::kSpi]) == index)
    spi_index_erase(st.spis, sa.rec[w::kSpi]);
  for (std::uint32_t i = 0; i < rm::kSaRecordWords; ++i) sa.rec[i] = 0;
  aes_zeroize(sa.aes);
  sa.ghash_h = Block128{0, 0};
  for (std::uint32_t i = 0; i < w::kAuthInnerWords; ++i) sa.auth_inner[i] = 0;
  for (std::uint32_t i = 0; i < w::kAuthOuterWords; ++i) sa.auth_outer[i] = 0;
  for (std::uint32_t i = 0; i < rm::kReplayWindowMax / 32; ++i) st.replay[index].w[i] = 0;
}

void sa_table_reset(KernelState& st) {
  for (std::uint32_t i = 0; i < rm::kSaCapacity; ++i) sa_table_invalidate(st, i);
  spi_index_clear(st.spis);
}

std::uint32_t sa_table_lookup_spi(const KernelState& st, std::uint32_t spi) {
  const std::uint32_t slot = spi_index_find(st.spis, spi);
  return slot == kSpiNotFound ? kNoSlot : slot;
}

}  // namespace espgw::hls
