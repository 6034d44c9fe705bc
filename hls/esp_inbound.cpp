// Inbound decapsulation. Order follows RFC 4303 3.4: the replay check runs before the ICV
// (cheap rejection of duplicates), the window moves only after the ICV verified (so forged
// packets cannot advance it), and the inner packet is checked against the SA's selectors
// last (RFC 4301 5.2). Every drop is counted on the SA once one is known.
#include "hls/esp_inbound.hpp"

#include "hls/esp_transform.hpp"
#include "hls/replay.hpp"
#include "hls/sa_table.hpp"

namespace espgw::hls {
namespace {

namespace w = rm::sa_word;

constexpr std::uint8_t kProtoEsp = 50;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kNextHeaderIpv4 = 4;
constexpr std::uint32_t kUdpHeaderBytes = 8;
constexpr std::uint32_t kEspHeaderBytes = 8;

bool in_port_range(std::uint32_t port, std::uint32_t lo_hi) {
  return port >= (lo_hi >> 16) && port <= (lo_hi & 0xFFFF);
}

// RFC 4301 5.2: the decapsulated packet must fall inside the SA's traffic selectors.
// Ports matter only when the selector names TCP or UDP and a port range narrower than any.
bool selector_match(const SaSlot& sa, const std::uint8_t* ip, std::uint32_t ihl, std::uint32_t len) {
  const std::uint32_t src = load_be32(ip + 12), dst = load_be32(ip + 16);
  if ((src & sa.rec[w::kSelSrcMask]) != (sa.rec[w::kSelSrcAddr] & sa.rec[w::kSelSrcMask])) return false;
  if ((dst & sa.rec[w::kSelDstMask]) != (sa.rec[w::kSelDstAddr] & sa.rec[w::kSelDstMask])) return false;
  const std::uint32_t proto = sa.rec[w::kSelProtoPorts] & 0xFF;
  if (proto == 0) return true;
  if (ip[9] != proto) return false;
  if (proto != kProtoTcp && proto != kProtoUdp) return true;
  const std::uint32_t sp = sa.rec[w::kSelSrcPorts], dp = sa.rec[w::kSelDstPorts];
  if (sp == 0x0000FFFF && dp == 0x0000FFFF) return true;
  // Ports are only in the first fragment (RFC 4301 7).
  if ((load_be16(ip + 6) & 0x1FFF) != 0 || ihl + 4 > len) return false;
  return in_port_range(load_be16(ip + ihl), sp) && in_port_range(load_be16(ip + ihl + 2), dp);
}

// RFC 1071 one's-complement sum of 16-bit words, folded, not inverted.
std::uint32_t ones_sum(const std::uint8_t* p, std::uint32_t len, std::uint32_t sum) {
  for (std::uint32_t i = 0; i + 1 < len; i += 2) sum += load_be16(p + i);
  if (len & 1) sum += std::uint32_t{p[len - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum;
}

JobResult no_sa(rm::Status s, const Job& job) {
  return JobResult{status_code(s), kNoSlot, job.offset, job.length, job.cookie, 0, 0};
}

}  // namespace

bool esp_inbound_prepare(KernelState& st, const Job& job, InboundView& view, JobResult& result) {
  // Every early return below is final: it stores its result and says so.
  auto no_sa_final = [&](rm::Status s) {
    result = no_sa(s, job);
    return false;
  };
  // Capacity 0xFFFF means "65535 or more": the bounds then hold by construction.
  if (job.capacity != kMaxBufferBytes && (job.offset > job.capacity || job.length > job.capacity - job.offset))
    return no_sa_final(rm::Status::kMalformed);
  std::uint8_t* ip = st.pkt + job.offset;
  std::uint32_t len = job.length;

  // --- outer IPv4 (and UDP): failures here belong to no SA ---
  if (len < 20 || (ip[0] >> 4) != 4) return no_sa_final(rm::Status::kMalformed);
  const std::uint32_t ihl = (ip[0] & 0x0F) * 4u;
  const std::uint32_t total = load_be16(ip + 2);
  if (ihl < 20 || ihl > total || total > len) return no_sa_final(rm::Status::kMalformed);
  if (ones_sum(ip, ihl, 0) != 0xFFFF) return no_sa_final(rm::Status::kMalformed);  // header checksum
  if ((load_be16(ip + 6) & 0x3FFF) != 0) return no_sa_final(rm::Status::kMalformed);  // fragments are not reassembled here
  len = total;  // trailing link-layer padding is not part of the datagram
  std::uint32_t esp_off = ihl;
  if (ip[9] == kProtoUdp) {
    if (len - ihl < kUdpHeaderBytes) return no_sa_final(rm::Status::kMalformed);
    const std::uint8_t* udp = ip + ihl;
    const std::uint32_t udp_len = load_be16(udp + 4);
    if (udp_len < kUdpHeaderBytes || udp_len > len - ihl) return no_sa_final(rm::Status::kMalformed);
    if (load_be16(udp + 6) != 0) {  // a sender that did checksum gets checked (RFC 768)
      const std::uint32_t pseudo = ones_sum(ip + 12, 8, kProtoUdp + udp_len);
      if (ones_sum(udp, udp_len, pseudo) != 0xFFFF) return no_sa_final(rm::Status::kMalformed);
    }
    esp_off = ihl + kUdpHeaderBytes;
    len = ihl + udp_len;
    // RFC 3948 2.2: a zero "non-ESP marker" means IKE, which does not belong here.
    if (len - esp_off < kEspHeaderBytes || load_be32(ip + esp_off) == 0) return no_sa_final(rm::Status::kMalformed);
  } else if (ip[9] != kProtoEsp) {
    return no_sa_final(rm::Status::kMalformed);
  }
  if (len - esp_off < kEspHeaderBytes) return no_sa_final(rm::Status::kMalformed);
  std::uint8_t* esp = ip + esp_off;
  const std::uint32_t spi = load_be32(esp);
  const std::uint32_t seq_lo = load_be32(esp + 4);

  // --- SA ---
  const std::uint32_t index = sa_table_lookup_spi(st, spi);
  if (index == kNoSlot) return no_sa_final(rm::Status::kBadSpi);
  SaSlot& sa = st.sa[index];
  auto drop = [&](rm::Status s, rm::Counter c) {
    sa_count(sa, c, 1);
    result = JobResult{status_code(s), index, job.offset, job.length, job.cookie, 0, 0};
    return false;
  };
  if (sa_hard_expired(sa)) return drop(rm::Status::kLifetimeExpired, rm::Counter::kOtherDrops);

  const rm::Transform t = sa_transform(sa);
  const bool gcm = t == rm::Transform::kAesGcm16;
  const std::uint32_t align = gcm ? 4 : 16;
  const std::uint32_t iv_len = esp_iv_len(t), icv_len = esp_icv_len(t);
  const std::uint32_t esp_len = len - esp_off;
  const std::uint32_t fixed = kEspHeaderBytes + iv_len + icv_len;
  if (esp_len < fixed + align) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);
  const std::uint32_t ct_len = esp_len - fixed;
  if (ct_len % align != 0) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);

