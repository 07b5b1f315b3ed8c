// SPDX-License-Identifier: Apache-2.0
// The text side of the youtube sink, without a host: which video an article
// belongs to, and descriptions and titles YouTube accepts.
//
// YouTube's rules (Data API v3, videos resource): a description is at most
// 5,000 bytes, a title at most 100 characters, and neither may contain '<'
// or '>' (the API answers 400 invalidDescription / invalidTitle). A sentence
// such as "giá < 50 nghìn" must keep its meaning, so the brackets become the
// look-alikes ‹ › instead of vanishing.
#pragma once

#include <syndicd/plugin.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::youtube {

inline constexpr size_t kMaxDescriptionBytes = 5000;
inline constexpr size_t kMaxTitleChars = 100;

/// Text YouTube accepts as a description: invalid UTF-8 → U+FFFD, '<' → ‹,
/// '>' → ›, CRLF/CR → LF, other control characters except tab and LF
/// dropped, more than one blank line in a row → one, ends trimmed.
std::string description_text(std::string_view text);

/// description_text() for one line (titles): every whitespace run → one space.
std::string title_text(std::string_view text);

/// Bytes of `text` as UTF-16 code units. YouTube counts title "characters"
/// without saying how; UTF-16 units are never fewer than code points or
/// graphemes, so a title within 100 of them is within the limit whichever
/// way YouTube counts.
size_t utf16_units(std::string_view text);

/// How a cut measures text.
enum class Measure { bytes, utf16 };

/// `text` when it measures at most `max`; otherwise the longest prefix that
/// ends on a grapheme boundary — on a word boundary when one lies in the
/// second half of it — followed by "…", all within `max`. Never splits a
/// UTF-8 sequence or a grapheme cluster (a base letter and its combining
/// marks, an emoji ZWJ sequence). "" when not even "…" fits. `text` must be
/// valid UTF-8 (description_text() output is).
std::string cut(std::string_view text, size_t max, Measure measure = Measure::bytes);

/// A title for YouTube: title_text(), cut to kMaxTitleChars UTF-16 units.
std::string fit_title(std::string_view title);

/// Renders one description for an article (a template, already passed
/// through description_text()).
using Render = std::function<std::string(const Article&)>;

struct Description {
  std::string text;
  bool shortened = false;  ///< article fields were cut to make it fit
  bool cut_hard = false;   ///< even without them it did not fit: the text itself was cut
};

/// The description of `article` within `max_bytes`. When the rendering is
/// too long the article's long fields are shortened — body_text, body_html,
/// lead, then title, each on a word boundary with "…" — and the template
/// rendered again, so whatever the template puts after them (the article
/// link, the hashtags) stays whole at the end. Only a template whose fixed
/// text alone is too long gets its output cut (cut_hard).
Description fit_description(const Article& article, const Render& render,
                            size_t max_bytes = kMaxDescriptionBytes);

/// The YouTube video id in `text`: a bare 11-character id, or a watch,
/// youtu.be, embed (youtube-nocookie too), shorts, live or /v/ URL.
std::optional<std::string> video_id(std::string_view text);

/// Every video id linked anywhere in `text` (HTML or plain), in order,
/// without duplicates.
std::vector<std::string> video_ids_in(std::string_view text);

/// The video an article's description belongs to: the configured mapping
/// (article URL or id → id or URL) first, since an operator who names a
/// video means it; else the article's `videos` (the sources put embedded
/// players there; the sanitised body has no iframes left); else a YouTube
/// link in the body. Empty when none.
std::string find_video(const Article& article,
                       const std::vector<std::pair<std::string, std::string>>& mapping);

}  // namespace syndicd::youtube
