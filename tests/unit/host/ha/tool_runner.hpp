// Test helper: runs the independent tools the HA tests cross-check against (scapy under
// /usr/bin/python3, tshark) and hands back their standard output.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

namespace espgw::ha::test {

inline constexpr const char* kSystemPython = "/usr/bin/python3";  // the one with scapy

inline bool have_executable(const char* path) { return ::access(path, X_OK) == 0; }

// Runs a shell command line; returns stdout, and the exit status through *status.
inline std::string run_command(const std::string& cmd, int* status) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
  if (!pipe) {
    *status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  *status = ::pclose(pipe.release());
  return out;
}

// Writes `script` to a temp file and runs it with the system python; returns stdout.
inline std::string run_python(const std::string& script, int* status) {
  char dir_template[] = "/tmp/espgw-ha-test-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  if (dir == nullptr) {
    *status = -1;
    return {};
  }
  std::filesystem::path path = std::filesystem::path(dir) / "script.py";
  std::ofstream(path) << script;
  std::string out = run_command(std::string(kSystemPython) + " " + path.string() + " 2>&1", status);
  std::filesystem::remove_all(dir);
  return out;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace espgw::ha::test
