// The article's dates: published and updated, from the configured selector
// or the page's metadata, then from dates printed near the title.
#include <chrono>
#include <string>

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
    for (const std::string& candidate :
         {meta_content(doc, {"article:published_time", "datepublished", "pubdate",
                             "og:published_time", "dc.date.issued"}),
          ld.published}) {
      if (candidate.empty()) continue;
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
    for (const std::string& candidate :
         {meta_content(doc, {"article:modified_time", "datemodified", "og:updated_time"}),
          ld.modified})
      if (!candidate.empty())
        if (auto d = common::parse_date(candidate, offset)) {
          out.updated = *d;
          break;
        }
  }
  return out;
}

}  // namespace syndicd::html::detail
