// SPDX-License-Identifier: Apache-2.0
// The pieces of the `rss` sink that need no host: turning articles into feed
// items, the persistent item list (newest max_items, upsert by guid), the
// RSS 2.0 renderer (the file itself is written by
// common::write_file_atomically).
//
// A static library of its own so unit tests exercise exactly the code the
// plugin runs, without going through the plugin ABI.
#pragma once

#include <syndicd/common/file.hpp>
#include <syndicd/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::rss {

/// One <item>. Every text field is already sanitised (item_from_article), so
/// the list can be stored as JSON and rendered without surprises.
struct Item {
  std::string guid;
  std::string link;
  std::string title;
  std::string description;   ///< the lead, plain text
  std::string content_html;  ///< the sanitised body, for content:encoded
  std::string author;
  int64_t published = 0;  ///< ms since the epoch, UTC
  uint64_t seq = 0;       ///< delivery order; breaks ties between equal dates
  std::vector<std::string> categories;
  std::string image_url;
  std::string image_caption;
  bool operator==(const Item&) const = default;
};

/// What every format says about the feed as a whole. The sink fills in the
/// defaults (description, self URLs); the writers only write.
struct Channel {
  std::string title;
  std::string link;
  std::string description;
  std::string self_url;           ///< the RSS file's URL; empty: no atom:link rel=self
  std::string atom_self_url;      ///< the Atom file's URL; empty: no link rel=self
  std::string json_feed_url;      ///< the JSON Feed's URL; empty: no feed_url
  std::vector<std::string> hubs;  ///< WebSub hubs, as rel=hub links and `hubs`
  std::string language;
  int64_t ttl_minutes = 0;      ///< 0: no <ttl>
  int64_t last_build_date = 0;  ///< ms since the epoch
};

/// Text that XML 1.0 can carry and every reader decodes to the same string:
/// invalid UTF-8 → U+FFFD, NFC, C0 controls other than tab/LF/CR removed,
/// DEL and C1 controls removed, U+FFFE/U+FFFF removed, CRLF and lone CR → LF
/// (a parser would normalise them anyway, so the decoded text matches).
std::string xml_text(std::string_view text);

/// xml_text() for one-line fields (titles, names, categories, URLs): all
/// whitespace runs become one space, ends trimmed.
std::string xml_line(std::string_view text);

/// The pieces to write as consecutive CDATA sections so that no section
/// contains "]]>": each occurrence is cut between "]]" and ">".
std::vector<std::string_view> split_cdata(std::string_view text);

/// The media type of an image URL from its extension (path only, case
/// insensitive): image/jpeg, image/png, image/gif, image/webp; empty when
/// unknown.
std::string image_type(std::string_view url);

/// The item for an article. `now` stands in for a missing published date.
/// guid = article id (the URL when the id is empty).
Item item_from_article(const Article& article, int64_t now);

/// The whole RSS 2.0 feed, items in the order given.
std::string render(const Channel& channel, const std::vector<Item>& items);

/// The items of one feed, newest first (published, then delivery order),
/// at most max_items.
class ItemList {
 public:
  explicit ItemList(size_t max_items) : max_items_(max_items == 0 ? 1 : max_items) {}

  /// Insert `item`, or replace the item with the same guid (keeping its
  /// place in delivery order), then trim to max_items. `previous_guid`, when
  /// set and different, names an earlier version of the same article whose
  /// item is removed. Returns false when the item was trimmed away at once
  /// (older than everything in a full feed).
  bool upsert(Item item, std::string_view previous_guid = {});

  const std::vector<Item>& items() const noexcept { return items_; }

  /// The stored form (JSON), and back. from_json throws std::runtime_error
  /// on text it cannot read.
  std::string to_json() const;
  static ItemList from_json(std::string_view json, size_t max_items);

 private:
  void sort_and_trim();

  size_t max_items_;
  uint64_t next_seq_ = 1;
  std::vector<Item> items_;
};

/// The feed's file is written with common::write_file_atomically(path,
/// render(...), "feed"), which throws this.
using WriteError = syndicd::common::FileWriteError;

}  // namespace syndicd::rss
