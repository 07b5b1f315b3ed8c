// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/html.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "syndicd/common/entities.hpp"

namespace syndicd::common {
namespace {

// ASCII only, inline: std::tolower's call and locale lookup per byte was
// the largest single cost of feed parsing (every body is scanned for
// YouTube links).
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_letter(char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

// Whether hay[i, i + needle.size()) is `needle` (lower case) in any case.
bool iequal_at(std::string_view hay, size_t i, std::string_view needle) {
  for (size_t k = 0; k < needle.size(); ++k)
    if (lower(hay[i + k]) != needle[k]) return false;
  return true;
}

// `needle` is lower case. Candidates are found sixteen at a time by the
// needle's first two bytes in either case (a letter is compared with its
// case bit set, which also lets a few non-letters through: each candidate
// is checked in full), so Vietnamese text, where any one letter is common,
// is not looked at byte by byte.
size_t ifind(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty() || hay.size() < needle.size() || from > hay.size() - needle.size())
    return std::string_view::npos;
  const size_t last = hay.size() - needle.size();  // the last possible start
  size_t i = from;
#if defined(__SSE2__)
  if (needle.size() >= 2) {
    auto probe = [](char c) {
      return std::pair{_mm_set1_epi8(static_cast<char>(is_letter(c) ? 0x20 : 0)), _mm_set1_epi8(c)};
    };
    const auto [fold0, want0] = probe(needle[0]);
    const auto [fold1, want1] = probe(needle[1]);
    // Loads of p+i and p+i+1 stay inside hay while i + 17 <= size.
    for (; i + 17 <= hay.size() && i <= last; i += 16) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay.data() + i));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay.data() + i + 1));
      const __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(a, fold0), want0),
                                        _mm_cmpeq_epi8(_mm_or_si128(b, fold1), want1));
      for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit)); m != 0; m &= m - 1) {
        const size_t at = i + static_cast<size_t>(std::countr_zero(m));
        if (at <= last && iequal_at(hay, at, needle)) return at;
      }
    }
  }
#endif
  for (; i <= last; ++i)
    if (lower(hay[i]) == needle[0] && iequal_at(hay, i, needle)) return i;
  return std::string_view::npos;
}

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// End of a start tag beginning at `lt`, honouring quotes.
size_t tag_end(std::string_view html, size_t lt) {
  char quote = 0;
  for (size_t i = lt + 1; i < html.size(); ++i) {
    const char c = html[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return html.size();
}

}  // namespace

std::optional<std::string> tag_attribute(std::string_view tag, std::string_view name) {
  size_t i = 0;
  // Skip "<tagname".
  if (i < tag.size() && tag[i] == '<') ++i;
  while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '>' &&
         tag[i] != '/')
    ++i;
  while (i < tag.size()) {
    while (i < tag.size() && (std::isspace(static_cast<unsigned char>(tag[i])) || tag[i] == '/'))
      ++i;
    if (i >= tag.size() || tag[i] == '>') break;
    const size_t nb = i;
    while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '=' &&
           tag[i] != '>' && tag[i] != '/')
      ++i;
    const std::string_view attr = tag.substr(nb, i - nb);
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::string_view value;
    bool has_value = false;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
      has_value = true;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        const char q = tag[i++];
        const size_t vb = i;
        while (i < tag.size() && tag[i] != q) ++i;
        value = tag.substr(vb, i - vb);
        if (i < tag.size()) ++i;
      } else {
        const size_t vb = i;
        while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '>')
          ++i;
        value = tag.substr(vb, i - vb);
      }
    }
    bool same = attr.size() == name.size();
    for (size_t k = 0; same && k < attr.size(); ++k) same = lower(attr[k]) == name[k];
    if (same) return has_value ? decode_html_entities(value) : std::string{};
  }
  return std::nullopt;
}

std::optional<ImgTag> first_img(std::string_view html) {
  size_t pos = 0;
  while ((pos = ifind(html, "<img", pos)) != std::string_view::npos) {
    const size_t after = pos + 4;
    if (after < html.size() && is_id_char(html[after])) {  // <imgx>
      pos = after;
      continue;
    }
    const size_t end = tag_end(html, pos);
    const std::string_view tag = html.substr(pos, end - pos);
    pos = end;
    std::string src = tag_attribute(tag, "src").value_or("");
    auto usable = [](const std::string& s) {
      const auto trimmed = collapse_whitespace(s);
      return !trimmed.empty() && trimmed.rfind("data:", 0) != 0;
    };
    if (!usable(src)) {
      for (const char* alt_name : {"data-src", "data-original", "data-lazy-src"}) {
        if (auto v = tag_attribute(tag, alt_name); v && usable(*v)) {
          src = *v;
          break;
        }
      }
    }
    if (!usable(src)) continue;
    ImgTag img;
    img.src = collapse_whitespace(src);
    img.alt = collapse_whitespace(tag_attribute(tag, "alt").value_or(""));
    img.end = end < html.size() ? end + 1 : end;
    return img;
  }
  return std::nullopt;
}

namespace {

constexpr std::string_view kMarkers[] = {"youtube.com/embed/",
                                         "youtube-nocookie.com/embed/",
                                         "youtube.com/watch?v=",
                                         "youtube.com/watch?feature=player_embedded&v=",
                                         "youtube.com/v/",
                                         "youtube.com/shorts/",
                                         "youtu.be/",
                                         "youtube.com/live/"};

std::optional<std::string> id_at(std::string_view text, size_t pos) {
  if (pos + 11 > text.size()) return std::nullopt;
  for (size_t k = 0; k < 11; ++k)
    if (!is_id_char(text[pos + k])) return std::nullopt;
  if (pos + 11 < text.size() && is_id_char(text[pos + 11])) return std::nullopt;
  return std::string(text.substr(pos, 11));
}

}  // namespace

std::optional<std::string> youtube_id(std::string_view url) {
  // Every marker has "youtu" in it; nearly no URL does.
  if (ifind(url, "youtu", 0) == std::string_view::npos) return std::nullopt;
  for (auto marker : kMarkers) {
    const size_t p = ifind(url, marker, 0);
    if (p != std::string_view::npos) {
      if (auto id = id_at(url, p + marker.size())) return id;
    }
  }
  // youtube.com/watch?...&v=ID
  if (ifind(url, "youtube.com/watch?", 0) != std::string_view::npos) {
    const size_t p = ifind(url, "&v=", 0);
    if (p != std::string_view::npos) return id_at(url, p + 3);
    const size_t q = ifind(url, "&amp;v=", 0);
    if (q != std::string_view::npos) return id_at(url, q + 7);
  }
  return std::nullopt;
}

std::vector<std::string> find_youtube_ids(std::string_view text) {
  std::vector<std::pair<size_t, std::string>> found;
  // Nearly no text mentions YouTube: one memchr-speed search decides.
  if (ifind(text, "yout", 0) == std::string_view::npos) return {};
  // Lower-cased once, then every marker is a plain (vectorised) find.
  std::string folded(text);
  for (char& c : folded) c = lower(c);
  const std::string_view hay(folded);
  for (auto marker : kMarkers) {
    size_t p = 0;
    while ((p = hay.find(marker, p)) != std::string_view::npos) {
      if (auto id = id_at(text, p + marker.size())) found.emplace_back(p, *id);
      p += marker.size();
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [pos, id] : found)
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  return out;
}

}  // namespace syndicd::common
