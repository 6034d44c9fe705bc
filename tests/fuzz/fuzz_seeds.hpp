// Seed inputs a fuzz target builds from the project's own encoders, so its corpus follows
// the wire format as it changes. replay_main.cpp replays them (and writes them out with
// --write-seeds into tests/fuzz/corpus/<target>/); libFuzzer builds ignore them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace espgw::fuzz {

using Seed = std::pair<std::string, std::vector<std::uint8_t>>;  // file name, bytes

std::vector<Seed> seeds();

}  // namespace espgw::fuzz
