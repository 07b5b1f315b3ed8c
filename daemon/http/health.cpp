// SPDX-License-Identifier: Apache-2.0
#include "http/health.hpp"

#include <nlohmann/json.hpp>

namespace syndicd::http {

std::string health_json(const Health& health) {
  nlohmann::ordered_json failing = nlohmann::ordered_json::array();
  for (const auto& p : health.failing)
    failing.push_back({{"kind", p.kind}, {"name", p.name}, {"reason", p.reason}});
  // Reasons quote what sites sent; invalid UTF-8 is replaced, never thrown.
  return nlohmann::ordered_json{{"status", health.ok() ? "ok" : "failing"}, {"failing", failing}}
             .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace syndicd::http
