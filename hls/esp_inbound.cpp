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

// RFC 4301 4.4.1: the decapsulated packet must fall inside the SA's traffic selectors.
bool selector_match(const SaSlot& sa, const std::uint8_t* ip, std::uint32_t len) {
  const std::uint32_t src = load_be32(ip + 12), dst = load_be32(ip + 16);
  if ((src & sa.rec[w::kSelSrcMask]) != (sa.rec[w::kSelSrcAddr] & sa.rec[w::kSelSrcMask])) return false;
  if ((dst & sa.rec[w::kSelDstMask]) != (sa.rec[w::kSelDstAddr] & sa.rec[w::kSelDstMask])) return false;
  const std::uint32_t proto = sa.rec[w::kSelProtoPorts] & 0xFF;
  if (proto != 0 && proto != ip[9]) return false;
  const std::uint32_t sp = sa.rec[w::kSelSrcPorts], dp = sa.rec[w::kSelDstPorts];
  const bool any_ports = sp == 0x0000FFFF && dp == 0x0000FFFF;
  if (any_ports) return true;
  if (ip[9] != kProtoTcp && ip[9] != kProtoUdp) return false;  // ports asked for, none present
  const std::uint32_t ihl = (ip[0] & 0x0F) * 4u;
  if (ihl + 4 > len) return false;
  return in_port_range(load_be16(ip + ihl), sp) && in_port_range(load_be16(ip + ihl + 2), dp);
}

JobResult no_sa(rm::Status s, const Job& job) {
  return JobResult{status_code(s), kNoSlot, job.offset, job.length, job.cookie, 0};
}

}  // namespace

