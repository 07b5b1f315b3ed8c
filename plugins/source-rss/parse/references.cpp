// SPDX-License-Identifier: Apache-2.0
#include "parse/references.hpp"

#include <syndicd/common/entities.hpp>
#include <syndicd/common/utf8.hpp>

#include "parse/scan.hpp"

namespace syndicd::rss::detail {

References look_at_references(std::string_view t) {
  References r;
  constexpr std::string_view kOpen = "<![CDATA[", kClose = "]]>";
  // The next CDATA section [open, close) not ending before the '&' at hand.
  size_t open = find_cdata_open(t, 0);
  size_t close = open == std::string_view::npos ? open : t.find(kClose, open + kOpen.size());
  for (size_t i = t.find('&'); i != std::string_view::npos; i = t.find('&', i + 1)) {
    while (open != std::string_view::npos && close != std::string_view::npos && close < i) {
      open = find_cdata_open(t, close + kClose.size());
      close = open == std::string_view::npos ? open : t.find(kClose, open + kOpen.size());
    }
    // Inside CDATA: HTML, decoded later, so only its cleanliness counts.
    const bool in_cdata = open != std::string_view::npos && open < i;
    std::string_view rest = t.substr(i + 1);
    // Escaped HTML is mostly these: nothing to learn from them.
    if (rest.starts_with("lt;") || rest.starts_with("gt;") || rest.starts_with("quot;")) continue;
    size_t j = 0;
    bool xml_ref = false;
    if (rest.starts_with('#')) {
      r.keep_text_clean = false;
      const bool hex = rest.size() > 1 && (rest[1] == 'x' || rest[1] == 'X');
      j = hex ? 2 : 1;
      const size_t digits = j;
      while (j < rest.size() && (hex ? is_hex_digit(rest[j]) : is_digit(rest[j]))) ++j;
      xml_ref = j > digits && j < rest.size() && rest[j] == ';';
    } else {
      while (j < rest.size() && j < 32 && is_alnum(rest[j])) ++j;
      const std::string_view name = rest.substr(0, j);
      const bool predefined =
          name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
      xml_ref = predefined && j < rest.size() && rest[j] == ';';
      if (name == "amp" && xml_ref) {
        // "&amp;" in escaped HTML: the reference one level down.
        const std::string_view inner = rest.substr(4);
        if (inner.starts_with('#')) {
          r.keep_text_clean = false;
        } else {
          size_t k = 0;
          while (k < inner.size() && k < 32 && is_alnum(inner[k])) ++k;
          if (k > 0 && !common::is_clean_text(common::html_entity_text(inner.substr(0, k))))
            r.keep_text_clean = false;
        }
      } else if (!predefined && j > 0 && !common::is_clean_text(common::html_entity_text(name))) {
        r.keep_text_clean = false;
      }
    }
    if (!in_cdata && !xml_ref) r.xml_only = false;
    if (!r.xml_only && !r.keep_text_clean) break;
  }
  if (open != std::string_view::npos && close == std::string_view::npos)
    r.xml_only = false;  // an unclosed CDATA section
  return r;
}

}  // namespace syndicd::rss::detail
