// SPDX-License-Identifier: Apache-2.0
// Small HTML scanning helpers shared by the built-in source plugins: the
// first <img> of a fragment, YouTube ids in links and embeds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::common {

struct ImgTag {
  std::string src;  ///< as written (entities decoded), not resolved
  std::string alt;  ///< entities decoded, whitespace collapsed
  size_t end = 0;   ///< index just past the tag in the fragment
};

/// The first <img> with a usable source in an HTML fragment. `src` falls
/// back to data-src / data-original / data-lazy-src when src is missing or a
/// data: placeholder.
std::optional<ImgTag> first_img(std::string_view html);

/// The value of attribute `name` (lower case) inside one start tag's text
/// ("<img src=... >"), entities decoded; nullopt when absent.
std::optional<std::string> tag_attribute(std::string_view tag, std::string_view name);

/// The 11-character YouTube video id of a watch / embed / youtu.be / shorts /
/// v/ URL, or nullopt.
std::optional<std::string> youtube_id(std::string_view url);

/// Every YouTube video id referenced in `text` (URLs in links, iframes,
/// plain text), in order of first appearance, without duplicates.
std::vector<std::string> find_youtube_ids(std::string_view text);

}  // namespace syndicd::common
