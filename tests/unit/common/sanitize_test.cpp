// sanitize_html, shared by the rss source (Markup::keep) and the html source
// (Markup::article): nothing active survives, relative URLs become absolute,
// ordinary article markup is kept.
#include <gtest/gtest.h>

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

#include "syndicd/common/entities.hpp"
#include "syndicd/common/sanitize.hpp"
#include "syndicd/common/url.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// ---------------------------------------------------------------------------
// Reference oracle for the differential tests below: sanitize_html() and
// html_to_text() (with collapse_into() and its helpers) exactly as they were
// before the single-pass rewrite (commit 8ff3a62), copied VERBATIM from
// common/src/sanitize.cpp (then plugins/common/) and entities.cpp. Do not "fix" or speed up
// this copy: it is the definition the fast code must match byte for byte.
// Only the wrapping is new: a namespace of its own, a Markup of its own (so
// that argument-dependent lookup does not find the library's functions),
// the declarations and using-declarations the copy needs.
namespace reference {

namespace common = syndicd::common;
using syndicd::common::append_utf8;
using syndicd::common::decode_html_entities;
namespace utf8 = syndicd::common::utf8;

enum class Markup { keep, article };

// The declarations sanitize.hpp gave the copy.
std::string sanitize_html(std::string_view html, std::string_view base_url,
                          Markup markup = Markup::keep);
bool drops_with_content(std::string_view tag, Markup markup);
bool allowed_url(std::string_view url, Markup markup, bool image_source);
std::string escape_html(std::string_view text);
void append_escaped(std::string& out, std::string_view text);

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

// --- plugins/common/src/entities.cpp @ 8ff3a62 ---
namespace {

bool is_space_cp(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  if (cp < 0x2000) return cp == 0xA0 || cp == 0x1680;  // all of Vietnamese is below U+2000
  return (cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

bool is_invisible_cp(uint32_t cp) {
  return cp == 0x200B || cp == 0xFEFF;
}

}  // namespace

namespace {

// collapse_whitespace() appending to `out`, which may already hold text:
// `pending_space` carries a space seen at the end of one piece over to the
// next, and a space is never written at the start of `out`.
// Bytes collapse_into() must look at one by one: controls and whitespace
// other than a lone space between two words, and the lead bytes of the
// non-ASCII spaces and invisible characters (U+00A0: C2; U+1680: E1 9A;
// U+2000-U+205F: E2; U+3000: E3; U+FEFF: EF). A space is only plain when
// the byte after it is plain too. `next` is 0 past the end.
inline bool collapse_special(unsigned char b, unsigned char next) {
  auto special_lead = [](unsigned char c) {
    return c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF;
  };
  if (b < 0x20) return true;
  if (b == 0x20) return next <= 0x20 || special_lead(next);
  if (b == 0xE1) return next == 0x9A;
  return special_lead(b);
}

// Index of the first byte at or after i with collapse_special(), or n.
size_t next_collapse_special(const unsigned char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  // Sixteen bytes at a time (with the sixteen after each, for `next`):
  // Vietnamese text has a non-ASCII letter every few bytes, which defeats
  // any scalar fast path.
  const __m128i c1f = _mm_set1_epi8(0x1F), c20 = _mm_set1_epi8(0x20);
  auto eq = [](__m128i v, unsigned char b) {
    return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(b)));
  };
  auto leads = [&](__m128i v) {
    return _mm_or_si128(_mm_or_si128(eq(v, 0xC2), eq(v, 0xE1)),
                        _mm_or_si128(_mm_or_si128(eq(v, 0xE2), eq(v, 0xE3)), eq(v, 0xEF)));
  };
  while (i + 17 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const __m128i below20 = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v);
    const __m128i next_upto20 = _mm_cmpeq_epi8(_mm_min_epu8(next, c20), next);
    const __m128i space = _mm_and_si128(eq(v, 0x20), _mm_or_si128(next_upto20, leads(next)));
    const __m128i e1 = _mm_and_si128(eq(v, 0xE1), eq(next, 0x9A));
    const __m128i other = _mm_andnot_si128(eq(v, 0xE1), leads(v));
    const __m128i special = _mm_or_si128(_mm_or_si128(below20, space), _mm_or_si128(e1, other));
    if (const int m = _mm_movemask_epi8(special); m != 0)
      return i + static_cast<size_t>(std::countr_zero(static_cast<unsigned>(m)));
    i += 16;
  }
#endif
  for (; i < n; ++i)
    if (collapse_special(p[i], i + 1 < n ? p[i + 1] : 0)) return i;
  return n;
}

// collapse_whitespace() appending to `out`, which may already hold text:
// `pending_space` carries a space seen at the end of one piece over to the
// next, and a space is never written at the start of `out`.
void collapse_into(std::string& out, bool& pending_space, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  auto ordinary = [&](size_t from, size_t to) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(s.substr(from, to - from));
  };
  size_t i = 0;
  while (i < n) {
    if (p[i] == ' ') {  // a space that starts a run is not part of it
      pending_space = true;
      ++i;
      continue;
    }
    // Copies runs, not characters: everything up to the next byte that
    // needs a look.
    if (const size_t stop = next_collapse_special(p, i, n); stop > i) {
      ordinary(i, stop);
      i = stop;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == ' ' || (c >= '\t' && c <= '\r'))
        pending_space = true;
      else
        ordinary(i, i + 1);  // another control: kept
      ++i;
      continue;
    }
    const size_t len = utf8::sequence_length(p + i, n - i);
    if (len == 0) {  // keep invalid bytes as they are; nfc() repairs them
      ordinary(i, i + 1);
      ++i;
      continue;
    }
    const uint32_t cp = utf8::decode(p + i, len);
    if (is_space_cp(cp))
      pending_space = true;
    else if (!is_invisible_cp(cp))
      ordinary(i, i + len);
    i += len;
  }
}

}  // namespace

