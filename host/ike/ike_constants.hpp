// Every IKEv1/ISAKMP protocol constant and IOS default used by host/ike, in one place
// (STYLE.md "host/ike"). Numbers follow RFC 2408 (ISAKMP), RFC 2407 (IPsec DOI), RFC 2409
// (IKE), RFC 3947/3948 (NAT-T), RFC 3706 (DPD) and the IANA "IPsec registry".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace espgw::ike {

using namespace std::chrono_literals;

// --- RFC 2408 section 3.1: the fixed header ---
inline constexpr std::size_t kHeaderSize = 28;
inline constexpr std::size_t kGenericHeaderSize = 4;
inline constexpr std::size_t kCookieSize = 8;
inline constexpr std::uint8_t kIsakmpVersion = 0x10;  // major 1, minor 0
inline constexpr std::size_t kMaxMessageSize = 65535;  // one UDP datagram

enum class PayloadType : std::uint8_t {
  kNone = 0,
  kSa = 1,
  kProposal = 2,
  kTransform = 3,
  kKeyExchange = 4,
  kIdentification = 5,
  kCertificate = 6,
  kCertificateRequest = 7,
  kHash = 8,
  kSignature = 9,
  kNonce = 10,
  kNotification = 11,
  kDelete = 12,
  kVendorId = 13,
  kNatD = 20,   // RFC 3947
  kNatOa = 21,  // RFC 3947
};

enum class ExchangeType : std::uint8_t {
  kNone = 0,
  kBase = 1,
  kIdentityProtection = 2,  // Main Mode
  kAuthenticationOnly = 3,
  kAggressive = 4,
  kInformational = 5,
  kQuickMode = 32,  // RFC 2409
  kNewGroupMode = 33,
};

// RFC 2408 section 3.1 flags.
inline constexpr std::uint8_t kFlagEncryption = 0x01;
inline constexpr std::uint8_t kFlagCommit = 0x02;
inline constexpr std::uint8_t kFlagAuthenticationOnly = 0x04;
inline constexpr std::uint8_t kFlagsKnown = 0x07;

// RFC 2407 section 4.2 / 4.6.1.
inline constexpr std::uint32_t kDoiIpsec = 1;
inline constexpr std::uint32_t kSituationIdentityOnly = 1;

enum class ProtocolId : std::uint8_t { kIsakmp = 1, kIpsecAh = 2, kIpsecEsp = 3, kIpcomp = 4 };

// RFC 2409 Appendix A: phase-1 transform and attributes.
inline constexpr std::uint8_t kTransformKeyIke = 1;

enum class P1Attr : std::uint16_t {
  kEncryptionAlgorithm = 1,
  kHashAlgorithm = 2,
  kAuthenticationMethod = 3,
  kGroupDescription = 4,
  kGroupType = 5,
  kLifeType = 11,
  kLifeDuration = 12,
  kPrf = 13,
  kKeyLength = 14,
};

enum class P1Encryption : std::uint16_t { kDesCbc = 1, k3desCbc = 5, kAesCbc = 7 };
enum class P1Hash : std::uint16_t { kMd5 = 1, kSha1 = 2, kSha256 = 4, kSha384 = 5, kSha512 = 6 };
enum class P1Auth : std::uint16_t { kPreSharedKey = 1, kRsaSig = 3 };
enum class LifeType : std::uint16_t { kSeconds = 1, kKilobytes = 2 };

// RFC 2407 section 4.5: phase-2 (IPsec DOI) SA attributes.
enum class P2Attr : std::uint16_t {
  kSaLifeType = 1,
  kSaLifeDuration = 2,
  kGroupDescription = 3,
  kEncapsulationMode = 4,
  kAuthenticationAlgorithm = 5,
  kKeyLength = 6,
};

enum class EncapsulationMode : std::uint16_t {
  kTunnel = 1,
  kTransport = 2,
  kUdpTunnel = 3,     // RFC 3947
  kUdpTransport = 4,  // RFC 3947
  kUdpTunnelDraft = 61443,
};

// RFC 2407 section 4.4.4 ESP transform IDs; 20 is AES-GCM-16 (RFC 4106).
enum class EspTransformId : std::uint8_t { kEsp3des = 3, kEspNull = 11, kEspAes = 12, kEspAesGcm16 = 20 };
enum class AuthAlgorithm : std::uint16_t {
  kNone = 0,
  kHmacMd5 = 1,
  kHmacSha1 = 2,
  kHmacSha256 = 5,  // RFC 4868
  kHmacSha384 = 6,
  kHmacSha512 = 7,
};

