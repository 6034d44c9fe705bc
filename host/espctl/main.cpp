// espctl: the operator's CLI (docs/cli.md). Sends its words to espd's control socket as one
// JSON line and prints the answer: IOS text by default, JSON with --json.
//   espctl [--control PATH] [--json] show crypto ipsec sa [peer A] [detail]
//   espctl show crypto map | show running-config | show crypto sa-table | show platform
//   espctl clear crypto sa [peer A]
//   espctl export wireshark DIR --reveal-keys        (root only; writes DIR/esp_sa)
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "host/control/control_protocol.hpp"

namespace {

constexpr int kTimeoutSeconds = 10;  // espd answers from its control loop; never wait forever

int fail(const std::string& msg) {
  std::fprintf(stderr, "espctl: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string control_path = "/run/espd.sock";
  bool json = false, reveal_keys = false;
  std::vector<std::string> words;
  CLI::App app{"espctl: show and clear espd state (IOS show-command layout)"};
  app.add_option("--control", control_path, "espd control socket");
  app.add_flag("--json", json, "JSON instead of IOS text");
  app.add_flag("--reveal-keys", reveal_keys, "allow `export wireshark` to write ESP keys (root only)");
  app.add_option("command", words, "show ... | clear ... | export wireshark DIR")->required();
  app.allow_extras(false);
  CLI11_PARSE(app, argc, argv);

  // espd writes the export itself: give it an absolute path.
  if (words.size() == 3 && words[0].starts_with("ex") && words[2].size() && words[2][0] != '/')
    words[2] = std::filesystem::absolute(words[2]).string();

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
  timeval tv{kTimeoutSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (control_path.size() >= sizeof addr.sun_path) return fail("control socket path too long");
  std::memcpy(addr.sun_path, control_path.c_str(), control_path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    return fail("cannot reach espd at " + control_path + ": " + std::strerror(errno) + " (is espd running? --control)");

  espgw::control::ControlRequest req;
  req.argv = words;
  req.json = json;
  req.reveal_keys = reveal_keys;
  const std::string line = espgw::control::serialize_request(req);
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
    return fail(std::string("send: ") + std::strerror(errno));

  std::string reply;
  char buf[65536];
  while (reply.find('\n') == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) return fail(errno == EAGAIN ? "espd did not answer in time" : std::string("recv: ") + std::strerror(errno));
    if (n == 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto j = nlohmann::json::parse(reply, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("malformed reply from espd");
  if (!j.value("ok", false)) {
    std::fprintf(stderr, "%s\n", j.value("error", std::string("error")).c_str());
    return 1;
  }
  if (j.contains("data"))
    std::printf("%s\n", j["data"].dump(2).c_str());
  else
    std::fputs(j.value("text", std::string()).c_str(), stdout);
  return 0;
}
