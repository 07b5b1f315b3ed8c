// SPDX-License-Identifier: Apache-2.0
// Where each format of a published feed lives, next to the file a sink's
// PUBLISHED key names. The one place this rule is written: the rss sink
// writes the files by it and the HTTP server finds them by it, so
// /feeds/<sink>.atom is always the file the sink wrote as Atom.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace syndicd::common {

/// The feed formats a sink may publish, with their URL suffix under
/// /feeds/<sink> and their media type.
struct FeedFormat {
  std::string_view name;          ///< as in the rss sink's `formats`
  std::string_view url_suffix;    ///< ".xml", ".atom", ".json"
  std::string_view content_type;  ///< with charset: every format is UTF-8
};

/// Where the HTTP server serves feeds: /feeds/<sink><url_suffix>.
inline constexpr std::string_view kFeedsPath = "/feeds/";

inline constexpr FeedFormat kFeedFormats[] = {
    {"rss", ".xml", "application/rss+xml; charset=utf-8"},
    {"atom", ".atom", "application/atom+xml; charset=utf-8"},
    {"json", ".json", "application/feed+json; charset=utf-8"},
};

/// The format by name or by URL suffix; nullptr when unknown.
inline const FeedFormat* feed_format_named(std::string_view name) {
  for (const auto& f : kFeedFormats)
    if (f.name == name) return &f;
  return nullptr;
}
inline const FeedFormat* feed_format_for_suffix(std::string_view suffix) {
  for (const auto& f : kFeedFormats)
    if (f.url_suffix == suffix) return &f;
  return nullptr;
}

/// The file of `format` for the published path `published`: RSS is the
/// published file itself (so configs from before Atom and JSON Feed keep
/// their file); the others replace its extension with their URL suffix
/// ("feed.xml" → "feed.atom", "feed.json").
inline std::filesystem::path feed_file(const std::filesystem::path& published,
                                       const FeedFormat& format) {
  if (format.name == "rss") return published;
  std::filesystem::path out = published;
  out.replace_extension(std::filesystem::path(std::string(format.url_suffix)));
  return out;
}

}  // namespace syndicd::common
