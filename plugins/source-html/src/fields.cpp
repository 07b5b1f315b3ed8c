// SPDX-License-Identifier: Apache-2.0
// Fields around the body: dates, lead, author, the headline shown on the page.
#include <algorithm>
#include <string>
#include <vector>

#include "extract_parts.hpp"

#include "syndicd/common/dates.hpp"

namespace syndicd::html::detail {
// ---------------------------------------------------------------------------
// Fields

std::optional<int64_t> parse_any_date(std::string_view text, const std::string& format,
                                      int offset) {
  if (!format.empty()) return common::parse_date_format(text, format, offset);
  if (auto d = common::parse_date(text, offset)) return d;
  return common::find_date(text, offset);
}

bool date_hint(const xmlNode* el) {
  if (is_tag(el, "time")) return true;
  const std::string ci = class_and_id(el);
  return contains_any(ci, {"date", "time", "ngay", "publish", "update", "meta", "posted"});
}

// A date written near the title: the text that follows the title element,
// where CMSs print it. Text above the title (the site's top bar, with its
// own date) is never looked at.
std::optional<int64_t> date_near(const xmlNode* title, const xmlNode* root, int offset) {
  std::string text;
  size_t elements = 0;
  for (const xmlNode* n = next_after(title, root); n != nullptr && elements < 40;
       n = next_in_order(n, root)) {
    if (is_element(n)) {
      ++elements;
      if (is_non_content_tag(tag(n))) continue;  // <script> text is never read below
      if (has_attr(n, "datetime"))
        if (auto d = common::parse_date(attr(n, "datetime"), offset)) return d;
      if (date_hint(n))
        if (auto d = common::find_date(clean_text(n), offset)) return d;
    } else if (n->type == XML_TEXT_NODE && n->content) {
      text += reinterpret_cast<const char*>(n->content);
      text += ' ';
      if (text_length(text) > 400) break;
    }
  }
  return common::find_date(collapse_ascii_space(text), offset);
}

bool sapo_like(const xmlNode* el) {
  // Named: the tokens view into it (a temporary would die before the loop).
  const std::string ci = class_and_id(el);
  for (auto t : class_tokens(ci)) {
    if (t.find("sapo") != std::string_view::npos) return true;
    if (t == "lead" || t == "summary" || t == "description" || t == "excerpt" || t == "intro" ||
        t == "tom-tat" || t == "tomtat" || t == "chapeau" || t == "teaser" || t == "standfirst")
      return true;
    for (std::string_view suffix : {"-lead", "-summary", "-description", "-intro", "-excerpt"})
      if (t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix) return true;
  }
  return false;
}

// Marked as the author's name or line: by microdata (itemprop=author), a
// rel=author link, or whole class/id tokens (.byline, .tac-gia, .author-name;
// not .authority).
bool author_hint(const xmlNode* el) {
  // Named: the tokens view into them (a temporary would die before the loop).
  const std::string itemprop = lower(attr(el, "itemprop")), rel = lower(attr(el, "rel"));
  for (const std::string* s : {&itemprop, &rel})
    for (auto t : class_tokens(*s))
      if (t == "author") return true;
  const std::string ci = class_and_id(el);
  for (auto t : class_tokens(ci)) {
    if (t == "tac-gia" || t == "tacgia" || t == "byline" || t == "dateline" || t == "writtenby" ||
        t == "p-author")
      return true;
    // author, article-author, author_byline, c-byline__author; not authority.
    const size_t at = t.find("author");
    if (at != std::string_view::npos) {
      const size_t end = at + 6;
      if (end == t.size() || t[end] == '-' || t[end] == '_' || t[end] == 's') return true;
    }
    if (t.find("byline") != std::string_view::npos) return true;
  }
  return false;
}

bool has_author_hint_inside(const xmlNode* el) {
  for (const xmlNode* d = el->children; d != nullptr; d = next_in_order(d, el))
    if (is_element(d) && author_hint(d)) return true;
  return false;
}

// A paragraph whose whole text is bold: the lead of many CMS templates.
bool bold_paragraph(const xmlNode* el) {
  const std::string text = clean_text(el);
  if (text_length(text) < 40) return false;
  const std::string bold =
      text_inside(el, [](const xmlNode* d) { return is_tag(d, "b") || is_tag(d, "strong"); });
  return collapse_ascii_space(bold) == text;
}

// Leaf blocks of the body in order: what a reader sees as lines.
namespace {

// !clean_text(el).empty() without building the text: leaf_blocks() asks it
// of every block of the body, and the text of an outer block is most of
// the page.
bool has_text(const xmlNode* el) {
  for (const xmlNode* d = el->children; d != nullptr;) {
    if (is_element(d) && is_non_content_tag(tag(d))) {
      d = next_after(d, el);
      continue;
    }
    if ((d->type == XML_TEXT_NODE || d->type == XML_CDATA_SECTION_NODE) && d->content != nullptr)
      for (const xmlChar* c = d->content; *c != 0; ++c)
        if (!(*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f' || *c == '\v'))
          return true;
    d = next_in_order(d, el);
  }
  return false;
}

}  // namespace

std::vector<xmlNode*> leaf_blocks(xmlNode* body) {
  std::vector<xmlNode*> out;
  walk(body, [&](xmlNode* n) {
    if (!is_element(n) || !is_block_tag(tag(n))) return true;
    if (is_tag(n, "table") || is_tag(n, "figure") || is_tag(n, "ul") || is_tag(n, "ol")) {
      out.push_back(n);
      return false;
    }
    if (!has_block_child(n) && (has_text(n) || count_images(n) > 0)) out.push_back(n);
    return true;
  });
  return out;
}

// "Minh Thúy", "PV", "Quang Minh": a short closing line that names a person,
// not a sentence.
bool byline_like(const std::string& text) {
  if (text.empty() || text_length(text) > 40) return false;
  size_t words = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), ' '));
  if (words > 5) return false;
  for (char c : text)
    if ((c >= '0' && c <= '9') || c == ':' || c == '|' || c == '/') return false;
  const char last = text.back();
  if (last == '.' || last == '!' || last == '?' || last == ',' || last == ';') return false;
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, "\xE2\x80\xA6") == 0) return false;
  // Starts with a capital (ASCII, or a non-ASCII letter such as Đ/Ả: not
  // checked further).
  const unsigned char first = static_cast<unsigned char>(text[0]);
  return (first >= 'A' && first <= 'Z') || first >= 0x80;
}

