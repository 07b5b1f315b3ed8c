// SPDX-License-Identifier: Apache-2.0
#include "syndicd/html_extract/dom.hpp"

#include <libxml/parser.h>

#include <mutex>
#include <stdexcept>

#include "syndicd/common/budget.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/common/url.hpp"
#include "syndicd/common/utf8.hpp"

namespace syndicd::html {

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

namespace {

const char* cstr(const xmlChar* s) {
  return reinterpret_cast<const char*>(s);
}

bool ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void append_text(const xmlNode* n, std::string& out) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content != nullptr) out += cstr(c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      if (is_non_content_tag(tag(c))) continue;
      // <br> and block boundaries separate words even without whitespace.
      if (is_tag(c, "br")) {
        out += ' ';
        continue;
      }
      // Block boundaries separate words even without whitespace; inline
      // elements ("Chín<b>h</b>") must not split them.
      const bool block = is_block_tag(tag(c));
      if (block) out += ' ';
      append_text(c, out);
      if (block) out += ' ';
    }
  }
}

bool starts_with_nocase(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    char c = s[at + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[k]) return false;
  }
  return true;
}

// The page without the bodies of its <script>, <style> and inline <svg>
// elements (the tags stay, with their attributes), and without its
// comments. Scripts and styles are 40-50% of a news page's bytes, libxml2
// reads them character by character into text nodes, and nothing reads
// them but the JSON-LD reader: scripts whose type says JSON keep their
// body. An inline <svg> (icons, logos: 5% of the bytes) is a tree of path
// elements with no text a reader sees, and comments are never shown. The
// end is found as libxml2's recovering parser finds it ("</script" in any
// case); a self-closed <script/> (an empty element to libxml2) or one never
// closed is left as it is, and so is a comment never closed.
std::string without_unread_markup(std::string_view html) {
  std::string out;
  size_t copied = 0;
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i)) {
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      if (out.empty()) out.reserve(html.size());
      out.append(html, copied, i - copied);
      copied = i = end + 3;
      continue;
    }
    const std::string_view name = starts_with_nocase(html, i + 1, "script")  ? "script"
                                  : starts_with_nocase(html, i + 1, "style") ? "style"
                                  : starts_with_nocase(html, i + 1, "svg")   ? "svg"
                                                                             : "";
    const size_t after = i + 1 + name.size();
    if (name.empty() || after >= html.size() ||
        !(ascii_space(html[after]) || html[after] == '>' || html[after] == '/')) {
      ++i;
      continue;
    }
    const size_t gt = html.find('>', after);
    if (gt == std::string_view::npos) break;
    if (html[gt - 1] == '/') {
      i = gt + 1;
      continue;
    }
    size_t end = gt + 1;
    while ((end = html.find("</", end)) != std::string_view::npos &&
           !starts_with_nocase(html, end + 2, name))
      end += 2;
    if (end == std::string_view::npos) break;
    bool json = false;
    for (size_t k = after; name == "script" && k + 4 <= gt && !json; ++k)
      json = starts_with_nocase(html, k, "json");
    if (!json && end > gt + 1) {
      if (out.empty()) out.reserve(html.size());
      out.append(html, copied, gt + 1 - copied);
      copied = end;
    }
    i = end + 2;
  }
  if (copied == 0) return std::string(html);
  out.append(html, copied);
  return out;
}

// NFC where the text needs it: the fetcher's pages are NFC already, and
// common::nfc composes only the runs of a page that are not.
std::string normalized(std::string text) {
  if (common::is_nfc_quick(text)) return text;
  return common::nfc(text);
}

}  // namespace

Document Document::parse(std::string_view html, std::string url) {
  // NFC first: the heuristics compare words ("Cập nhật"), and pages saved
  // in NFD must give the same article as their NFC twin.
  return parse_prepared(normalized(without_unread_markup(html)), std::move(url));
}

Document Document::parse_own(std::string_view html, std::string url) {
  return parse_prepared(html, std::move(url));
}

Document Document::parse_prepared(std::string_view text, std::string url) {
  init_libxml();
  // IGNORE_ENC + "UTF-8": the fetcher already decoded the page, so a
  // <meta charset=windows-1258> must not make libxml2 decode it again.
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
  Document d;
  d.url_ = std::move(url);
  d.doc_.reset(
      htmlReadMemory(text.data(), static_cast<int>(text.size()), d.url_.c_str(), "UTF-8", options));
  if (!d.doc_ || xmlDocGetRootElement(d.doc_.get()) == nullptr) {
    // An allocation failure, empty input, or input that holds no element
    // at all (a doctype cut short by a NUL byte: libxml2 then builds a
    // document without a root, found by fuzzing) gets here; an empty
    // document keeps root() non-null and every caller's code path the same.
    const char empty[] = "<html><body></body></html>";
    d.doc_.reset(htmlReadMemory(empty, sizeof empty - 1, d.url_.c_str(), "UTF-8", options));
    if (!d.doc_) throw std::runtime_error("libxml2 could not create a document");
  }
  d.base_ = d.url_;
  for (xmlNode* n = d.root(); n != nullptr; n = next_in_order(n, d.root())) {
    if (is_tag(n, "base") && has_attr(n, "href")) {
      d.base_ = common::resolve_url(d.url_, attr(n, "href"));
      break;
    }
    if (is_tag(n, "body")) break;
  }
  return d;
}

