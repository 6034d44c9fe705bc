// Look-ups over the value model (config_model.hpp) and the diagnostic formatter; no state.
#include "host/config/config_model.hpp"

#include <algorithm>
#include <bit>

namespace espgw::config {

std::string Diagnostic::to_string() const {
  std::string out = file;
  out += ':' + std::to_string(loc.line) + ':' + std::to_string(loc.column) + ": ";
  out += severity == Severity::kError ? "error: " : "warning: ";
  out += message;
  return out;
}

const TransformSet* Config::find_transform_set(std::string_view name) const {
  for (const auto& t : transform_sets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const AccessList* Config::find_access_list(std::string_view name) const {
  for (const auto& a : access_lists) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const Interface* Config::find_interface(std::string_view full_name) const {
  for (const auto& i : interfaces) {
    if (i.name == full_name) return &i;
  }
  return nullptr;
}

const Track* Config::find_track(int object) const {
  for (const auto& t : tracks) {
    if (t.object == object) return &t;
  }
  return nullptr;
}

std::vector<const CryptoMapEntry*> Config::find_crypto_map(std::string_view name) const {
  std::vector<const CryptoMapEntry*> out;
  for (const auto& e : crypto_maps) {
    if (e.name == name) out.push_back(&e);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  return out;
}

const IsakmpKey* Config::find_isakmp_key(std::uint32_t peer) const {
  // IOS picks the most specific match: a host key beats 0.0.0.0 0.0.0.0.
  const IsakmpKey* best = nullptr;
  for (const auto& k : isakmp_keys) {
    if (((peer ^ k.address) & k.mask) != 0) continue;
    if (best == nullptr || std::popcount(k.mask) > std::popcount(best->mask)) best = &k;
  }
  return best;
}

const StandbyGroup* Config::find_standby_group(std::string_view name, const Interface** on) const {
  for (const auto& i : interfaces) {
    for (const auto& g : i.standby) {
      if (g.name && *g.name == name) {
        if (on != nullptr) *on = &i;
        return &g;
      }
    }
  }
  return nullptr;
}

const CryptoMapReplayInterval* Config::find_replay_interval(std::string_view map_name) const {
  for (const auto& r : crypto_map_replay_intervals) {
    if (r.map_name == map_name) return &r;
  }
  return nullptr;
}

const Interface* Config::find_interface_with_crypto_map(std::string_view map_name) const {
  for (const auto& i : interfaces) {
    if (i.crypto_map && i.crypto_map->map.name == map_name) return &i;
  }
  return nullptr;
}

std::chrono::seconds Config::effective_lifetime_seconds(const CryptoMapEntry& entry) const {
  return entry.lifetime_seconds.value_or(ipsec_sa_lifetime_seconds);
}

std::uint64_t Config::effective_lifetime_kilobytes(const CryptoMapEntry& entry) const {
  return entry.lifetime_kilobytes.value_or(ipsec_sa_lifetime_kilobytes);
}

std::optional<std::uint32_t> Config::crypto_local_address(const Interface& itf) const {
  if (itf.crypto_map && itf.crypto_map->redundancy) {
    for (const auto& g : itf.standby) {
      if (g.name && *g.name == itf.crypto_map->redundancy->name && g.virtual_ip) return g.virtual_ip;
    }
  }
  if (itf.address) return itf.address->address;
  return std::nullopt;
}

}  // namespace espgw::config
