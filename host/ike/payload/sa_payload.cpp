// SA / Proposal / Transform codec (RFC 2408 sections 3.4-3.6, RFC 2407 section 4.6.1).
#include "host/ike/payload/sa_payload.hpp"

namespace espgw::ike {

namespace {

constexpr std::size_t kMaxSpiSize = 16;

Decoded<Transform> decode_transform(ByteView body, std::size_t base) {
  Reader r(body, base);
  Transform t;
  std::uint16_t reserved2 = 0;
  if (!r.u8(t.number) || !r.u8(t.id) || !r.u16(reserved2)) return r.error("truncated transform");
  auto attrs = decode_attributes(r.rest(), r.offset());
  if (!attrs) return attrs.error();
  t.attributes = std::move(attrs.value());
  return t;
}

Decoded<Proposal> decode_proposal(ByteView body, std::size_t base) {
  Reader r(body, base);
  Proposal p;
  std::uint8_t protocol = 0, spi_size = 0, count = 0;
  if (!r.u8(p.number) || !r.u8(protocol) || !r.u8(spi_size) || !r.u8(count)) return r.error("truncated proposal");
  p.protocol = static_cast<ProtocolId>(protocol);
  if (spi_size > kMaxSpiSize) return DecodeError{base + 2, "proposal SPI size too large"};
  if (!r.bytes(spi_size, p.spi)) return r.error("proposal SPI runs past the proposal");
  if (count == 0) return DecodeError{base + 3, "proposal without transforms"};
  std::uint8_t next = static_cast<std::uint8_t>(PayloadType::kTransform);
  while (next != 0) {
    if (next != static_cast<std::uint8_t>(PayloadType::kTransform))
      return r.error("transform followed by a non-transform payload");
    std::size_t start = r.offset();
    std::uint8_t reserved = 0;
    std::uint16_t length = 0;
    if (!r.u8(next) || !r.u8(reserved) || !r.u16(length)) return r.error("truncated transform header");
    if (length < kGenericHeaderSize + 4) return DecodeError{start + 2, "transform length too small"};
    ByteView tb;
    if (!r.view(length - kGenericHeaderSize, tb)) return DecodeError{start + 2, "transform length runs past the proposal"};
    auto t = decode_transform(tb, start + kGenericHeaderSize);
    if (!t) return t.error();
    p.transforms.push_back(std::move(t.value()));
  }
  if (r.remaining() != 0) return r.error("bytes after the last transform of a proposal");
  if (p.transforms.size() != count) return DecodeError{base + 3, "number of transforms does not match the count"};
  return p;
}

}  // namespace

Decoded<SaPayload> SaPayload::decode(ByteView body, std::size_t base) {
  Reader r(body, base);
  SaPayload sa;
  if (!r.u32(sa.doi)) return r.error("truncated SA payload");
  if (sa.doi != kDoiIpsec) return DecodeError{base, "DOI is not IPsec"};
  std::size_t sit_at = r.offset();
  if (!r.u32(sa.situation)) return r.error("truncated SA situation");
  // Secrecy and integrity situations would carry labels; IKE peers never use them.
  if (sa.situation != kSituationIdentityOnly) return DecodeError{sit_at, "situation other than SIT_IDENTITY_ONLY"};
  std::uint8_t next = static_cast<std::uint8_t>(PayloadType::kProposal);
  while (next != 0) {
    if (next != static_cast<std::uint8_t>(PayloadType::kProposal))
      return r.error("proposal followed by a non-proposal payload");
    std::size_t start = r.offset();
    std::uint8_t reserved = 0;
    std::uint16_t length = 0;
    if (!r.u8(next) || !r.u8(reserved) || !r.u16(length)) return r.error("truncated proposal header");
    if (length < kGenericHeaderSize + 4) return DecodeError{start + 2, "proposal length too small"};
    ByteView pb;
    if (!r.view(length - kGenericHeaderSize, pb)) return DecodeError{start + 2, "proposal length runs past the SA payload"};
    auto p = decode_proposal(pb, start + kGenericHeaderSize);
    if (!p) return p.error();
    if (!sa.proposals.empty() && p->number < sa.proposals.back().number)
      return DecodeError{start + 4, "proposal numbers not monotonically increasing"};
    sa.proposals.push_back(std::move(p.value()));
  }
  if (r.remaining() != 0) return r.error("bytes after the last proposal");
  return sa;
}

void SaPayload::encode_body(Bytes& out) const {
  Writer w(out);
  w.u32(doi);
  w.u32(situation);
  for (std::size_t i = 0; i < proposals.size(); ++i) {
    const Proposal& p = proposals[i];
    std::size_t p_start = w.size();
    w.u8(i + 1 < proposals.size() ? static_cast<std::uint8_t>(PayloadType::kProposal) : 0);
    w.u8(0);
    w.u16(0);
    w.u8(p.number);
    w.u8(static_cast<std::uint8_t>(p.protocol));
    w.u8(static_cast<std::uint8_t>(p.spi.size()));
    w.u8(static_cast<std::uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (std::size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      std::size_t t_start = w.size();
      w.u8(j + 1 < p.transforms.size() ? static_cast<std::uint8_t>(PayloadType::kTransform) : 0);
      w.u8(0);
      w.u16(0);
      w.u8(t.number);
      w.u8(t.id);
      w.u16(0);
      encode_attributes(t.attributes, out);
      w.patch_u16(t_start + 2, static_cast<std::uint16_t>(w.size() - t_start));
    }
    w.patch_u16(p_start + 2, static_cast<std::uint16_t>(w.size() - p_start));
  }
}

}  // namespace espgw::ike
