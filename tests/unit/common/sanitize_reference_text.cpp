// SPDX-License-Identifier: Apache-2.0
// The reference html_to_text() of commit 8ff3a62
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
