// Command-word parsing with IOS abbreviations (see the header).
#include "host/espd/control_commands.hpp"

#include <initializer_list>

#include "host/common/ipv4.hpp"

namespace espgw::espd {

namespace {

// IOS accepts any unambiguous prefix; we accept a prefix of at least two characters (or the
// whole word when shorter), which is unambiguous for this small command set.
bool is(const std::string& word, const char* keyword) {
  const std::string k(keyword);
  if (word.size() > k.size()) return false;
  if (word.size() < 2 && word.size() != k.size()) return false;
  return k.compare(0, word.size(), word) == 0;
}

class Words {
 public:
  explicit Words(const std::vector<std::string>& argv) : argv_(argv) {}
  bool done() const { return i_ >= argv_.size(); }
  bool take(const char* keyword) {
    if (!done() && is(argv_[i_], keyword)) {
      ++i_;
      return true;
    }
    return false;
  }
  const std::string* next() { return done() ? nullptr : &argv_[i_++]; }
  std::string invalid() const {
    return done() ? "% Incomplete command." : "% Invalid input detected at '" + argv_[i_] + "'";
  }

 private:
  const std::vector<std::string>& argv_;
  std::size_t i_ = 0;
};

bool take_peer(Words& w, ControlCommand& c, std::string* error) {
  if (!w.take("peer")) return true;
  const std::string* a = w.next();
  auto addr = a ? parse_ipv4(*a) : std::nullopt;
  if (!addr) {
    *error = a ? "% Invalid peer address '" + *a + "'" : "% Incomplete command: peer needs an address";
    return false;
  }
  c.peer = *addr;
  return true;
}

}  // namespace

std::optional<ControlCommand> parse_control_command(const std::vector<std::string>& argv, std::string* error) {
  Words w(argv);
  ControlCommand c;
  if (w.take("show")) {
    if (w.take("running-config")) {
      c.kind = ControlCommand::Kind::kShowRunningConfig;
    } else if (w.take("platform")) {
      c.kind = ControlCommand::Kind::kShowPlatform;
    } else if (w.take("standby")) {
      c.kind = ControlCommand::Kind::kShowStandby;
      c.detail = w.take("brief");
    } else if (w.take("redundancy")) {
      c.kind = ControlCommand::Kind::kShowRedundancy;
      w.take("inter-device");
    } else if (w.take("crypto")) {
      if (w.take("ipsec")) {
        if (!w.take("sa")) return *error = w.invalid(), std::nullopt;
        c.kind = ControlCommand::Kind::kShowIpsecSa;
        // `peer A` and `detail` in either order, as IOS allows both.
        for (int i = 0; i < 2 && !w.done(); ++i) {
          if (w.take("detail")) c.detail = true;
          else if (!take_peer(w, c, error)) return std::nullopt;
        }
      } else if (w.take("isakmp")) {
        if (!w.take("sa")) return *error = w.invalid(), std::nullopt;
        c.kind = ControlCommand::Kind::kShowIsakmpSa;
      } else if (w.take("ha")) {
        c.kind = ControlCommand::Kind::kShowCryptoHa;
      } else if (w.take("map")) {
        c.kind = ControlCommand::Kind::kShowCryptoMap;
      } else if (w.take("sa-table")) {
        c.kind = ControlCommand::Kind::kShowSaTable;
      } else {
        return *error = w.invalid(), std::nullopt;
      }
    } else {
      return *error = w.invalid(), std::nullopt;
    }
  } else if (w.take("clear")) {
    if (!w.take("crypto")) return *error = w.invalid(), std::nullopt;
    if (w.take("isakmp")) {
      c.kind = ControlCommand::Kind::kClearIsakmp;
    } else {
      if (!w.take("sa")) return *error = w.invalid(), std::nullopt;
      c.kind = ControlCommand::Kind::kClearSa;
      if (!take_peer(w, c, error)) return std::nullopt;
    }
  } else if (w.take("undebug")) {
    if (!w.take("all")) return *error = w.invalid(), std::nullopt;
    c.kind = ControlCommand::Kind::kDebugIsakmp;
    c.on = false;
  } else if (w.take("no")) {
    if (!w.take("debug") || !w.take("crypto") || !w.take("isakmp")) return *error = w.invalid(), std::nullopt;
    c.kind = ControlCommand::Kind::kDebugIsakmp;
    c.on = false;
  } else if (w.take("debug")) {
    if (!w.take("crypto") || !w.take("isakmp")) return *error = w.invalid(), std::nullopt;
    c.kind = ControlCommand::Kind::kDebugIsakmp;
  } else if (w.take("export")) {
    if (!w.take("wireshark")) return *error = w.invalid(), std::nullopt;
    const std::string* dir = w.next();
    if (!dir) return *error = "% Incomplete command: export wireshark DIR", std::nullopt;
    c.kind = ControlCommand::Kind::kExportWireshark;
    c.dir = *dir;
  } else {
    return *error = w.invalid(), std::nullopt;
  }
  if (!w.done()) return *error = w.invalid(), std::nullopt;
  return c;
}

}  // namespace espgw::espd
