// SPDX-License-Identifier: Apache-2.0
// The reference sanitize_html() of commit 8ff3a62
// (see sanitize_reference.hpp: a verbatim copy; its few changes are marked
// in place).
#include "sanitize_reference.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace reference {

// --- plugins/common/src/sanitize.cpp @ 8ff3a62 ---
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
bool ieq_at(std::string_view s, size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[pos + k])) != word[k]) return false;
  return true;
}
bool contains_ci(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (ieq_at(hay, i, needle)) return true;
  return false;
}

template <size_t N>
bool one_of(std::string_view name, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

// Removed together with everything inside them: active content, or text
// that is not part of the article (a <title> inside a pasted document).
// (The MathML names added to these lists, to is_block_tag() and to the
// elements html_to_text() skips, since 8ff3a62, are rules, not code:
// common/src/html_names.hpp says why.)
constexpr std::string_view kDropWithContent[] = {
    "script",   "style",    "iframe",  "frame",    "frameset",   "object",        "embed",
    "applet",   "noscript", "noembed", "noframes", "template",   "svg",           "select",
    "textarea", "title",    "xml",     "head",     "annotation", "annotation-xml"};
// Removed, content kept: the text of a form or a <body> is still article text.
constexpr std::string_view kDropTag[] = {
    "form",     "input",   "button", "option", "optgroup", "label",  "fieldset",  "legend",
    "datalist", "output",  "html",   "body",   "meta",     "link",   "base",      "param",
    "keygen",   "isindex", "dialog", "portal", "maction",  "mglyph", "malignmark"};
constexpr std::string_view kVoid[] = {"area", "br", "col", "hr", "img", "source", "track", "wbr"};
// Void elements among the dropped ones: there is no content to skip (a
// search for their end tag would swallow the rest of the fragment).
constexpr std::string_view kVoidDropped[] = {"embed", "frame", "input",  "meta",   "link",
                                             "base",  "param", "keygen", "isindex"};
// Scraped bodies (Markup::article) also lose media, controls and the text
// inside them ("Trình duyệt không hỗ trợ video", button labels).
constexpr std::string_view kArticleDropWithContent[] = {
    "form",   "button", "input",  "option", "optgroup", "datalist", "output",
    "canvas", "audio",  "video",  "map",    "dialog",   "link",     "meta",
    "base",   "keygen", "portal", "param",  "label",    "legend",   "math"};
// What a scraped body may keep: text structure, links, images, tables.
constexpr std::string_view kArticleTags[] = {
    "p",     "div",   "span", "br",     "hr",      "h1",     "h2",         "h3",    "h4",
    "h5",    "h6",    "b",    "strong", "i",       "em",     "u",          "s",     "sub",
    "sup",   "small", "mark", "q",      "cite",    "abbr",   "code",       "pre",   "blockquote",
    "ul",    "ol",    "li",   "dl",     "dt",      "dd",     "table",      "thead", "tbody",
    "tfoot", "tr",    "td",   "th",     "caption", "figure", "figcaption", "img",   "a"};
constexpr std::string_view kUrlAttrs[] = {
    "href",          "src",           "cite",   "longdesc", "poster", "background", "data-src",
    "data-original", "data-lazy-src", "lowsrc", "dynsrc",   "usemap", "xlink:href"};
constexpr std::string_view kDropAttrs[] = {"srcdoc",   "action", "formaction", "xmlns",
                                           "behavior", "dynsrc", "lowsrc"};

struct Attr {
  std::string name;   // lower case
  std::string value;  // entities decoded
  bool has_value = false;
};

struct Tag {
  std::string name;  // lower case
  bool closing = false;
  bool self_closing = false;
  std::vector<Attr> attrs;
  size_t end = 0;  // index just past '>'
};

// Parse the tag starting at html[lt] == '<' (html[lt+1] is a letter or '/').
Tag parse_tag(std::string_view html, size_t lt) {
  Tag t;
  size_t i = lt + 1;
  const size_t n = html.size();
  if (i < n && html[i] == '/') {
    t.closing = true;
    ++i;
  }
  const size_t nb = i;
  while (i < n && !is_space(html[i]) && html[i] != '>' && html[i] != '/') ++i;
  t.name = lower(html.substr(nb, i - nb));
  while (i < n) {
    while (i < n && (is_space(html[i]) || html[i] == '/')) {
      if (html[i] == '/' && i + 1 < n && html[i + 1] == '>') t.self_closing = true;
      ++i;
    }
    if (i >= n || html[i] == '>') break;
    const size_t ab = i;
    while (i < n && !is_space(html[i]) && html[i] != '=' && html[i] != '>' &&
           !(html[i] == '/' && i + 1 < n && html[i + 1] == '>'))
      ++i;
    Attr a;
    a.name = lower(html.substr(ab, i - ab));
    if (a.name.empty()) {  // a lone '=' or quote: skip it
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && is_space(html[j])) ++j;
    if (j < n && html[j] == '=') {
      i = j + 1;
      while (i < n && is_space(html[i])) ++i;
      a.has_value = true;
      if (i < n && (html[i] == '"' || html[i] == '\'')) {
        const char q = html[i++];
        const size_t vb = i;
        while (i < n && html[i] != q) ++i;
        a.value = common::decode_html_entities(html.substr(vb, i - vb));
        if (i < n) ++i;
      } else {
        const size_t vb = i;
        while (i < n && !is_space(html[i]) && html[i] != '>') ++i;
        a.value = common::decode_html_entities(html.substr(vb, i - vb));
      }
    }
    if (!t.closing) t.attrs.push_back(std::move(a));
  }
  t.end = i < n ? i + 1 : n;
  return t;
}

// The scheme of a URL as a browser would see it: control characters and
// whitespace inside "java\tscript:" are ignored by browsers.
std::string effective_scheme(std::string_view url) {
  std::string squeezed;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ') continue;
    if (c == ':') return lower(squeezed);
    if (c == '/' || c == '?' || c == '#') return {};
    squeezed += c;
  }
  return {};
}

