// `track N interface NAME line-protocol|ip routing`: the objects HSRP's `standby N track`
// follows (IOS Enhanced Object Tracking). Sub-mode commands (`delay`) are listed as ignored.
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {

Outcome global_track(Context& ctx, Args& args) {
  const SourceLoc head = args.loc(args.line().tokens.front());
  Mode mode{ModeKind::kTrack, -1, "track"};
  auto n = args.number("track object number", 1, 1000);
  if (!n) return Outcome::open(mode);
  mode.label += " " + std::to_string(*n);
  auto kind = args.keyword("tracked object type", {"interface", "ip", "list", "stub-object"});
  if (!kind) return Outcome::open(mode);
  if (*kind != 0) {
    args.error_at(args.line().tokens[2], "only `track N interface NAME line-protocol|ip routing` is supported");
    return Outcome::open(mode);
  }
  const Token* itf_token = args.require("interface name");
  if (itf_token == nullptr) return Outcome::open(mode);
  std::string written = itf_token->text;
  if (args.peek() != nullptr && std::isdigit(static_cast<unsigned char>(args.peek()->text[0]))) written += args.take()->text;
  auto name = canonical_interface_name(written);
  if (!name) {
    args.error_at(*itf_token, "unknown interface '" + written + "'");
    return Outcome::open(mode);
  }
  auto what = args.keyword("interface state", {"line-protocol", "ip"});
  if (!what) return Outcome::open(mode);
  if (*what == 1 && !args.keyword("ip state", {"routing"})) return Outcome::open(mode);
  if (!args.finish()) return Outcome::open(mode);
  Track t;
  t.object = static_cast<int>(*n);
  t.interface = *name;
  t.kind = *what == 0 ? TrackKind::kLineProtocol : TrackKind::kIpRouting;
  t.loc = head;
  auto& tracks = ctx.config.tracks;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (tracks[i].object == t.object) {
      tracks[i] = std::move(t);
      mode.index = static_cast<int>(i);
      return Outcome::open(mode);
    }
  }
  tracks.push_back(std::move(t));
  mode.index = static_cast<int>(tracks.size() - 1);
  return Outcome::open(mode);
}

Outcome in_track(Context& ctx, const Mode& mode, Args& args) {
  // `delay up S down S` damps flaps on a router; host/ha reacts to the link as it is.
  if (match_keyword(args.peek()->text, {"delay"}) != 0) return Outcome::not_in_mode();
  ctx.ignore(args.line(), mode);
  return Outcome::done();
}

}  // namespace espgw::config::detail
