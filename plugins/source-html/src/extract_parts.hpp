// SPDX-License-Identifier: Apache-2.0
// Internal to the html source's extraction library: the parts of
// extract_article() and what they share. Not installed, not for plugins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "syndicd/html_extract/dom.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace syndicd::html::detail {

// --- hints.cpp: text helpers and class/id hints
std::string lower(std::string_view s);
bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles);
/// Code points, not bytes: Vietnamese letters take 2-3 bytes.
size_t text_length(std::string_view s);
/// The space-separated tokens of a class/id string (views into `s`).
std::vector<std::string_view> class_tokens(const std::string& s);
/// Views into a temporary would dangle: `for (t : class_tokens(attr(..)))`
/// destroys the string before the loop body runs (C++20 range-for).
std::vector<std::string_view> class_tokens(std::string&&) = delete;
/// Class/id words of chrome (share bars, related lists, ads…) / of article containers.
bool negative_hint(const std::string& ci);
bool positive_hint(const std::string& ci);
/// What an element's class, id, role and tag say about it.
struct Hints {
  int weight = 0;              ///< Readability's class weight: ±25 for the class, ±25 for the id
  bool unlikely = false;       ///< chrome words, without an article/content word beside them
  bool unlikely_role = false;  ///< nav, aside, the page's header/footer, ARIA menu/dialog roles
  bool share = false;          ///< a share bar
  bool byline = false;         ///< the author's line
  bool header = false;         ///< a header block (.entry-header, #page-header…)
  bool maybe = false;          ///< an article/content/post word: maybe the article itself
};
Hints hints_of(const xmlNode* el);
/// Site chrome by its tag, role or class/id: where no field is looked for.
bool unlikely(const xmlNode* el);
bool inside_unlikely(const xmlNode* el, const xmlNode* stop = nullptr);
std::string meta_content(const Document& doc, std::initializer_list<std::string_view> keys);

// Pre-order walk of the descendants of `scope`; `visit` returns false to
// skip the node's children. `visit` must not unlink nodes.
template <class F>
void walk(const xmlNode* scope, F&& visit) {
  for (xmlNode* n = scope->children; n != nullptr;) {
    const bool descend = visit(n);
    n = descend ? next_in_order(n, scope) : next_after(n, scope);
  }
}

// Text inside descendants that satisfy `pred` (links, bold, italics).
template <class P>
std::string text_inside(const xmlNode* el, P&& pred) {
  std::string out;
  walk(el, [&](xmlNode* d) {
    if (is_element(d) && pred(d)) {
      out += raw_text(d);
      out += ' ';
      return false;
    }
    return true;
  });
  return out;
}

// --- meta_tags.cpp
/// The page's <meta> values under their names (property, name and itemprop;
/// lower case, "dc.title" read as "dc:title", a space-separated list of
/// names read as each of them), in page order.
struct MetaTags {
  std::vector<std::pair<std::string, std::string>> values;
  /// The first value of the first key that has one, or "".
  std::string get(std::initializer_list<std::string_view> keys) const;
  /// Every value of the keys, key by key.
  std::vector<std::string> all(std::initializer_list<std::string_view> keys) const;
};
MetaTags read_meta_tags(const Document& doc);

// --- json_ld.cpp
/// What the page says about itself for machines: its JSON-LD article and
/// its <meta> tags.
struct LinkedData {
  std::string headline, description, author, published, modified, image;
  std::string name;       ///< an article node's name (some put a summary in headline)
  std::string site_name;  ///< the publisher's or the WebSite's name
  MetaTags meta;
};
/// The most article-like JSON-LD object of the page (any @type, @graph and
/// arrays searched, @id references followed), and the page's <meta> tags.
LinkedData read_linked_data(const Document& doc);

// --- content.cpp
double link_density(const xmlNode* el);
bool has_block_child(const xmlNode* el);

// --- choose.cpp: the article body of automatic extraction
struct BodyChoice {
  /// The body: an element of the page, or a <div> put in the page to join
  /// sibling blocks of one article.
  xmlNode* node = nullptr;
  /// Chosen by a fallback (the simple baseline, the whole page) rather than
  /// by the scoring passes (SYNDICD_ARTICLE_BODY_GUESSED).
  bool guessed = false;
};
/// Choose the article body and clean it (chrome, low-content blocks,
/// the headline repeated). `title` is the article's title. Every pointer in
/// `watch` whose element is removed is set to null.
BodyChoice choose_body(Document& doc, const std::string& title,
                       std::initializer_list<xmlNode**> watch);
