// The SA payload (RFC 2408 section 3.4) with its nested Proposal (3.5) and Transform (3.6)
// substructures, IPsec DOI situation (RFC 2407 section 4.6.1).
// SA:        ! Next Payload  !   RESERVED    !         Payload Length        !
//            !              Domain of Interpretation  (DOI)                  !
//            ~                           Situation                           ~
// Proposal:  ! Next Payload  !   RESERVED    !         Payload Length        !
//            !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
//            ~                        SPI (variable)                         ~
// Transform: ! Next Payload  !   RESERVED    !         Payload Length        !
//            !  Transform #  !  Transform-Id !           RESERVED2           !
//            ~                        SA Attributes                          ~
#pragma once

#include <cstdint>
#include <vector>

#include "host/ike/ike_constants.hpp"
#include "host/ike/payload/attribute.hpp"

namespace espgw::ike {

struct Transform {
  std::uint8_t number = 1;
  std::uint8_t id = 0;  // KEY_IKE for phase 1, ESP transform ID for phase 2
  std::vector<Attribute> attributes;
  friend bool operator==(const Transform&, const Transform&) = default;
};

struct Proposal {
  std::uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIsakmp;
  Bytes spi;  // 0 bytes (phase 1) or 4 (ESP)
  std::vector<Transform> transforms;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

struct SaPayload {
  static constexpr PayloadType kType = PayloadType::kSa;
  std::uint32_t doi = kDoiIpsec;
  std::uint32_t situation = kSituationIdentityOnly;
  std::vector<Proposal> proposals;

  // Checks: DOI IPsec, SIT_IDENTITY_ONLY only, at least one proposal, proposal/transform
  // chains terminated properly, every length consistent with its parent.
  static Decoded<SaPayload> decode(ByteView body, std::size_t base);
  void encode_body(Bytes& out) const;
  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

}  // namespace espgw::ike
