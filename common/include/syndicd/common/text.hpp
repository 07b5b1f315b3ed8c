// SPDX-License-Identifier: Apache-2.0
// Vietnamese-aware text helpers, shared by the daemon's pipeline (filters,
// transforms) and the plugins' templates. UTF-8 in and out; invalid bytes
// become U+FFFD.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace syndicd::common {

/// NFC + Unicode case folding: "Quảng Cáo" and "QUẢNG CÁO" (composed or
/// decomposed) both fold to "quảng cáo". Diacritics are kept: "cao" does not
/// match "cáo", which in Vietnamese is another word.
std::string fold(std::string_view text);

/// Whether `phrase` occurs in `text` as whole words, after fold() of both.
/// "quảng cáo" is in "Tin Quảng cáo mới" but not in "quảng cáonhé".
bool contains_phrase(std::string_view text, std::string_view phrase);

/// ASCII slug: Vietnamese diacritics removed (đ → d), lower case, runs of
/// anything else → one '-', at most `max_length` bytes, cut at a '-' when
/// possible. "Tổng kết công tác 2019" → "tong-ket-cong-tac-2019".
std::string make_slug(std::string_view text, size_t max_length = 80);

/// A hashtag body without '#': words joined in CamelCase, diacritics kept
/// ("thời sự" → "ThờiSự") or removed with `ascii` ("ThoiSu"). Characters
/// other than letters, digits and '_' are dropped; empty when nothing is
/// left or when no letter is left (a "#2024" is no hashtag on Facebook).
std::string make_hashtag(std::string_view text, bool ascii = false);

/// At most `max_chars` characters (grapheme clusters), cut on a word
/// boundary when there is one in the second half, "…" appended when cut (and
/// counted in the limit).
std::string shorten(std::string_view text, size_t max_chars);

/// At most `max_bytes` bytes, cut at a grapheme boundary (never inside a
/// code point or between a letter and its combining marks), preferably at
/// a word boundary, with `ellipsis` appended when cut (counted in the limit).
std::string truncate_utf8(std::string_view text, size_t max_bytes, std::string_view ellipsis = "…");

/// Number of grapheme clusters (what a person counts as characters).
size_t grapheme_count(std::string_view text);

/// Bytes taken by the first `graphemes` grapheme clusters of `text`.
size_t grapheme_prefix(std::string_view text, size_t graphemes);

}  // namespace syndicd::common
