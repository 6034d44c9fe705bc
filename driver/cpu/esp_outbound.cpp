// Outbound ESP tunnel-mode encapsulation (RFC 4303 sections 2-3.3, RFC 4304 ESN, RFC 4106
// GCM IV/AAD, RFC 3948 UDP encapsulation), in place: headers go into the job's headroom,
// the trailer and ICV after the packet. Byte-identical across CPU, RTL and HLS backends, so
// every field that could vary (IV, IP ID) is derived from the sequence number.
#include <cstring>

#include "esp_framing.hpp"

namespace espgw::driver::cpu {

namespace {

Status drop(CpuSa& sa, Status s) {
  sa.count_drop(s);
  return s;
}

}  // namespace

Status outbound_prepare(CpuSa& sa, PacketJob& job, CryptoOp& op, EventRing& events) {
  if (sa.hard_expired.load(std::memory_order_relaxed)) return drop(sa, Status::kLifetimeExpired);

  // The inner packet must be one whole IPv4 datagram: we copy TOS and DF from it.
  const std::uint32_t len = job.length;
  if (job.buffer == nullptr || len < kIpv4HeaderLen || job.offset > job.capacity ||
      len > job.capacity - job.offset) {
    return drop(sa, Status::kMalformed);
  }
  std::uint8_t* inner = job.buffer + job.offset;
  const std::uint32_t ihl = (inner[0] & 0x0F) * 4u;
  if ((inner[0] >> 4) != 4 || ihl < kIpv4HeaderLen || ihl > len || load_be16(inner + 2) != len) {
    return drop(sa, Status::kMalformed);
  }

  // RFC 4303 2.4: pad so that payload + pad length + next header ends on `align` (a power
  // of two, so a mask rather than two integer divisions on the per-packet path).
  const std::uint32_t pad_len = (0u - (len + 2)) & (sa.align - 1);
  const std::uint32_t cipher_len = len + pad_len + 2;
  const std::uint32_t head = sa.outer_len + kEspHeaderLen + sa.iv_len;
  const std::uint64_t total = std::uint64_t{head} + cipher_len + sa.icv_len;
  if (job.offset < head || std::uint64_t{job.offset} + len + pad_len + 2 + sa.icv_len > job.capacity ||
      total > 0xFFFF) {
    return drop(sa, Status::kTooBig);
  }

  // Sequence number: never wraps (RFC 4303 3.3.3); for GCM it is also the IV, so reuse would
  // be catastrophic (RFC 4106 section 3).
  const std::uint64_t last = sa.seq.load(std::memory_order_relaxed);
  const std::uint64_t max_seq = sa.config.esn ? ~std::uint64_t{0} : 0xFFFFFFFFull;
  if (last >= max_seq) {
    if (!sa.overflow_reported) {
      sa.overflow_reported = true;
      events.push({SaEventKind::kSeqOverflow, sa.handle, sa.config.spi});
    }
    return drop(sa, Status::kSeqOverflow);
  }
  if (!account_lifetime(sa, len, events)) return drop(sa, Status::kLifetimeExpired);
  const std::uint64_t seq = last + 1;
  sa.seq.store(seq, std::memory_order_relaxed);

  // Trailer: padding 1, 2, 3, ... (RFC 4303 2.4), pad length, next header.
  std::uint8_t* tail = inner + len;
  for (std::uint32_t i = 0; i < pad_len; ++i) tail[i] = static_cast<std::uint8_t>(i + 1);
  tail[pad_len] = static_cast<std::uint8_t>(pad_len);
  tail[pad_len + 1] = kNextHeaderIpv4;

  // Outer IPv4 header (RFC 791); ID from the sequence number so every backend agrees.
  std::uint8_t* outer = inner - head;
  const std::uint8_t inner_df = inner[6] & 0x40;
  const std::uint8_t df = sa.config.df == DfPolicy::kSet ? 0x40 : sa.config.df == DfPolicy::kClear ? 0 : inner_df;
  outer[0] = 0x45;
  outer[1] = inner[1];  // TOS/DSCP+ECN copied (RFC 4301 5.1.2.1)
  store_be16(outer + 2, static_cast<std::uint16_t>(total));
  store_be16(outer + 4, static_cast<std::uint16_t>(seq));
  outer[6] = df;
  outer[7] = 0;
  outer[8] = sa.config.ttl;
  outer[9] = sa.config.udp_encap ? kIpProtoUdp : kIpProtoEsp;
  store_be32(outer + 12, sa.config.tunnel_src);
  store_be32(outer + 16, sa.config.tunnel_dst);
  const std::uint32_t sum = sa.outer_csum_base + inner[1] + static_cast<std::uint32_t>(total) +
                            static_cast<std::uint16_t>(seq) + (std::uint32_t{df} << 8);
  store_be16(outer + 10, static_cast<std::uint16_t>(~fold_sum(sum)));
  if (sa.config.udp_encap) {
    // RFC 3948 2.1: UDP checksum zero; ESP's ICV protects the payload.
    std::uint8_t* udp = outer + kIpv4HeaderLen;
    store_be16(udp, sa.config.udp_encap->src_port);
    store_be16(udp + 2, sa.config.udp_encap->dst_port);
    store_be16(udp + 4, static_cast<std::uint16_t>(total - kIpv4HeaderLen));
    store_be16(udp + 6, 0);
  }

  std::uint8_t* esp = outer + sa.outer_len;
  store_be32(esp, sa.config.spi);
  store_be32(esp + 4, static_cast<std::uint32_t>(seq));

  op.sa = sa.crypto.get();
  op.base = esp;
  op.cipher_offset = kEspHeaderLen + sa.iv_len;
  op.cipher_len = cipher_len;
  const auto seq_hi = static_cast<std::uint32_t>(seq >> 32);
  if (sa.crypto->is_gcm()) {
    // RFC 4106 3.1/4: explicit IV = the 64-bit counter; nonce = salt || IV.
    store_be64(esp + kEspHeaderLen, seq);
    store_be32(op.nonce, sa.config.salt);
    store_be64(op.nonce + 4, seq);
    if (sa.config.esn) {  // RFC 4106 5: AAD = SPI || seq_hi || seq_lo
      store_be32(op.aad_buf, sa.config.spi);
      store_be32(op.aad_buf + 4, seq_hi);
      store_be32(op.aad_buf + 8, static_cast<std::uint32_t>(seq));
      op.aad = op.aad_buf;
      op.aad_len = 12;
    } else {
      op.aad = esp;
      op.aad_len = 8;
    }
  } else {
    // SP 800-38A App. C: the provider encrypts 0^64 || seq64 into the IV field.
    std::memset(op.iv_seed, 0, 8);
    store_be64(op.iv_seed + 8, seq);
    op.iv = esp + kEspHeaderLen;
    op.auth_offset = 0;
    op.auth_len = kEspHeaderLen + kCbcIvLen + cipher_len;
    if (sa.config.esn) {
      // RFC 4304 2: seq_hi is MACed as if appended to the packet, never sent; it sits
      // where the ICV will go.
      store_be32(esp + op.auth_len, seq_hi);
      op.auth_len += 4;
    }
  }
  job.seq = seq;
  return Status::kOk;
}

void outbound_finalize(CpuSa& sa, PacketJob& job, const CryptoOp& op) {
  if (!op.ok) {
    // Only a library failure gets here; undo the accounting prepare did.
    sa.packets.sub(1);
    sa.bytes.sub(job.length);
    job.status = Status::kMalformed;
    sa.count_drop(job.status);
    return;
  }
  const std::uint32_t head = sa.outer_len + kEspHeaderLen + sa.iv_len;
  std::memcpy(op.base + op.cipher_offset + op.cipher_len, op.icv, sa.icv_len);
  job.offset -= head;
  job.length = head + op.cipher_len + sa.icv_len;
  job.status = Status::kOk;
}

}  // namespace espgw::driver::cpu
