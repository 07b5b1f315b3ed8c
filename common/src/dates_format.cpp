// SPDX-License-Identifier: Apache-2.0
// parse_date_format(): a date read with a strftime-style format a source
// configures (%d %m %Y %H %M %S %I %p %b %z ...), tried at each place in the
// text, in linear time (whitespace runs are memoised).
#include <algorithm>
#include <cstdlib>

#include "dates_internal.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/common/dates.hpp"

namespace syndicd::common {

using namespace dates_detail;

namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whitespace (ASCII, U+00A0, U+2000-U+200B, U+202F, U+3000) at s[i]: its length, else 0.
size_t space_len(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (is_ascii_space(s[i])) return 1;
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < s.size()) {
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    const auto c2 = static_cast<unsigned char>(s[i + 2]);
    if (c1 == 0x80 && (c2 <= 0x8B || c2 == 0xAF)) return 3;
  }
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  return 0;
}

size_t skip_spaces(std::string_view s, size_t i) {
  while (size_t l = space_len(s, i)) i += l;
  return i;
}

bool read_num(std::string_view s, size_t& i, int min_digits, int max_digits, int64_t* out) {
  size_t j = i;
  int64_t v = 0;
  while (j < s.size() && j - i < static_cast<size_t>(max_digits) && s[j] >= '0' && s[j] <= '9') {
    v = v * 10 + (s[j] - '0');
    ++j;
  }
  if (j - i < static_cast<size_t>(min_digits)) return false;
  if (j < s.size() && s[j] >= '0' && s[j] <= '9') return false;  // too many digits
  *out = v;
  i = j;
  return true;
}

struct FormatState {
  int64_t y = -1;
  int m = -1, d = -1, h = 0, mi = 0, s = 0;
  int pm = -1;  // -1 none, 0 am, 1 pm
  std::optional<int> zone;
};

// The whitespace run a step of the format skipped last: s[from, to) is
// whitespace and s[to] is not. Start positions after one another reach the
// same runs (for " %d", every position of a run of spaces reaches its end),
// so each step reads each run once and parse_date_format stays linear.
struct RunMemo {
  size_t from = 1, to = 0;  // empty

  size_t skip(std::string_view s, size_t i) {
    // A position inside a multi-byte space is no space itself (their
    // continuation bytes are none of the lead bytes space_len knows), so a
    // position that is a space and lies in the run is one of its
    // characters, and the run ends where it did.
    if (space_len(s, i) == 0) return i;
    if (i >= from && i < to) return to;
    from = i;
    to = skip_spaces(s, i);
    charge_work(to - from);
    return to;
  }
};

// One RunMemo per place in the format that skips whitespace: two per
// character (before and after a punctuation literal).
using RunMemos = std::vector<RunMemo>;

bool match_format_at(std::string_view s, size_t i, std::string_view f, FormatState& st,
                     RunMemos& runs) {
  size_t k = 0;
  while (k < f.size()) {
    if (const size_t fl = space_len(f, k)) {
      i = runs[2 * k].skip(s, i);
      k += fl;
      while (size_t more = space_len(f, k)) k += more;
      continue;
    }
    if (f[k] == '%' && k + 1 < f.size()) {
      const char d = f[k + 1];
      k += 2;
      int64_t v = 0;
      switch (d) {
        case 'd':
        case 'e':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.d = static_cast<int>(v);
          break;
        case 'm':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.m = static_cast<int>(v);
          break;
        case 'Y':
          if (!read_num(s, i, 4, 4, &v)) return false;
          st.y = v;
          break;
        case 'y':
          if (!read_num(s, i, 2, 2, &v)) return false;
          st.y = v < 50 ? 2000 + v : 1900 + v;
          break;
        case 'H':
        case 'I':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.h = static_cast<int>(v);
          break;
        case 'M':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.mi = static_cast<int>(v);
          break;
        case 'S':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.s = static_cast<int>(v);
          break;
        case 'b':
        case 'B':
        case 'h': {
          // No month name is longer than kLongestMonth letters: a longer word
          // fails here without being read to its end (a page of letters
          // would be read again from each start position).
          size_t j = i;
          while (j < s.size() && j - i <= kLongestMonth &&
                 std::isalpha(static_cast<unsigned char>(s[j])))
            ++j;
          if (j - i > kLongestMonth) return false;
          std::string w(s.substr(i, j - i));
          for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const int m = month_from_word(w);
          if (!m) return false;
          st.m = m;
          i = j;
          if (i < s.size() && s[i] == '.') ++i;
          break;
        }
        case 'p': {
          if (i + 1 >= s.size()) return false;
          const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
          const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
          if ((a == 'a' && b == 'm') || (a == 's' && b == 'a'))
            st.pm = 0;
          else if ((a == 'p' && b == 'm') || (a == 'c' && b == 'h'))
            st.pm = 1;
          else
            return false;
          i += 2;
          break;
        }
        case 'z':
        case 'Z': {
          const std::string_view rest = s.substr(i, std::min<size_t>(s.size() - i, 24));
          const auto t = tokenize(rest);
          size_t next = 0;
          auto z = match_zone(t, 0, &next, false);
          if (!z) return false;
          st.zone = z;
          i += t[next - 1].end;
          break;
        }
        case '%':
          if (i >= s.size() || s[i] != '%') return false;
          ++i;
          break;
        default:
          return false;
      }
      continue;
    }
    // Literal: optional whitespace around punctuation; ASCII letters case-insensitive.
    const char fc = f[k];
    const bool punct = std::ispunct(static_cast<unsigned char>(fc)) != 0;
    if (punct) i = runs[2 * k].skip(s, i);
    if (i >= s.size()) return false;
    const char sc = s[i];
    const bool same = sc == fc || (static_cast<unsigned char>(fc) < 0x80 &&
                                   std::tolower(static_cast<unsigned char>(sc)) ==
                                       std::tolower(static_cast<unsigned char>(fc)));
    if (!same) return false;
    ++i;
    if (punct) i = runs[2 * k + 1].skip(s, i);
    ++k;
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_date_format(std::string_view text, std::string_view format,
                                         int default_offset_minutes) {
  if (format.empty()) return {};
  const bool numeric_start =
      format.size() >= 2 && format[0] == '%' &&
      std::string_view("dmYyHMSIe").find(format[1]) != std::string_view::npos;
  RunMemos runs(2 * format.size());
  for (size_t i = 0; i < text.size(); ++i) {
    // Start on a character boundary, and never inside a number.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (numeric_start && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9') continue;
    charge_work();
    FormatState st;
    if (!match_format_at(text, i, format, st, runs)) continue;
    if (st.y < 0 || st.m < 0 || st.d < 0) return {};
    int h = st.h;
    if (st.pm == 0 && h == 12) h = 0;
    if (st.pm == 1 && h < 12) h += 12;
    if (auto v = make_instant(st.y, st.m, st.d, h, st.mi, st.s, 0,
                              st.zone.value_or(default_offset_minutes)))
      return v;
  }
  return {};
}

}  // namespace syndicd::common
