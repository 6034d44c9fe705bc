// Wireshark esp_sa UAT writer (see the header).
#include "host/control/wireshark_export.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "host/common/hex.hpp"
#include "host/common/ipv4.hpp"

namespace espgw::control {

namespace {
// Hex of key bytes into a string that is cleansed by the caller.
std::string key_hex(std::span<const std::uint8_t> key) { return "0x" + to_hex(key); }

void cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}
}  // namespace

std::string esp_sa_uat_line(const driver::SaConfig& sa) {
  std::string enc_alg, enc_key, auth_alg, auth_key;
  switch (sa.transform) {
    case driver::Transform::kAesGcm16: {
      // Wireshark takes the RFC 4106 key as key || 4-byte salt.
      std::vector<std::uint8_t> k(sa.enc_key.view().begin(), sa.enc_key.view().end());
      for (int shift = 24; shift >= 0; shift -= 8) k.push_back(static_cast<std::uint8_t>(sa.salt >> shift));
      enc_alg = "AES-GCM with 16 octet ICV [RFC4106]";
      enc_key = key_hex(k);
      OPENSSL_cleanse(k.data(), k.size());
      auth_alg = "NULL";
      break;
    }
    case driver::Transform::kAesCbcHmacSha256:
      enc_alg = "AES-CBC [RFC3602]";
      enc_key = key_hex(sa.enc_key.view());
      auth_alg = "HMAC-SHA-256-128 [RFC4868]";
      auth_key = key_hex(sa.auth_key.view());
      break;
    case driver::Transform::kAesCbcHmacSha1:
      enc_alg = "AES-CBC [RFC3602]";
      enc_key = key_hex(sa.enc_key.view());
      auth_alg = "HMAC-SHA-1-96 [RFC2404]";
      auth_key = key_hex(sa.auth_key.view());
      break;
  }
  std::string line = fmt::format("\"IPv4\",\"{}\",\"{}\",\"0x{:08X}\",\"{}\",\"{}\",\"{}\",\"{}\"\n",
                                 format_ipv4(sa.tunnel_src), format_ipv4(sa.tunnel_dst), sa.spi, enc_alg, enc_key,
                                 auth_alg, auth_key);
  cleanse(enc_key);
  cleanse(auth_key);
  return line;
}

std::string esp_sa_uat(const std::vector<const driver::SaConfig*>& sas) {
  std::string out = "# Written by espctl export wireshark: ESP keys in clear. Delete after use.\n";
  for (const auto* sa : sas) {
    std::string line = esp_sa_uat_line(*sa);
    out += line;
    cleanse(line);
  }
  return out;
}

std::string write_wireshark_export(const std::string& dir, const std::vector<const driver::SaConfig*>& sas) {
  if (dir.empty() || dir[0] != '/') return "export wireshark: DIR must be an absolute path";
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST)
    return fmt::format("export wireshark: cannot create {}: {}", dir, std::strerror(errno));
  const std::string path = dir + "/esp_sa";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fmt::format("export wireshark: cannot write {}: {}", path, std::strerror(errno));
  ::fchmod(fd, 0600);
  std::string text = esp_sa_uat(sas);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool ok = done == text.size();
  cleanse(text);
  ::close(fd);
  return ok ? std::string() : fmt::format("export wireshark: short write to {}", path);
}

}  // namespace espgw::control