bool dangerous_url(std::string_view url, bool image_source) {
  const std::string scheme = effective_scheme(url);
  if (scheme == "javascript" || scheme == "vbscript" || scheme == "livescript") return true;
  if (scheme == "data") {
    const std::string_view rest = url.substr(url.find(':') + 1);
    return !(image_source && ieq_at(rest, 0, "image/") && !ieq_at(rest, 0, "image/svg"));
  }
  return false;
}

std::string resolve(std::string_view base, std::string_view url) {
  if (base.empty()) return std::string(url);
  std::string_view trimmed = url;
  while (!trimmed.empty() && is_space(trimmed.front())) trimmed.remove_prefix(1);
  // An in-page anchor stays one.
  if (!trimmed.empty() && trimmed.front() == '#') return std::string(trimmed);
  return common::resolve_url(base, url);
}

std::string resolve_srcset(std::string_view base, std::string_view srcset, bool* bad) {
  std::string out;
  size_t i = 0;
  while (i < srcset.size()) {
    while (i < srcset.size() && (is_space(srcset[i]) || srcset[i] == ',')) ++i;
    if (i >= srcset.size()) break;
    const size_t ub = i;
    while (i < srcset.size() && !is_space(srcset[i])) ++i;
    std::string_view url = srcset.substr(ub, i - ub);
    // A trailing comma belongs to the list, not the URL. (The changes to
    // this copy since 8ff3a62: such a candidate has no descriptor, and
    // trailing C0 controls, which the URL parser drops, do not hide the
    // comma: fixes of bugs both had, found by fuzzing.)
    bool ended = false;
    while (!url.empty() && (url.back() == ',' || static_cast<unsigned char>(url.back()) < ' ')) {
      ended = ended || url.back() == ',';
      url.remove_suffix(1);
    }
    const size_t db = i;
    if (!ended)
      while (i < srcset.size() && srcset[i] != ',') ++i;
    std::string_view descriptor = srcset.substr(db, i - db);
    while (!descriptor.empty() && is_space(descriptor.front())) descriptor.remove_prefix(1);
    while (!descriptor.empty() && is_space(descriptor.back())) descriptor.remove_suffix(1);
    if (dangerous_url(url, true)) {
      *bad = true;
      continue;
    }
    if (!out.empty()) out += ", ";
    out += resolve(base, url);
    if (!descriptor.empty()) {
      out += ' ';
      out += descriptor;
    }
  }
  return out;
}

bool dangerous_style(std::string_view style) {
  return contains_ci(style, "expression") || contains_ci(style, "javascript:") ||
         contains_ci(style, "vbscript:") || contains_ci(style, "behavior") ||
         contains_ci(style, "-moz-binding") || contains_ci(style, "@import");
}

bool article_attribute(std::string_view tag, std::string_view attr) {
  if (tag == "a") return attr == "href";
  if (tag == "img")
    return attr == "src" || attr == "alt" || attr == "width" || attr == "height" || attr == "title";
  if (tag == "td" || tag == "th") return attr == "colspan" || attr == "rowspan";
  return false;
}

