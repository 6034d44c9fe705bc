// render_running_config(): the model as normalized `show running-config` text (full
// interface names, IOS's section order, defaults omitted as IOS omits them). With
// include_keys it re-parses to an equal Config (tested); by default every key is masked.
#pragma once

#include <string>

#include "host/config/config_model.hpp"

namespace espgw::config {

struct RenderOptions {
  // IOS prints pre-shared keys in show run; espgw prints "********" unless asked, so a
  // pasted show output or a support bundle cannot leak them. Masked output does not
  // re-parse to the same keys (and masked manual session keys do not re-parse at all).
  bool include_keys = false;
};

inline constexpr const char* kMaskedSecret = "********";

std::string render_running_config(const Config& config, RenderOptions options = {});

}  // namespace espgw::config