namespace {

bool ieq_prefix(std::string_view s, size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[pos + k])) != word[k]) return false;
  return true;
}

bool is_block_tag(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "address", "article", "aside",      "blockquote", "br",     "caption", "dd",    "div",
      "dl",      "dt",      "figcaption", "figure",     "footer", "form",    "h1",    "h2",
      "h3",      "h4",      "h5",         "h6",         "header", "hr",      "img",   "li",
      "main",    "nav",     "ol",         "p",          "pre",    "section", "table", "tbody",
      "td",      "tfoot",   "th",         "thead",      "tr",     "ul",      "video", "iframe",
      "math",    "mi",      "mn",         "mo",         "ms",     "mtext",   "mtd"};
  for (auto b : kBlocks)
    if (name == b) return true;
  return false;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  // One pass: each run of text between tags is decoded and collapsed
  // straight into the result (a reference never spans a tag).
  std::string out;
  out.reserve(html.size());
  bool pending_space = false;
  auto text = [&](std::string_view run) {
    if (run.find('&') == std::string_view::npos)
      collapse_into(out, pending_space, run);
    else
      collapse_into(out, pending_space, decode_html_entities(run));
  };
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    const char c = html[i];
    if (c != '<') {
      const size_t next = html.find('<', i);
      const size_t stop = next == std::string_view::npos ? n : next;
      text(html.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (i + 1 >= n) {
      text("<");
      ++i;
      continue;
    }
    const char d = html[i + 1];
    const bool closing = d == '/';
    const bool tagish =
        std::isalpha(static_cast<unsigned char>(d)) || d == '!' || d == '?' ||
        (closing && i + 2 < n && std::isalpha(static_cast<unsigned char>(html[i + 2])));
    if (!tagish) {
      text("<");
      ++i;
      continue;
    }
    size_t j = i + (closing ? 2 : 1);
    const size_t name_begin = j;
    while (j < n &&
           (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-' || html[j] == ':'))
      ++j;
    std::string name(html.substr(name_begin, j - name_begin));
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    // Find the end of the tag, honouring quoted attribute values.
    char quote = 0;
    while (j < n) {
      const char e = html[j];
      if (quote) {
        if (e == quote) quote = 0;
      } else if (e == '"' || e == '\'') {
        quote = e;
      } else if (e == '>') {
        break;
      }
      ++j;
    }
    i = j < n ? j + 1 : n;
    if (!closing && (name == "script" || name == "style" || name == "noscript" ||
                     name == "annotation" || name == "annotation-xml")) {
      // Skip to the matching end tag.
      size_t k = i;
      while (k < n) {
        const size_t lt = html.find("</", k);
        if (lt == std::string_view::npos) {
          k = n;
          break;
        }
        if (ieq_prefix(html, lt + 2, name)) {
          const size_t gt = html.find('>', lt);
          k = gt == std::string_view::npos ? n : gt + 1;
          break;
        }
        k = lt + 2;
      }
      i = k;
      pending_space = true;
      continue;
    }
    if (is_block_tag(name)) pending_space = true;
  }
  return out;
}

}  // namespace reference

namespace {

using syndicd::common::escape_html;
using syndicd::common::Markup;
using syndicd::common::sanitize_html;

constexpr const char* kBase = "https://tin.example.vn/thoi-su/bai.html";

std::string clean(std::string_view html) {
  return sanitize_html(html, kBase);
}

TEST(Sanitize, KeepsOrdinaryMarkup) {
  EXPECT_EQ(clean("<p>Đoạn <b>đậm</b>, <em>nghiêng</em> &amp; <br>xuống dòng</p>"),
            "<p>Đoạn <b>đậm</b>, <em>nghiêng</em> &amp; <br>xuống dòng</p>");
  EXPECT_EQ(clean("<table><tr><td colspan=2>ô</td></tr></table>"),
            "<table><tr><td colspan=\"2\">ô</td></tr></table>");
  EXPECT_EQ(clean("<p style=\"text-align:right\"><strong>Tác giả</strong></p>"),
            "<p style=\"text-align:right\"><strong>Tác giả</strong></p>");
  EXPECT_EQ(clean(""), "");
  EXPECT_EQ(clean("chỉ có chữ"), "chỉ có chữ");
}

TEST(Sanitize, DropsActiveElementsWithTheirContent) {
  EXPECT_EQ(clean("a<script>alert('<p>x</p>')</script>b"), "ab");
  EXPECT_EQ(clean("a<SCRIPT type=text/javascript>x</SCRIPT >b"), "ab");
  EXPECT_EQ(clean("a<style>p{color:red}</style>b"), "ab");
  EXPECT_EQ(clean("a<iframe src=\"https://www.youtube.com/embed/x\"></iframe>b"), "ab");
  EXPECT_EQ(clean("a<object data=x><param name=a></object>b"), "ab");
  EXPECT_EQ(clean("a<embed src=x.swf>b"), "ab");
  EXPECT_EQ(clean("a<noscript><img src=x></noscript>b"), "ab");
  EXPECT_EQ(clean("a<svg><script>x</script></svg>b"), "ab");
  EXPECT_EQ(clean("a<!-- <script>x</script> -->b"), "ab");
  EXPECT_EQ(clean("a<![CDATA[x]]>b"), "ab");
  // Unclosed: everything after it goes.
  EXPECT_EQ(clean("a<script>document.write('b')"), "a");
}

TEST(Sanitize, DropsFormTagsButKeepsText) {
  EXPECT_EQ(clean("<form action=\"/gui\"><label>Tên</label><input name=q><button>Gửi</button>"
                  "</form>"),
            "TênGửi");
  EXPECT_EQ(clean("<html><head><title>T</title><meta charset=utf-8></head><body><p>x</p>"
                  "</body></html>"),
            "<p>x</p>");
  EXPECT_EQ(clean("<p>Word<o:p></o:p></p>"), "<p>Word</p>");
}

TEST(Sanitize, DropsEventHandlersAndDangerousAttributes) {
  EXPECT_EQ(clean("<p onclick=\"track(this)\" ONMOUSEOVER=x class=\"a\">t</p>"),
            "<p class=\"a\">t</p>");
  EXPECT_EQ(clean("<img src=x.jpg onerror=alert(1)>"),
            "<img src=\"https://tin.example.vn/thoi-su/x.jpg\">");
  EXPECT_EQ(clean("<p style=\"width: expression(alert(1))\">t</p>"), "<p>t</p>");
  EXPECT_EQ(clean("<p style=\"background:url(javascript:alert(1))\">t</p>"), "<p>t</p>");
  EXPECT_EQ(clean("<div srcdoc=\"x\" xmlns:v=\"urn:v\">t</div>"), "<div>t</div>");
}

TEST(Sanitize, DropsScriptUrls) {
  EXPECT_EQ(clean("<a href=\"javascript:openPopup('x')\">xem</a>"), "<a>xem</a>");
  EXPECT_EQ(clean("<a href=\" JavaScript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"jav&#x09;ascript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"&#106;avascript:alert(1)\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"vbscript:x\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>"), "<a>x</a>");
  EXPECT_EQ(clean("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">"), "<img>");
  // A data: image is inert and kept.
  EXPECT_EQ(clean("<img src=\"data:image/png;base64,iVBO\">"),
            "<img src=\"data:image/png;base64,iVBO\">");
}

TEST(Sanitize, ResolvesRelativeUrls) {
  EXPECT_EQ(clean("<a href=\"/tin/a.html\">a</a>"),
            "<a href=\"https://tin.example.vn/tin/a.html\">a</a>");
  EXPECT_EQ(clean("<a href='../b.html?x=1&amp;y=2'>b</a>"),
            "<a href=\"https://tin.example.vn/b.html?x=1&amp;y=2\">b</a>");
  EXPECT_EQ(clean("<img src=anh/1.jpg alt=\"Ảnh 1\">"),
            "<img src=\"https://tin.example.vn/thoi-su/anh/1.jpg\" alt=\"Ảnh 1\">");
  // A comma right after a URL ends its candidate (no descriptor): our own
  // "a, b" output reads back the same.
  EXPECT_EQ(clean("<img srcset=\"a.jpg, /b.jpg 2x\">"),
            "<img srcset=\"https://tin.example.vn/thoi-su/a.jpg, https://tin.example.vn/b.jpg "
            "2x\">");
  EXPECT_EQ(clean(clean("<img srcset=\" 13/1 ,x y z\">")), clean("<img srcset=\" 13/1 ,x y z\">"));
  EXPECT_EQ(clean("<img srcset=\"a.jpg 1x, /b.jpg 2x\">"),
            "<img srcset=\"https://tin.example.vn/thoi-su/a.jpg 1x, https://tin.example.vn/b.jpg "
            "2x\">");
  EXPECT_EQ(clean("<video poster=p.jpg><source src=v.mp4></video>"),
            "<video poster=\"https://tin.example.vn/thoi-su/p.jpg\"><source "
            "src=\"https://tin.example.vn/thoi-su/v.mp4\"></video>");
  EXPECT_EQ(clean("<a href=\"#muc-1\">mục</a>"), "<a href=\"#muc-1\">mục</a>");
  EXPECT_EQ(clean("<a href=\"mailto:toasoan@tin.example.vn\">thư</a>"),
            "<a href=\"mailto:toasoan@tin.example.vn\">thư</a>");
  EXPECT_EQ(sanitize_html("<a href=\"x.html\">x</a>", ""), "<a href=\"x.html\">x</a>");
}

TEST(Sanitize, NormalisesTagsAndQuotes) {
  EXPECT_EQ(clean("<P CLASS=a>x</P>"), "<p class=\"a\">x</p>");
  EXPECT_EQ(clean("<p title='say \"hi\"'>x</p>"), "<p title=\"say &quot;hi&quot;\">x</p>");
  EXPECT_EQ(clean("<iframe allowfullscreen></iframe><video controls></video>"),
            "<video controls></video>");
  EXPECT_EQ(clean("<br/><hr /><p/>"), "<br><hr><p></p>");
  EXPECT_EQ(clean("1 < 2 <3"), "1 &lt; 2 &lt;3");
  EXPECT_EQ(clean("</br>"), "");
}

std::string article(std::string_view html) {
  return sanitize_html(html, kBase, Markup::article);
}

// Everything Markup::keep refuses, Markup::article refuses too.
TEST(SanitizeArticle, DropsWhatKeepDrops) {
  for (const char* html :
       {"a<script>alert('<p>x</p>')</script>b", "a<style>p{color:red}</style>b",
        "a<iframe src=\"https://www.youtube.com/embed/x\"></iframe>b", "a<embed src=x.swf>b",
        "a<object data=x><param name=a></object>b", "a<!-- <script>x</script> -->b"})
    EXPECT_EQ(article(html), "ab") << html;
  EXPECT_EQ(article("<p onclick=\"track(this)\">t</p>"), "<p>t</p>");
  EXPECT_EQ(article("1 < 2"), "1 &lt; 2");
}

TEST(SanitizeArticle, KeepsOnlyStructureAndItsFewAttributes) {
  EXPECT_EQ(article("<div class=\"post\" id=x><p style=\"text-align:right\">t</p></div>"),
            "<div><p>t</p></div>");
  EXPECT_EQ(article("<table border=1><tr><td colspan=2 width=50>ô</td></tr></table>"),
            "<table><tr><td colspan=\"2\">ô</td></tr></table>");
  EXPECT_EQ(article("<img class=a src=\"anh/1.jpg\" alt=\"Ảnh\" width=600 data-x=1>"),
            "<img src=\"https://tin.example.vn/thoi-su/anh/1.jpg\" alt=\"Ảnh\" width=\"600\">");
  EXPECT_EQ(article("<figure><img src=\"/a.jpg\"><figcaption>Chú thích</figcaption></figure>"),
            "<figure><img src=\"https://tin.example.vn/a.jpg\"><figcaption>Chú thích</figcaption>"
            "</figure>");
}

TEST(SanitizeArticle, UnwrapsUnknownElementsAndDropsMediaWithTheirText) {
  EXPECT_EQ(article("<font color=red><center>Chữ</center></font>"), "Chữ");
  EXPECT_EQ(article("a<video controls><source src=v.mp4>Không hỗ trợ video</video>b"), "ab");
  EXPECT_EQ(article("a<form action=x><label>Tên</label><input name=q><button>Gửi</button></form>b"),
            "ab");
  EXPECT_EQ(article("a<audio src=x.mp3>audio</audio><canvas>c</canvas>b"), "ab");
}

TEST(SanitizeArticle, LinksWithoutAUsableHrefBecomeText) {
  EXPECT_EQ(article("<a href=\"javascript:openPopup('x')\">xem</a>"), "xem");
  EXPECT_EQ(article("<a href=\"#muc-1\">mục</a> <a name=top>đầu</a>"), "mục đầu");
  EXPECT_EQ(article("<a href=\"tel:0204\">gọi</a>"), "gọi");
  EXPECT_EQ(article("<a href=\"../b.html\" target=_blank><b>b</b></a>"),
            "<a href=\"https://tin.example.vn/b.html\"><b>b</b></a>");
  // Nested the way broken pages nest them: each end tag matches its start.
  EXPECT_EQ(article("<a>x <a href=/y>y</a></a>"), "x <a href=\"https://tin.example.vn/y\">y</a>");
  EXPECT_EQ(article("<a href=\"mailto:toasoan@tin.example.vn\">thư</a>"),
            "<a href=\"mailto:toasoan@tin.example.vn\">thư</a>");
  EXPECT_EQ(article("<img src=\"javascript:x\" alt=a><img alt=b>"), "");
}

TEST(EscapeHtml, EscapesMarkupCharacters) {
  EXPECT_EQ(escape_html("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'");
}

// ---------------------------------------------------------------------------
// Differential tests: the fast sanitize_html() / html_to_text() and the fused
// sanitize_html_with_text() against the reference copy above.

using syndicd::common::html_to_text;
using syndicd::common::sanitize_html_with_text;

reference::Markup ref_markup(Markup m) {
  return m == Markup::keep ? reference::Markup::keep : reference::Markup::article;
}

// Checks every contract on one input, in both modes and with and without a
// base URL.
void expect_same_as_reference(const std::string& html) {
  for (const Markup m : {Markup::keep, Markup::article}) {
    for (const char* base : {kBase, ""}) {
      const std::string want_html = reference::sanitize_html(html, base, ref_markup(m));
      const std::string got_html = sanitize_html(html, base, m);
      ASSERT_EQ(got_html, want_html)
          << "sanitize_html, markup " << static_cast<int>(m) << ", base '" << base << "', input "
          << testing::PrintToString(html);
      const std::string want_text = reference::html_to_text(want_html);
      ASSERT_EQ(html_to_text(got_html), want_text)
          << "html_to_text of " << testing::PrintToString(got_html);
      const auto fused = sanitize_html_with_text(html, base, m);
      ASSERT_EQ(fused.html, want_html) << "fused html, markup " << static_cast<int>(m) << ", input "
                                       << testing::PrintToString(html);
      ASSERT_EQ(fused.text, want_text)
          << "fused text, markup " << static_cast<int>(m) << ", input "
          << testing::PrintToString(html) << ", html " << testing::PrintToString(want_html);
    }
  }
  ASSERT_EQ(html_to_text(html), reference::html_to_text(html))
      << "html_to_text of " << testing::PrintToString(html);
}

// Every tag name the sanitiser or html_to_text has a rule for, and names
// that only look like one.
const std::vector<std::string> kTagNames = {
    // dropped with their content
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "svg", "select", "textarea", "title", "xml", "head",
    "annotation", "annotation-xml",
    // MathML: kept in feeds (tokens separate words), dropped whole from scraped pages
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mtd", "msup", "mfrac",
    // dropped, content kept
    "form", "input", "button", "option", "optgroup", "label", "fieldset", "legend", "datalist",
    "output", "html", "body", "meta", "link", "base", "param", "keygen", "isindex", "dialog",
    "portal", "maction", "mglyph", "malignmark",
    // void
    "area", "br", "col", "hr", "img", "source", "track", "wbr",
    // article mode drops these with content
    "canvas", "audio", "video", "map",
    // article mode keeps these
    "p", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "u", "s",
    "sub", "sup", "small", "mark", "q", "cite", "abbr", "code", "pre", "blockquote", "ul", "ol",
    "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    "figure", "figcaption", "a",
    // html_to_text's other block tags
    "address", "article", "aside", "footer", "header", "main", "nav", "section",
    // others and look-alikes
    "font", "center", "o:p", "st1:place", "p.x", "div.a", "br.x", "script.x", "style-x", "styles",
    "noscript2", "scripts", "p\"x", "p'x", "a<b", "a&b", "x-y", "h7", "img_", "td\xC3\xA1",
    "tbodyx", "blockquotes", "figcaption2", "ab", "aa", "a-", "my-element",
    "averyveryverylongelementnamethatisinnolist"};

const std::vector<std::string> kAttrNames = {
    "href",          "src",        "srcset",
    "style",         "class",      "id",
    "onclick",       "ONLOAD",     "on",
    "alt",           "width",      "height",
    "title",         "colspan",    "rowspan",
    "poster",        "cite",       "longdesc",
    "background",    "data-src",   "data-original",
    "data-lazy-src", "lowsrc",     "dynsrc",
    "usemap",        "xlink:href", "xmlns",
    "xmlns:v",       "srcdoc",     "action",
    "formaction",    "behavior",   "x.y",
    "a_b",           "bad!",       "d\xC3\xA1",
    "HREF",          "Src",        "target",
    "controls",      "name",       "averyveryverylongattributename"};

const std::vector<std::string> kAttrValues = {"x.jpg",
                                              "/a/b.html",
                                              "../c.html?x=1&amp;y=2",
                                              "javascript:alert(1)",
                                              " JavaScript:x",
                                              "jav&#x09;ascript:x",
                                              "&#106;avascript:x",
                                              "vbscript:x",
                                              "livescript:x",
                                              "data:image/png;base64,iVBO",
                                              "data:image/svg+xml,x",
                                              "DATA:Image/PNG,x",
                                              "data:text/html,x",
                                              "#top",
                                              "#",
                                              "",
                                              "mailto:a@b.vn",
                                              "tel:0204",
                                              "file:///x",
                                              "http://e.vn/a?b=1&c=2",
                                              "HTTPS://E.VN/",
                                              "ftp://e.vn/x",
                                              "averyveryverylongschemename:x",
                                              ":x",
                                              "a:b/c",
                                              "width: expression(alert(1))",
                                              "background:url(JavaScript:x)",
                                              "-MOZ-binding:x",
                                              "@import 'x'",
                                              "color:red",
                                              "a.jpg 1x, /b.jpg 2x",
                                              "javascript:x 1x, c.jpg 2x,",
                                              "say \"hi\"",
                                              "it's",
                                              "a > b",
                                              "a < b",
                                              "Ảnh &amp; chữ",
                                              "&quot;",
                                              "&am",
                                              "&#x",
                                              "2",
                                              "50%",
                                              "Trình duyệt",
                                              "\t x.png"};

const std::vector<std::string> kText = {"Chính phủ",
                                        " ",
                                        "  ",
                                        "\t\n",
                                        " ",
                                        "​",
                                        "﻿",
                                        "　",
                                        "x",
                                        "&amp;",
                                        "&nbsp;",
                                        "&#x1EC7;",
                                        "&#7879;",
                                        "&eacute",
                                        "&copy=",
                                        "&am",
                                        "p;",
                                        "&#",
                                        "&#x;",
                                        "&lt;p&gt;",
                                        "&unknown;",
                                        "<",
                                        ">",
                                        "< ",
                                        "<3",
                                        "1 < 2",
                                        "</",
                                        "</ p>",
                                        "<>",
                                        "< /p>",
                                        "<!-- c -->",
                                        "<!--",
                                        "-->",
                                        "<!---->",
                                        "<![CDATA[x<p>y</p>]]>",
                                        "<![CDATA[",
                                        "]]>",
                                        "<!DOCTYPE html>",
                                        "<?xml version=\"1.0\"?>",
                                        "<!x",
                                        "\xE1",
                                        "\xBA\xA3",
                                        "\xE3\x80",
                                        "\x80",
                                        "\xFF",
                                        "\xC2",
                                        "&am<!-- -->p;",
                                        "&am<b>p;",
                                        "\xE3<i>\x80\x80",
                                        "Trình duyệt không hỗ trợ video",
                                        "\"",
                                        "'",
                                        "=",
                                        "/",
                                        "\r\n"};

std::string random_case(std::mt19937& rng, std::string s) {
  if (rng() % 4 == 0)
    for (auto& c : s)
      if (rng() % 2) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string random_tag(std::mt19937& rng) {
  std::string t = "<";
  const bool closing = rng() % 3 == 0;
  if (closing) t += '/';
  t += random_case(rng, kTagNames[rng() % kTagNames.size()]);
  const size_t attrs = rng() % 4;
  for (size_t k = 0; k < attrs; ++k) {
    t += " \t\n"[rng() % 3];
    if (rng() % 3 == 0) t += ' ';
    t += random_case(rng, kAttrNames[rng() % kAttrNames.size()]);
    switch (rng() % 6) {
      case 0:
        break;  // no value
      case 1:
        t += '=' + kAttrValues[rng() % kAttrValues.size()];  // unquoted
        break;
      case 2:
        t += "='" + kAttrValues[rng() % kAttrValues.size()] + "'";
        break;
      case 3:
        t += " = \"" + kAttrValues[rng() % kAttrValues.size()] + "\"";
        break;
      default:
        t += "=\"" + kAttrValues[rng() % kAttrValues.size()] + "\"";
        break;
    }
  }
  switch (rng() % 8) {
    case 0:
      t += "/>";
      break;
    case 1:
      t += " />";
      break;
    case 2:
      break;  // truncated
    case 3:
      t += " =>";
      break;
    default:
      t += '>';
      break;
  }
  return t;
}

std::string random_fragment(std::mt19937& rng) {
  std::string s;
  const size_t pieces = rng() % 40;
  for (size_t k = 0; k < pieces; ++k) {
    if (rng() % 2)
      s += random_tag(rng);
    else
      s += kText[rng() % kText.size()];
  }
  return s;
}

TEST(SanitizeDifferential, MatchesTheReferenceOnRandomFragments) {
  std::mt19937 rng(20261126);
  for (int round = 0; round < 20000; ++round) {
    std::string html = random_fragment(rng);
    // Now and then cut it anywhere, even inside a tag or a UTF-8 sequence.
    if (round % 5 == 0 && !html.empty()) html.resize(rng() % html.size());
    ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(html));
  }
}

TEST(SanitizeDifferential, MatchesTheReferenceOnHandPickedEdges) {
  for (const char* html : {"",
                           "<",
                           ">",
                           "<p",
                           "<p ",
                           "<p a",
                           "<p a=",
                           "<p a='",
                           "<p a=\"x",
                           "</",
                           "</p",
                           "<a href=x>y",
                           "<a>x <a href=/y>y</a></a>",
                           "<p\"x>a\"b</p\"x>c",
                           "<style.x>abc</style.x>def",
                           "<script.x/>t",
                           "<noscript-x>y</noscript-x>",
                           "<p/>x<br/>y",
                           "<img src=x/>",
                           "<p title=\"a > b\">t</p>",
                           "&am<!-- -->p;",
                           "<b>&am</b>p;",
                           "<div>\xE3</div>\x80\x80",
                           "<i>\xE3</i>\x80\x80",
                           "<P CLASS=a>x</P>",
                           "<o:p></o:p>",
                           "<td colspan=2 rowspan=3 width=4>x</td>",
                           "<a href=\"#x\">y</a>",
                           "<img src=\"javascript:x\" alt=a><img alt=b>",
                           "a<!-- x",
                           "a<![CDATA[x",
                           "a<!x",
                           "<textarea>x",
                           "<title>T</title><p>b</p>",
                           "<svg><p>x</p></svg>y",
                           "<a href=x><b>y</b></a></a></a>"})
    ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(html));
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Every page and feed of the site fixtures, whole, and the CDATA bodies of
// the feeds.
TEST(SanitizeDifferential, MatchesTheReferenceOnTheSiteFixtures) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(SYNDICD_TEST_FIXTURES "/sites")) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext != ".html" && ext != ".rss" && ext != ".xml") continue;
    const std::string text = slurp(entry.path());
    ++files;
    SCOPED_TRACE(entry.path().string());
    ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(text));
    for (size_t i = 0; (i = text.find("<![CDATA[", i)) != std::string::npos;) {
      i += 9;
      const size_t end = text.find("]]>", i);
      if (end == std::string::npos) break;
      ASSERT_NO_FATAL_FAILURE(expect_same_as_reference(text.substr(i, end - i)));
      i = end;
    }
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
