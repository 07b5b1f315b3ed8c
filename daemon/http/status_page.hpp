// The HTML page at `/`: what a person opening the daemon's address in a
// browser wants first — is it healthy, which feeds it serves and how fresh
// they are, and links to the machine endpoints. Everything shown is escaped.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/health.hpp"

namespace syndicd::http {

struct FeedRow {
  std::string name;
  /// Unset when the file is missing (not written yet).
  std::optional<uint64_t> size;
  std::time_t modified = 0;
};

/// The page: the health verdict with each failing source or sink and why,
/// then the feeds.
std::string status_page(const std::vector<FeedRow>& feeds, const Health& health);

}  // namespace syndicd::http
