// SPDX-License-Identifier: Apache-2.0
// The page's <meta> values, read once: what every metadata field looks up.
#include <string>

#include "extract_parts.hpp"

namespace syndicd::html::detail {
namespace {

// "DC.Title" and "dc:title" are one name: lower case, '.' read as ':'.
std::string normalise_key(std::string_view k) {
  std::string out = lower(k);
  for (char& c : out)
    if (c == '.') c = ':';
  return out;
}

}  // namespace

MetaTags read_meta_tags(const Document& doc) {
  MetaTags out;
  xmlNode* root = doc.root();
  for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
    if (!is_tag(n, "meta")) continue;
    const std::string value = collapse_ascii_space(attr(n, "content"));
    if (value.empty()) continue;
    // property="og:title twitter:title": one value under each name.
    for (const char* at : {"property", "name", "itemprop"}) {
      const std::string names = attr(n, at);
      for (auto k : class_tokens(names)) out.values.emplace_back(normalise_key(k), value);
    }
  }
  return out;
}

std::string MetaTags::get(std::initializer_list<std::string_view> keys) const {
  for (auto key : keys)
    for (const auto& [k, v] : values)
      if (k == key) return v;
  return {};
}

std::vector<std::string> MetaTags::all(std::initializer_list<std::string_view> keys) const {
  std::vector<std::string> out;
  for (auto key : keys)
    for (const auto& [k, v] : values)
      if (k == key) out.push_back(v);
  return out;
}

}  // namespace syndicd::html::detail
