// SPDX-License-Identifier: Apache-2.0
// Byte-level looks at feed text before and around the XML parse: the
// character classes and searches the pre-passes share.
#pragma once

#include <cstddef>
#include <string_view>

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

/// t.find("<![CDATA[", i), by way of the rare '[' rather than every '<'.
inline size_t find_cdata_open(std::string_view t, size_t i) {
  constexpr std::string_view kOpen = "<![CDATA[";
  for (size_t k = t.find('[', i + 2); k != std::string_view::npos; k = t.find('[', k + 1))
    if (k >= i + 2 && t.compare(k - 2, kOpen.size(), kOpen) == 0) return k - 2;
  return std::string_view::npos;
}

}  // namespace syndicd::rss::detail
