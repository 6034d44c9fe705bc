// Internal to host/config: the state one parse carries (the config being built, the mode
// stack, the diagnostics) and Args, a cursor over a command's tokens that reports what is
// missing or wrong at the right column. IOS keywords match by unique prefix ("encr").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/config/config_model.hpp"
#include "host/config/interface_name.hpp"
#include "host/config/lexer.hpp"
#include "host/config/parser.hpp"

namespace espgw::config::detail {

enum class ModeKind {
  kGlobal,
  kIsakmpPolicy,
  kTransformSet,
  kCryptoMap,
  kAccessList,
  kInterface,
  kTrack,
  kIpcZone,
  kIpcAssociation,
  kIpcProtocol,
  kIpcLocal,
  kIpcRemote,
  kRedundancyInterDevice,
  kIgnoredBlock,  // a platform block (line vty, router ospf ...): absorbs what global rejects
};

// One level of the mode stack. index points into the Config vector the mode edits, or is
// -1 when the head command was rejected: the sub-commands are then checked but dropped, so
// one bad `crypto map` line does not cascade into an error per sub-command.
struct Mode {
  ModeKind kind = ModeKind::kGlobal;
  int index = -1;
  std::string label;  // "interface GigabitEthernet0/0", for the ignored-command list
};

// What a mode handler did with a command.
struct Outcome {
  bool handled = false;          // false: not a command of this mode, try the level above
  std::optional<Mode> enter;     // the sub-mode the command opens
  static Outcome not_in_mode() { return {}; }
  static Outcome done() { return Outcome{true, std::nullopt}; }
  static Outcome open(Mode m) { return Outcome{true, std::move(m)}; }
};

// Keyword matching as IOS does it: case-insensitive, a unique prefix suffices, an exact
// match wins over longer candidates. Returns the index, kNoMatch or kAmbiguous.
inline constexpr int kNoMatch = -1;
inline constexpr int kAmbiguous = -2;
int match_keyword(std::string_view token, std::initializer_list<std::string_view> words);
bool keyword_is(std::string_view token, std::string_view word);  // prefix of word, case-insensitive

// Masks what follows password/secret/key/key-string/community so ignored or unknown
// commands can be listed without leaking a secret.
std::string masked_command(const Line& line, std::size_t from_token);

using config::canonical_interface_name;  // interface_name.hpp

class Context {
 public:
  Context(std::string_view file, ParseOptions options) : file_(file), options_(options) {}

  Config config;
  std::vector<Diagnostic> diagnostics;

  const std::string& file() const { return file_; }
  const ParseOptions& options() const { return options_; }

  void error(SourceLoc at, std::string message);
  void warning(SourceLoc at, std::string message);
  void ignore(const Line& line, const Mode& mode);  // list a platform command as ignored

  // Scratch targets for sub-modes whose head was rejected (Mode::index == -1).
  IsakmpPolicy scratch_policy;
  TransformSet scratch_transform_set;
  CryptoMapEntry scratch_crypto_map;
  AccessList scratch_access_list;
  Interface scratch_interface;
  Track scratch_track;
  IpcAssociation scratch_ipc_association;
  // Named-ACL sequence numbers, parallel to config.access_lists[i].entries (not modelled:
  // they only order the entries).
  std::vector<std::vector<int>> acl_sequence_numbers;

  IsakmpPolicy& policy(const Mode& m) { return m.index < 0 ? scratch_policy : config.isakmp_policies[m.index]; }
  TransformSet& transform_set(const Mode& m) { return m.index < 0 ? scratch_transform_set : config.transform_sets[m.index]; }
  CryptoMapEntry& crypto_map(const Mode& m) { return m.index < 0 ? scratch_crypto_map : config.crypto_maps[m.index]; }
  AccessList& access_list(const Mode& m) { return m.index < 0 ? scratch_access_list : config.access_lists[m.index]; }
  Interface& interface(const Mode& m) { return m.index < 0 ? scratch_interface : config.interfaces[m.index]; }
  Track& track(const Mode& m) { return m.index < 0 ? scratch_track : config.tracks[m.index]; }
  IpcAssociation& ipc_association(const Mode& m);

 private:
  std::string file_;
  ParseOptions options_;
};

SourceLoc loc_of(const Line& line, const Token& token);

// A cursor over one command's tokens. Each required-value helper reports a precise error
// (at the offending token, or at the end of the line when something is missing) and
// returns nullopt, after which the caller drops the command.
class Args {
 public:
  Args(Context& ctx, const Line& line, std::size_t start) : ctx_(ctx), line_(line), pos_(start) {}

  const Line& line() const { return line_; }
  std::size_t position() const { return pos_; }
  bool at_end() const { return pos_ >= line_.tokens.size(); }
  const Token* peek() const { return at_end() ? nullptr : &line_.tokens[pos_]; }
  const Token* take() { return at_end() ? nullptr : &line_.tokens[pos_++]; }
  SourceLoc here() const;  // the next token, or just past the end of the line
  SourceLoc loc(const Token& t) const { return loc_of(line_, t); }

  const Token* require(std::string_view what);
  std::optional<std::int64_t> number(std::string_view what, std::int64_t lo, std::int64_t hi);
  std::optional<std::uint32_t> ipv4(std::string_view what);
  std::optional<std::uint32_t> netmask(std::string_view what);  // contiguous
  // One of words (unique prefix); reports "expected WHAT (a|b|c)" on failure.
  std::optional<int> keyword(std::string_view what, std::initializer_list<std::string_view> words);
  // Consumes the next token when it abbreviates word.
  bool accept(std::string_view word);
  // True when nothing is left; otherwise reports the first extra token.
  bool finish();
  void error_here(std::string message) { ctx_.error(here(), std::move(message)); }
  void error_at(const Token& t, std::string message) { ctx_.error(loc(t), std::move(message)); }

 private:
  Context& ctx_;
  const Line& line_;
  std::size_t pos_;
};

}  // namespace espgw::config::detail