/// Chrome out of a body the configuration chose (share bars, related
/// lists, elements whose role or class/id says chrome).
void clean_selected_body(xmlNode* body, std::initializer_list<xmlNode**> watch);

// --- images.cpp
struct Caption {
  std::string text;
  const xmlNode* node = nullptr;  // a separate caption block to drop, if any
};
std::string image_source(const xmlNode* img);
size_t count_images(const xmlNode* el);
const xmlNode* find_image(const xmlNode* el);
bool image_only(const xmlNode* el);
bool caption_like(const xmlNode* el);
bool image_table(const xmlNode* el);
std::string table_caption(const xmlNode* table);
Caption caption_for(const xmlNode* img);

// --- body_writer.cpp
/// Article-mode URL policy of the shared sanitiser: what may stay in a body.
bool safe_url(const std::string& url, bool image);
/// The body as published: laid out, then sanitised.
std::string body_html_of(const Document& doc, const xmlNode* body);
/// Plain text: one paragraph per block, blank line between paragraphs.
std::string plain_text(const xmlNode* n);
xmlNode* body_of(const Document& doc);

// --- fields.cpp
struct Found {
  std::string value;
  std::vector<xmlNode*> nodes;
  bool matched = false;  // the selector matched something
};
std::optional<int64_t> parse_any_date(std::string_view text, const std::string& format, int offset);
bool date_hint(const xmlNode* el);
std::optional<int64_t> date_near(const xmlNode* title, const xmlNode* root, int offset);
bool sapo_like(const xmlNode* el);
bool author_hint(const xmlNode* el);
bool has_author_hint_inside(const xmlNode* el);
bool bold_paragraph(const xmlNode* el);
std::vector<xmlNode*> leaf_blocks(xmlNode* body);
bool byline_like(const std::string& text);
xmlNode* headline_in_title(xmlNode* root, const std::string& title);
Found select_field(const FieldRule& rule, xmlNode* scope);
std::string selector_warning(const std::string& url, const std::string& field,
                             const FieldRule& rule);

// --- title_clean.cpp: the headline out of a title that adds the site's name
struct TitleContext {
  std::vector<std::string> sites;       ///< the site's names, squashed (ASCII letters, digits)
  std::vector<std::string> headings;    ///< text of the page's h1 and h2, NFC
  std::vector<xmlNode*> heading_nodes;  ///< the elements of `headings`
  std::string h1;                       ///< the first h1's text
  size_t h1_count = 0;
};
TitleContext title_context(const Document& doc, const LinkedData& ld, const std::string& url);
/// Whether a part of a title names the site (its name, its host).
bool site_like(std::string_view part, const TitleContext& ctx);
/// `title` without the site's name before or after a separator, or the
/// part a heading of the page shows; unchanged when neither says anything.
std::string trim_site_name(const std::string& title, const TitleContext& ctx);
/// The <title> element's text as a headline: trim_site_name, then
/// Readability's rules (cut the last part of "A | B", unless too few words
/// are left).
std::string clean_document_title(const std::string& title, const TitleContext& ctx);

// --- title.cpp, published.cpp, author.cpp: the article's metadata
struct TitleFound {
  std::string title;
  xmlNode* node = nullptr;  ///< the element showing it, if any
  std::string error;        ///< set when there is no title
};
TitleFound find_title(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                      const std::string& url);
struct DatesFound {
  int64_t published = SYNDICD_TIME_NONE;
  int64_t updated = SYNDICD_TIME_NONE;
  std::vector<std::string> warnings;
};
/// Whether a date found automatically can be the publication date: not
/// before 1995 and at most a day ahead of now. CMS placeholders (JSON-LD
/// "1970-01-01T00:00:00Z") and mistyped years fail, and the next candidate is tried.
/// A configured selector's date is taken as it is.
bool plausible_published(int64_t ms);
/// `title_node`: the element showing the title (dates are looked for below it), or null.
DatesFound find_dates(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                      const xmlNode* title_node, const std::string& url);
struct AuthorFound {
  std::string author;
  xmlNode* node = nullptr;  ///< the element it came from, if any
  std::vector<std::string> warnings;
};
/// `blocks`: the body's leaf blocks (its closing line may be the author's).
AuthorFound find_author(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                        const std::vector<xmlNode*>& blocks, const std::string& url);

}  // namespace syndicd::html::detail
