// SPDX-License-Identifier: Apache-2.0
// Article links of a list page, and the canonical form used to dedupe them
// before anything is fetched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syndicd/html_extract/selector.hpp"

namespace syndicd::html {

/// `url` without its fragment and without tracking parameters (utm_*,
/// fbclid, gclid, ...), scheme and host lower-cased. Two links to the same
/// article compare equal after this.
std::string canonical_url(std::string_view url);

struct LinkPolicy {
  /// The list page's own URL: its host (or, for file://, the file scheme)
  /// is always allowed.
  std::string list_url;
  std::vector<std::string> allow_hosts;  ///< lower-case
  /// Whether `url` (absolute, canonical) may be followed.
  bool allows(std::string_view url) const;
};

struct ListPage {
  /// Every link the selector matched, absolute and canonical, in page
  /// order; duplicates and foreign hosts included (the caller filters, so
  /// it can say what it dropped).
  std::vector<std::string> links;
  /// Elements the selector matched (0 means the selector is wrong for
  /// this page).
  size_t matched = 0;
  /// The next page, when `next` was given and found.
  std::optional<std::string> next;
};

ListPage read_list_page(std::string_view html, const std::string& url, const Selector& links,
                        const Selector* next);

}  // namespace syndicd::html
