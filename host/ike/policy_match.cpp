// Proposal construction and IOS-order matching (RFC 2409 Appendix A, RFC 2407 section 4.5).
#include "host/ike/policy_match.hpp"

#include <fmt/format.h>

namespace espgw::ike {

namespace {

std::uint16_t u16(P1Attr a) { return static_cast<std::uint16_t>(a); }
std::uint16_t u16(P2Attr a) { return static_cast<std::uint16_t>(a); }

const char* hash_name(std::uint64_t h) {
  switch (h) {
    case 1: return "MD5";
    case 2: return "SHA";
    case 4: return "SHA256";
    case 5: return "SHA384";
    case 6: return "SHA512";
    default: return "unknown";
  }
}

std::string vpi(const Attribute& a) {
  if (a.basic) return fmt::format("(basic) of {}", a.integer().value_or(0));
  std::string s = "(VPI) of ";
  for (std::uint8_t b : a.value) s += fmt::format(" 0x{:x}", b);
  return s;
}

// Parsed phase-1 transform attributes; nullopt on an attribute we do not understand.
struct P1Attrs {
  std::uint64_t enc = 0, key_bits = 0, hash = 0, auth = 0, group = 0;
  std::uint64_t life_seconds = 0;
};

std::optional<P1Attrs> parse_p1(const Transform& t, const LogLine& log) {
  P1Attrs a;
  std::uint64_t life_type = 0;
  for (const Attribute& at : t.attributes) {
    auto v = at.integer();
    if (!v) return std::nullopt;
    switch (static_cast<P1Attr>(at.type)) {
      case P1Attr::kEncryptionAlgorithm:
        a.enc = *v;
        if (log) log(fmt::format("     encryption {}", *v == 7 ? "AES-CBC" : *v == 5 ? "3DES-CBC" : "DES-CBC"));
        break;
      case P1Attr::kKeyLength:
        a.key_bits = *v;
        if (log) log(fmt::format("     keylength of {}", *v));
        break;
      case P1Attr::kHashAlgorithm:
        a.hash = *v;
        if (log) log(fmt::format("     hash {}", hash_name(*v)));
        break;
      case P1Attr::kAuthenticationMethod:
        a.auth = *v;
        if (log) log(fmt::format("     auth {}", *v == 1 ? "pre-share" : "other"));
        break;
      case P1Attr::kGroupDescription:
        a.group = *v;
        if (log) log(fmt::format("     default group {}", *v));
        break;
      case P1Attr::kLifeType:
        life_type = *v;
        if (log) log(fmt::format("     life type in {}", *v == 1 ? "seconds" : "kilobytes"));
        break;
      case P1Attr::kLifeDuration:
        if (life_type == 1) a.life_seconds = *v;
        if (log) log(fmt::format("     life duration {}", vpi(at)));
        break;
      case P1Attr::kGroupType:
      case P1Attr::kPrf:
      default: return std::nullopt;
    }
  }
  return a;
}

bool p1_matches(const P1Attrs& a, const IsakmpPolicyInput& p) {
  return a.enc == static_cast<std::uint64_t>(P1Encryption::kAesCbc) && a.key_bits == p.key_bits &&
         a.hash == static_cast<std::uint64_t>(p.hash) && a.auth == static_cast<std::uint64_t>(P1Auth::kPreSharedKey) &&
         a.group == static_cast<std::uint64_t>(p.group);
}

Transform p1_transform(std::uint8_t number, const IsakmpPolicyInput& p) {
  return Transform{number,
                   kTransformKeyIke,
                   {Attribute::tv(P1Attr::kEncryptionAlgorithm, static_cast<std::uint16_t>(P1Encryption::kAesCbc)),
                    Attribute::tv(P1Attr::kKeyLength, p.key_bits),
                    Attribute::tv(P1Attr::kHashAlgorithm, static_cast<std::uint16_t>(p.hash)),
                    Attribute::tv(P1Attr::kAuthenticationMethod, static_cast<std::uint16_t>(P1Auth::kPreSharedKey)),
                    Attribute::tv(P1Attr::kGroupDescription, static_cast<std::uint16_t>(p.group)),
                    Attribute::tv(P1Attr::kLifeType, static_cast<std::uint16_t>(LifeType::kSeconds)),
                    lifetime_attribute(u16(P1Attr::kLifeDuration), static_cast<std::uint64_t>(p.lifetime.count()))}};
}

struct P2Attrs {
  std::uint64_t mode = 0, auth = 0, key_bits = 0, group = 0, life_seconds = 0, life_kb = 0;
};

std::optional<P2Attrs> parse_p2(const Transform& t, const LogLine& log) {
  P2Attrs a;
  std::uint64_t life_type = 0;
  for (const Attribute& at : t.attributes) {
    auto v = at.integer();
    if (!v) return std::nullopt;
    switch (static_cast<P2Attr>(at.type)) {
      case P2Attr::kEncapsulationMode:
        a.mode = *v;
        if (log) log(fmt::format("     encaps is {} ({})", *v, *v == 1 ? "Tunnel" : *v == 3 ? "UDP-Encapsulated-Tunnel" : "Other"));
        break;
      case P2Attr::kSaLifeType:
        life_type = *v;
        if (log) log(fmt::format("     SA life type in {}", *v == 1 ? "seconds" : "kilobytes"));
        break;
      case P2Attr::kSaLifeDuration:
        (life_type == 2 ? a.life_kb : a.life_seconds) = *v;
        if (log) log(fmt::format("     SA life duration {}", vpi(at)));
        break;
      case P2Attr::kAuthenticationAlgorithm:
        a.auth = *v;
        if (log) log(fmt::format("     authenticator is HMAC-{}", *v == 5 ? "SHA256" : *v == 2 ? "SHA" : "other"));
        break;
      case P2Attr::kKeyLength:
        a.key_bits = *v;
        if (log) log(fmt::format("     key length is {}", *v));
        break;
      case P2Attr::kGroupDescription:
        a.group = *v;
        if (log) log(fmt::format("     group is {}", *v));
        break;
      default: return std::nullopt;
    }
  }
  return a;
}

bool mode_compatible(std::uint64_t offered, EncapsulationMode want) {
  if (want == EncapsulationMode::kUdpTunnel)
    return offered == static_cast<std::uint64_t>(EncapsulationMode::kUdpTunnel) ||
           offered == static_cast<std::uint64_t>(EncapsulationMode::kUdpTunnelDraft);
  return offered == static_cast<std::uint64_t>(want);
}

}  // namespace

Attribute lifetime_attribute(std::uint16_t type, std::uint64_t value) {
  if (value <= 0xFFFF) return Attribute::tv(type, static_cast<std::uint16_t>(value));
  return Attribute::tlv_integer(type, value, 4);
}

SaPayload phase1_offer(const std::vector<IsakmpPolicyInput>& policies) {
  Proposal p{1, ProtocolId::kIsakmp, {}, {}};
  std::uint8_t n = 1;
  for (const IsakmpPolicyInput& pol : policies) p.transforms.push_back(p1_transform(n++, pol));
  return SaPayload{kDoiIpsec, kSituationIdentityOnly, {p}};
}

std::optional<Phase1Match> match_phase1(const SaPayload& offered, const std::vector<IsakmpPolicyInput>& policies,
                                        const LogLine& log) {
  for (const IsakmpPolicyInput& pol : policies) {
    for (const Proposal& prop : offered.proposals) {
      if (prop.protocol != ProtocolId::kIsakmp) continue;
      for (const Transform& t : prop.transforms) {
        if (log) log(fmt::format("Checking ISAKMP transform {} against priority {} policy", t.number, pol.priority));
        if (t.id != kTransformKeyIke) continue;
        auto attrs = parse_p1(t, log);
        if (!attrs) {
          if (log) log("atts are not acceptable. Next payload is 0");
          continue;
        }
        if (!p1_matches(*attrs, pol)) {
          if (log) log("atts are not acceptable. Next payload is 3");
          continue;
        }
        if (log) log("atts are acceptable. Next payload is 0");
        Phase1Proposal chosen{pol.key_bits, pol.hash, pol.group, pol.lifetime};
        // IOS accepts a peer lifetime and uses the shorter of the two.
        if (attrs->life_seconds != 0 && std::chrono::seconds(attrs->life_seconds) < pol.lifetime)
          chosen.lifetime = std::chrono::seconds(attrs->life_seconds);
        return Phase1Match{prop.number, t, chosen};
      }
    }
  }
  return std::nullopt;
}

std::optional<Phase1Proposal> accept_phase1_reply(const SaPayload& reply, const std::vector<IsakmpPolicyInput>& policies) {
  if (reply.proposals.size() != 1 || reply.proposals[0].transforms.size() != 1) return std::nullopt;
  auto attrs = parse_p1(reply.proposals[0].transforms[0], nullptr);
  if (!attrs) return std::nullopt;
  for (const IsakmpPolicyInput& pol : policies)
    if (p1_matches(*attrs, pol)) {
      Phase1Proposal chosen{pol.key_bits, pol.hash, pol.group, pol.lifetime};
      if (attrs->life_seconds != 0 && std::chrono::seconds(attrs->life_seconds) < pol.lifetime)
        chosen.lifetime = std::chrono::seconds(attrs->life_seconds);
      return chosen;
    }
  return std::nullopt;
}

SaPayload phase2_offer(const CryptoMapInput& map, std::uint32_t spi, EncapsulationMode mode) {
  SaPayload sa;
  Bytes spi_b;
  Writer(spi_b).u32(spi);
  std::uint8_t n = 1;
  // One proposal per transform set, in preference order (RFC 2408 section 4.2).
  for (const EspTransformInput& t : map.transforms) {
    std::vector<Attribute> attrs = {
        Attribute::tv(P2Attr::kSaLifeType, static_cast<std::uint16_t>(LifeType::kSeconds)),
        lifetime_attribute(u16(P2Attr::kSaLifeDuration), static_cast<std::uint64_t>(map.lifetime.count())),
        Attribute::tv(P2Attr::kSaLifeType, static_cast<std::uint16_t>(LifeType::kKilobytes)),
        Attribute::tlv_integer(u16(P2Attr::kSaLifeDuration), map.lifetime_kb, 4),
        Attribute::tv(P2Attr::kEncapsulationMode, static_cast<std::uint16_t>(mode)),
        Attribute::tv(P2Attr::kKeyLength, t.key_bits),
    };
    if (t.auth != AuthAlgorithm::kNone)
      attrs.push_back(Attribute::tv(P2Attr::kAuthenticationAlgorithm, static_cast<std::uint16_t>(t.auth)));
    if (map.pfs) attrs.push_back(Attribute::tv(P2Attr::kGroupDescription, static_cast<std::uint16_t>(*map.pfs)));
    sa.proposals.push_back(
        Proposal{n++, ProtocolId::kIpsecEsp, spi_b, {Transform{1, static_cast<std::uint8_t>(t.id), std::move(attrs)}}});
  }
  return sa;
}

namespace {
std::uint32_t spi_of(const Proposal& p) {
  if (p.spi.size() != 4) return 0;
  return static_cast<std::uint32_t>(p.spi[0]) << 24 | static_cast<std::uint32_t>(p.spi[1]) << 16 |
         static_cast<std::uint32_t>(p.spi[2]) << 8 | p.spi[3];
}

std::optional<Phase2Match> check_transform(const Proposal& prop, const Transform& t, const CryptoMapInput& map,
                                           std::optional<EncapsulationMode> mode, const LogLine& log) {
  auto a = parse_p2(t, log);
  if (!a) return std::nullopt;
  if (mode && !mode_compatible(a->mode, *mode)) return std::nullopt;
  // PFS: a configured group must be offered exactly; with none configured, IOS follows the
  // initiator's group.
  if (map.pfs && a->group != static_cast<std::uint64_t>(*map.pfs)) return std::nullopt;
  std::optional<DhGroupId> pfs;
  if (a->group != 0) {
    pfs = static_cast<DhGroupId>(a->group);
    if (!dh_group_supported(*pfs)) return std::nullopt;
  }
  for (const EspTransformInput& mine : map.transforms) {
    if (static_cast<std::uint8_t>(mine.id) != t.id || mine.key_bits != a->key_bits ||
        static_cast<std::uint64_t>(mine.auth) != a->auth)
      continue;
    Phase2Match m;
    m.proposal_number = prop.number;
    m.peer_spi = spi_of(prop);
    m.transform = t;
    m.chosen.transform = mine;
    m.chosen.pfs = pfs;
    m.chosen.mode = static_cast<EncapsulationMode>(a->mode);
    m.chosen.lifetime = map.lifetime;
    m.chosen.lifetime_kb = map.lifetime_kb;
    if (a->life_seconds != 0 && std::chrono::seconds(a->life_seconds) < map.lifetime)
      m.chosen.lifetime = std::chrono::seconds(a->life_seconds);
    else if (a->life_seconds == 0 || std::chrono::seconds(a->life_seconds) > map.lifetime)
      m.responder_lifetime = true;
    if (a->life_kb != 0 && a->life_kb < map.lifetime_kb) m.chosen.lifetime_kb = a->life_kb;
    else if (a->life_kb == 0 || a->life_kb > map.lifetime_kb) m.responder_lifetime = true;
    return m;
  }
  return std::nullopt;
}
}  // namespace

std::optional<Phase2Match> match_phase2(const SaPayload& offered, const CryptoMapInput& map, EncapsulationMode mode,
                                        const LogLine& log) {
  for (const Proposal& prop : offered.proposals) {
    if (log) log(fmt::format("Checking IPSec proposal {}", prop.number));
    if (prop.protocol != ProtocolId::kIpsecEsp || prop.spi.size() != 4) continue;
    for (const Transform& t : prop.transforms) {
      if (log) log(fmt::format("transform {}, {}", t.number, t.id == 12 ? "ESP_AES" : t.id == 20 ? "ESP_GCM" : "ESP_?"));
      auto m = check_transform(prop, t, map, mode, log);
      if (m) {
        if (log) log("atts are acceptable.");
        return m;
      }
      if (log) log("atts are not acceptable.");
    }
  }
  return std::nullopt;
}

std::optional<Phase2Match> parse_phase2_reply(const SaPayload& reply, const CryptoMapInput& map) {
  if (reply.proposals.size() != 1 || reply.proposals[0].transforms.size() != 1) return std::nullopt;
  auto m = check_transform(reply.proposals[0], reply.proposals[0].transforms[0], map, std::nullopt, nullptr);
  if (m) m->responder_lifetime = false;
  return m;
}

}  // namespace espgw::ike
