// SPDX-License-Identifier: Apache-2.0
// The article fields both dialects read the same way: bases and languages
// in scope, authors, media and images, dates, and the finishing of an
// article (body sanitised, lead, id, every field cleaned).
#pragma once

#include <syndicd/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed_parser.hpp"
#include "parse/dom.hpp"
#include "parse/text.hpp"

namespace syndicd::rss::detail {

/// What the readers of one feed's items share.
struct Context {
  const ParseOptions& options;
  std::vector<std::string>& warnings;
  std::string doc_base;     ///< channel link or feed URL
  std::string language;     ///< the feed's, or the configured one
  std::string feed_author;  ///< Atom feed-level author
  Ns core_ns;               ///< namespace of the dialect's own elements
  bool atom = false;
  bool fields_clean = false;         ///< see References::keep_text_clean: clean() can be skipped
  mutable size_t item_warnings = 0;  ///< given by item_warning(), shown or not
};

/// At most this many item warnings are kept for one feed (a broken feed of
/// thousands of items would otherwise log thousands of lines); parse_feed
/// counts the rest in one.
constexpr size_t kMaxItemWarnings = 20;
/// A warning about item `index` (from 0).
void item_warning(const Context& ctx, size_t index, std::string_view message);

/// At most this many images, videos, tags and authors are kept for one
/// article: each is checked against those already kept.
constexpr size_t kMaxListEntries = 64;
/// Adds a tag unless it is empty or already there.
void add_tag(Article& a, std::string tag);

/// The base URL in scope at `e`: xml:base attributes from the root down,
/// each resolved against the one above it. nullopt when none is in scope.
std::optional<std::string> xml_base(const XMLElement* e, const std::string& doc_base);

/// xml:lang in scope, else dc:language, else the feed's language.
std::string language_of(const XMLElement* e, const Context& ctx);

/// "editor@example.vn (Nguyễn Văn A)" → "Nguyễn Văn A"; a bare address stays.
std::string rss_author(std::string_view text);

/// Whether every part is empty.
bool all_empty(const std::vector<std::string>& parts);
/// Distinct non-empty parts, comma-separated.
std::string join(std::vector<std::string>&& parts);

/// Adds an image unless its URL is already there (or empty).
void add_image(Article& a, std::string url, std::string alt, std::string caption);
/// Adds a YouTube id unless it is already there (or empty).
void add_video(Article& a, const std::string& id);
/// Whether the URL's path ends in an image file extension.
bool looks_like_image_url(std::string_view url);
/// Media RSS: media:content / media:thumbnail, directly or in media:group.
void read_media(const XMLElement* item, const std::string& base, Article& a);

/// The date texts of an item, trimmed: views into the document or into the
/// scratch strings, which live as long as the item is read.
struct Dates {
  std::string_view published_text;
  std::string_view updated_text;
  std::string published_scratch, updated_scratch;
  void published(const XMLElement* e) { published_text = trimmed(text_of(e, published_scratch)); }
  void updated(const XMLElement* e) { updated_text = trimmed(text_of(e, updated_scratch)); }
};

/// The lead: its text already made, or the HTML to make it from.
struct Lead {
  std::optional<std::string> text;
  std::string_view html;
};

/// A date text as a time, nullopt when it is none.
std::optional<int64_t> read_date(std::string_view text, const Context& ctx);
/// When the article of these dates was published, as finish_article sets
/// it: the publication date, else the update, else now (without the
/// warnings finish_article gives).
int64_t publication_time(const Dates& dates, const Context& ctx);

/// Dates read, body sanitised (with its text), lead, body image, videos,
/// a fallback id, and every field cleaned. `index` names the item in warnings.
void finish_article(Article& a, const Dates& dates, Lead lead, std::string_view body_source,
                    const std::string& body_base, size_t index, const Context& ctx);

}  // namespace syndicd::rss::detail
