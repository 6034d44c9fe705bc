// Plumbing for the independent-peer tests (see peer_tools.hpp). Programs run through popen with
// stdin and stderr redirected to files, so each peer costs one process per batch of packets.
#include "peer_tools.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace espgw::conformance {

ScratchDir::ScratchDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "espgw-conformance-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CommandResult run_command(const std::string& command, const std::filesystem::path& stdin_file,
                          const std::filesystem::path& scratch) {
  const auto err_file = scratch / "stderr.txt";
  std::string full = command + " <" + (stdin_file.empty() ? std::string("/dev/null") : "'" + stdin_file.string() + "'") +
                     " 2>'" + err_file.string() + "'";
  CommandResult r;
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  std::ifstream ef(err_file);
  std::stringstream ss;
  ss << ef.rdbuf();
  r.err = ss.str();
  return r;
}

nlohmann::json run_python_json(const std::string& script, const nlohmann::json& request) {
  if (std::string(ESPGW_SYSTEM_PYTHON).find("NOTFOUND") != std::string::npos) {
    ADD_FAILURE() << "/usr/bin/python3 not found: scripts/setup.sh installs it with python3-scapy";
    return nullptr;
  }
  ScratchDir dir;
  const auto req = dir.path() / "request.json";
  std::ofstream(req) << request.dump();
  CommandResult r = run_command(std::string("'") + ESPGW_SYSTEM_PYTHON + "' '" + script + "'", req, dir.path());
  EXPECT_EQ(r.exit_code, 0) << script << " failed:\n" << r.err;
  if (r.exit_code != 0) return nullptr;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << script << " replied with no JSON (" << e.what() << "):\n" << r.out.substr(0, 400) << "\n" << r.err;
    return nullptr;
  }
}

void write_pcap(const std::filesystem::path& file, const std::vector<Bytes>& datagrams) {
  std::ofstream f(file, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };  // native order, as the magic says
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  u32(0xA1B2C3D4);  // classic pcap, microsecond timestamps
  u16(2);
  u16(4);
  u32(0);       // thiszone
  u32(0);       // sigfigs
  u32(65535);   // snaplen
  u32(101);     // LINKTYPE_RAW: the record is an IPv4 datagram
  std::uint32_t t = 0;
  for (const auto& d : datagrams) {
    u32(1700000000);
    u32(t++);
    u32(static_cast<std::uint32_t>(d.size()));
    u32(static_cast<std::uint32_t>(d.size()));
    f.write(reinterpret_cast<const char*>(d.data()), static_cast<std::streamsize>(d.size()));
  }
}

std::string dotted(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xFF) + "." + std::to_string((a >> 8) & 0xFF) +
         "." + std::to_string(a & 0xFF);
}

std::string hex_of(const SecretBytes& key) { return hex(key.view()); }

}  // namespace espgw::conformance
