// Vietnamese-aware text helpers for the pipeline (DESIGN.md §4): case
// folding for filters, slugs, hashtags and truncation that never splits a
// character. All input and output is UTF-8; invalid bytes become U+FFFD.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syndicd::text {

/// NFC + Unicode case folding: "Quảng Cáo" and "QUẢNG CÁO" (composed or
/// decomposed) both fold to "quảng cáo". Diacritics are kept: "cao" does not
/// match "cáo", which in Vietnamese is another word.
std::string fold(std::string_view text);

/// Whether `phrase` occurs in `text` as whole words, after fold() of both.
/// "quảng cáo" is in "Tin Quảng cáo mới" but not in "quảng cáonhé".
bool contains_phrase(std::string_view text, std::string_view phrase);

/// ASCII slug: diacritics removed (đ → d), lower case, runs of anything
/// else → one '-', at most `max_length` bytes, cut at a '-' when possible.
/// "Tổng kết công tác dân vận 2019" → "tong-ket-cong-tac-dan-van-2019".
std::string slug(std::string_view text, size_t max_length = 80);

/// A hashtag body without '#': words joined in CamelCase, diacritics kept
/// ("thời sự" → "ThờiSự") or removed with `ascii` ("ThoiSu"). Characters
/// other than letters, digits and '_' are dropped; empty when nothing is left.
std::string hashtag(std::string_view text, bool ascii = false);

/// At most `max_bytes` bytes, cut at a grapheme boundary (never inside a
/// code point or between a letter and its combining marks), preferably at
/// a word boundary, with `ellipsis` appended when cut (counted in the limit).
std::string truncate_utf8(std::string_view text, size_t max_bytes, std::string_view ellipsis = "…");

/// Number of grapheme clusters (what a person counts as characters).
size_t grapheme_count(std::string_view text);

/// Bytes taken by the first `graphemes` grapheme clusters of `text`.
size_t grapheme_prefix(std::string_view text, size_t graphemes);

/// At most `max_chars` characters (grapheme clusters), the ellipsis
/// counting as one, cut as truncate_utf8() cuts.
std::string truncate_chars(std::string_view text, size_t max_chars,
                           std::string_view ellipsis = "…");

}  // namespace syndicd::text
