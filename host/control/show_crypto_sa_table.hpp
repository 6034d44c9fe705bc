// `show crypto sa-table`: the SA table as the device holds it (EspDevice::read_sa), one row
// per occupied slot: what a card's SA memory says, never keys. Not an IOS command; the
// layout follows IOS's column tables (`show crypto isakmp sa`).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "host/control/show_model.hpp"

namespace espgw::control {

std::string render_crypto_sa_table(const SaTableView& view);
nlohmann::json crypto_sa_table_json(const SaTableView& view);

}  // namespace espgw::control
