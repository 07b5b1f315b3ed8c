// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the rss source unit tests.
#pragma once

#include <syndicd/common/dates.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "feed_parser.hpp"

namespace rss_test {

// 2020-09-13T12:26:40Z: the "first seen" time of items without a date.
constexpr int64_t kNow = 1600000000000;
constexpr std::string_view kFeedUrl = "https://feeds.example.vn/rss/thoi-su.xml";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string feed_path(std::string_view name) {
  return std::string(SYNDICD_TEST_FIXTURES) + "/feeds/" + std::string(name);
}

inline syndicd::rss::ParseOptions options(size_t max_items = 100) {
  syndicd::rss::ParseOptions o;
  o.feed_url = std::string(kFeedUrl);
  o.default_offset_minutes = 420;
  o.language = "vi";
  o.max_items = max_items;
  o.now_ms = kNow;
  return o;
}

// What the plugin does with fetched bytes: decode, then parse.
inline syndicd::rss::ParseResult parse_bytes(std::string_view bytes,
                                             const syndicd::rss::ParseOptions& o = options()) {
  auto decoded = syndicd::rss::decode_feed_bytes(bytes, "");
  auto r = syndicd::rss::parse_feed(decoded.text, o);
  r.warnings.insert(r.warnings.begin(), decoded.warnings.begin(), decoded.warnings.end());
  return r;
}

inline syndicd::rss::ParseResult parse_fixture(std::string_view name,
                                               const syndicd::rss::ParseOptions& o = options()) {
  return parse_bytes(read_file(feed_path(name)), o);
}

inline std::string ict(int64_t ms) {
  return syndicd::common::format_rfc3339(ms, 420);
}

inline bool has_warning(const syndicd::rss::ParseResult& r, std::string_view part) {
  return std::any_of(r.warnings.begin(), r.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

inline std::string warnings(const syndicd::rss::ParseResult& r) {
  std::string out;
  for (const auto& w : r.warnings) out += "\n  " + w;
  return out;
}

// Article i of a parse, or an empty one (a failed expectation, not a crash).
inline const syndicd::Article& at(const syndicd::rss::ParseResult& r, size_t i) {
  static const syndicd::Article empty;
  return i < r.articles.size() ? r.articles[i] : empty;
}

}  // namespace rss_test
