// Inbound ESP tunnel-mode decapsulation (RFC 4303 section 3.4, RFC 4304 ESN, RFC 4106 GCM,
// RFC 3948 UDP encapsulation): outer header checks, replay check before and window update
// after ICV verification (3.4.3), padding and next-header checks, inner header sanity and
// the SA's selectors (RFC 4301 5.2). Every failure is a status, never an exception.
#include <cstring>

#include "esp_framing.hpp"

namespace espgw::driver::cpu {
namespace {

Status drop(CpuSa& sa, Status s) {
  sa.count_drop(s);
  return s;
}

bool in_range(std::uint16_t v, std::uint16_t lo, std::uint16_t hi) { return v >= lo && v <= hi; }

// RFC 4301 5.2: the decapsulated packet must match the SA's traffic selectors.
bool selector_matches(const TrafficSelector& sel, const std::uint8_t* ip, std::uint32_t ihl, std::uint32_t len) {
  const std::uint32_t src = load_be32(ip + 12);
  const std::uint32_t dst = load_be32(ip + 16);
  if ((src & sel.src_mask) != (sel.src_addr & sel.src_mask)) return false;
  if ((dst & sel.dst_mask) != (sel.dst_addr & sel.dst_mask)) return false;
  if (sel.protocol == 0) return true;
  if (ip[9] != sel.protocol) return false;
  if (sel.protocol != kIpProtoTcp && sel.protocol != kIpProtoUdp) return true;
  const bool any_ports = sel.src_port_lo == 0 && sel.src_port_hi == 0xFFFF && sel.dst_port_lo == 0 &&
                         sel.dst_port_hi == 0xFFFF;
  if (any_ports) return true;
  // Ports are only in the first fragment (RFC 4301 7: non-initial fragments are refused
  // when the selector names ports).
  if ((load_be16(ip + 6) & 0x1FFF) != 0 || ihl + 4 > len) return false;
  return in_range(load_be16(ip + ihl), sel.src_port_lo, sel.src_port_hi) &&
         in_range(load_be16(ip + ihl + 2), sel.dst_port_lo, sel.dst_port_hi);
}

}  // namespace

Status inbound_parse(const PacketJob& job, EspView* view) {
  std::uint32_t len = job.length;
  if (job.buffer == nullptr || job.offset > job.capacity || len > job.capacity - job.offset) {
    return Status::kMalformed;
  }
  const std::uint8_t* ip = job.buffer + job.offset;
  if (len < kIpv4HeaderLen || (ip[0] >> 4) != 4) return Status::kMalformed;
  const std::uint32_t ihl = (ip[0] & 0x0F) * 4u;
  const std::uint32_t total = load_be16(ip + 2);
  if (ihl < kIpv4HeaderLen || ihl > total || total > len) return Status::kMalformed;
  if (fold_sum(ones_sum(ip, ihl)) != 0xFFFF) return Status::kMalformed;  // header checksum
  if ((load_be16(ip + 6) & 0x3FFF) != 0) return Status::kMalformed;  // a fragment: not reassembled here
  len = total;  // ignore link-layer padding after the datagram

  std::uint32_t esp = ihl;
  if (ip[9] == kIpProtoUdp) {
    // RFC 3948: ESP in UDP. A payload starting with 4 zero bytes is IKE (non-ESP marker),
    // a 1-byte 0xFF payload a NAT keepalive: neither is for the ESP engine.
    if (len - ihl < kUdpHeaderLen) return Status::kMalformed;
    const std::uint8_t* udp = ip + ihl;
    const std::uint32_t udp_len = load_be16(udp + 4);
    if (udp_len < kUdpHeaderLen || udp_len > len - ihl) return Status::kMalformed;
    if (load_be16(udp + 6) != 0) {
      // A sender that did checksum gets checked (RFC 768 pseudo-header).
      std::uint32_t sum = ones_sum(ip + 12, 8);
      sum += kIpProtoUdp + udp_len;
      if (fold_sum(ones_sum(udp, udp_len, sum)) != 0xFFFF) return Status::kMalformed;
    }
    esp = ihl + kUdpHeaderLen;
    len = ihl + udp_len;
    if (len - esp < kEspHeaderLen || load_be32(ip + esp) == 0) return Status::kMalformed;
  } else if (ip[9] != kIpProtoEsp) {
    return Status::kMalformed;
  }
  if (len - esp < kEspHeaderLen) return Status::kMalformed;
  view->esp_offset = job.offset + esp;
  view->esp_len = len - esp;
  view->spi = load_be32(ip + esp);
  return Status::kOk;
}

Status inbound_prepare(CpuSa& sa, PacketJob& job, const EspView& view, CryptoOp& op) {
  if (sa.hard_expired.load(std::memory_order_relaxed)) return drop(sa, Status::kLifetimeExpired);
  const std::uint32_t fixed = kEspHeaderLen + sa.iv_len + sa.icv_len;
  if (view.esp_len < fixed + sa.align) return drop(sa, Status::kMalformed);
  const std::uint32_t cipher_len = view.esp_len - fixed;
  if ((cipher_len & (sa.align - 1)) != 0) return drop(sa, Status::kMalformed);

  std::uint8_t* esp = job.buffer + view.esp_offset;
  const std::uint32_t seq_lo = load_be32(esp + 4);
  std::uint64_t seq = 0;
  if (!sa.replay->infer(seq_lo, &seq) || !sa.replay->check(seq)) return drop(sa, Status::kReplay);
  job.seq = seq;

  op.sa = sa.crypto.get();
  op.base = esp;
  op.cipher_offset = kEspHeaderLen + sa.iv_len;
  op.cipher_len = cipher_len;
  std::uint8_t* icv = esp + op.cipher_offset + cipher_len;
  std::memcpy(op.icv, icv, sa.icv_len);
  const auto seq_hi = static_cast<std::uint32_t>(seq >> 32);
  if (sa.crypto->is_gcm()) {
    store_be32(op.nonce, sa.config.salt);
    std::memcpy(op.nonce + 4, esp + kEspHeaderLen, kGcmIvLen);
    if (sa.config.esn) {
      store_be32(op.aad_buf, sa.config.spi);
      store_be32(op.aad_buf + 4, seq_hi);
      store_be32(op.aad_buf + 8, seq_lo);
      op.aad = op.aad_buf;
      op.aad_len = 12;
    } else {
      op.aad = esp;
      op.aad_len = 8;
    }
  } else {
    op.iv = esp + kEspHeaderLen;
    op.auth_offset = 0;
    op.auth_len = kEspHeaderLen + kCbcIvLen + cipher_len;
    if (sa.config.esn) {
      // RFC 4304 2: the inferred seq_hi is MACed after the ciphertext (the received ICV
      // was saved above; its bytes are scratch now).
      store_be32(icv, seq_hi);
      op.auth_len += 4;
    }
  }
  return Status::kOk;
}

Status inbound_finalize(CpuSa& sa, PacketJob& job, const EspView& view, CryptoOp& op, EventRing& events) {
  if (!op.ok) return drop(sa, Status::kAuthFail);
  // Window update only after the ICV proved the packet authentic (RFC 4303 3.4.3); a twin
  // earlier in the same burst may have taken the number since prepare's check.
  if (!sa.replay->update(job.seq)) return drop(sa, Status::kReplay);

  std::uint8_t* plain = job.buffer + view.esp_offset + op.cipher_offset;
  const std::uint32_t plen = op.cipher_len;
  const std::uint32_t pad_len = plain[plen - 2];
  if (pad_len + 2 > plen) return drop(sa, Status::kBadPad);
  const std::uint8_t* pad = plain + plen - 2 - pad_len;
  std::uint8_t bad = 0;
  for (std::uint32_t i = 0; i < pad_len; ++i) bad |= static_cast<std::uint8_t>(pad[i] ^ (i + 1));
  if (bad) return drop(sa, Status::kBadPad);
  if (plain[plen - 1] != kNextHeaderIpv4) return drop(sa, Status::kBadNextHeader);

  // The inner packet: an IPv4 header whose total length fits; anything after it is TFC
  // padding (RFC 4303 2.7) and is trimmed.
  const std::uint32_t avail = plen - 2 - pad_len;
  if (avail < kIpv4HeaderLen || (plain[0] >> 4) != 4) return drop(sa, Status::kMalformed);
  const std::uint32_t ihl = (plain[0] & 0x0F) * 4u;
  const std::uint32_t total = load_be16(plain + 2);
  if (ihl < kIpv4HeaderLen || total < ihl || total > avail) return drop(sa, Status::kMalformed);
  if (!selector_matches(sa.config.selector, plain, ihl, total)) return drop(sa, Status::kPolicyFail);
  if (!account_lifetime(sa, total, events)) return drop(sa, Status::kLifetimeExpired);

  job.offset = static_cast<std::uint32_t>(plain - job.buffer);
  job.length = total;
  return Status::kOk;
}

}  // namespace espgw::driver::cpu
