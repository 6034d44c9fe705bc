// libFuzzer target for the IOS configuration parser (host/config): any bytes must parse
// without a crash, leak or UB, in both modes; and whatever parses cleanly must render to
// text that re-parses to an equal model (the round-trip property espctl relies on).
// Seeds: tests/fuzz/corpus/fuzz_ios_config (the reference fixtures).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/config/parser.hpp"
#include "host/config/render.hpp"
#include "host/config/summary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace espgw::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool strict = size > 0 && (data[0] & 1) != 0;
  ParseResult r = parse_ios_config(text, "fuzz.cfg", ParseOptions{strict});
  for (const auto& d : r.diagnostics) {
    if (d.loc.line < 1 || d.loc.column < 1) __builtin_trap();  // every diagnostic points somewhere
  }
  (void)format_config_summary(r);
  (void)render_running_config(r.config);
  if (r.ok()) {
    const std::string rendered = render_running_config(r.config, RenderOptions{true});
    ParseResult again = parse_ios_config(rendered, "rendered.cfg", ParseOptions{});
    if (!(again.config == r.config)) __builtin_trap();
  }
  return 0;
}
