// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/sanitize.hpp"

#include "syndicd/common/entities.hpp"
#include "syndicd/common/url.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "html_names.hpp"
#include "text_run.hpp"

namespace syndicd::common {
namespace {

using detail::ascii_alnum;
using detail::ascii_alpha;
using detail::ascii_lower;
using detail::ieq_at;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// One attribute of a start tag, as written: the name in its own case, the
// value with its entities (decoded when it is written out, and only when it
// has a '&').
struct Attr {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};

struct Tag {
  std::string_view name;  // as written: lower-cased when written out
  bool closing = false;
  bool self_closing = false;
  size_t end = 0;  // index just past '>'
};

// Parse the tag starting at html[lt] == '<' (html[lt+1] is a letter or '/').
// The attributes of a start tag go to `attrs`.
Tag parse_tag(std::string_view html, size_t lt, std::vector<Attr>& attrs) {
  attrs.clear();
  Tag t;
  size_t i = lt + 1;
  const size_t n = html.size();
  if (i < n && html[i] == '/') {
    t.closing = true;
    ++i;
  }
  const size_t nb = i;
  while (i < n && !is_space(html[i]) && html[i] != '>' && html[i] != '/') ++i;
  t.name = html.substr(nb, i - nb);
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
    a.name = html.substr(ab, i - ab);
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
        i = std::min(html.find(q, i), n);
        a.value = html.substr(vb, i - vb);
        if (i < n) ++i;
      } else {
        const size_t vb = i;
        while (i < n && !is_space(html[i]) && html[i] != '>') ++i;
        a.value = html.substr(vb, i - vb);
      }
    }
    if (!t.closing) attrs.push_back(a);
  }
  t.end = i < n ? i + 1 : n;
  return t;
}

// The scheme of a URL as a browser would see it: control characters and
// whitespace inside "java\tscript:" are ignored by browsers. Only the
// schemes with a rule are told apart; `none` is no scheme or an empty one.
enum class Scheme {
  none,
  javascript,
  vbscript,
  livescript,
  data,
  http,
  https,
  file,
  mailto,
  other
};

Scheme effective_scheme(std::string_view url) {
  char buf[10];  // the longest scheme with a rule: "javascript", "livescript"
  size_t len = 0;
  bool longer = false;
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ') continue;
    if (c == ':') {
      if (longer) return Scheme::other;
      const std::string_view s(buf, len);
      if (s.empty()) return Scheme::none;
      if (s == "http") return Scheme::http;
      if (s == "https") return Scheme::https;
      if (s == "mailto") return Scheme::mailto;
      if (s == "data") return Scheme::data;
      if (s == "file") return Scheme::file;
      if (s == "javascript") return Scheme::javascript;
      if (s == "vbscript") return Scheme::vbscript;
      if (s == "livescript") return Scheme::livescript;
      return Scheme::other;
    }
    if (c == '/' || c == '?' || c == '#') return Scheme::none;
    if (len < sizeof buf)
      buf[len++] = ascii_lower(c);
    else
      longer = true;
  }
  return Scheme::none;
}