// The element whose whole text is <title> up to a " - " or " | " before
// the site's name ("Tiêu đề - Cổng Thông tin điện tử tỉnh ..."), outside
// the chrome; null when there is none.
xmlNode* headline_in_title(xmlNode* root, const std::string& title) {
  std::vector<std::string> heads;
  for (std::string_view sep : {" - ", " | ", " – ", " :: "})
    for (size_t p = title.find(sep); p != std::string::npos; p = title.find(sep, p + 1))
      heads.push_back(title.substr(0, p));
  if (heads.empty()) return nullptr;
  for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root)) {
    if (!is_element(n) || is_tag(n, "title") || is_non_content_tag(tag(n))) continue;
    if (has_block_child(n) || inside_unlikely(n)) continue;
    const std::string text = clean_text(n);
    if (std::find(heads.begin(), heads.end(), text) != heads.end()) return n;
  }
  return nullptr;
}

Found select_field(const FieldRule& rule, xmlNode* scope) {
  Found f;
  const Selection sel = rule.select->select(scope);
  f.matched = !sel.empty();
  if (sel.value) f.value = collapse_ascii_space(*sel.value);
  f.nodes = sel.nodes;
  if (!f.value.empty() || f.nodes.empty()) return f;
  const xmlNode* n = f.nodes.front();
  if (!rule.attr.empty())
    f.value = collapse_ascii_space(attr(n, rule.attr.c_str()));
  else
    f.value = clean_text(n);
  return f;
}

std::string selector_warning(const std::string& url, const std::string& field,
                             const FieldRule& rule) {
  return url + ": article." + field + " selector \"" + rule.select->text() + "\" matched nothing";
}

}  // namespace syndicd::html::detail
