// SPDX-License-Identifier: Apache-2.0
// Extraction of one article page: per-field selectors where the
// configuration gives them, automatic extraction where it does not.
//
// Automatic extraction looks, in order, at (docs/plugins-reference.md has
// the full rules)
//  - title:     the metadata title (og:title, JSON-LD, <title>) without the
//               site's name, or the part an <h1>/<h2> shows (title*.cpp);
//  - published: article:published_time, other meta and itemprop dates,
//               JSON-LD of any type, <time datetime>, then dates written
//               near the title, each implausible date falling to the next
//               (published.cpp);
//  - lead:      og:description, a .sapo/.lead-like block, the first
//               all-bold paragraph of the body;
//  - body:      Readability-style content scoring (text and comma counts,
//               link density, class/id hints such as noi-dung, chi-tiet,
//               detail, content vs share, related, comment, footer, nav,
//               menu, hotline, sidebar, social, banner);
//  - author:    meta author, JSON-LD author, an .author element, or the
//               short closing line of the body ("Minh Thúy");
//  - images:    <img> in the body with alt and caption (figure/figcaption,
//               the caption row of table.image, a caption paragraph under
//               the image), else og:image;
//  - videos:    YouTube ids of embeds and links in the body.
// The body comes back sanitised by the sanitiser both sources share
// (common::sanitize_html, Markup::article: allow-listed tags and
// attributes, absolute URLs, no scripts, handlers or javascript: links)
// and as plain text; the
// lead, author line, title and date are taken out of it. All text is NFC.
#pragma once

#include <syndicd/plugin.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "syndicd/html_extract/selector.hpp"

namespace syndicd::html {

/// One field's rule; no selector = automatic extraction.
struct FieldRule {
  std::optional<Selector> select;
  std::string format;  ///< dates: parse_date_format() format; empty = any known form
  std::string attr;    ///< read this attribute instead of the text
};

struct ArticleRules {
  FieldRule title, published, updated, lead, body, author, images, tags;
  /// Dropped from the body before anything else (share bars, ads).
  std::vector<Selector> remove;
  int offset_minutes = 7 * 60;  ///< the site's UTC offset, for times without a zone
  std::string language = "vi";
};

struct Extraction {
  /// Set when the page gave an article: a body at least (the title is
  /// empty only when the page has no title or heading at all).
  std::optional<Article> article;
  /// Why not, naming the field and the selector that matched nothing.
  std::string error;
  /// Problems that did not stop extraction (a configured selector that
  /// matched nothing and was replaced by automatic extraction, ...).
  std::vector<std::string> warnings;
};

/// Extract the article of one page. `html` is UTF-8 (any normalisation);
/// `url` is the page's address: the base for relative URLs and the
/// article's url/id.
Extraction extract_article(std::string_view html, const std::string& url,
                           const ArticleRules& rules);

/// Sanitise an HTML fragment the same way the body is (for tests and for
/// explicit body selectors): returns {html, text}.
std::pair<std::string, std::string> sanitize_fragment(std::string_view html,
                                                      const std::string& base_url);

}  // namespace syndicd::html