  // --- replay check (before the ICV) ---
  const bool esn = sa_esn(sa);
  const std::uint32_t window = sa.rec[w::kReplayWindow];
  const std::uint64_t top = sa_seq(sa);
  const std::uint64_t seq = replay_infer_seq(top, window, esn, seq_lo);
  if (!replay_check(st.replay[index], top, window, seq)) return drop(rm::Status::kReplay, rm::Counter::kReplayFails);
  view = InboundView{index, esp_off, esp_len, seq};
  return true;
}


JobResult esp_inbound_finalize(KernelState& st, const Job& job, const InboundView& view) {
  std::uint8_t* ip = st.pkt + job.offset;
  std::uint8_t* esp = ip + view.esp_off;
  const std::uint32_t index = view.sa;
  SaSlot& sa = st.sa[index];
  const std::uint64_t seq = view.seq;
  const std::uint32_t spi = load_be32(esp);
  const std::uint32_t seq_lo = load_be32(esp + 4);
  // From here on the job has a sequence number, reported even when it then fails.
  auto drop = [&](rm::Status s, rm::Counter c) {
    sa_count(sa, c, 1);
    return JobResult{status_code(s), index, job.offset, job.length, job.cookie, seq, 1};
  };
  const rm::Transform t = sa_transform(sa);
  const bool gcm = t == rm::Transform::kAesGcm16;
  const bool esn = sa_esn(sa);
  const std::uint32_t window = sa.rec[w::kReplayWindow];
  const std::uint32_t iv_len = esp_iv_len(t), icv_len = esp_icv_len(t);
  const std::uint32_t ct_len = view.esp_len - kEspHeaderBytes - iv_len - icv_len;

  // --- ICV, then decrypt ---
  std::uint8_t* iv = esp + kEspHeaderBytes;
  std::uint8_t* payload = iv + iv_len;
  const std::uint8_t* icv = payload + ct_len;
  std::uint8_t expect[16];
  if (gcm) {
    std::uint8_t aad[12];
    store_be32(aad, spi);
    std::uint32_t aad_len = 8;
    if (esn) {  // RFC 4106 section 5: SPI || seq_hi || seq_lo
      store_be32(aad + 4, static_cast<std::uint32_t>(seq >> 32));
      store_be32(aad + 8, seq_lo);
      aad_len = 12;
    } else {
      store_be32(aad + 4, seq_lo);
    }
    // One pass hashes the ciphertext and decrypts in place; on a bad tag the bytes are
    // left unspecified, as PacketJob allows, and no state has changed.
    esp_gcm(sa, false, aad, aad_len, iv, payload, ct_len, expect);
    if (!esp_icv_equal(expect, icv, icv_len)) return drop(rm::Status::kAuthFail, rm::Counter::kAuthFails);
  } else {
    esp_hmac_icv(sa, esp, kEspHeaderBytes + iv_len + ct_len, esn, static_cast<std::uint32_t>(seq >> 32), expect);
    if (!esp_icv_equal(expect, icv, icv_len)) return drop(rm::Status::kAuthFail, rm::Counter::kAuthFails);
    esp_cbc_decrypt(sa, iv, payload, ct_len);
  }

  // --- authentic: the window moves now (RFC 4303 3.4.3), whatever the checks below say.
  // The check runs again: a twin earlier in the same pass may have taken the number since
  // the prepare step checked it. ---
  const std::uint64_t top = sa_seq(sa);
  if (!replay_check(st.replay[index], top, window, seq)) return drop(rm::Status::kReplay, rm::Counter::kReplayFails);
  sa_set_seq(sa, replay_update(st.replay[index], top, window, seq));

  // --- trailer ---
  const std::uint32_t pad = payload[ct_len - 2];
  if (pad + 2 > ct_len) return drop(rm::Status::kBadPad, rm::Counter::kPadFails);
  const std::uint32_t avail = ct_len - 2 - pad;
  std::uint8_t bad = 0;
  for (std::uint32_t i = 0; i < pad; ++i) bad |= static_cast<std::uint8_t>(payload[avail + i] ^ (i + 1));
  if (bad) return drop(rm::Status::kBadPad, rm::Counter::kPadFails);
  if (payload[ct_len - 1] != kNextHeaderIpv4) return drop(rm::Status::kBadNextHeader, rm::Counter::kPadFails);

  // --- inner IPv4: its total length must fit; anything after it is TFC padding (RFC 4303 2.7) ---
  if (avail < 20 || (payload[0] >> 4) != 4) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);
  const std::uint32_t inner_ihl = (payload[0] & 0x0Fu) * 4;
  const std::uint32_t inner_total = load_be16(payload + 2);
  if (inner_ihl < 20 || inner_total < inner_ihl || inner_total > avail)
    return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);
  if (!selector_match(sa, payload, inner_ihl, inner_total)) return drop(rm::Status::kPolicyFail, rm::Counter::kPolicyFails);
  if (!sa_account_packet(st, index, inner_total)) return drop(rm::Status::kLifetimeExpired, rm::Counter::kOtherDrops);

  const std::uint32_t out_off = job.offset + static_cast<std::uint32_t>(payload - ip);
  return JobResult{status_code(rm::Status::kOk), index, out_off, inner_total, job.cookie, seq, 1};
}

}  // namespace espgw::hls
