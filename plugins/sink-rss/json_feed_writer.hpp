// SPDX-License-Identifier: Apache-2.0
// The JSON Feed 1.1 (https://jsonfeed.org/version/1.1) rendering of a feed:
// the same Channel and Items as the RSS 2.0 and Atom files.
#pragma once

#include <string>
#include <vector>

#include "rss_writer.hpp"

namespace syndicd::rss {

/// The whole JSON Feed, items in the order given.
std::string render_json_feed(const Channel& channel, const std::vector<Item>& items);

}  // namespace syndicd::rss
