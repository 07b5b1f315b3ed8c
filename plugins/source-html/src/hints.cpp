// Class/id hints and small text helpers of automatic extraction.
#include <algorithm>
#include <string>
#include <vector>

#include "extract_parts.hpp"

namespace syndicd::html::detail {
// ---------------------------------------------------------------------------
// Small helpers

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles) {
  for (auto n : needles)
    if (hay.find(n) != std::string_view::npos) return true;
  return false;
}

// Code points, not bytes: Vietnamese letters take 2-3 bytes.
size_t text_length(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string_view> class_tokens(const std::string& s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(std::string_view(s).substr(i, j - i));
    i = j;
  }
  return out;
}

// Class/id fragments of the parts of a page that are never the article:
// site chrome, share bars, related lists, comments, ads.
bool negative_hint(const std::string& ci) {
  return contains_any(
             ci, {"share",   "related",   "comment",  "footer",     "nav",    "menu",   "hotline",
                  "sidebar", "social",    "banner",   "breadcrumb", "advert", "widget", "tin-moi",
                  "tinmoi",  "lien-quan", "lienquan", "tin-khac",   "popup",  "header", "top-bar",
                  "topbar",  "toolbar",   "print",    "pagination", "paging", "rating", "subscribe",
                  "sponsor", "copyright", "tags"}) ||
         [&] {
           for (auto t : class_tokens(ci))
             if (t == "ads" || t == "ad" || t == "quang-cao" || t == "qc") return true;
           return false;
         }();
}

// Class/id fragments of article containers, including the names Vietnamese
// CMSs use (noi-dung = content, chi-tiet = detail).
bool positive_hint(const std::string& ci) {
  return contains_any(ci, {"content", "noi-dung", "noidung", "chi-tiet", "chitiet", "detail",
                           "article", "entry", "post", "story", "body", "text", "fck"});
}

// Never the article, whatever their class: skipped when scoring, removed
// from a chosen body.
bool unlikely(const xmlNode* el) {
  const auto t = tag(el);
  // An <article>'s own <header> holds its title and date, not site chrome.
  if (t == "header")
    for (const xmlNode* p = parent_element(el); p != nullptr; p = parent_element(p))
      if (is_tag(p, "article")) return false;
  if (t == "nav" || t == "aside" || t == "footer" || t == "header" || t == "form" ||
      t == "button" || t == "select")
    return true;
  return negative_hint(class_and_id(el));
}

bool inside_unlikely(const xmlNode* el, const xmlNode* stop) {
  for (const xmlNode* p = el; p != nullptr && p != stop; p = parent_element(p)) {
    if (is_tag(p, "body")) break;
    if (unlikely(p)) return true;
  }
  return false;
}

std::string meta_content(const Document& doc, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    for (xmlNode* n = doc.root(); n != nullptr; n = next_in_order(n, doc.root())) {
      if (!is_tag(n, "meta")) continue;
      const std::string prop = lower(attr(n, "property"));
      const std::string name = lower(attr(n, "name"));
      const std::string itemprop = lower(attr(n, "itemprop"));
      if (prop == key || name == key || itemprop == key) {
        std::string v = collapse_ascii_space(attr(n, "content"));
        if (!v.empty()) return v;
      }
    }
  }
  return {};
}

// Pre-order walk of the descendants of `scope`; `visit` returns false to
// skip the node's children. `visit` must not unlink nodes.

}  // namespace syndicd::html::detail
