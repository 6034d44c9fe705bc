// Plumbing for the independent-peer tests: a scratch directory, running a program with a
// request on stdin and its stdout captured (scapy via /usr/bin/python3, tshark), JSON
// messages, and a pcap writer (LINKTYPE_RAW: each record is one IPv4 datagram).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "esp_test_util.hpp"

namespace espgw::conformance {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr (from a file, so a chatty tool cannot block on a full pipe)
};
// Runs `command` through /bin/sh with stdin from `stdin_file` (may be empty = /dev/null).
CommandResult run_command(const std::string& command, const std::filesystem::path& stdin_file,
                          const std::filesystem::path& scratch);

// Sends `request` to `script` run by the system python (the one with scapy), returns its JSON
// reply; a non-zero exit or unparsable reply fails the test and returns null.
nlohmann::json run_python_json(const std::string& script, const nlohmann::json& request);

void write_pcap(const std::filesystem::path& file, const std::vector<Bytes>& datagrams);

std::string dotted(std::uint32_t addr);
std::string hex_of(const SecretBytes& key);

}  // namespace espgw::conformance
