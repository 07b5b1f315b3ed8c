#include "syndicd/common/entities.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "entity_table.hpp"

namespace syndicd::common {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const detail::EntityEntry* find_entity(std::string_view name) {
  const auto* begin = detail::kEntities;
  const auto* end = detail::kEntities + detail::kEntityCount;
  const auto* it =
      std::lower_bound(begin, end, name, [](const detail::EntityEntry& e, std::string_view n) {
        return std::string_view(e.name) < n;
      });
  if (it != end && std::string_view(it->name) == name) return it;
  return nullptr;
}

// HTML5: numeric references to 0x80-0x9F mean windows-1252.
constexpr uint16_t kC1[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                              0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                              0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                              0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_seq(std::string_view s, size_t i, uint32_t* cp_out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  const unsigned char c = p[i];
  if (c < 0x80) {
    if (cp_out) *cp_out = c;
    return 1;
  }
  size_t len;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  if (cp_out) *cp_out = cp;
  return len;
}

bool is_space_cp(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_invisible_cp(uint32_t cp) {
  return cp == 0x200B || cp == 0xFEFF;
}

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

long lookup_html_entity(std::string_view name) {
  const auto* e = find_entity(name);
  if (!e) return -1;
  uint32_t cp = 0;
  std::string_view v(e->utf8);
  if (v.empty() || utf8_seq(v, 0, &cp) == 0) return -1;
  return static_cast<long>(cp);
}

std::string decode_html_entities(std::string_view s) {
  const size_t first = s.find('&');
  if (first == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  out.append(s.substr(0, first));
  size_t i = first;
  const size_t n = s.size();
  while (i < n) {
    const char c = s[i];
    if (c != '&') {
      const size_t next = s.find('&', i);
      const size_t stop = next == std::string_view::npos ? n : next;
      out.append(s.substr(i, stop - i));
      i = stop;
      continue;
    }
    // s[i] == '&'
    if (i + 1 < n && s[i + 1] == '#') {
      size_t j = i + 2;
      bool hex = false;
      if (j < n && (s[j] == 'x' || s[j] == 'X')) {
        hex = true;
        ++j;
      }
      const size_t digits_begin = j;
      uint64_t value = 0;
      while (j < n && (hex ? std::isxdigit(static_cast<unsigned char>(s[j]))
                           : (s[j] >= '0' && s[j] <= '9'))) {
        const char d = s[j];
        const unsigned v = d <= '9' ? static_cast<unsigned>(d - '0')
                                    : static_cast<unsigned>((d | 0x20) - 'a' + 10);
        if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + v;
        ++j;
      }
      if (j == digits_begin) {  // "&#" or "&#x" with no digits: literal
        out += '&';
        ++i;
        continue;
      }
      if (j < n && s[j] == ';') ++j;
      uint32_t cp;
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        cp = 0xFFFD;
      else if (value >= 0x80 && value <= 0x9F)
        cp = kC1[value - 0x80];
      else
        cp = static_cast<uint32_t>(value);
      append_utf8(out, cp);
      i = j;
      continue;
    }
    size_t j = i + 1;
    while (j < n && j - i <= 32 && is_alnum(s[j])) ++j;
    if (j > i + 1) {
      const std::string_view name = s.substr(i + 1, j - i - 1);
      if (const auto* e = find_entity(name)) {
        if (j < n && s[j] == ';') {
          out += e->utf8;
          i = j + 1;
          continue;
        }
        if (e->legacy && !(j < n && s[j] == '=')) {
          out += e->utf8;
          i = j;
          continue;
        }
      }
    }
    out += '&';
    ++i;
  }
  return out;
}

std::string valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  // Fast path: scan until the first problem.
  while (i < n) {
    const size_t len = utf8_seq(s, i, nullptr);
    if (len == 0) break;
    i += len;
  }
  if (i == n) return std::string(s);
  std::string out(s.substr(0, i));
  while (i < n) {
    const size_t len = utf8_seq(s, i, nullptr);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      // Skip the continuation bytes of a broken sequence.
      while (i < n && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

namespace {

// Whether NFC leaves code point `cp` alone whatever surrounds it: a starter
// that nothing composes onto and that is NFC on its own. Most precomposed
// letters (Vietnamese ế, ợ) have a decomposition but compose back to
// themselves; singletons (U+212B) and composition exclusions do not.
bool stays_nfc(int32_t cp) {
  if (cp < 0x300) return true;  // no combining marks below U+0300
  // Hangul jamo and syllables compose algorithmically, outside the tables.
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xAC00 && cp <= 0xD7A3)) return false;
  const utf8proc_property_t* p = utf8proc_get_property(cp);
  if (p->combining_class != 0 || p->comp_exclusion) return false;
  // comb_index >= 0x8000: the second character of some composition.
  if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000) return false;
  if (p->decomp_seqindex == UINT16_MAX) return true;
  std::string one;
  append_utf8(one, static_cast<uint32_t>(cp));
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(one.data()),
                   static_cast<utf8proc_ssize_t>(one.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  const bool same = len >= 0 && std::string_view(reinterpret_cast<const char*>(out),
                                                 static_cast<size_t>(len)) == one;
  std::free(out);
  return same;
}

// stays_nfc() of every BMP code point, one bit each, computed once: the
// per-character property lookups were most of a feed's parse time.
bool bmp_stays_nfc(uint32_t cp) {
  static const std::vector<uint64_t> bits = [] {
    std::vector<uint64_t> t(0x10000 / 64, 0);
    for (int32_t c = 0; c < 0x10000; ++c)
      if (stays_nfc(c)) t[static_cast<size_t>(c) / 64] |= uint64_t{1} << (c % 64);
    return t;
  }();
  return ((bits[cp / 64] >> (cp % 64)) & 1u) != 0;
}

// Valid UTF-8 that NFC leaves as it is (the quick check's "yes"; a "no"
// only means utf8proc has to look).
bool already_nfc(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    // Two-byte sequences with a lead below 0xCC are code points below
    // U+0300 (Latin-1, ơ, ư, đ): valid when the next byte continues them.
    if (p[i] >= 0xC2 && p[i] < 0xCC && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = utf8_seq(s, i, &cp);
    if (len == 0) return false;
    if (cp >= 0x300 && !(cp < 0x10000 ? bmp_stays_nfc(cp) : stays_nfc(static_cast<int32_t>(cp))))
      return false;
    i += len;
  }
  return true;
}

}  // namespace

std::string nfc(std::string_view text) {
  // Nearly all text is already NFC: copying it beats utf8proc's
  // decompose-and-recompose by an order of magnitude.
  if (already_nfc(text)) return std::string(text);
  const std::string valid = valid_utf8(text);
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                   static_cast<utf8proc_ssize_t>(valid.size()), &result,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (len < 0) {
    std::free(result);
    return valid;
  }
  std::string out(reinterpret_cast<const char*>(result), static_cast<size_t>(len));
  std::free(result);
  return out;
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        pending_space = true;
      } else {
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = utf8_seq(s, i, &cp);
    if (len == 0) {  // keep invalid bytes as they are; nfc() repairs them
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (is_space_cp(cp)) {
      pending_space = true;
    } else if (!is_invisible_cp(cp)) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

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
      "td",      "tfoot",   "th",         "thead",      "tr",     "ul",      "video", "iframe"};
  for (auto b : kBlocks)
    if (name == b) return true;
  return false;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    const char c = html[i];
    if (c != '<') {
      const size_t next = html.find('<', i);
      const size_t stop = next == std::string_view::npos ? n : next;
      raw.append(html.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (i + 1 >= n) {
      raw += '<';
      ++i;
      continue;
    }
    const char d = html[i + 1];
    const bool closing = d == '/';
    const bool tagish =
        std::isalpha(static_cast<unsigned char>(d)) || d == '!' || d == '?' ||
        (closing && i + 2 < n && std::isalpha(static_cast<unsigned char>(html[i + 2])));
    if (!tagish) {
      raw += '<';
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
    if (!closing && (name == "script" || name == "style" || name == "noscript")) {
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
      raw += ' ';
      continue;
    }
    if (is_block_tag(name)) raw += ' ';
  }
  return collapse_whitespace(decode_html_entities(raw));
}

}  // namespace syndicd::common
