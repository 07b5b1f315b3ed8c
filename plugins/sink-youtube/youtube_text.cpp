// SPDX-License-Identifier: Apache-2.0
#include "youtube_text.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>

namespace syndicd::youtube {

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // …
constexpr std::string_view kLeftAngle = "\xE2\x80\xB9";    // ‹
constexpr std::string_view kRightAngle = "\xE2\x80\xBA";   // ›
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void append_utf8(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Decode one code point at `i`; invalid bytes read as U+FFFD, one byte long.
std::pair<utf8proc_int32_t, size_t> decode(std::string_view s, size_t i) {
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) return {0xFFFD, 1};
  return {cp, static_cast<size_t>(n)};
}

bool is_space(utf8proc_int32_t cp) {
  if (cp == ' ' || cp == '\t' || cp == '\n') return true;
  const auto cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

size_t measure(std::string_view s, Measure m) {
  if (m == Measure::bytes) return s.size();
  return utf16_units(s);
}

// Offsets where a cut keeps every grapheme cluster whole, 0 and size included.
std::vector<size_t> grapheme_boundaries(std::string_view s) {
  std::vector<size_t> out{0};
  utf8proc_int32_t state = 0;
  utf8proc_int32_t prev = -1;
  for (size_t i = 0; i < s.size();) {
    const auto [cp, n] = decode(s, i);
    if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state)) out.push_back(i);
    prev = cp;
    i += n;
  }
  if (!s.empty()) out.push_back(s.size());
  return out;
}

std::string_view trim_end(std::string_view s) {
  while (!s.empty()) {
    // Trailing separators would dangle before the "…".
    const char c = s.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ';' || c == ':')
      s.remove_suffix(1);
    else
      break;
  }
  return s;
}

