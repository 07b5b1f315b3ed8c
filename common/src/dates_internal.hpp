// SPDX-License-Identifier: Apache-2.0
// What the dates files share, private to common/src: the tokens the date
// scanner works on (dates_scan.cpp), which the strftime-style format reader
// (dates_format.cpp) and the public entry points (dates.cpp) reuse, and the
// calendar helper the scanner checks days with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::common::dates_detail {

enum class Kind { Num, Word, Punct };

struct Tok {
  Tok(Kind k, size_t b, size_t e, bool sp) : kind(k), begin(b), end(e), space_before(sp) {}
  Kind kind;
  size_t begin, end;  // byte range in the text
  bool space_before;
  int64_t num = 0;
  int digits = 0;
  char punct = 0;
  std::string word;  // lower-case, NFC
};

std::vector<Tok> tokenize(std::string_view s);
std::optional<int> match_zone(const std::vector<Tok>& t, size_t i, size_t* next, bool strict);

// Letters in the longest month name ("september").
constexpr size_t kLongestMonth = 9;
int month_from_word(std::string_view w);

// The first date (and time) in the tokens, as ms since the epoch.
std::optional<int64_t> scan(const std::vector<Tok>& t, int default_offset);

unsigned days_in_month(int64_t y, int m);

}  // namespace syndicd::common::dates_detail