JobResult esp_inbound(KernelState& st, const Job& job) {
  std::uint8_t* ip = st.pkt + job.offset;
  std::uint32_t len = job.length;

  // --- outer IPv4 (and UDP) ---
  if (len < 20 || (ip[0] >> 4) != 4) return no_sa(rm::Status::kMalformed, job);
  const std::uint32_t ihl = (ip[0] & 0x0F) * 4u;
  const std::uint32_t total = load_be16(ip + 2);
  if (ihl < 20 || ihl > len || total < ihl || total > len) return no_sa(rm::Status::kMalformed, job);
  len = total;  // trailing link-layer padding is not part of the datagram
  std::uint32_t esp_off = ihl;
  if (ip[9] == kProtoUdp) {
    if (len < ihl + kUdpHeaderBytes + 4) return no_sa(rm::Status::kMalformed, job);
    // RFC 3948 2.2: a zero "non-ESP marker" means IKE, which does not belong here.
    if (load_be32(ip + ihl + kUdpHeaderBytes) == 0) return no_sa(rm::Status::kMalformed, job);
    esp_off += kUdpHeaderBytes;
  } else if (ip[9] != kProtoEsp) {
    return no_sa(rm::Status::kMalformed, job);
  }
  if (len < esp_off + kEspHeaderBytes) return no_sa(rm::Status::kMalformed, job);
  std::uint8_t* esp = ip + esp_off;
  const std::uint32_t spi = load_be32(esp);
  const std::uint32_t seq_lo = load_be32(esp + 4);

  // --- SA ---
  const std::uint32_t index = sa_table_lookup_spi(st, spi);
  if (index == kNoSlot) return no_sa(rm::Status::kBadSpi, job);
  SaSlot& sa = st.sa[index];
  auto drop = [&](rm::Status s, rm::Counter c) {
    sa_count(sa, c, 1);
    return JobResult{status_code(s), index, job.offset, job.length, job.cookie, 0};
  };
  if (sa_hard_expired(sa)) return drop(rm::Status::kLifetimeExpired, rm::Counter::kOtherDrops);

  const rm::Transform t = sa_transform(sa);
  const bool gcm = t == rm::Transform::kAesGcm16;
  const std::uint32_t iv_len = esp_iv_len(t), icv_len = esp_icv_len(t);
  const std::uint32_t esp_len = len - esp_off;
  if (esp_len < kEspHeaderBytes + iv_len + icv_len + (gcm ? 4 : 16)) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);
  const std::uint32_t ct_len = esp_len - kEspHeaderBytes - iv_len - icv_len;
  if (ct_len % (gcm ? 4 : 16) != 0) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);

  // --- replay check (before the ICV) ---
  const bool esn = sa_esn(sa);
  const std::uint32_t window = sa.rec[w::kReplayWindow];
  const std::uint64_t top = sa_seq(sa);
  const std::uint64_t seq = replay_infer_seq(top, window, esn, seq_lo);
  if (!replay_check(st.replay[index], top, window, seq)) return drop(rm::Status::kReplay, rm::Counter::kReplayFails);

  // --- ICV, then decrypt ---
  std::uint8_t* iv = esp + kEspHeaderBytes;
  std::uint8_t* payload = iv + iv_len;
  const std::uint8_t* icv = payload + ct_len;
  std::uint8_t expect[16];
  if (gcm) {
    std::uint8_t aad[12];
    store_be32(aad, spi);
    std::uint32_t aad_len = 8;
    if (esn) {
      store_be32(aad + 4, static_cast<std::uint32_t>(seq >> 32));
      store_be32(aad + 8, seq_lo);
      aad_len = 12;
    } else {
      store_be32(aad + 4, seq_lo);
    }
    // One pass hashes the ciphertext and decrypts in place; on a bad tag the bytes are
    // left unspecified, as PacketJob allows, and nothing else has changed.
    esp_gcm(sa, false, aad, aad_len, iv, payload, ct_len, expect);
    if (!esp_icv_equal(expect, icv, icv_len)) return drop(rm::Status::kAuthFail, rm::Counter::kAuthFails);
  } else {
    esp_hmac_icv(sa, esp, kEspHeaderBytes + iv_len + ct_len, esn, static_cast<std::uint32_t>(seq >> 32), expect);
    if (!esp_icv_equal(expect, icv, icv_len)) return drop(rm::Status::kAuthFail, rm::Counter::kAuthFails);
    esp_cbc_decrypt(sa, iv, payload, ct_len);
  }

  // --- trailer ---
  const std::uint32_t pad = payload[ct_len - 2];
  const std::uint32_t next_header = payload[ct_len - 1];
  if (pad + 2 > ct_len) return drop(rm::Status::kBadPad, rm::Counter::kPadFails);
  const std::uint32_t inner_len = ct_len - 2 - pad;
  for (std::uint32_t i = 0; i < pad; ++i)
    if (payload[inner_len + i] != static_cast<std::uint8_t>(i + 1)) return drop(rm::Status::kBadPad, rm::Counter::kPadFails);
  if (next_header != kNextHeaderIpv4) return drop(rm::Status::kBadNextHeader, rm::Counter::kPadFails);

  // --- inner IPv4 ---
  if (inner_len < 20 || (payload[0] >> 4) != 4 || (payload[0] & 0x0F) < 5) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);
  const std::uint32_t inner_total = load_be16(payload + 2);
  if (inner_total < (payload[0] & 0x0Fu) * 4 || inner_total > inner_len) return drop(rm::Status::kMalformed, rm::Counter::kOtherDrops);

  // --- the packet is authentic: move the window, then apply policy ---
  sa_set_seq(sa, replay_update(st.replay[index], top, window, seq));
  if (!selector_match(sa, payload, inner_total)) return drop(rm::Status::kPolicyFail, rm::Counter::kPolicyFails);

  sa_account_packet(st, index, inner_total);
  const std::uint32_t out_off = job.offset + static_cast<std::uint32_t>(payload - ip);
  return JobResult{status_code(rm::Status::kOk), index, out_off, inner_total, job.cookie, seq};
}

}  // namespace espgw::hls
