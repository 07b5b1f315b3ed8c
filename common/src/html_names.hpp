// SPDX-License-Identifier: Apache-2.0
// Private to common/: ASCII character classes and the element and
// attribute names the sanitiser (sanitize.cpp) and html_to_text()
// (entities.cpp) have rules for, each name's rules found with one hash
// lookup instead of a scan of every list.
//
// The ASCII helpers are what <cctype> does in the "C" locale (the daemon
// never sets another), without a library call per byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace syndicd::common::detail {

constexpr bool ascii_alpha(char c) {
  return static_cast<unsigned char>((static_cast<unsigned char>(c) | 0x20) - 'a') < 26;
}
constexpr bool ascii_digit(char c) {
  return static_cast<unsigned char>(c - '0') < 10;
}
constexpr bool ascii_alnum(char c) {
  return ascii_alpha(c) || ascii_digit(c);
}
constexpr bool ascii_xdigit(char c) {
  return ascii_digit(c) ||
         static_cast<unsigned char>((static_cast<unsigned char>(c) | 0x20) - 'a') < 6;
}
constexpr char ascii_lower(char c) {
  return static_cast<unsigned char>(c - 'A') < 26 ? static_cast<char>(c + ('a' - 'A')) : c;
}

/// `s` starts at `pos` with `word` (lower case), ignoring ASCII case.
constexpr bool ieq_at(std::string_view s, size_t pos, std::string_view word) {
  if (pos > s.size() || s.size() - pos < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (ascii_lower(s[pos + k]) != word[k]) return false;
  return true;
}

/// `lower` with `s` lower-cased appended.
inline void append_lower(std::string& out, std::string_view s) {
  const size_t at = out.size();
  out.append(s);
  for (size_t k = at; k < out.size(); ++k) out[k] = ascii_lower(out[k]);
}

/// A name of at most 16 bytes as two little-endian words, zero-padded:
/// compared with two integer compares instead of a memcmp call.
struct NameKey {
  uint64_t lo = 0;
  uint64_t hi = 0;
  size_t len = 0;  // 0: no name, or one longer than any in the tables
  static constexpr size_t kMax = 16;

  static constexpr NameKey of(std::string_view s) {
    NameKey k;
    if (s.size() > kMax) return k;
    for (size_t i = 0; i < s.size(); ++i) {
      const uint64_t b = static_cast<unsigned char>(s[i]);
      if (i < 8)
        k.lo |= b << (8 * i);
      else
        k.hi |= b << (8 * (i - 8));
    }
    k.len = s.size();
    return k;
  }
  constexpr bool operator==(const NameKey&) const = default;
};

/// The key of `name` lower-cased (built in registers: a byte buffer read
/// back as words would stall on store forwarding).
inline NameKey lower_key(std::string_view name) {
  NameKey k;
  if (name.size() > NameKey::kMax) return k;
  for (size_t i = 0; i < name.size(); ++i) {
    const uint64_t b = static_cast<unsigned char>(ascii_lower(name[i]));
    if (i < 8)
      k.lo |= b << (8 * i);
    else
      k.hi |= b << (8 * (i - 8));
  }
  k.len = name.size();
  return k;
}

// What the rules say about an element name (lower case).
enum TagBit : uint32_t {
  // sanitize_html
  kDropWithContent = 1u << 0,         // removed with its content
  kDropTag = 1u << 1,                 // removed, content kept
  kVoid = 1u << 2,                    // no end tag
  kVoidDropped = 1u << 3,             // dropped and void: no content to skip
  kArticleDropWithContent = 1u << 4,  // Markup::article also removes it with its content
  kArticleTag = 1u << 5,              // Markup::article keeps it
  kTagA = 1u << 6,
  kTagImg = 1u << 7,
  kTagCell = 1u << 8,  // td, th
  // html_to_text
  kTextBlock = 1u << 9,  // a word break
  kTextSkip = 1u << 10,  // script, style, noscript, ...: skipped to the end tag
};

// What the rules say about an attribute name (lower case).
enum AttrBit : uint32_t {
  kUrlAttr = 1u << 0,   // a URL: checked and resolved
  kDropAttr = 1u << 1,  // never kept
  kSrcsetAttr = 1u << 2,
  kStyleAttr = 1u << 3,
  kHrefAttr = 1u << 4,
  kSrcAttr = 1u << 5,
  kArticleImgAttr = 1u << 6,   // kept on img in Markup::article
  kArticleCellAttr = 1u << 7,  // kept on td/th in Markup::article
};

// An open-addressing table of names and their bits, built at compile time.
template <size_t Slots>
class NameTable {
  static_assert(Slots >= 2 && Slots <= 256 && (Slots & (Slots - 1)) == 0,
                "a power of two, at most 2^8");

 public:
  struct List {
    std::initializer_list<std::string_view> names;
    uint32_t bits;
  };

  constexpr NameTable(std::initializer_list<List> lists) {
    size_t used = 0;
    for (const auto& list : lists)
      for (const std::string_view name : list.names) {
        if (name.empty() || name.size() > NameKey::kMax) throw "NameTable: bad name length";
        const NameKey key = NameKey::of(name);
        size_t k = slot(key);
        while (slots_[k].key.len != 0 && !(slots_[k].key == key)) k = (k + 1) & (Slots - 1);
        if (slots_[k].key.len == 0) {
          slots_[k].key = key;
          // Keeps the table at most half full: probes stay short, and a
          // lookup always meets an empty slot.
          if (++used * 2 > Slots) throw "NameTable: too many names";
        }
        slots_[k].bits |= list.bits;
      }
  }

  /// The bits of the name (lower case) `key` holds; 0 when it has no rule.
  constexpr uint32_t find(const NameKey& key) const {
    if (key.len == 0) return 0;
    for (size_t k = slot(key);; k = (k + 1) & (Slots - 1)) {
      const Slot& e = slots_[k];
      if (e.key == key) return e.bits;
      if (e.key.len == 0) return 0;
    }
  }

  /// The bits of `name` (lower case); 0 when it has no rule.
  constexpr uint32_t find(std::string_view name) const { return find(NameKey::of(name)); }

 private:
  struct Slot {
    NameKey key;
    uint32_t bits = 0;
  };

  static constexpr size_t slot(const NameKey& key) {
    const uint64_t h = (key.lo ^ (key.hi * 0xC2B2AE3D27D4EB4Full)) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 56) & (Slots - 1);
  }

  std::array<Slot, Slots> slots_{};
};

