// `export wireshark DIR`: writes DIR/esp_sa, Wireshark's ESP SA table (UAT), so that
// `WIRESHARK_CONFIG_DIR=DIR tshark -o esp.enable_encryption_decode:TRUE` decrypts a capture.
// The one place keys leave espd: the control server only calls it for root callers that
// passed the explicit flag. Algorithm names are the ones Wireshark's UAT uses (RFC 3602,
// RFC 4868, RFC 2404, RFC 4106).
#pragma once

#include <string>
#include <vector>

#include "espgw/driver/sa_config.hpp"

namespace espgw::control {

// One UAT line per SA:
// "IPv4","SRC","DST","0xSPI","AES-CBC [RFC3602]","0xKEY","HMAC-SHA-256-128 [RFC4868]","0xKEY"
std::string esp_sa_uat_line(const driver::SaConfig& sa);
std::string esp_sa_uat(const std::vector<const driver::SaConfig*>& sas);

// Writes DIR/esp_sa (mode 0600, DIR created 0700 if missing). Returns "" or the error.
std::string write_wireshark_export(const std::string& dir, const std::vector<const driver::SaConfig*>& sas);

}  // namespace espgw::control
