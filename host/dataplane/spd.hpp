// The Security Policy Database built from crypto maps the IOS way (RFC 4301 section 4.4.1,
// Cisco "crypto map" semantics): map entries are tried in sequence order; inside an entry's
// ACL the first matching line decides: permit = protect with this entry (each permit line is
// one proxy pair, the IOS "local/remote ident"), deny = not this entry, try the next. No
// entry protecting a packet means bypass. An Spd is immutable; the control loop publishes a
// new one and the forwarder picks it up per burst (SpdHandle), so lookups take no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "espgw/driver/esp_device.hpp"
#include "host/config/config_model.hpp"
#include "host/dataplane/packet_view.hpp"

namespace espgw::dataplane {

// Host-side drop counters of one proxy pair; shared between Spd generations so a reload that
// keeps the pair keeps its counts. Written by the forwarder, read by show.
struct PairCounters {
  std::atomic<std::uint64_t> no_sa_send{0};    // IOS "#pkts no sa (send)": matched, no SA yet
  std::atomic<std::uint64_t> send_errors{0};   // socket refused the ESP packet
  std::atomic<std::uint64_t> encaps_failed{0}; // device refused (too big, lifetime, overflow)
  // Last time (steady clock, ms) this pair asked IKE for an SA: acquires are rate-limited.
  std::atomic<std::int64_t> last_acquire_ms{-1000000};
};

// The IOS ident "(addr/mask/prot/port)" of one side of a pair.
struct Ident {
  std::uint32_t addr = 0;
  std::uint32_t mask = 0;
  std::uint8_t protocol = 0;  // 0 = ip
  std::uint16_t port = 0;     // 0 = any
  friend bool operator==(const Ident&, const Ident&) = default;
};

struct ProxyPair {
  config::AclEntry acl;  // the permit line, source = local side
  Ident local, remote;
  driver::SaHandle outbound_sa = driver::kNoSa;  // kNoSa: no SA yet (IKE) or none (manual, not first pair)
  std::shared_ptr<PairCounters> counters = std::make_shared<PairCounters>();
};

struct SpdLine {
  config::AclEntry acl;
  int pair = -1;  // index into SpdMapEntry::pairs for permit lines
};

// One crypto map entry bound to an interface.
struct SpdMapEntry {
  std::string map_tag;
  int seq = 0;
  std::uint32_t peer = 0;
  std::uint32_t local_addr = 0;
  bool manual = false;  // ipsec-manual: no SA means drop, never an IKE acquire
  std::vector<SpdLine> lines;
  std::vector<ProxyPair> pairs;
};

struct SpdDecision {
  enum class Kind { kBypass, kProtect } kind = Kind::kBypass;
  const SpdMapEntry* entry = nullptr;
  const ProxyPair* pair = nullptr;
};

class Spd {
 public:
  Spd() = default;
  explicit Spd(std::vector<SpdMapEntry> entries);  // sorted by seq here

  SpdDecision lookup(const FiveTuple& packet) const;
  const std::vector<SpdMapEntry>& entries() const { return entries_; }

  // The ident IOS prints for one side of an ACL line.
  static Ident ident_of(const config::AclAddress& addr, int protocol, const config::PortMatch& port);
  // Whether one ACL line matches a packet (ports and ICMP type/code included).
  static bool line_matches(const config::AclEntry& line, const FiveTuple& packet);

 private:
  std::vector<SpdMapEntry> entries_;
};

// Builds the entries' lines and pairs from an ACL; each permit line becomes a pair.
SpdMapEntry make_spd_entry(std::string map_tag, int seq, std::uint32_t peer, std::uint32_t local_addr,
                           const config::AccessList& acl);

// The forwarder's view of the current Spd: one atomic load per burst, no lock.
class SpdHandle {
 public:
  SpdHandle() : spd_(std::make_shared<const Spd>()) {}
  std::shared_ptr<const Spd> load() const { return spd_.load(std::memory_order_acquire); }
  void store(std::shared_ptr<const Spd> spd) { spd_.store(std::move(spd), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const Spd>> spd_;
};

}  // namespace espgw::dataplane