// Writes the start tag; false when the element itself has to go (an
// article-mode link or image left without its URL).
bool write_tag(std::string& out, const Tag& t, std::string_view base, Markup markup) {
  const size_t rollback = out.size();
  out += '<';
  out += t.name;
  bool has_url = false;
  for (const auto& a : t.attrs) {
    if (a.name.size() > 2 && a.name[0] == 'o' && a.name[1] == 'n') continue;
    if (one_of(a.name, kDropAttrs) || a.name.rfind("xmlns:", 0) == 0) continue;
    if (markup == Markup::article && !article_attribute(t.name, a.name)) continue;
    bool ok = true;
    for (char c : a.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
            c == '.'))
        ok = false;
    if (!ok) continue;
    std::string resolved;  // the value when it had to change
    std::string_view value = a.value;
    if (one_of(a.name, kUrlAttrs)) {
      const bool image_source = a.name == "src" && t.name == "img";
      // Checked before resolving too: "java\tscript:" must not become a
      // relative path under the base.
      if (dangerous_url(value, image_source)) continue;
      resolved = resolve(base, value);
      value = resolved;
      if (!allowed_url(value, markup, image_source)) continue;
      has_url = has_url || a.name == "href" || a.name == "src";
    } else if (a.name == "srcset") {
      bool bad = false;
      resolved = resolve_srcset(base, value, &bad);
      value = resolved;
      if (value.empty()) continue;
    } else if (a.name == "style") {
      if (dangerous_style(value)) continue;
    }
    out += ' ';
    out += a.name;
    if (a.has_value) {
      out += "=\"";
      append_escaped(out, value);
      out += '"';
    }
  }
  if (markup == Markup::article && (t.name == "a" || t.name == "img") && !has_url) {
    out.resize(rollback);
    return false;
  }
  if (t.self_closing && !one_of(t.name, kVoid)) {
    // "<p/>" is not self-closing in HTML; keep the element explicitly empty.
    out += "></";
    out += t.name;
    out += '>';
    return true;
  }
  out += '>';
  return true;
}

// Index just past the end tag </name>, or the end of the text.
size_t skip_element(std::string_view html, size_t from, std::string_view name) {
  size_t k = from;
  while (true) {
    const size_t lt = html.find("</", k);
    if (lt == std::string_view::npos) return html.size();
    const size_t after = lt + 2 + name.size();
    if (ieq_at(html, lt + 2, name) && (after >= html.size() || is_space(html[after]) ||
                                       html[after] == '>' || html[after] == '/')) {
      const size_t gt = html.find('>', lt);
      return gt == std::string_view::npos ? html.size() : gt + 1;
    }
    k = lt + 2;
  }
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

void append_escaped(std::string& out, std::string_view text) {
  // Runs without anything to escape are copied whole.
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '&' && c != '<' && c != '>' && c != '"') continue;
    out.append(text.substr(start, i - start));
    start = i + 1;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += "&quot;";
        break;
    }
  }
  out.append(text.substr(start));
}

bool drops_with_content(std::string_view tag, Markup markup) {
  return one_of(tag, kDropWithContent) ||
         (markup == Markup::article && one_of(tag, kArticleDropWithContent));
}

bool allowed_url(std::string_view url, Markup markup, bool image_source) {
  if (dangerous_url(url, image_source)) return false;
  if (markup == Markup::keep) return true;
  // In-page anchors point nowhere once the body is published elsewhere.
  if (url.empty() || url.front() == '#') return false;
  const std::string scheme = effective_scheme(url);
  return scheme.empty() || scheme == "http" || scheme == "https" || scheme == "file" ||
         scheme == "mailto";
}

std::string sanitize_html(std::string_view html, std::string_view base_url, Markup markup) {
  std::string out;
  out.reserve(html.size());
  // Article-mode <a> elements that lost their href: their end tags go too.
  std::vector<bool> links_kept;
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    if (html[i] != '<') {
      const size_t next = html.find('<', i);
      const size_t stop = next == std::string_view::npos ? n : next;
      out.append(html.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (html.compare(i, 9, "<![CDATA[") == 0) {
      const size_t end = html.find("]]>", i + 9);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    const char d = i + 1 < n ? html[i + 1] : '\0';
    if (d == '!' || d == '?') {  // doctype, processing instruction, bogus comment
      const size_t end = html.find('>', i);
      i = end == std::string_view::npos ? n : end + 1;
      continue;
    }
    const bool starts_tag = is_alpha(d) || (d == '/' && i + 2 < n && is_alpha(html[i + 2]));
    if (!starts_tag) {
      out += "&lt;";
      ++i;
      continue;
    }
    const Tag t = parse_tag(html, i);
    i = t.end;
    if (drops_with_content(t.name, markup)) {
      if (!t.closing && !t.self_closing && !one_of(t.name, kVoidDropped))
        i = skip_element(html, i, t.name);
      continue;
    }
    if (one_of(t.name, kDropTag) || t.name.find(':') != std::string::npos) continue;
    if (markup == Markup::article && !one_of(t.name, kArticleTags)) continue;  // unwrapped
    if (t.closing) {
      if (one_of(t.name, kVoid)) continue;
      if (t.name == "a" && !links_kept.empty()) {
        const bool kept = links_kept.back();
        links_kept.pop_back();
        if (!kept) continue;
      }
      out += "</";
      out += t.name;
      out += '>';
      continue;
    }
    const bool written = write_tag(out, t, base_url, markup);
    if (t.name == "a" && !t.self_closing) links_kept.push_back(written);
  }
  return out;
}

}  // namespace reference