xmlNode* Document::root() const noexcept {
  return xmlDocGetRootElement(doc_.get());
}

std::string Document::resolve(std::string_view ref) const {
  return common::resolve_url(base_, ref);
}

std::string_view tag(const xmlNode* n) noexcept {
  if (!is_element(n) || n->name == nullptr) return {};
  return cstr(n->name);
}

bool is_tag(const xmlNode* n, std::string_view name) noexcept {
  return is_element(n) && tag(n) == name;
}

bool has_attr(const xmlNode* n, const char* name) {
  return is_element(n) &&
         xmlHasProp(const_cast<xmlNode*>(n), reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

std::string attr(const xmlNode* n, const char* name) {
  if (!is_element(n)) return {};
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return {};
  std::string out = cstr(v);
  xmlFree(v);
  return out;
}

xmlNode* parent_element(const xmlNode* n) noexcept {
  if (n == nullptr) return nullptr;
  xmlNode* p = n->parent;
  return is_element(p) ? p : nullptr;
}

xmlNode* first_child_element(const xmlNode* n) noexcept {
  for (xmlNode* c = n ? n->children : nullptr; c != nullptr; c = c->next)
    if (is_element(c)) return c;
  return nullptr;
}

xmlNode* next_element(const xmlNode* n) noexcept {
  for (xmlNode* c = n ? n->next : nullptr; c != nullptr; c = c->next)
    if (is_element(c)) return c;
  return nullptr;
}

xmlNode* prev_element(const xmlNode* n) noexcept {
  for (xmlNode* c = n ? n->prev : nullptr; c != nullptr; c = c->prev)
    if (is_element(c)) return c;
  return nullptr;
}

xmlNode* next_after(const xmlNode* n, const xmlNode* scope) noexcept {
  while (n != nullptr && n != scope) {
    if (n->next != nullptr) return n->next;
    n = n->parent;
  }
  return nullptr;
}

xmlNode* next_in_order(const xmlNode* n, const xmlNode* scope) noexcept {
  if (n == nullptr) return nullptr;
  if (n->children != nullptr && n->type == XML_ELEMENT_NODE) return n->children;
  return next_after(n, scope);
}

bool contains(const xmlNode* ancestor, const xmlNode* n) noexcept {
  for (; n != nullptr; n = n->parent)
    if (n == ancestor) return true;
  return false;
}

std::string raw_text(const xmlNode* n) {
  std::string out;
  if (n == nullptr) return out;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (n->content != nullptr) out = cstr(n->content);
    return out;
  }
  append_text(n, out);
  // The extractor's scoring reads subtrees' text over and over: the text
  // read is the measure of its work against the page's budget.
  common::charge_work(out.size() + 1);
  return out;
}

void charge_tree(const xmlNode* root) {
  common::WorkBudget* budget = common::current_budget();
  if (budget == nullptr || root == nullptr) return;
  size_t depth = 0;
  for (const xmlNode* n = root; n != nullptr;) {
    budget->charge();
    if (n->children != nullptr && n->type == XML_ELEMENT_NODE) {
      n = n->children;
      budget->check_depth(++depth);
      continue;
    }
    while (n != root && n->next == nullptr) {
      n = n->parent;
      --depth;
    }
    if (n == root) break;
    n = n->next;
  }
}

std::string collapse_ascii_space(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (ascii_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string clean_text(const xmlNode* n) {
  return collapse_ascii_space(raw_text(n));
}

std::string class_and_id(const xmlNode* n) {
  std::string s = attr(n, "class");
  s += ' ';
  s += attr(n, "id");
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool is_block_tag(std::string_view name) noexcept {
  static constexpr std::string_view kBlocks[] = {
      "address",  "article",    "aside",  "blockquote", "dd",      "div",   "dl",   "dt",
      "fieldset", "figcaption", "figure", "footer",     "form",    "h1",    "h2",   "h3",
      "h4",       "h5",         "h6",     "header",     "hr",      "li",    "main", "nav",
      "ol",       "p",          "pre",    "section",    "table",   "tbody", "td",   "tfoot",
      "th",       "thead",      "tr",     "ul",         "caption", "body",  "html"};
  for (auto b : kBlocks)
    if (b == name) return true;
  return false;
}

bool is_non_content_tag(std::string_view name) noexcept {
  return name == "script" || name == "style" || name == "noscript" || name == "template" ||
         name == "head" || name == "title" || name == "meta" || name == "link";
}

void remove_node(xmlNode* n) noexcept {
  if (n == nullptr) return;
  xmlUnlinkNode(n);
  xmlFreeNode(n);
}

}  // namespace syndicd::html
