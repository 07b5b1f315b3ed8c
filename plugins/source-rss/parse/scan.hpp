// Byte-level looks at feed text before and around the XML parse: the
// character classes and searches the pre-passes share.
#pragma once

#include <bit>
#include <cstddef>
#include <string_view>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace syndicd::rss::detail {

inline bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_hex_digit(char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
inline bool is_alnum(char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/// `s` without leading and trailing whitespace.
inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// XML's five named references and what they stand for.
constexpr std::pair<std::string_view, char> kXmlReferences[] = {
    {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};

/// Index of the first of the bytes a, b, c in t[i, t.size()), or npos.
/// Sixteen bytes at a time: start tags are mostly attribute text.
inline size_t find_first_of3(std::string_view t, size_t i, char a, char b, char c) {
  const size_t n = t.size();
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                     _mm_cmpeq_epi8(v, vc));
    if (const int m = _mm_movemask_epi8(hit); m != 0)
      return i + static_cast<size_t>(std::countr_zero(static_cast<unsigned>(m)));
  }
#endif
  for (; i < n; ++i)
    if (t[i] == a || t[i] == b || t[i] == c) return i;
  return std::string_view::npos;
}

/// Index of the '>' that ends the tag whose name starts at `i`, past quoted
/// attribute values (which may hold '>', and '<' for tinyxml2); npos if none.
inline size_t tag_end(std::string_view t, size_t i) {
  while (true) {
    i = find_first_of3(t, i, '>', '"', '\'');
    if (i == std::string_view::npos || t[i] == '>') return i;
    i = t.find(t[i], i + 1);
    if (i == std::string_view::npos) return i;
    ++i;
  }
}

/// t.find("<![CDATA[", i), by way of the rare '[' rather than every '<'.
inline size_t find_cdata_open(std::string_view t, size_t i) {
  constexpr std::string_view kOpen = "<![CDATA[";
  for (size_t k = t.find('[', i + 2); k != std::string_view::npos; k = t.find('[', k + 1))
    if (k >= i + 2 && t.compare(k - 2, kOpen.size(), kOpen) == 0) return k - 2;
  return std::string_view::npos;
}

}  // namespace syndicd::rss::detail
