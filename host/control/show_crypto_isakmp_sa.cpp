// `show crypto isakmp sa` rendering and the IKEv1 decryption-table export (see the header).
#include "host/control/show_crypto_isakmp_sa.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "host/common/ipv4.hpp"

namespace espgw::control {

namespace {
// IOS's columns: dst 16, src 16, state 15, conn-id right-aligned in 7, then status.
constexpr const char* kRow = "{:<15} {:<15} {:<14} {:>7} {}\n";
}  // namespace

std::string render_crypto_isakmp_sa(const std::vector<IsakmpSaRow>& rows) {
  std::string out = "IPv4 Crypto ISAKMP SA\n";
  out += fmt::format(kRow, "dst", "src", "state", "conn-id", "status");
  for (const auto& r : rows)
    out += fmt::format(kRow, format_ipv4(r.dst), format_ipv4(r.src), r.state, r.conn_id, r.active ? "ACTIVE" : "");
  out += "\nIPv6 Crypto ISAKMP SA\n\n";
  return out;
}

nlohmann::json crypto_isakmp_sa_json(const std::vector<IsakmpSaRow>& rows) {
  auto list = nlohmann::json::array();
  for (const auto& r : rows)
    list.push_back({{"dst", format_ipv4(r.dst)},
                    {"src", format_ipv4(r.src)},
                    {"state", r.state},
                    {"conn_id", r.conn_id},
                    {"status", r.active ? "ACTIVE" : ""}});
  return {{"ipv4", list}, {"ipv6", nlohmann::json::array()}};
}

std::string write_ikev1_decryption_table(const std::string& dir, const std::string& table) {
  if (dir.empty() || dir[0] != '/') return "export wireshark: DIR must be an absolute path";
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST)
    return fmt::format("export wireshark: cannot create {}: {}", dir, std::strerror(errno));
  const std::string path = dir + "/ikev1_decryption_table";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fmt::format("export wireshark: cannot write {}: {}", path, std::strerror(errno));
  ::fchmod(fd, 0600);
  std::size_t done = 0;
  while (done < table.size()) {
    ssize_t n = ::write(fd, table.data() + done, table.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return done == table.size() ? std::string() : fmt::format("export wireshark: short write to {}", path);
}

}  // namespace espgw::control