bool id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// An 11-character id at `at`, not followed by another id character.
std::optional<std::string> id_at(std::string_view text, size_t at) {
  if (at + 11 > text.size()) return std::nullopt;
  for (size_t k = at; k < at + 11; ++k)
    if (!id_char(text[k])) return std::nullopt;
  if (at + 11 < text.size() && id_char(text[at + 11])) return std::nullopt;
  return std::string(text.substr(at, 11));
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string description_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t newlines = 0;  // consecutive, ignoring spaces between them
  for (size_t i = 0; i < text.size();) {
    auto [cp, n] = decode(text, i);
    i += n;
    if (cp == '\r') {
      if (i < text.size() && text[i] == '\n') continue;  // CRLF: the LF follows
      cp = '\n';
    }
    if (cp == '\n') {
      // Spaces before a line break are invisible and cost bytes.
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      if (++newlines > 2 || out.empty()) continue;
      out.push_back('\n');
      continue;
    }
    if ((cp < 0x20 && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) continue;
    if (cp == 0xFFFE || cp == 0xFFFF) continue;
    if (cp != ' ' && cp != '\t') newlines = 0;
    if (cp == '<')
      out += kLeftAngle;
    else if (cp == '>')
      out += kRightAngle;
    else if (cp == 0xFFFD)
      out += kReplacement;
    else
      append_utf8(out, cp);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\n'))
    out.pop_back();
  size_t start = 0;
  while (start < out.size() && (out[start] == ' ' || out[start] == '\t')) ++start;
  return out.substr(start);
}

std::string title_text(std::string_view text) {
  const std::string clean = description_text(text);
  std::string out;
  bool space = false;
  for (size_t i = 0; i < clean.size();) {
    const auto [cp, n] = decode(clean, i);
    if (is_space(cp)) {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.append(clean, i, n);
    }
    i += n;
  }
  return out;
}

size_t utf16_units(std::string_view text) {
  size_t units = 0;
  for (size_t i = 0; i < text.size();) {
    const auto [cp, n] = decode(text, i);
    units += cp >= 0x10000 ? 2 : 1;
    i += n;
  }
  return units;
}

std::string cut(std::string_view text, size_t max, Measure m) {
  if (measure(text, m) <= max) return std::string(text);
  const size_t ellipsis = measure(kEllipsis, m);
  if (ellipsis > max) return {};
  const size_t budget = max - ellipsis;
  // Only the part that can fit matters: a long article is cut many times
  // while fitting a description. Breaks before the end of the window are
  // exact (a break depends only on what precedes it); the window's own end
  // lies past the budget and is never chosen. A UTF-16 unit takes at most
  // 3 bytes.
  const size_t window = (m == Measure::bytes ? budget : budget * 3) + 8;
  const std::vector<size_t> bounds = grapheme_boundaries(text.substr(0, window));
  // The longest prefix within the budget, and the last word break in it.
  size_t best = 0, used = 0, word = 0;
  for (size_t k = 1; k < bounds.size(); ++k) {
    const size_t cost = measure(text.substr(bounds[k - 1], bounds[k] - bounds[k - 1]), m);
    if (used + cost > budget) break;
    used += cost;
    best = bounds[k];
    if (best < text.size() && is_space(decode(text, best).first)) word = best;
  }
  // A word break far back would throw away half the room; cut mid-word then.
  const size_t end = word > 0 && word >= best / 2 ? word : best;
  const std::string_view kept = trim_end(text.substr(0, end));
  if (kept.empty()) return std::string(kEllipsis);
  return std::string(kept) + std::string(kEllipsis);
}

std::string fit_title(std::string_view title) {
  return cut(title_text(title), kMaxTitleChars, Measure::utf16);
}

Description fit_description(const Article& article, const Render& render, size_t max_bytes) {
  Description d;
  d.text = render(article);
  if (d.text.size() <= max_bytes) return d;
  d.shortened = true;
  Article a = article;
  // Longest and least essential first; each is shortened only as far as
  // needed, so a long body leaves the lead and title alone.
  std::string Article::*const fields[] = {&Article::body_text, &Article::body_html, &Article::lead,
                                          &Article::title};
  for (auto field : fields) {
    const std::string full = description_text(a.*field);
    if (full.empty()) continue;
    a.*field = std::string();
    std::string without = render(a);
    if (without.size() > max_bytes) continue;  // even empty it does not fit: next field
    // Binary search the longest cut of this field that fits; cut() grows
    // with its budget, so the search is sound.
    size_t lo = 0, hi = full.size();
    std::string best_text = std::move(without);
    while (lo < hi) {
      const size_t mid = lo + (hi - lo + 1) / 2;
      a.*field = cut(full, mid);
      std::string attempt = render(a);
      if (attempt.size() <= max_bytes) {
        lo = mid;
        best_text = std::move(attempt);
      } else {
        hi = mid - 1;
      }
    }
    d.text = std::move(best_text);
    return d;
  }
  d.cut_hard = true;
  d.text = cut(render(a), max_bytes);
  return d;
}

std::optional<std::string> video_id(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.size() == 11 && id_at(text, 0)) return std::string(text);
  auto ids = video_ids_in(text);
  if (ids.empty()) return std::nullopt;
  return ids.front();
}

std::vector<std::string> video_ids_in(std::string_view text) {
  const std::string lower = lower_ascii(text);
  std::vector<std::pair<size_t, std::string>> found;
  auto add = [&](size_t at, size_t id_pos) {
    if (auto id = id_at(text, id_pos)) found.emplace_back(at, *id);
  };
  static constexpr std::string_view kPathForms[] = {
      "youtu.be/",           "youtube.com/embed/", "youtube-nocookie.com/embed/",
      "youtube.com/shorts/", "youtube.com/live/",  "youtube.com/v/"};
  for (std::string_view p : kPathForms)
    for (size_t at = lower.find(p); at != std::string::npos; at = lower.find(p, at + 1))
      add(at, at + p.size());
  // watch?…v=ID: v may come after other parameters (&amp; in HTML).
  constexpr std::string_view kWatch = "youtube.com/watch?";
  for (size_t at = lower.find(kWatch); at != std::string::npos; at = lower.find(kWatch, at + 1)) {
    size_t q = at + kWatch.size();
    size_t end = q;
    while (end < lower.size() && !std::isspace(static_cast<unsigned char>(lower[end])) &&
           lower[end] != '"' && lower[end] != '\'' && lower[end] != '<' && lower[end] != '#')
      ++end;
    while (q < end) {
      if (lower.compare(q, 2, "v=") == 0) {
        add(at, q + 2);
        break;
      }
      const size_t amp = lower.find('&', q);
      if (amp == std::string::npos || amp >= end) break;
      q = amp + 1;
      if (lower.compare(q, 4, "amp;") == 0) q += 4;
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [at, id] : found)
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  return out;
}

std::string find_video(const Article& article,
                       const std::vector<std::pair<std::string, std::string>>& mapping) {
  for (const auto& [key, value] : mapping)
    if ((!article.url.empty() && key == article.url) || (!article.id.empty() && key == article.id))
      if (auto id = video_id(value)) return *id;
  for (const auto& v : article.videos)
    if (auto id = video_id(v)) return *id;
  auto linked = video_ids_in(article.body_html);
  if (!linked.empty()) return linked.front();
  return {};
}

}  // namespace syndicd::youtube
