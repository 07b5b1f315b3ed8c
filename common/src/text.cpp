// SPDX-License-Identifier: Apache-2.0
// Vietnamese-aware text helpers shared by the daemon's pipeline and the
// plugins' templates: one implementation of folding, slugs, hashtags and
// grapheme-safe truncation, on utf8proc.
#include "syndicd/common/text.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include "syndicd/common/utf8.hpp"

namespace syndicd::common {
namespace {

// The code point at s[i] and its length in bytes. An ill-formed sequence,
// with the continuation bytes after it, is one U+FFFD: the rule (and the
// table, Unicode's 3-7) of valid_utf8(), so that every helper here counts
// and cuts invalid text as its repaired form.
size_t next_code_point(std::string_view s, size_t i, utf8proc_int32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t n = s.size() - i;
  if (const size_t len = utf8::sequence_length(p, n)) {
    *cp = static_cast<utf8proc_int32_t>(utf8::decode(p, len));
    return len;
  }
  size_t len = 1;
  while (len < n && (p[len] & 0xC0) == 0x80) ++len;
  *cp = 0xFFFD;
  return len;
}

// Decodes UTF-8 into code points; invalid bytes become U+FFFD.
std::vector<utf8proc_int32_t> decode(std::string_view s) {
  std::vector<utf8proc_int32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp = 0;
    i += next_code_point(s, i, &cp);
    out.push_back(cp);
  }
  return out;
}

void encode(utf8proc_int32_t cp, std::string& out) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// utf8proc_map over valid UTF-8 (utf8proc refuses the whole string on one
// bad byte, so repair first).
std::string map(std::string_view s, int options) {
  std::string valid;
  for (auto cp : decode(s)) encode(cp, valid);
  utf8proc_uint8_t* result = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                              static_cast<utf8proc_ssize_t>(valid.size()), &result,
                              static_cast<utf8proc_option_t>(options));
  if (n < 0) return valid;
  std::string out(reinterpret_cast<char*>(result), static_cast<size_t>(n));
  std::free(result);
  return out;
}

bool is_letter(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_word_char(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return cp == '_' || is_letter(cp);
  }
}

// Base letters without marks: NFD, marks dropped, and đ/Đ, which have no
// decomposition, mapped by hand.
std::vector<utf8proc_int32_t> strip_marks(std::string_view s) {
  std::vector<utf8proc_int32_t> out;
  for (auto cp : decode(map(s, UTF8PROC_DECOMPOSE | UTF8PROC_STABLE))) {
    if (utf8proc_category(cp) == UTF8PROC_CATEGORY_MN) continue;
    if (cp == 0x0111) cp = 'd';
    if (cp == 0x0110) cp = 'D';
    out.push_back(cp);
  }
  return out;
}

// Byte offsets where a grapheme cluster starts, plus the end: cutting
// anywhere else could separate a Vietnamese letter from its tone mark.
std::vector<size_t> grapheme_starts(std::string_view s) {
  std::vector<size_t> starts;
  utf8proc_int32_t previous = -1;
  utf8proc_int32_t state = 0;
  for (size_t pos = 0; pos < s.size();) {
    utf8proc_int32_t cp = 0;
    const size_t n = next_code_point(s, pos, &cp);
    if (previous < 0 || utf8proc_grapheme_break_stateful(previous, cp, &state))
      starts.push_back(pos);
    previous = cp;
    pos += n;
  }
  starts.push_back(s.size());
  return starts;
}

}  // namespace

std::string fold(std::string_view text) {
  return map(text, UTF8PROC_COMPOSE | UTF8PROC_STABLE | UTF8PROC_CASEFOLD);
}

bool contains_phrase(std::string_view text, std::string_view phrase) {
  const auto hay = decode(fold(text));
  const auto needle = decode(fold(phrase));
  if (needle.empty()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (!std::equal(needle.begin(), needle.end(), hay.begin() + static_cast<std::ptrdiff_t>(i)))
      continue;
    const bool left_ok = i == 0 || !is_word_char(hay[i - 1]) || !is_word_char(needle.front());
    const size_t end = i + needle.size();
    const bool right_ok =
        end == hay.size() || !is_word_char(hay[end]) || !is_word_char(needle.back());
    if (left_ok && right_ok) return true;
  }
  return false;
}

std::string make_slug(std::string_view text, size_t max_length) {
  std::string out;
  bool dash = false;
  for (auto cp : strip_marks(text)) {
    if (cp < 0x80 && std::isalnum(static_cast<unsigned char>(cp))) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(cp)));
    } else {
      dash = true;
    }
  }
  if (out.size() > max_length) {
    out.resize(max_length);
    if (const auto cut = out.rfind('-'); cut != std::string::npos && cut > max_length / 2)
      out.resize(cut);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  return out;
}

std::string make_hashtag(std::string_view text, bool ascii) {
  std::string out;
  bool start = true;
  bool letter = false;
  const auto cps =
      ascii ? strip_marks(text) : decode(map(text, UTF8PROC_COMPOSE | UTF8PROC_STABLE));
  for (auto cp : cps) {
    if (!is_word_char(cp) || (ascii && cp >= 0x80)) {
      start = true;
      continue;
    }
    letter = letter || is_letter(cp);
    encode(start ? utf8proc_toupper(cp) : cp, out);
    start = false;
  }
  // Marks were dropped in ASCII form; composing again keeps the kept form NFC.
  if (!letter) return {};
  return ascii ? out : map(out, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
}

std::string shorten(std::string_view raw, size_t max_chars) {
  // Cut the repaired text: the result is UTF-8 whatever came in, and the
  // limit counts a U+FFFD as the one character it shows as.
  const std::string repaired = valid_utf8(raw);
  const std::string_view text = repaired;
  const auto starts = grapheme_starts(text);
  const size_t count = starts.size() - 1;
  if (count <= max_chars) return repaired;
  if (max_chars == 0) return {};
  // The ellipsis takes one of the characters.
  size_t cut = starts[max_chars - 1];
  const auto space = text.substr(0, cut).find_last_of(" \t\n");
  if (space != std::string_view::npos && space > cut / 2) cut = space;
  std::string out(text.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == '\n' ||
                          out.back() == ';' || out.back() == ':' || out.back() == '\t'))
    out.pop_back();
  return out + "…";
}

std::string truncate_utf8(std::string_view raw, size_t max_bytes, std::string_view ellipsis) {
  // As shorten(): the limit is on what comes out, U+FFFD included.
  const std::string repaired = valid_utf8(raw);
  const std::string_view text = repaired;
  if (text.size() <= max_bytes) return repaired;
  if (ellipsis.size() >= max_bytes) ellipsis = {};
  const size_t budget = max_bytes - ellipsis.size();
  const auto starts = grapheme_starts(text);
  size_t cut = 0;
  for (size_t s : starts) {
    if (s > budget) break;
    cut = s;
  }
  // Prefer the last space in the second half of what fits.
  const auto space = text.substr(0, cut).find_last_of(" \t\n");
  if (space != std::string_view::npos && space > cut / 2) cut = space;
  std::string out(text.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == '\n'))
    out.pop_back();
  return out + std::string(ellipsis);
}

size_t grapheme_count(std::string_view text) {
  return grapheme_starts(text).size() - 1;
}

size_t grapheme_prefix(std::string_view text, size_t graphemes) {
  const auto starts = grapheme_starts(text);
  return graphemes < starts.size() ? starts[graphemes] : text.size();
}

}  // namespace syndicd::common
