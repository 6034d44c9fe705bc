// Outbound encapsulation. Layout written into the buffer (offsets relative to the new start):
//   outer IPv4 (20) [UDP (8)] | SPI | seq | IV (8 GCM, 16 CBC) | inner packet | padding
//   1,2,3.. | pad length | next header 4 | ICV (16, or 12 for SHA1-96)
// Padding is minimal so that (payload + 2) is a multiple of 16 (CBC) or 4 (GCM).
#include "hls/esp_outbound.hpp"

#include "hls/esp_transform.hpp"
#include "hls/sa_table.hpp"

namespace espgw::hls {
namespace {

namespace w = rm::sa_word;
namespace fl = rm::sa_flag;

constexpr std::uint8_t kProtoEsp = 50;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kNextHeaderIpv4 = 4;
constexpr std::uint32_t kIpv4HeaderBytes = 20;
constexpr std::uint32_t kUdpHeaderBytes = 8;
constexpr std::uint32_t kEspHeaderBytes = 8;

JobResult result(rm::Status s, const Job& job, std::uint32_t offset, std::uint32_t length, std::uint64_t seq) {
  return JobResult{status_code(s), job.sa_index, offset, length, job.cookie, seq, s == rm::Status::kOk ? 1u : 0u};
}

}  // namespace

JobResult esp_outbound(KernelState& st, const Job& job) {
  if (job.sa_index >= rm::kSaCapacity) return JobResult{status_code(rm::Status::kBadSa), kNoSlot, job.offset, job.length, job.cookie, 0, 0};
  SaSlot& sa = st.sa[job.sa_index];
  if (!sa_valid(sa) || sa_inbound(sa)) return result(rm::Status::kBadSa, job, job.offset, job.length, 0);
  std::uint8_t* pkt = st.pkt;
  auto drop = [&](rm::Status s) {
    sa_count(sa, rm::Counter::kOtherDrops, 1);
    return result(s, job, job.offset, job.length, 0);
  };
  if (sa_hard_expired(sa)) return drop(rm::Status::kLifetimeExpired);

  // The inner packet must be one whole IPv4 datagram: TOS and DF are copied from it.
  const std::uint32_t len = job.length;
  // Capacity 0xFFFF means "65535 or more": the bounds then hold by construction.
  const bool saturated = job.capacity == kMaxBufferBytes;
  if ((!saturated && (job.offset > job.capacity || len > job.capacity - job.offset)) || len < kIpv4HeaderBytes)
    return drop(rm::Status::kMalformed);
  const std::uint8_t* inner = pkt + job.offset;
  const std::uint32_t ihl = (inner[0] & 0x0Fu) * 4;
  if ((inner[0] >> 4) != 4 || ihl < kIpv4HeaderBytes || ihl > len || load_be16(inner + 2) != len)
    return drop(rm::Status::kMalformed);

  const rm::Transform t = sa_transform(sa);
  const bool gcm = t == rm::Transform::kAesGcm16;
  const bool udp = sa_udp(sa);
  const std::uint32_t iv_len = esp_iv_len(t);
  const std::uint32_t icv_len = esp_icv_len(t);
  const std::uint32_t align = gcm ? 4 : 16;
  const std::uint32_t pad = (align - (len + 2) % align) % align;
  const std::uint32_t head = kIpv4HeaderBytes + (udp ? kUdpHeaderBytes : 0) + kEspHeaderBytes + iv_len;
  const std::uint32_t total = head + len + pad + 2 + icv_len;
  if (job.offset < head || job.offset + len + pad + 2 + icv_len > job.capacity || total > 0xFFFF)
    return drop(rm::Status::kTooBig);

  // RFC 4303 3.3.3: a sequence number never wraps; without ESN the last one is 2^32 - 1.
  const bool esn = sa_esn(sa);
  const std::uint64_t last = sa_seq(sa);
  if ((!esn && last >= 0xFFFFFFFFull) || (esn && last == ~0ull)) {
    sa_mark_seq_exhausted(st, job.sa_index);
    return drop(rm::Status::kSeqOverflow);
  }
  if (!sa_account_packet(st, job.sa_index, len)) return drop(rm::Status::kLifetimeExpired);

  const std::uint64_t seq = last + 1;
  sa_set_seq(sa, seq);
  const std::uint32_t start = job.offset - head;
  std::uint8_t* out = pkt + start;
  const std::uint8_t inner_tos = inner[1];
  const bool inner_df = (inner[6] & 0x40) != 0;

  // Trailer: padding 1, 2, 3, ... (RFC 4303 2.4), pad length, next header.
  std::uint8_t* trailer = pkt + job.offset + len;
  for (std::uint32_t i = 0; i < pad; ++i) trailer[i] = static_cast<std::uint8_t>(i + 1);
  trailer[pad] = static_cast<std::uint8_t>(pad);
  trailer[pad + 1] = kNextHeaderIpv4;

  std::uint8_t* esp = out + kIpv4HeaderBytes + (udp ? kUdpHeaderBytes : 0);
  store_be32(esp, sa.rec[w::kSpi]);
  store_be32(esp + 4, static_cast<std::uint32_t>(seq));
  std::uint8_t* iv = esp + kEspHeaderBytes;
  std::uint8_t* payload = iv + iv_len;
  const std::uint32_t ct_len = len + pad + 2;
  std::uint8_t* icv = payload + ct_len;
  if (gcm) {
    // Explicit IV = the 64-bit sequence number (RFC 4106 section 3.1 allows any unique value).
    store_be32(iv, static_cast<std::uint32_t>(seq >> 32));
    store_be32(iv + 4, static_cast<std::uint32_t>(seq));
    std::uint8_t aad[12];
    store_be32(aad, sa.rec[w::kSpi]);
    std::uint32_t aad_len = 8;
    if (esn) {  // RFC 4106 section 5: SPI || seq_hi || seq_lo
      store_be32(aad + 4, static_cast<std::uint32_t>(seq >> 32));
      store_be32(aad + 8, static_cast<std::uint32_t>(seq));
      aad_len = 12;
    } else {
      store_be32(aad + 4, static_cast<std::uint32_t>(seq));
    }
    esp_gcm(sa, true, aad, aad_len, iv, payload, ct_len, icv);
  } else {
    esp_cbc_iv(sa, seq, iv);
    esp_cbc_encrypt(sa, iv, payload, ct_len);
    std::uint8_t mac[16];
    esp_hmac_icv(sa, esp, kEspHeaderBytes + iv_len + ct_len, esn, static_cast<std::uint32_t>(seq >> 32), mac);
    for (std::uint32_t i = 0; i < icv_len; ++i) icv[i] = mac[i];
  }

  // Outer IPv4 (RFC 4303 tunnel mode; RFC 4301 5.1.2.1 for TOS and DF).
  const std::uint32_t flags = sa.rec[w::kFlags];
  const auto df = static_cast<rm::DfPolicy>((flags >> fl::kDfShift) & fl::kDfMask);
  const bool set_df = df == rm::DfPolicy::kSet || (df == rm::DfPolicy::kCopy && inner_df);
  out[0] = 0x45;
  out[1] = inner_tos;
  store_be16(out + 2, total);
  store_be16(out + 4, static_cast<std::uint32_t>(seq) & 0xFFFF);
  out[6] = set_df ? 0x40 : 0x00;
  out[7] = 0;
  out[8] = static_cast<std::uint8_t>((flags >> fl::kTtlShift) & fl::kTtlMask);
  out[9] = udp ? kProtoUdp : kProtoEsp;
  out[10] = 0;
  out[11] = 0;
  store_be32(out + 12, sa.rec[w::kTunnelSrc]);
  store_be32(out + 16, sa.rec[w::kTunnelDst]);
  store_be16(out + 10, ipv4_checksum(out, kIpv4HeaderBytes));
  if (udp) {  // RFC 3948 section 2.1: UDP checksum 0
    std::uint8_t* u = out + kIpv4HeaderBytes;
    store_be16(u, sa.rec[w::kUdpPorts] >> 16);
    store_be16(u + 2, sa.rec[w::kUdpPorts] & 0xFFFF);
    store_be16(u + 4, total - kIpv4HeaderBytes);
    store_be16(u + 6, 0);
  }

  return result(rm::Status::kOk, job, start, total, seq);
}

}  // namespace espgw::hls
