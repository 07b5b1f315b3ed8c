// SPDX-License-Identifier: Apache-2.0
// The article's author: the configured selector, the page's metadata
// (JSON-LD, then <meta> names in Readability's order), a byline element,
// or the short closing line of the body ("Minh Thúy").
#include <string>

#include "extract_parts.hpp"
#include "syndicd/common/utf8.hpp"

namespace syndicd::html::detail {
namespace {

// A profile link or a social handle names an account, not a person.
bool name_like(const std::string& s) {
  if (s.empty() || text_length(s) > 100) return false;
  const std::string l = lower(s);
  if (l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0 || l.rfind("www.", 0) == 0)
    return false;
  if (l.find('@') != std::string::npos || l.rfind("follow ", 0) == 0) return false;
  // "blog.example.com": a host, one word with dots.
  return !(l.find(' ') == std::string::npos && l.find('.') != std::string::npos &&
           l.find('.') + 1 < l.size() && l.back() != '.');
}

// The name inside a byline element: its itemprop=name part when it has one.
std::string byline_text(const xmlNode* el) {
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_element(d) && lower(attr(d, "itemprop")) == "name")
      if (std::string t = clean_text(d); !t.empty()) return t;
  return clean_text(el);
}

// "By Jane Doe" / "Bởi Lan Anh": the name without the word before it.
std::string without_by(std::string s) {
  for (std::string_view by : {"By ", "by ", "BY ", "B\xE1\xBB\x9Fi "})
    if (s.size() > by.size() + 2 && s.compare(0, by.size(), by) == 0) return s.substr(by.size());
  return s;
}

// "Bài và ảnh: Minh Thúy", "Tin, ảnh: Quang Minh": the name after the
// credit words of a Vietnamese closing line; "" when the line has none.
std::string after_credit(const std::string& line) {
  const std::string l = lower(line);
  for (std::string_view credit : {"bài và ảnh:", "bài, ảnh:", "bài và ảnh :", "tin và ảnh:",
                                  "tin, ảnh:", "bài:", "tin:", "nhóm phóng viên:"})
    if (l.rfind(credit, 0) == 0) return collapse_ascii_space(line.substr(credit.size()));
  return {};
}

}  // namespace

AuthorFound find_author(const Document& doc, const ArticleRules& rules, const LinkedData& ld,
                        const std::vector<xmlNode*>& blocks, const std::string& url) {
  AuthorFound out;
  xmlNode* root = doc.root();
  if (rules.author.select) {
    Found f = select_field(rules.author, root);
    if (f.value.empty()) out.warnings.push_back(selector_warning(url, "author", rules.author));
    out.author = f.value;
    if (!f.nodes.empty() && is_element(f.nodes.front())) out.node = f.nodes.front();
  }
  if (out.author.empty() && name_like(ld.author)) out.author = ld.author;
  if (out.author.empty())
    for (const std::string& v :
         ld.meta.all({"dc:creator", "dcterm:creator", "author", "parsely-author", "byl",
                      "article:author", "og:article:author", "sailthru:author"}))
      if (name_like(v)) {
        out.author = v;
        break;
      }
  if (out.author.empty()) {
    for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
      if (!is_element(n) || is_tag(n, "meta") || is_tag(n, "link")) continue;
      if (!author_hint(n) || inside_unlikely(n)) continue;
      // "Bài, ảnh: <span class=author>Minh Đức</span>" in a .byline: the
      // name is the innermost marked element.
      if (has_author_hint_inside(n)) continue;
      const std::string text = byline_text(n);
      if (name_like(text)) {
        out.author = text;
        out.node = n;
        break;
      }
    }
  }
  if (!rules.author.select) out.author = without_by(std::move(out.author));
  if (out.author.empty() && blocks.size() >= 2) {
    const std::string text = clean_text(blocks.back());
    const std::string name = after_credit(common::nfc(text));
    if (count_images(blocks.back()) == 0 && (byline_like(text) || byline_like(name))) {
      out.author = byline_like(text) ? text : name;
      out.node = blocks.back();
    }
  }
  return out;
}

}  // namespace syndicd::html::detail
