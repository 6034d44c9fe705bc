// Packing SaConfig into the regmap's SA record and back. HMAC keys are reduced to the
// SHA state after one compression of K xor ipad / K xor opad (RFC 2104 section 4), which
// is what the kernel resumes from; OpenSSL's SHA contexts expose exactly that state.
#define OPENSSL_SUPPRESS_DEPRECATED  // SHA*_Init/Update: the only API that exposes midstates
#include "driver/hw/sa_record.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace espgw::driver::hw {
namespace {

namespace w = regmap::sa_word;
namespace fl = regmap::sa_flag;

constexpr std::size_t kHmacBlock = 64;
constexpr std::uint32_t kMinSpi = 256;  // 0 invalid, 1-255 reserved by IANA (RFC 4303 2.1)
constexpr std::uint32_t kCounterWords = 2;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// K padded (or hashed, if longer than a block) to 64 bytes, RFC 2104 section 2.
void hmac_block_key(Transform t, std::span<const std::uint8_t> key, std::uint8_t out[kHmacBlock]) {
  std::memset(out, 0, kHmacBlock);
  if (key.size() > kHmacBlock) {
    if (t == Transform::kAesCbcHmacSha1)
      SHA1(key.data(), key.size(), out);
    else
      SHA256(key.data(), key.size(), out);
  } else if (!key.empty()) {
    std::memcpy(out, key.data(), key.size());
  }
}

void hmac_midstates(Transform t, std::span<const std::uint8_t> key, SaRecord& r) {
  std::uint8_t k[kHmacBlock], pad[kHmacBlock];
  hmac_block_key(t, key, k);
  for (int side = 0; side < 2; ++side) {
    const std::uint8_t x = side == 0 ? 0x36 : 0x5c;
    for (std::size_t i = 0; i < kHmacBlock; ++i) pad[i] = k[i] ^ x;
    const std::uint32_t base = side == 0 ? w::kAuthInner : w::kAuthOuter;
    if (t == Transform::kAesCbcHmacSha1) {
      SHA_CTX c;
      SHA1_Init(&c);
      SHA1_Update(&c, pad, kHmacBlock);
      const std::uint32_t h[5] = {c.h0, c.h1, c.h2, c.h3, c.h4};
      for (int i = 0; i < 5; ++i) r[base + i] = h[i];
      OPENSSL_cleanse(&c, sizeof c);
    } else {
      SHA256_CTX c;
      SHA256_Init(&c);
      SHA256_Update(&c, pad, kHmacBlock);
      for (int i = 0; i < 8; ++i) r[base + i] = c.h[i];
      OPENSSL_cleanse(&c, sizeof c);
    }
  }
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
}

std::uint64_t join64(std::uint32_t lo, std::uint32_t hi) { return (std::uint64_t{hi} << 32) | lo; }

}  // namespace

Status validate_sa(const SaConfig& c, std::uint32_t max_replay_window) {
  const std::size_t enc = c.enc_key.size();
  if (enc != 16 && enc != 32) return Status::kInvalidConfig;
  switch (c.transform) {
    case Transform::kAesGcm16:
      if (!c.auth_key.empty()) return Status::kInvalidConfig;
      break;
    case Transform::kAesCbcHmacSha256:
      if (c.auth_key.size() != 32) return Status::kInvalidConfig;
      break;
    case Transform::kAesCbcHmacSha1:
      if (c.auth_key.size() != 20) return Status::kInvalidConfig;
      break;
    default:
      return Status::kInvalidConfig;
  }
  if (c.direction != Direction::kOutbound && c.direction != Direction::kInbound) return Status::kInvalidConfig;
  if (c.spi < kMinSpi) return Status::kInvalidConfig;
  if (c.replay_window > max_replay_window) return Status::kInvalidConfig;
  if (c.ttl == 0) return Status::kInvalidConfig;
  if (c.df != DfPolicy::kCopy && c.df != DfPolicy::kSet && c.df != DfPolicy::kClear) return Status::kInvalidConfig;
  if (c.udp_encap && (c.udp_encap->src_port == 0 || c.udp_encap->dst_port == 0)) return Status::kInvalidConfig;
  if (!c.esn && c.initial_seq > 0xFFFFFFFFull) return Status::kInvalidConfig;
  // Packet lifetimes are one record word each.
  if (c.lifetime.soft_packets > 0xFFFFFFFFull || c.lifetime.hard_packets > 0xFFFFFFFFull) return Status::kInvalidConfig;
  return Status::kOk;
}