// RFC 2407 section 4.6.2.1 identification types.
enum class IdType : std::uint8_t {
  kIpv4Addr = 1,
  kFqdn = 2,
  kUserFqdn = 3,
  kIpv4AddrSubnet = 4,
  kIpv6Addr = 5,
  kIpv6AddrSubnet = 6,
  kIpv4AddrRange = 7,
  kIpv6AddrRange = 8,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
};

// RFC 2408 section 3.14.1 and RFC 2407 4.6.3, RFC 3706 section 5.
enum class NotifyType : std::uint16_t {
  kInvalidPayloadType = 1,
  kDoiNotSupported = 2,
  kSituationNotSupported = 3,
  kInvalidCookie = 4,
  kInvalidMajorVersion = 5,
  kInvalidMinorVersion = 6,
  kInvalidExchangeType = 7,
  kInvalidFlags = 8,
  kInvalidMessageId = 9,
  kInvalidProtocolId = 10,
  kInvalidSpi = 11,
  kInvalidTransformId = 12,
  kAttributesNotSupported = 13,
  kNoProposalChosen = 14,
  kBadProposalSyntax = 15,
  kPayloadMalformed = 16,
  kInvalidKeyInformation = 17,
  kInvalidIdInformation = 18,
  kInvalidCertEncoding = 19,
  kInvalidCertificate = 20,
  kCertTypeUnsupported = 21,
  kInvalidCertAuthority = 22,
  kInvalidHashInformation = 23,
  kAuthenticationFailed = 24,
  kInvalidSignature = 25,
  kAddressNotification = 26,
  kNotifySaLifetime = 27,
  kCertificateUnavailable = 28,
  kUnsupportedExchangeType = 29,
  kUnequalPayloadLengths = 30,
  kResponderLifetime = 24576,
  kReplayStatus = 24577,
  kInitialContact = 24578,
  kDpdRUThere = 36136,
  kDpdRUThereAck = 36137,
};

// RFC 2409 section 6: Oakley groups, RFC 3526 (MODP), RFC 5903 (ECP).
enum class DhGroupId : std::uint16_t {
  kModp1024 = 2,
  kModp1536 = 5,
  kModp2048 = 14,
  kModp3072 = 15,
  kModp4096 = 16,
  kEcp256 = 19,
  kEcp384 = 20,
};

// RFC 2409 section 5: nonces are 8..256 bytes; we send 32.
inline constexpr std::size_t kNonceMinSize = 8;
inline constexpr std::size_t kNonceMaxSize = 256;
inline constexpr std::size_t kNonceSize = 32;
inline constexpr std::size_t kAesBlockSize = 16;
inline constexpr std::size_t kGcmSaltSize = 4;  // RFC 4106 section 8.1

// --- Ports (RFC 3947 section 4) ---
inline constexpr std::uint16_t kIkePort = 500;
inline constexpr std::uint16_t kNattPort = 4500;
inline constexpr std::size_t kNonEspMarkerSize = 4;  // RFC 3948 section 2.2

// --- IOS defaults ---
inline constexpr std::chrono::seconds kIsakmpLifetimeDefault = 86400s;  // crypto isakmp policy
inline constexpr std::chrono::seconds kIpsecLifetimeDefault = 3600s;    // security-association lifetime seconds
inline constexpr std::uint64_t kIpsecLifetimeKbDefault = 4608000;       // ... kilobytes
inline constexpr std::uint32_t kIsakmpConnIdBase = 1001;                // "ISAKMP:(1001)" numbering

// --- Reliability and timers (owned by ike_timers) ---
inline constexpr std::chrono::milliseconds kRetransmitInitial = 1000ms;  // doubled per attempt
inline constexpr int kRetransmitMax = 5;                                 // IOS gives up after 5
// Phase 1 must complete within this; longer than the whole retransmission schedule
// (1+2+4+8+16 s of resends, then 32 s for the last answer), so the bound decides first.
inline constexpr std::chrono::seconds kHalfOpenTimeout = 75s;
inline constexpr std::size_t kHalfOpenPerPeerMax = 16;
inline constexpr std::size_t kHalfOpenTotalMax = 1024;
inline constexpr double kRekeySoftFraction = 0.9;   // phase-2 rekey at 90 % of lifetime
inline constexpr double kRekeyJitterFraction = 0.05;
// Phase 1 is re-established by its initiator at kRekeySoftFraction (minus jitter); the
// responder only if that did not happen by this fraction (minus jitter).
inline constexpr double kPhase1ResponderSoftFraction = 0.96;
// The replaced ISAKMP SA is deleted (DELETE) this long after its successor is up, so a peer
// that moves its IPsec SAs when it notices the new SA (strongSwan 5.9: "detected reauth of
// existing IKE_SA, adopting children") does so before the DELETE, not after it.
inline constexpr std::chrono::milliseconds kPhase1ReplacedGrace{1000};

}  // namespace espgw::ike