bool dangerous_url(std::string_view url, bool image_source) {
  const Scheme scheme = effective_scheme(url);
  if (scheme == Scheme::javascript || scheme == Scheme::vbscript || scheme == Scheme::livescript)
    return true;
  if (scheme == Scheme::data) {
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
    // A trailing comma belongs to the list, not the URL, and ends the
    // candidate: it has no descriptor (the HTML srcset rules). Reading on
    // to the next comma took the next candidate for this one's descriptor,
    // so sanitising our own "a, b" output turned it into "a b" (fuzzing).
    //
    // The URL parser drops trailing C0 controls, so "a,\0" is written as
    // "a," and would read back as a candidate ended by its comma: decide
    // on the URL as it will be written (fuzzing, again).
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

// Whether the style holds, in any case, expression, javascript:,
// vbscript:, behavior, -moz-binding or @import. One pass: most bytes start
// none of them.
bool dangerous_style(std::string_view style) {
  for (size_t i = 0; i < style.size(); ++i) {
    std::string_view word;
    switch (ascii_lower(style[i])) {
      case 'e':
        word = "expression";
        break;
      case 'j':
        word = "javascript:";
        break;
      case 'v':
        word = "vbscript:";
        break;
      case 'b':
        word = "behavior";
        break;
      case '-':
        word = "-moz-binding";
        break;
      case '@':
        word = "@import";
        break;
      default:
        continue;
    }
    if (ieq_at(style, i, word)) return true;
  }
  return false;
}

// Markup::article: a[href], img[src alt width height title],
// td/th[colspan rowspan].
bool article_attribute(uint32_t tag, uint32_t attr) {
  if (tag & detail::kTagA) return (attr & detail::kHrefAttr) != 0;
  if (tag & detail::kTagImg) return (attr & detail::kArticleImgAttr) != 0;
  if (tag & detail::kTagCell) return (attr & detail::kArticleCellAttr) != 0;
  return false;
}

bool plain_attribute_name(std::string_view name) {
  for (const char c : name)
    if (!(ascii_alnum(c) || c == '-' || c == '_' || c == ':' || c == '.')) return false;
  return true;
}

// Writes the start tag (`tag`: its TagBits); false when the element itself
// has to go (an article-mode link or image left without its URL).
// `decoded` is scratch space for attribute values with references.
bool write_tag(std::string& out, const Tag& t, uint32_t tag, const std::vector<Attr>& attrs,
               std::string_view base, Markup markup, std::string& decoded) {
  const size_t rollback = out.size();
  out += '<';
  detail::append_lower(out, t.name);
  bool has_url = false;
  for (const auto& a : attrs) {
    const std::string_view name = a.name;  // as written
    if (name.size() > 2 && ascii_lower(name[0]) == 'o' && ascii_lower(name[1]) == 'n') continue;
    const uint32_t attr = detail::attr_bits(name);
    if ((attr & detail::kDropAttr) || ieq_at(name, 0, "xmlns:")) continue;
    if (markup == Markup::article && !article_attribute(tag, attr)) continue;
    if (!plain_attribute_name(name)) continue;
    std::string_view value = a.value;
    if (value.find('&') != std::string_view::npos) {
      decoded.clear();
      detail::append_decoded(decoded, value);
      value = decoded;
    }
    std::string resolved;  // the value when it had to change
    if (attr & detail::kUrlAttr) {
      const bool image_source = (attr & detail::kSrcAttr) && (tag & detail::kTagImg);
      // Checked before resolving too: "java\tscript:" must not become a
      // relative path under the base.
      if (dangerous_url(value, image_source)) continue;
      resolved = resolve(base, value);
      value = resolved;
      if (!allowed_url(value, markup, image_source)) continue;
      has_url = has_url || (attr & (detail::kHrefAttr | detail::kSrcAttr));
    } else if (attr & detail::kSrcsetAttr) {
      bool bad = false;
      resolved = resolve_srcset(base, value, &bad);
      value = resolved;
      if (value.empty()) continue;
    } else if (attr & detail::kStyleAttr) {
      if (dangerous_style(value)) continue;
    }
    out += ' ';
    detail::append_lower(out, name);
    if (a.has_value) {
      out += "=\"";
      append_escaped(out, value);
      out += '"';
    }
  }
  if (markup == Markup::article && (tag & (detail::kTagA | detail::kTagImg)) && !has_url) {
    out.resize(rollback);
    return false;
  }
  if (t.self_closing && !(tag & detail::kVoid)) {
    // "<p/>" is not self-closing in HTML; keep the element explicitly empty.
    out += "></";
    detail::append_lower(out, t.name);
    out += '>';
    return true;
  }
  out += '>';
  return true;
}

// Whether s[pos...] starts with `word` (a short literal: no memcmp call).
bool starts_with_at(std::string_view s, size_t pos, std::string_view word) {
  if (s.size() - pos < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (s[pos + k] != word[k]) return false;
  return true;
}

// Whether html[pos...] starts with `name`, both in any case.
bool ieq_name_at(std::string_view html, size_t pos, std::string_view name) {
  if (pos > html.size() || html.size() - pos < name.size()) return false;
  for (size_t k = 0; k < name.size(); ++k)
    if (ascii_lower(html[pos + k]) != ascii_lower(name[k])) return false;
  return true;
}

// Index just past the end tag </name> (`name` in any case), or the end of
// the text.
size_t skip_element(std::string_view html, size_t from, std::string_view name) {
  size_t k = from;
  while (true) {
    const size_t lt = html.find("</", k);
    if (lt == std::string_view::npos) return html.size();
    const size_t after = lt + 2 + name.size();
    if (ieq_name_at(html, lt + 2, name) && (after >= html.size() || is_space(html[after]) ||
                                            html[after] == '>' || html[after] == '/')) {
      const size_t gt = html.find('>', lt);
      return gt == std::string_view::npos ? html.size() : gt + 1;
    }
    k = lt + 2;
  }
}

// html_to_text() of the sanitiser's output, computed as the output is
// written. Between two tags the sanitiser writes, its output is exactly one
// run of text for html_to_text(): text is copied up to each '<' of the
// input, a stray '<' is written "&lt;", and attribute values are escaped.
// So each written tag ends a run, and is then a word break or nothing by
// html_to_text()'s rule for its name (the leading [a-z0-9:-] characters).
// Two kinds of written tag would make html_to_text() read further than the
// tag: a quote in the name (taken for the start of a quoted value) and a
// start tag it skips to an end tag ("<script.x>"). The sanitiser writes
// those only for garbage names; then the text is html_to_text() of the
// whole output.
class TextOfOutput {
 public:
  explicit TextOfOutput(size_t capacity) { text_.reserve(capacity); }

  // out[tag_begin, out.size()) is the tag just written for element `name`
  // (as written in the input; `name_bits`: its TagBits).
  void tag_written(const std::string& out, size_t tag_begin, std::string_view name,
                   uint32_t name_bits, bool closing) {
    if (whole_) return;
    size_t k = 0;
    while (k < name.size() && (ascii_alnum(name[k]) || name[k] == '-' || name[k] == ':')) ++k;
    const uint32_t bits = k == name.size() ? name_bits : detail::tag_bits(name.substr(0, k));
    if ((!closing && (bits & detail::kTextSkip)) ||
        name.find_first_of("\"'", k) != std::string_view::npos) {
      whole_ = true;
      return;
    }
    detail::append_text_run(text_, pending_space_,
                            std::string_view(out).substr(run_begin_, tag_begin - run_begin_),
                            scratch_);
    if (bits & detail::kTextBlock) pending_space_ = true;
    run_begin_ = out.size();
  }

  std::string finish(const std::string& out) {
    if (whole_) return html_to_text(out);
    detail::append_text_run(text_, pending_space_, std::string_view(out).substr(run_begin_),
                            scratch_);
    return std::move(text_);
  }

 private:
  std::string text_;
  std::string scratch_;
  bool pending_space_ = false;
  size_t run_begin_ = 0;  // where the output's current run of text starts
  bool whole_ = false;    // html_to_text() of the whole output instead
};

// sanitize_html(), and with `text` html_to_text() of its result too.
std::string sanitize(std::string_view html, std::string_view base_url, Markup markup,
                     TextOfOutput* text) {
  std::string out;
  out.reserve(html.size());
  // Article-mode <a> elements that lost their href: their end tags go too.
  std::vector<bool> links_kept;
  std::vector<Attr> attrs;  // of the current tag
  std::string decoded;      // scratch for write_tag()
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
    const char d = i + 1 < n ? html[i + 1] : '\0';
    if (d == '!' && starts_with_at(html, i, "<!--")) {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (d == '!' && starts_with_at(html, i, "<![CDATA[")) {
      const size_t end = html.find("]]>", i + 9);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (d == '!' || d == '?') {  // doctype, processing instruction, bogus comment
      const size_t end = html.find('>', i);
      i = end == std::string_view::npos ? n : end + 1;
      continue;
    }
    const bool starts_tag = ascii_alpha(d) || (d == '/' && i + 2 < n && ascii_alpha(html[i + 2]));
    if (!starts_tag) {
      out += "&lt;";
      ++i;
      continue;
    }
    const Tag t = parse_tag(html, i, attrs);
    i = t.end;
    const uint32_t bits = detail::tag_bits(t.name);
    if ((bits & detail::kDropWithContent) ||
        (markup == Markup::article && (bits & detail::kArticleDropWithContent))) {
      if (!t.closing && !t.self_closing && !(bits & detail::kVoidDropped))
        i = skip_element(html, i, t.name);
      continue;
    }
    if ((bits & detail::kDropTag) || t.name.find(':') != std::string_view::npos) continue;
    if (markup == Markup::article && !(bits & detail::kArticleTag)) continue;  // unwrapped
    if (t.closing) {
      if (bits & detail::kVoid) continue;
      if ((bits & detail::kTagA) && !links_kept.empty()) {
        const bool kept = links_kept.back();
        links_kept.pop_back();
        if (!kept) continue;
      }
      const size_t tag_begin = out.size();
      out += "</";
      detail::append_lower(out, t.name);
      out += '>';
      if (text) text->tag_written(out, tag_begin, t.name, bits, true);
      continue;
    }
    const size_t tag_begin = out.size();
    const bool written = write_tag(out, t, bits, attrs, base_url, markup, decoded);
    if (written && text) text->tag_written(out, tag_begin, t.name, bits, false);
    if ((bits & detail::kTagA) && !t.self_closing) links_kept.push_back(written);
  }
  return out;
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
  const uint32_t bits = detail::kTagTable.find(tag);  // as given: lower case
  return (bits & detail::kDropWithContent) ||
         (markup == Markup::article && (bits & detail::kArticleDropWithContent));
}

bool allowed_url(std::string_view url, Markup markup, bool image_source) {
  if (dangerous_url(url, image_source)) return false;
  if (markup == Markup::keep) return true;
  // In-page anchors point nowhere once the body is published elsewhere.
  if (url.empty() || url.front() == '#') return false;
  const Scheme scheme = effective_scheme(url);
  return scheme == Scheme::none || scheme == Scheme::http || scheme == Scheme::https ||
         scheme == Scheme::file || scheme == Scheme::mailto;
}

std::string sanitize_html(std::string_view html, std::string_view base_url, Markup markup) {
  return sanitize(html, base_url, markup, nullptr);
}

SanitizedHtml sanitize_html_with_text(std::string_view html, std::string_view base_url,
                                      Markup markup) {
  TextOfOutput text(html.size());
  SanitizedHtml r;
  r.html = sanitize(html, base_url, markup, &text);
  r.text = text.finish(r.html);
  return r;
}

}  // namespace syndicd::common