SaRecord pack_sa(const SaConfig& c) {
  SaRecord r{};
  std::uint32_t flags = fl::kValid;
  if (c.direction == Direction::kInbound) flags |= fl::kInbound;
  if (c.esn) flags |= fl::kEsn;
  if (c.udp_encap) flags |= fl::kUdpEncap;
  flags |= (static_cast<std::uint32_t>(c.transform) & fl::kTransformMask) << fl::kTransformShift;
  flags |= (static_cast<std::uint32_t>(c.df) & fl::kDfMask) << fl::kDfShift;
  flags |= (std::uint32_t{c.ttl} & fl::kTtlMask) << fl::kTtlShift;
  if (c.enc_key.size() == 32) flags |= fl::kKey256;
  r[w::kFlags] = flags;
  r[w::kSpi] = c.spi;
  r[w::kTunnelSrc] = c.tunnel_src;
  r[w::kTunnelDst] = c.tunnel_dst;
  if (c.udp_encap) r[w::kUdpPorts] = (std::uint32_t{c.udp_encap->src_port} << 16) | c.udp_encap->dst_port;
  r[w::kSalt] = c.salt;
  r[w::kReplayWindow] = c.replay_window;
  r[w::kSeqLo] = static_cast<std::uint32_t>(c.initial_seq);
  r[w::kSeqHi] = static_cast<std::uint32_t>(c.initial_seq >> 32);
  r[w::kLifeSoftBytesLo] = static_cast<std::uint32_t>(c.lifetime.soft_bytes);
  r[w::kLifeSoftBytesHi] = static_cast<std::uint32_t>(c.lifetime.soft_bytes >> 32);
  r[w::kLifeHardBytesLo] = static_cast<std::uint32_t>(c.lifetime.hard_bytes);
  r[w::kLifeHardBytesHi] = static_cast<std::uint32_t>(c.lifetime.hard_bytes >> 32);
  r[w::kLifeSoftPackets] = static_cast<std::uint32_t>(c.lifetime.soft_packets);
  r[w::kLifeHardPackets] = static_cast<std::uint32_t>(c.lifetime.hard_packets);
  const TrafficSelector& s = c.selector;
  r[w::kSelSrcAddr] = s.src_addr;
  r[w::kSelSrcMask] = s.src_mask;
  r[w::kSelDstAddr] = s.dst_addr;
  r[w::kSelDstMask] = s.dst_mask;
  r[w::kSelProtoPorts] = s.protocol;
  r[w::kSelSrcPorts] = (std::uint32_t{s.src_port_lo} << 16) | s.src_port_hi;
  r[w::kSelDstPorts] = (std::uint32_t{s.dst_port_lo} << 16) | s.dst_port_hi;
  const auto key = c.enc_key.view();
  for (std::size_t i = 0; i + 4 <= key.size(); i += 4) r[w::kEncKey + i / 4] = be32(key.data() + i);
  if (c.transform != Transform::kAesGcm16) hmac_midstates(c.transform, c.auth_key.view(), r);
  return r;
}

void zeroize_record(SaRecord& record) { OPENSSL_cleanse(record.data(), sizeof(std::uint32_t) * record.size()); }

SaState unpack_sa(const SaRecord& r) {
  SaState s;
  const std::uint32_t flags = r[w::kFlags];
  s.spi = r[w::kSpi];
  s.direction = (flags & fl::kInbound) ? Direction::kInbound : Direction::kOutbound;
  s.transform = static_cast<Transform>((flags >> fl::kTransformShift) & fl::kTransformMask);
  s.key_bits = (flags & fl::kKey256) ? 256 : 128;
  s.tunnel_src = r[w::kTunnelSrc];
  s.tunnel_dst = r[w::kTunnelDst];
  if (flags & fl::kUdpEncap)
    s.udp_encap = UdpEncap{static_cast<std::uint16_t>(r[w::kUdpPorts] >> 16), static_cast<std::uint16_t>(r[w::kUdpPorts])};
  s.esn = (flags & fl::kEsn) != 0;
  s.replay_window = r[w::kReplayWindow];
  s.seq = join64(r[w::kSeqLo], r[w::kSeqHi]);
  s.lifetime.soft_bytes = join64(r[w::kLifeSoftBytesLo], r[w::kLifeSoftBytesHi]);
  s.lifetime.hard_bytes = join64(r[w::kLifeHardBytesLo], r[w::kLifeHardBytesHi]);
  s.lifetime.soft_packets = r[w::kLifeSoftPackets];
  s.lifetime.hard_packets = r[w::kLifeHardPackets];
  TrafficSelector& sel = s.selector;
  sel.src_addr = r[w::kSelSrcAddr];
  sel.src_mask = r[w::kSelSrcMask];
  sel.dst_addr = r[w::kSelDstAddr];
  sel.dst_mask = r[w::kSelDstMask];
  sel.protocol = static_cast<std::uint8_t>(r[w::kSelProtoPorts] & 0xFF);
  sel.src_port_lo = static_cast<std::uint16_t>(r[w::kSelSrcPorts] >> 16);
  sel.src_port_hi = static_cast<std::uint16_t>(r[w::kSelSrcPorts]);
  sel.dst_port_lo = static_cast<std::uint16_t>(r[w::kSelDstPorts] >> 16);
  sel.dst_port_hi = static_cast<std::uint16_t>(r[w::kSelDstPorts]);
  auto counter = [&](regmap::Counter c) {
    const std::uint32_t i = w::kCounters + kCounterWords * static_cast<std::uint32_t>(c);
    return join64(r[i], r[i + 1]);
  };
  s.counters.packets = counter(regmap::Counter::kPackets);
  s.counters.bytes = counter(regmap::Counter::kBytes);
  s.counters.auth_fails = counter(regmap::Counter::kAuthFails);
  s.counters.replay_fails = counter(regmap::Counter::kReplayFails);
  s.counters.pad_fails = counter(regmap::Counter::kPadFails);
  s.counters.policy_fails = counter(regmap::Counter::kPolicyFails);
  s.counters.other_drops = counter(regmap::Counter::kOtherDrops);
  s.soft_expired = (r[w::kSaState] & kSaStateSoftFired) != 0;
  s.hard_expired = (r[w::kSaState] & kSaStateHardExpired) != 0;
  return s;
}

}  // namespace espgw::driver::hw
