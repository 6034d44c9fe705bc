// The stateful-failover channel of the reference's section 2.2: `ipc zone default` /
// `association N` / `protocol sctp` / local-port (local-ip, retransmit settings) /
// remote-port (remote-ip), and `redundancy inter-device` / `scheme standby NAME`.
// IOS nests these modes; pasted text may indent them any way, so only mode matters.
#include <string>

#include "host/config/sections.hpp"

namespace espgw::config::detail {
namespace {

std::optional<std::vector<std::uint32_t>> parse_ips(Args& args, std::string_view what) {
  std::vector<std::uint32_t> ips;
  auto a = args.ipv4(what);
  if (!a) return std::nullopt;
  ips.push_back(*a);
  if (!args.at_end()) {  // a second address for SCTP multi-homing
    auto b = args.ipv4(what);
    if (!b) return std::nullopt;
    ips.push_back(*b);
  }
  if (!args.finish()) return std::nullopt;
  return ips;
}

Outcome in_zone(Context& ctx, const Mode& mode, Args& args) {
  if (match_keyword(args.peek()->text, {"association"}) != 0) return Outcome::not_in_mode();
  args.take();
  Mode next{ModeKind::kIpcAssociation, -1, "ipc association"};
  auto n = args.number("association id", 1, 255);
  if (!n || !args.finish() || mode.index < 0 || !ctx.config.ipc_zone) return Outcome::open(next);
  next.label += " " + std::to_string(*n);
  auto& assocs = ctx.config.ipc_zone->associations;
  for (std::size_t i = 0; i < assocs.size(); ++i) {
    if (assocs[i].id == *n) {
      next.index = static_cast<int>(i);
      return Outcome::open(next);
    }
  }
  IpcAssociation a;
  a.id = static_cast<int>(*n);
  a.loc = args.loc(args.line().tokens.front());
  assocs.push_back(std::move(a));
  next.index = static_cast<int>(assocs.size() - 1);
  return Outcome::open(next);
}

Outcome in_association(Context& ctx, const Mode& mode, Args& args) {
  IpcAssociation& a = ctx.ipc_association(mode);
  const bool negated = args.peek()->text == "no";
  if (negated) args.take();
  if (args.at_end()) return Outcome::not_in_mode();
  const int k = match_keyword(args.peek()->text, {"shutdown", "protocol"});
  if (k < 0 || (negated && k != 0)) return Outcome::not_in_mode();
  args.take();
  if (k == 0) {
    if (args.finish()) a.shutdown = !negated;
    return Outcome::done();
  }
  Mode next{ModeKind::kIpcProtocol, mode.index, mode.label + " protocol"};
  auto proto = args.keyword("IPC transport", {"sctp"});
  if (!proto) return Outcome::open(next);
  if (args.finish()) a.protocol = "sctp";
  return Outcome::open(next);
}

Outcome in_protocol(Context& ctx, const Mode& mode, Args& args) {
  const int k = match_keyword(args.peek()->text, {"local-port", "remote-port"});
  if (k < 0) return Outcome::not_in_mode();
  args.take();
  Mode next{k == 0 ? ModeKind::kIpcLocal : ModeKind::kIpcRemote, mode.index, mode.label + (k == 0 ? " local" : " remote")};
  auto port = args.number(k == 0 ? "local port" : "remote port", 1, 65535);
  if (!port || !args.finish()) return Outcome::open(next);
  IpcAssociation& a = ctx.ipc_association(mode);
  (k == 0 ? a.local_port : a.remote_port) = static_cast<std::uint16_t>(*port);
  return Outcome::open(next);
}

Outcome in_local(Context& ctx, const Mode& mode, Args& args) {
  const int k = match_keyword(args.peek()->text, {"local-ip", "retransmit-timeout", "path-retransmit", "assoc-retransmit"});
  if (k < 0) return Outcome::not_in_mode();
  args.take();
  IpcAssociation& a = ctx.ipc_association(mode);
  switch (k) {
    case 0:
      if (auto ips = parse_ips(args, "local IP address")) a.local_ips = *ips;
      break;
    case 1: {
      auto lo = args.number("minimum retransmit timeout (ms)", 300, 60000);
      if (!lo) break;
      const Token* hi_token = args.peek();
      auto hi = args.number("maximum retransmit timeout (ms)", 300, 60000);
      if (!hi) break;
      if (*hi < *lo) {
        args.error_at(*hi_token, "maximum retransmit timeout is below the minimum");
        break;
      }
      if (!args.finish()) break;
      a.retransmit_timeout_min = std::chrono::milliseconds(*lo);
      a.retransmit_timeout_max = std::chrono::milliseconds(*hi);
      break;
    }
    case 2:
      if (auto n = args.number("path retransmissions", 2, 10); n && args.finish()) a.path_retransmit = static_cast<int>(*n);
      break;
    case 3:
      if (auto n = args.number("association retransmissions", 2, 20); n && args.finish()) a.assoc_retransmit = static_cast<int>(*n);
      break;
    default:
      break;
  }
  return Outcome::done();
}

Outcome in_remote(Context& ctx, const Mode& mode, Args& args) {
  if (match_keyword(args.peek()->text, {"remote-ip"}) != 0) return Outcome::not_in_mode();
  args.take();
  if (auto ips = parse_ips(args, "remote IP address")) ctx.ipc_association(mode).remote_ips = *ips;
  return Outcome::done();
}

}  // namespace

Outcome global_ipc(Context& ctx, Args& args) {
  if (args.peek() == nullptr || match_keyword(args.peek()->text, {"zone"}) != 0) return Outcome::not_in_mode();
  args.take();
  Mode mode{ModeKind::kIpcZone, -1, "ipc zone default"};
  if (!args.keyword("ipc zone", {"default"}) || !args.finish()) return Outcome::open(mode);
  if (!ctx.config.ipc_zone) ctx.config.ipc_zone = IpcZone{{}, args.loc(args.line().tokens.front())};
  mode.index = 0;
  return Outcome::open(mode);
}

Outcome global_redundancy(Context& ctx, Args& args) {
  if (args.at_end()) return Outcome::not_in_mode();  // plain `redundancy` (SSO on one chassis): platform
  if (match_keyword(args.peek()->text, {"inter-device"}) != 0) return Outcome::not_in_mode();
  args.take();
  Mode mode{ModeKind::kRedundancyInterDevice, -1, "redundancy inter-device"};
  if (!args.finish()) return Outcome::open(mode);
  mode.index = 0;
  if (!ctx.config.redundancy_inter_device) {
    ctx.config.redundancy_inter_device = RedundancyInterDevice{std::nullopt, args.loc(args.line().tokens.front())};
  }
  return Outcome::open(mode);
}

Outcome in_ipc(Context& ctx, const Mode& mode, Args& args) {
  switch (mode.kind) {
    case ModeKind::kIpcZone:
      return in_zone(ctx, mode, args);
    case ModeKind::kIpcAssociation:
      return in_association(ctx, mode, args);
    case ModeKind::kIpcProtocol:
      return in_protocol(ctx, mode, args);
    case ModeKind::kIpcLocal:
      return in_local(ctx, mode, args);
    case ModeKind::kIpcRemote:
      return in_remote(ctx, mode, args);
    default:
      return Outcome::not_in_mode();
  }
}

Outcome in_redundancy_inter_device(Context& ctx, const Mode& mode, Args& args) {
  if (match_keyword(args.peek()->text, {"scheme"}) != 0) return Outcome::not_in_mode();
  args.take();
  if (!args.keyword("redundancy scheme", {"standby"})) return Outcome::done();
  const Token* name = args.require("standby group name");
  if (name == nullptr || !args.finish() || mode.index < 0 || !ctx.config.redundancy_inter_device) return Outcome::done();
  ctx.config.redundancy_inter_device->scheme_standby = NamedRef{name->text, args.loc(*name)};
  return Outcome::done();
}

}  // namespace espgw::config::detail
