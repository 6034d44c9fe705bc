// Quick Mode (RFC 2409 section 5.5): HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDci |
// IDcr]), HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] [| IDci | IDcr]),
// HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b); KEYMAT per direction from the SPI the
// receiving side chose.
#include "host/ike/quick_mode.hpp"

#include "host/common/ipv4.hpp"
#include "host/ike/ike_random.hpp"
#include "host/ike/keymat.hpp"
#include "host/ike/natt.hpp"

namespace espgw::ike {

namespace {
std::size_t enc_key_size(const EspTransformInput& t) { return t.key_bits / 8; }
std::size_t auth_key_size(const EspTransformInput& t) {
  switch (t.auth) {
    case AuthAlgorithm::kHmacSha1: return 20;
    case AuthAlgorithm::kHmacSha256: return 32;
    case AuthAlgorithm::kHmacSha384: return 48;
    case AuthAlgorithm::kHmacSha512: return 64;
    case AuthAlgorithm::kHmacMd5: return 16;
    case AuthAlgorithm::kNone: return 0;
  }
  return 0;
}
bool is_gcm(const EspTransformInput& t) { return t.id == EspTransformId::kEspAesGcm16; }

driver::Transform device_transform(const EspTransformInput& t) {
  if (is_gcm(t)) return driver::Transform::kAesGcm16;
  return t.auth == AuthAlgorithm::kHmacSha1 ? driver::Transform::kAesCbcHmacSha1 : driver::Transform::kAesCbcHmacSha256;
}

std::uint16_t port_lo(std::uint16_t p) { return p; }
std::uint16_t port_hi(std::uint16_t p) { return p == 0 ? 0xFFFF : p; }

ProxyId proxy_of(const IdPayload& id) {
  return ProxyId{id.ipv4_addr(), id.ipv4_mask(), id.protocol, id.port};
}

// Same protected network: masks, masked addresses, protocol and port all equal.
bool same_proxy(const ProxyId& a, const ProxyId& b) {
  return a.mask == b.mask && (a.addr & a.mask) == (b.addr & b.mask) && a.protocol == b.protocol && a.port == b.port;
}

}  // namespace

const char* qm_state_name(QmState s) {
  switch (s) {
    case QmState::kReady: return "IKE_QM_READY";
    case QmState::kIQm1: return "IKE_QM_I_QM1";
    case QmState::kSpiStarve: return "IKE_QM_SPI_STARVE";
    case QmState::kRQm2: return "IKE_QM_R_QM2";
    case QmState::kPhase2Complete: return "IKE_QM_PHASE2_COMPLETE";
  }
  return "?";
}

driver::SaConfig make_sa_config(const IkeSa& sa, const CryptoMapInput& map, const Phase2Proposal& p,
                                driver::Direction dir, std::uint32_t spi, const SecretBytes& km,
                                std::uint32_t replay_window) {
  driver::SaConfig c;
  const bool inbound = dir == driver::Direction::kInbound;
  c.spi = spi;
  c.direction = dir;
  c.tunnel_src = inbound ? sa.peer.addr : sa.local.addr;
  c.tunnel_dst = inbound ? sa.local.addr : sa.peer.addr;
  if (p.mode == EncapsulationMode::kUdpTunnel || p.mode == EncapsulationMode::kUdpTunnelDraft)
    c.udp_encap = inbound ? driver::UdpEncap{sa.peer.port, sa.local.port} : driver::UdpEncap{sa.local.port, sa.peer.port};
  c.transform = device_transform(p.transform);
  EspKeys keys = split_keymat(km, enc_key_size(p.transform), auth_key_size(p.transform), is_gcm(p.transform));
  c.enc_key = std::move(keys.enc_key);
  c.auth_key = std::move(keys.auth_key);
  c.salt = keys.salt;
  c.replay_window = inbound ? replay_window : 0;
  // Kilobyte lifetime: hard at the negotiated value, soft at 90 % so rekey starts early.
  c.lifetime.hard_bytes = p.lifetime_kb * 1024;
  c.lifetime.soft_bytes = static_cast<std::uint64_t>(static_cast<double>(c.lifetime.hard_bytes) * kRekeySoftFraction);
  const ProxyId& src = inbound ? map.remote : map.local;
  const ProxyId& dst = inbound ? map.local : map.remote;
  c.selector = driver::TrafficSelector{src.addr & src.mask, src.mask, dst.addr & dst.mask, dst.mask,
                                       src.protocol != 0 ? src.protocol : dst.protocol,
                                       port_lo(src.port), port_hi(src.port), port_lo(dst.port), port_hi(dst.port)};
  return c;
}

QuickMode::QuickMode(IkeSa& sa, Role role, std::uint32_t message_id, const CryptoMapInput* map, QuickModeHooks hooks)
    : sa_(sa), role_(role), message_id_(message_id), map_(map), hooks_(std::move(hooks)) {}

void QuickMode::set_state(QmState next) {
  sa_.debug("Node {}, Old State = {}  New State = {}", message_id_, qm_state_name(state_), qm_state_name(next));
  state_ = next;
}

TaskStatus QuickMode::fail(NotifyType notify, const std::string& why) {
  spdlog::info("ISAKMP:({}): Quick Mode {} with {} failed: {}", sa_.log_id(), message_id_, format_ipv4(sa_.peer.addr), why);
  failure_notify_ = notify;
  return TaskStatus::kFailed;
}

IdPayload QuickMode::id_of(const ProxyId& p) const {
  if (p.mask == 0xFFFFFFFF) return IdPayload::ipv4(p.addr, p.protocol, p.port);
  return IdPayload::ipv4_subnet(p.addr & p.mask, p.mask, p.protocol, p.port);
}

bool QuickMode::derive_and_install(bool outbound_too) {
  const EspTransformInput& t = match_->chosen.transform;
  std::size_t size = keymat_size(enc_key_size(t), auth_key_size(t), is_gcm(t));
  SecretBytes in_km = keymat(*sa_.prf, sa_.keys->skeyid_d, g_qm_xy_.view(), ProtocolId::kIpsecEsp, own_spi_, ni_b_,
                             nr_b_, size);
  out_keymat_ = keymat(*sa_.prf, sa_.keys->skeyid_d, g_qm_xy_.view(), ProtocolId::kIpsecEsp, match_->peer_spi, ni_b_,
                       nr_b_, size);
  if (in_km.size() != size || out_keymat_.size() != size) return false;
  const std::uint32_t window = sa_.config().replay_window;
  sa_.debug(" Creating IPSec SAs");
  sa_.debug("        inbound SA from {} to {} has spi 0x{:08X}", format_ipv4(sa_.peer.addr), format_ipv4(sa_.local.addr),
            own_spi_);
  sa_.debug("        lifetime of {} seconds", match_->chosen.lifetime.count());
  sa_.debug("        lifetime of {} kilobytes", match_->chosen.lifetime_kb);
  hooks_.install_sa(make_sa_config(sa_, *map_, match_->chosen, driver::Direction::kInbound, own_spi_, in_km, window));
  child_ = ChildSa{own_spi_, match_->peer_spi, map_->map_name, map_->seq, match_->chosen, map_, role_ == Role::kInitiator};
  if (outbound_too) install_outbound();
  return true;
}

void QuickMode::install_outbound() {
  sa_.debug("        outbound SA from {} to {} has spi 0x{:08X}", format_ipv4(sa_.local.addr), format_ipv4(sa_.peer.addr),
            match_->peer_spi);
  hooks_.install_sa(make_sa_config(sa_, *map_, match_->chosen, driver::Direction::kOutbound, match_->peer_spi,
                                   out_keymat_, 0));
  out_keymat_.clear();
}

TaskStatus QuickMode::build_i(Message& out) {
  switch (step_) {
    case Step::kQm1: {
      own_spi_ = hooks_.allocate_spi();
      ni_b_ = random_bytes(kNonceSize);
      std::vector<Payload> rest;
      rest.push_back(phase2_offer(*map_, own_spi_, encapsulation_mode(sa_)));
      rest.push_back(NoncePayload{ni_b_});
      if (map_->pfs) {
        dh_ = DiffieHellman::create(*map_->pfs);
        if (!dh_) return fail(NotifyType::kInvalidKeyInformation, "PFS group unavailable");
        rest.push_back(KePayload{dh_->public_value()});
      }
      rest.push_back(id_of(map_->local));
      rest.push_back(id_of(map_->remote));
      Bytes hash = qm_hash1(*sa_.prf, sa_.keys->skeyid_a, message_id_, encode_chain(rest));
      add_payload(out, HashPayload{std::move(hash)});
      for (Payload& p : rest) out.payloads.push_back(PayloadEntry{std::move(p), 0, 0});
      out.header.flags |= kFlagEncryption;
      set_state(QmState::kIQm1);
      step_ = Step::kQm2;
      return TaskStatus::kNeedMore;
    }
    case Step::kQm3: {
      add_payload(out, HashPayload{qm_hash3(*sa_.prf, sa_.keys->skeyid_a, message_id_, ni_b_, nr_b_)});
      out.header.flags |= kFlagEncryption;
      set_state(QmState::kPhase2Complete);
      step_ = Step::kDone;
      return TaskStatus::kDone;
    }
    case Step::kQm2:
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType, "unexpected build step");
}

TaskStatus QuickMode::process_i(const Message& in) {
  if (step_ != Step::kQm2) return fail(NotifyType::kInvalidExchangeType, "unexpected message");
  const HashPayload* hash = in.find<HashPayload>();
  const NoncePayload* nr = in.find<NoncePayload>();
  if (hash == nullptr || nr == nullptr) return fail(NotifyType::kPayloadMalformed, "QM2 without HASH or NONCE");
  Bytes want = qm_hash2(*sa_.prf, sa_.keys->skeyid_a, message_id_, ni_b_, in.after_first_payload());
  if (!hash_equal(want, hash->data)) return fail(NotifyType::kInvalidHashInformation, "HASH(2) does not verify");
  match_ = parse_phase2_reply(*in.find<SaPayload>(), *map_);
  if (!match_ || match_->peer_spi == 0) return fail(NotifyType::kNoProposalChosen, "reply is not one of our proposals");
  if (match_->chosen.pfs != map_->pfs) return fail(NotifyType::kNoProposalChosen, "PFS group differs from ours");
  if (in.count<IdPayload>() == 2 &&
      (!same_proxy(proxy_of(*in.find<IdPayload>(0)), map_->local) || !same_proxy(proxy_of(*in.find<IdPayload>(1)), map_->remote)))
    return fail(NotifyType::kInvalidIdInformation, "proxy identities changed in QM2");
  // RESPONDER-LIFETIME (RFC 2407 4.6.3.1): adopt the responder's shorter lifetimes.
  for (std::size_t i = 0; const NotifyPayload* n = in.find<NotifyPayload>(i); ++i) {
    if (n->type != NotifyType::kResponderLifetime) continue;
    auto attrs = decode_attributes(n->data, 0);
    if (!attrs) continue;
    std::uint64_t type = 0;
    for (const Attribute& a : *attrs) {
      if (a.type == static_cast<std::uint16_t>(P2Attr::kSaLifeType)) type = a.integer().value_or(0);
      if (a.type == static_cast<std::uint16_t>(P2Attr::kSaLifeDuration) && a.integer()) {
        if (type == 1) match_->chosen.lifetime = std::min(match_->chosen.lifetime, std::chrono::seconds(*a.integer()));
        if (type == 2) match_->chosen.lifetime_kb = std::min(match_->chosen.lifetime_kb, *a.integer());
      }
    }
    sa_.debug(" processing RESPONDER_LIFETIME notify");
  }
  nr_b_ = nr->data;
  if (dh_) {
    const KePayload* ke = in.find<KePayload>();
    if (ke == nullptr) return fail(NotifyType::kPayloadMalformed, "PFS requested but QM2 has no KE");
    auto secret = dh_->shared_secret(ke->data);
    if (!secret) return fail(NotifyType::kInvalidKeyInformation, "invalid PFS KE value");
    g_qm_xy_ = std::move(*secret);
  }
  // Initiator: the responder installed its inbound SA before sending QM2, so both ours go in now.
  if (!derive_and_install(true)) return fail(NotifyType::kInvalidKeyInformation, "KEYMAT derivation failed");
  step_ = Step::kQm3;
  return TaskStatus::kNeedMore;
}

TaskStatus QuickMode::process_r(const Message& in) {
  switch (step_) {
    case Step::kQm1: {
      sa_.debug(" processing HASH payload. message ID = {}", message_id_);
      const HashPayload* hash = in.find<HashPayload>();
      Bytes want = qm_hash1(*sa_.prf, sa_.keys->skeyid_a, message_id_, in.after_first_payload());
      if (hash == nullptr || !hash_equal(want, hash->data))
        return fail(NotifyType::kInvalidHashInformation, "HASH(1) does not verify");
      if (in.count<IdPayload>() != 2) return fail(NotifyType::kInvalidIdInformation, "QM1 without proxy identities");
      // IDci is the initiator's side (our remote), IDcr ours.
      ProxyId remote = proxy_of(*in.find<IdPayload>(0));
      ProxyId local = proxy_of(*in.find<IdPayload>(1));
      for (const CryptoMapInput& m : sa_.config().crypto_maps)
        if (m.peer == sa_.peer.addr && same_proxy(m.local, local) && same_proxy(m.remote, remote)) {
          map_ = &m;
          break;
        }
      if (map_ == nullptr)
        return fail(NotifyType::kInvalidIdInformation,
                    fmt::format("no crypto map entry for proxies {}/{} <-> {}/{}", format_ipv4(local.addr),
                                netmask_prefix_length(local.mask), format_ipv4(remote.addr),
                                netmask_prefix_length(remote.mask)));
      sa_.debug(" processing SA payload. message ID = {}", message_id_);
      match_ = match_phase2(*in.find<SaPayload>(), *map_, encapsulation_mode(sa_),
                            [this](const std::string& l) { sa_.debug("{}", l); });
      if (!match_) return fail(NotifyType::kNoProposalChosen, "IPSec policy invalidated proposal");
      ni_b_ = in.find<NoncePayload>()->data;
      if (match_->chosen.pfs) {
        const KePayload* ke = in.find<KePayload>();
        if (ke == nullptr) return fail(NotifyType::kPayloadMalformed, "PFS proposed without KE");
        dh_ = DiffieHellman::create(*match_->chosen.pfs);
        auto secret = dh_ ? dh_->shared_secret(ke->data) : std::nullopt;
        if (!secret) return fail(NotifyType::kInvalidKeyInformation, "invalid PFS KE value");
        g_qm_xy_ = std::move(*secret);
      }
      sa_.debug("QM Responder gets spi");
      own_spi_ = hooks_.allocate_spi();
      set_state(QmState::kSpiStarve);
      return TaskStatus::kNeedMore;
    }
    case Step::kQm3: {
      const HashPayload* hash = in.find<HashPayload>();
      Bytes want = qm_hash3(*sa_.prf, sa_.keys->skeyid_a, message_id_, ni_b_, nr_b_);
      if (hash == nullptr || !hash_equal(want, hash->data))
        return fail(NotifyType::kInvalidHashInformation, "HASH(3) does not verify");
      sa_.debug("deleting node {} error FALSE reason \"QM done (await)\"", message_id_);
      install_outbound();  // the initiator has its inbound SA now
      set_state(QmState::kPhase2Complete);
      step_ = Step::kDone;
      return TaskStatus::kDone;
    }
    case Step::kQm2:
    case Step::kDone: break;
  }
  return fail(NotifyType::kInvalidExchangeType, "unexpected message");
}

TaskStatus QuickMode::build_r(Message& out) {
  if (step_ != Step::kQm1) return fail(NotifyType::kInvalidExchangeType, "unexpected build step");
  nr_b_ = random_bytes(kNonceSize);
  Bytes spi;
  Writer(spi).u32(own_spi_);
  std::vector<Payload> rest;
  rest.push_back(SaPayload{kDoiIpsec, kSituationIdentityOnly,
                           {Proposal{match_->proposal_number, ProtocolId::kIpsecEsp, spi, {match_->transform}}}});
  rest.push_back(NoncePayload{nr_b_});
  if (dh_) rest.push_back(KePayload{dh_->public_value()});
  rest.push_back(id_of(map_->remote));  // IDci echoed
  rest.push_back(id_of(map_->local));   // IDcr echoed
  if (match_->responder_lifetime) {
    Bytes attrs;
    encode_attributes({Attribute::tv(P2Attr::kSaLifeType, static_cast<std::uint16_t>(LifeType::kSeconds)),
                       lifetime_attribute(static_cast<std::uint16_t>(P2Attr::kSaLifeDuration),
                                          static_cast<std::uint64_t>(match_->chosen.lifetime.count())),
                       Attribute::tv(P2Attr::kSaLifeType, static_cast<std::uint16_t>(LifeType::kKilobytes)),
                       Attribute::tlv_integer(static_cast<std::uint16_t>(P2Attr::kSaLifeDuration),
                                              match_->chosen.lifetime_kb, 4)},
                      attrs);
    rest.push_back(NotifyPayload{kDoiIpsec, ProtocolId::kIpsecEsp, NotifyType::kResponderLifetime, spi, attrs});
  }
  Bytes hash = qm_hash2(*sa_.prf, sa_.keys->skeyid_a, message_id_, ni_b_, encode_chain(rest));
  add_payload(out, HashPayload{std::move(hash)});
  for (Payload& p : rest) out.payloads.push_back(PayloadEntry{std::move(p), 0, 0});
  out.header.flags |= kFlagEncryption;
  // Responder: inbound SA in place before QM2 leaves, since QM2 lets the initiator send.
  if (!derive_and_install(false)) return fail(NotifyType::kInvalidKeyInformation, "KEYMAT derivation failed");
  set_state(QmState::kRQm2);
  step_ = Step::kQm3;
  return TaskStatus::kNeedMore;
}

}  // namespace espgw::ike
