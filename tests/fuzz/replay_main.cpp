// A plain main for a fuzz target in the normal (non-libFuzzer, any compiler) build: runs
// LLVMFuzzerTestOneInput on the target's encoder-made seeds and on every file named on the
// command line (directories: every regular file in them), so ctest replays the committed
// corpus and the targets' invariants on every build. A failed invariant aborts, as under
// libFuzzer. `--write-seeds DIR` writes the seeds as files instead (to refresh the corpus).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_seeds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

int write_seeds(const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& [name, bytes] : espgw::fuzz::seeds()) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", espgw::fuzz::seeds().size(), dir.c_str());
  return 0;
}

void run_file(const fs::path& file, std::size_t& runs) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  ++runs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-seeds") return write_seeds(argv[2]);
  std::size_t runs = 0;
  for (const auto& [name, bytes] : espgw::fuzz::seeds()) {
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    ++runs;
  }
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) run_file(e.path(), runs);
    } else if (fs::is_regular_file(p)) {
      run_file(p, runs);
    } else {
      std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
      return 1;
    }
  }
  // The empty input too: every target must take it.
  LLVMFuzzerTestOneInput(nullptr, 0);
  std::printf("replayed %zu inputs, every invariant held\n", runs + 1);
  return 0;
}
