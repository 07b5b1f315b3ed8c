// SPDX-License-Identifier: Apache-2.0
// Feed parsing for the `rss` source: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3
// and 1.0 → syndicd::Article.
//
// Pure functions with no host, no I/O and no clock, so the plugin can run
// them on a worker thread and the unit tests can call them directly.
#pragma once

#include <syndicd/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::rss {

/// Bounds on the work one document may cause: past max_nodes, max_depth,
/// max_bytes or cpu_time the document is given up with an error saying
/// which (the plugin names the URL and the key). Within them the parse is
/// linear in the document's size. The defaults are far above what real
/// feeds need.
struct FeedLimits {
  /// CPU time of decoding and parsing one document (read_feed), the
  /// backstop for whatever the other limits miss: a real feed of a few
  /// MiB takes well under 100 ms. Zero: unlimited.
  std::chrono::milliseconds cpu_time{2000};
  /// Size of the document as fetched (read_feed). Zero: unlimited.
  size_t max_bytes = size_t{16} << 20;
  /// Elements, comments, CDATA sections and processing instructions.
  size_t max_nodes = 200000;
  /// Element nesting. tinyxml2 refuses documents deeper than 100 whatever
  /// is set here.
  size_t max_depth = 100;
  /// Attributes of one element: the ones past this are dropped, with a
  /// warning (checking them for duplicates costs the square of their number).
  size_t max_attributes = 64;
};

struct ParseOptions {
  std::string feed_url;              ///< where the feed came from (the last base for links)
  int default_offset_minutes = 420;  ///< for dates without a zone (+07:00)
  std::string language = "vi";       ///< when neither the item nor the feed says
  size_t max_items = 100;            ///< keep at most this many, the newest
  int64_t now_ms = 0;                ///< first-seen time for items without a date
  FeedLimits limits;                 ///< the work one document may cause
};

struct ParseResult {
  std::vector<Article> articles;  ///< in document order
  std::vector<std::string> warnings;
  /// Set when the document is not a feed at all (or not readable as XML
  /// even after repairs); `articles` is then empty.
  std::optional<std::string> error;
  /// "rss09x", "rss2", "rss090", "rss1", "atom03", "atom10"; empty on error.
  std::string dialect;
  /// Which of the FeedLimits the document went past, when that is the error.
  enum class Limit { None, CpuTime, Bytes, Nodes, Depth } over_limit = Limit::None;
};

/// Parse a feed document given as UTF-8 text.
ParseResult parse_feed(std::string_view text, const ParseOptions& options);

/// Bytes as fetched (SYNDICD_FETCH_RAW) → UTF-8 NFC text. Bytes that are valid
/// UTF-8 are read as UTF-8 whatever the document declares (a mislabelled
/// UTF-8 feed is far more common than a legacy one that happens to be valid
/// UTF-8); otherwise the HTTP charset, then the XML declaration, then
/// windows-1252 decide. Each surprise adds a warning.
struct Decoded {
  std::string text;
  std::vector<std::string> warnings;
};
Decoded decode_feed_bytes(std::string_view bytes, std::string_view http_charset);

/// Fetched bytes → articles, within options.limits: decode_feed_bytes()
/// then parse_feed(), under a WorkBudget of limits.cpu_time installed on
/// this thread. A document past max_bytes is not read; one whose reading
/// passes cpu_time is abandoned there. Either way the result is an error
/// (over_limit says which) and nothing of the document is kept.
ParseResult read_feed(std::string_view bytes, std::string_view http_charset,
                      const ParseOptions& options);

}  // namespace syndicd::rss
