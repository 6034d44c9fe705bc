// Internal to host/config: one handler per IOS section, each in its own file. Global
// handlers get Args positioned after their dispatch keywords ("crypto map" ...); sub-mode
// handlers get the whole command and return not_in_mode() for anything that is not theirs,
// so the parser can try the level above, as IOS does.
#pragma once

#include "host/config/parser_context.hpp"

namespace espgw::config::detail {

// isakmp_policy.cpp
Outcome open_isakmp_policy(Context& ctx, Args& args, const Token& policy_token);  // after "crypto isakmp"
Outcome in_isakmp_policy(Context& ctx, const Mode& mode, Args& args);

// isakmp_key.cpp: every `crypto isakmp ...` global command, dispatching policy above
Outcome global_crypto_isakmp(Context& ctx, Args& args);

// transform_set.cpp: `crypto ipsec transform-set` and `crypto ipsec security-association`
Outcome global_crypto_ipsec(Context& ctx, Args& args);
Outcome in_transform_set(Context& ctx, const Mode& mode, Args& args);

// crypto_map.cpp
Outcome global_crypto_map(Context& ctx, Args& args);
Outcome in_crypto_map(Context& ctx, const Mode& mode, Args& args);

// access_list.cpp
Outcome global_access_list(Context& ctx, Args& args);     // after "access-list"
Outcome global_ip_access_list(Context& ctx, Args& args);  // after "ip access-list"
Outcome in_access_list(Context& ctx, const Mode& mode, Args& args);

// interface.cpp
Outcome global_interface(Context& ctx, Args& args);
Outcome in_interface(Context& ctx, const Mode& mode, Args& args);

// standby.cpp: `standby ...` inside an interface (after "standby")
void interface_standby(Context& ctx, Interface& itf, Args& args);

// track.cpp
Outcome global_track(Context& ctx, Args& args);
Outcome in_track(Context& ctx, const Mode& mode, Args& args);

// ipc_redundancy.cpp
Outcome global_ipc(Context& ctx, Args& args);         // after "ipc"
Outcome global_redundancy(Context& ctx, Args& args);  // after "redundancy"
Outcome in_ipc(Context& ctx, const Mode& mode, Args& args);
Outcome in_redundancy_inter_device(Context& ctx, const Mode& mode, Args& args);

// platform.cpp: commands that mean nothing on a host, per mode. *opens_block is set when
// the command opens a platform sub-mode (line vty, router ospf ...).
bool is_platform_global(const Line& line, bool* opens_block);
bool is_platform_interface(const Line& line);

}  // namespace espgw::config::detail
