// SPDX-License-Identifier: Apache-2.0
// The article's dates: published and updated, from the configured selector
// or the page's metadata, then from dates printed near the title.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "extract_parts.hpp"
#include "syndicd/common/dates.hpp"

namespace syndicd::html::detail {

bool plausible_published(int64_t ms) {
  // 1995-01-01T00:00:00Z: no page the web still serves was published earlier.
  constexpr int64_t kEarliest = 788918400000LL;
  // A day ahead: a page's zone can be ahead of ours, never by more.
  constexpr int64_t kAhead = 24LL * 60 * 60 * 1000;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return ms >= kEarliest && ms <= now + kAhead;
}

namespace {

// A date a machine reads, in the order of trust: article:published_time;
// the other meta names and microdata (itemprop=datePublished on any
// element); JSON-LD; a <time datetime> of the page outside its chrome and
// its link lists. Each comes before any date printed for readers.
std::vector<std::string> machine_dates(const Document& doc, const LinkedData& ld) {
  std::vector<std::string> out = ld.meta.all({"article:published_time"});
  for (std::string& v : ld.meta.all({"og:published_time", "og:article:published_time",
                                     "datepublished", "pubdate", "publishdate", "dc:date:issued",
                                     "dcterms:created", "dc:date", "parsely-pub-date"}))
    out.push_back(std::move(v));
  xmlNode* root = doc.root();
  std::vector<std::string> times;
  for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
    if (!is_element(n) || is_tag(n, "meta")) continue;
    const bool microdata = lower(attr(n, "itemprop")) == "datepublished";
    const bool time = is_tag(n, "time") && has_attr(n, "datetime");
    if (!microdata && !time) continue;
    if (inside_unlikely(n)) continue;
    if (time && !microdata) {
      bool listed = false;  // a related article's time
      for (const xmlNode* p = parent_element(n); p != nullptr && !listed; p = parent_element(p))
        listed = is_tag(p, "a") || is_tag(p, "li");
      if (!listed) times.push_back(collapse_ascii_space(attr(n, "datetime")));
      continue;
    }
    for (const char* at : {"datetime", "content"})
      if (has_attr(n, at)) out.push_back(collapse_ascii_space(attr(n, at)));
    out.push_back(clean_text(n));
  }
  out.push_back(ld.published);
  for (std::string& t : times) out.push_back(std::move(t));
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

}  // namespace

DatesFound find_dates(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                      const xmlNode* title_node, const std::string& url) {
  DatesFound out;
  xmlNode* root = doc.root();
  const int offset = rules.offset_minutes;
  if (rules.published.select) {
    Found f = select_field(rules.published, root);
    if (!f.matched) {
      out.warnings.push_back(selector_warning(url, "published", rules.published));
    } else {
      std::string text = f.value;
      if (rules.published.attr.empty() && !f.nodes.empty()) {
        for (const char* at : {"datetime", "content"})
          if (has_attr(f.nodes.front(), at)) {
            if (auto d = common::parse_date(attr(f.nodes.front(), at), offset)) {
              out.published = *d;
              break;
            }
          }
      }
      if (out.published == SYNDICD_TIME_NONE) {
        if (auto d = parse_any_date(text, rules.published.format, offset))
          out.published = *d;
        else
          out.warnings.push_back(
              url + ": article.published: cannot read a date in \"" + text + "\"" +
              (rules.published.format.empty() ? std::string()
                                              : " with format \"" + rules.published.format + "\""));
      }
    }
  }
  if (out.published == SYNDICD_TIME_NONE) {
    for (const std::string& candidate : machine_dates(doc, ld)) {
      if (auto d = common::parse_date(candidate, offset); d && plausible_published(*d)) {
        out.published = *d;
        break;
      }
    }
  }
  if (out.published == SYNDICD_TIME_NONE && title_node != nullptr)
    if (auto d = date_near(title_node, root, offset); d && plausible_published(*d))
      out.published = *d;
  if (out.published == SYNDICD_TIME_NONE) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
      if (is_element(n) && date_hint(n) && !inside_unlikely(n))
        if (auto d = common::find_date(clean_text(n), offset); d && plausible_published(*d)) {
          out.published = *d;
          break;
        }
  }
  if (rules.updated.select) {
    Found f = select_field(rules.updated, root);
    if (!f.matched)
      out.warnings.push_back(selector_warning(url, "updated", rules.updated));
    else if (auto d = parse_any_date(f.value, rules.updated.format, offset))
      out.updated = *d;
  }
  if (out.updated == SYNDICD_TIME_NONE) {
    // Every meta value in order, then JSON-LD: a placeholder or a typo
    // falls to the next, as for the publication date.
    std::vector<std::string> candidates =
        ld.meta.all({"article:modified_time", "og:updated_time", "datemodified"});
    candidates.push_back(ld.modified);
    for (const std::string& candidate : candidates)
      if (!candidate.empty())
        if (auto d = common::parse_date(candidate, offset); d && plausible_published(*d)) {
          out.updated = *d;
          break;
        }
  }
  return out;
}

}  // namespace syndicd::html::detail
