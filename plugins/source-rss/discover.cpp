// SPDX-License-Identifier: Apache-2.0
#include "discover.hpp"

#include <syndicd/common/html.hpp>
#include <syndicd/common/text.hpp>
#include <syndicd/common/url.hpp>

#include <algorithm>
#include <cctype>

namespace syndicd::rss {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Whether the whitespace-separated token list `list` holds `token`
// (rel="alternate feed"): whole tokens, so rel="alternate-x" is not one.
bool has_token(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_space(list[i])) ++i;
    size_t j = i;
    while (j < list.size() && !is_space(list[j])) ++j;
    if (j > i && lowered(list.substr(i, j - i)) == token) return true;
    i = j;
  }
  return false;
}

// The types of feeds the rss source reads.
bool is_feed_type(std::string_view type) {
  const std::string t = lowered(trim(type));
  return t == "application/rss+xml" || t == "application/atom+xml" || t == "application/rdf+xml" ||
         t == "application/xml" || t == "text/xml";
}

// End of the start tag that begins at `from` (just past '<'): the first '>'
// outside a quoted attribute value, or npos when the tag never closes.
size_t tag_end(std::string_view html, size_t from) {
  char quote = 0;
  for (size_t i = from; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool looks_like_html(std::string_view body, std::string_view content_type) {
  // By the markup first: servers label feeds text/html and pages
  // text/plain. A BOM, an XML declaration, a doctype or comments come
  // before the root; a feed root before any <html> is a feed (an item's
  // CDATA may hold a whole page).
  const std::string head = lowered(body.substr(0, 4096));
  size_t html = std::min(head.find("<html"), head.find("<!doctype html"));
  for (const char* root : {"<rss", "<feed", "<rdf:rdf", "<channel"}) {
    const size_t at = head.find(root);
    if (at != std::string::npos && at < html) return false;
  }
  if (html != std::string::npos) return true;
  // Neither: the server's word, else a feed (the parser says what is wrong).
  const std::string type = lowered(content_type);
  return type.find("text/html") != std::string::npos ||
         type.find("application/xhtml") != std::string::npos;
}

std::vector<FeedLink> feed_links(std::string_view html, std::string_view page_url) {
  std::vector<FeedLink> out;
  size_t pos = 0;
  while (pos < html.size()) {
    const size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) break;
    pos = lt + 1;
    // Comments may hold a commented-out <link>: skip them whole.
    if (html.compare(lt, 4, "<!--") == 0) {
      const size_t close = html.find("-->", lt + 4);
      if (close == std::string_view::npos) break;
      pos = close + 3;
      continue;
    }
    if (lt + 5 > html.size() || lowered(html.substr(lt + 1, 4)) != "link") continue;
    if (lt + 5 < html.size() && !is_space(html[lt + 5]) && html[lt + 5] != '/' &&
        html[lt + 5] != '>')
      continue;  // <linkage>, not <link>
    const size_t end = tag_end(html, lt + 5);
    if (end == std::string_view::npos) break;
    const std::string_view tag = html.substr(lt, end - lt + 1);
    pos = end + 1;
    const auto rel = common::tag_attribute(tag, "rel");
    const auto type = common::tag_attribute(tag, "type");
    const auto href = common::tag_attribute(tag, "href");
    if (!rel || !type || !href || !has_token(*rel, "alternate") || !is_feed_type(*type)) continue;
    const std::string target = std::string(trim(*href));
    if (target.empty()) continue;
    FeedLink link;
    link.url = common::resolve_url(page_url, target);
    if (link.url.empty()) continue;
    link.type = lowered(trim(*type));
    link.title = std::string(trim(common::tag_attribute(tag, "title").value_or("")));
    const bool seen =
        std::any_of(out.begin(), out.end(), [&](const FeedLink& l) { return l.url == link.url; });
    if (!seen) out.push_back(std::move(link));
  }
  return out;
}

std::optional<FeedLink> choose_feed(const std::vector<FeedLink>& links, std::string_view title) {
  if (links.empty()) return std::nullopt;
  if (title.empty()) return links.front();
  const std::string want = common::fold(title);
  for (const auto& l : links)
    if (common::fold(l.title).find(want) != std::string::npos) return l;
  return std::nullopt;
}

}  // namespace syndicd::rss