// The lists are the rules: see sanitize.hpp and entities.hpp for what each
// one means to its caller.
inline constexpr NameTable<256> kTagTable{
    // Removed together with everything inside them: active content, or
    // text that is not part of the article (a <title> inside a pasted
    // document). MathML's annotations are another encoding of the formula
    // (TeX source, or HTML: an HTML integration point), not text to read.
    {{"script",   "style",    "iframe",  "frame",    "frameset",   "object",        "embed",
      "applet",   "noscript", "noembed", "noframes", "template",   "svg",           "select",
      "textarea", "title",    "xml",     "head",     "annotation", "annotation-xml"},
     kDropWithContent},
    // Removed, content kept: the text of a form or a <body> is still
    // article text. MathML (kept in feed content, as feedparser keeps it:
    // W3C's MathML safe list) minus maction, whose alternatives are
    // unwrapped, and mglyph and malignmark, which are not MathML Core and
    // are what parser-confusion (mXSS) attacks on sanitisers are built on.
    {{"form",     "input",   "button", "option", "optgroup", "label",  "fieldset",  "legend",
      "datalist", "output",  "html",   "body",   "meta",     "link",   "base",      "param",
      "keygen",   "isindex", "dialog", "portal", "maction",  "mglyph", "malignmark"},
     kDropTag},
    {{"area", "br", "col", "hr", "img", "source", "track", "wbr"}, kVoid},
    // Void elements among the dropped ones: there is no content to skip (a
    // search for their end tag would swallow the rest of the fragment).
    {{"embed", "frame", "input", "meta", "link", "base", "param", "keygen", "isindex"},
     kVoidDropped},
    // Scraped bodies (Markup::article) also lose media, controls and the
    // text inside them ("Trình duyệt không hỗ trợ video", button labels).
    // A scraped page's formula is dropped whole, as it always was: its
    // tokens unwrapped would read as a jumble.
    {{"form",   "button", "input",  "option", "optgroup", "datalist", "output",
      "canvas", "audio",  "video",  "map",    "dialog",   "link",     "meta",
      "base",   "keygen", "portal", "param",  "label",    "legend",   "math"},
     kArticleDropWithContent},
    // What a scraped body may keep: text structure, links, images, tables.
    {{"p",     "div",   "span", "br",     "hr",      "h1",     "h2",         "h3",    "h4",
      "h5",    "h6",    "b",    "strong", "i",       "em",     "u",          "s",     "sub",
      "sup",   "small", "mark", "q",      "cite",    "abbr",   "code",       "pre",   "blockquote",
      "ul",    "ol",    "li",   "dl",     "dt",      "dd",     "table",      "thead", "tbody",
      "tfoot", "tr",    "td",   "th",     "caption", "figure", "figcaption", "img",   "a"},
     kArticleTag},
    {{"a"}, kTagA},
    {{"img"}, kTagImg},
    {{"td", "th"}, kTagCell},
    // html_to_text: the elements that separate words. A formula's tokens
    // (identifiers, numbers, operators, text) are boxes of their own that
    // a renderer spaces apart: "a + b", not "a+b".
    {{"address", "article", "aside",      "blockquote", "br",     "caption", "dd",    "div",
      "dl",      "dt",      "figcaption", "figure",     "footer", "form",    "h1",    "h2",
      "h3",      "h4",      "h5",         "h6",         "header", "hr",      "img",   "li",
      "main",    "nav",     "ol",         "p",          "pre",    "section", "table", "tbody",
      "td",      "tfoot",   "th",         "thead",      "tr",     "ul",      "video", "iframe",
      "math",    "mi",      "mn",         "mo",         "ms",     "mtext",   "mtd"},
     kTextBlock},
    // A formula's annotations too: TeX source or HTML, the formula again.
    {{"script", "style", "noscript", "annotation", "annotation-xml"}, kTextSkip},
};

inline constexpr NameTable<64> kAttrTable{
    {{"href", "src", "cite", "longdesc", "poster", "background", "data-src", "data-original",
      "data-lazy-src", "lowsrc", "dynsrc", "usemap", "xlink:href"},
     kUrlAttr},
    {{"srcdoc", "action", "formaction", "xmlns", "behavior", "dynsrc", "lowsrc"}, kDropAttr},
    {{"srcset"}, kSrcsetAttr},
    {{"style"}, kStyleAttr},
    {{"href"}, kHrefAttr},
    {{"src"}, kSrcAttr},
    {{"src", "alt", "width", "height", "title"}, kArticleImgAttr},
    {{"colspan", "rowspan"}, kArticleCellAttr},
};

/// The TagBit rules of element `name` (any case; as written).
inline uint32_t tag_bits(std::string_view name) {
  return kTagTable.find(lower_key(name));
}

/// The AttrBit rules of attribute `name` (any case; as written).
inline uint32_t attr_bits(std::string_view name) {
  return kAttrTable.find(lower_key(name));
}

}  // namespace syndicd::common::detail
