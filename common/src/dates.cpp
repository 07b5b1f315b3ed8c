// SPDX-License-Identifier: Apache-2.0
// Dates: calendar arithmetic, the public entry points (a UTC offset, a date
// in a feed, the first date in a text), the fast path for the two forms
// nearly every feed writes (RFC 3339, RFC 822), and writing dates out. The
// general scanner is in dates_scan.cpp, the strftime-style reader in
// dates_format.cpp.
#include "syndicd/common/dates.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "syndicd/common/budget.hpp"

#include "dates_internal.hpp"

namespace syndicd::common {

using namespace dates_detail;

// ---------------------------------------------------------------------------
// Calendar arithmetic (http://howardhinnant.github.io/date_algorithms.html)

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace dates_detail {

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, int m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace dates_detail

std::optional<int64_t> make_instant(int64_t y, int mo, int d, int h, int mi, int s, int ms,
                                    int offset_minutes) {
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, mo)) return {};
  if (h < 0 || mi < 0 || mi > 59 || s < 0 || s > 60 || ms < 0 || ms > 999) return {};
  if (h > 24 || (h == 24 && (mi != 0 || s != 0 || ms != 0))) return {};
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - int64_t{offset_minutes} * 60;
  return secs * 1000 + ms;
}

// ---------------------------------------------------------------------------
// Public API

std::optional<int> parse_utc_offset(std::string_view text) {
  const auto t = tokenize(text);
  if (t.empty()) return {};
  size_t next = 0;
  auto z = match_zone(t, 0, &next, false);
  if (!z || next != t.size()) return {};
  return z;
}

namespace {

// The number written with exactly the `count` digits at s[i], or -1.
int fixed_digits(std::string_view s, size_t i, size_t count) {
  if (i + count > s.size()) return -1;
  int v = 0;
  for (size_t k = i; k < i + count; ++k) {
    if (s[k] < '0' || s[k] > '9') return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

// "+07:00" (colon) or "+0700" at s[i..] up to the end: minutes east of UTC.
std::optional<int> fixed_zone(std::string_view s, size_t i, bool colon) {
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return {};
  if (s.size() != i + (colon ? 6 : 5) || (colon && s[i + 3] != ':')) return {};
  const int h = fixed_digits(s, i + 1, 2), m = fixed_digits(s, i + (colon ? 4 : 3), 2);
  if (h < 0 || m < 0 || h > 18 || m > 59) return {};
  return (s[i] == '-' ? -1 : 1) * (h * 60 + m);
}

// The two forms nearly every feed writes, exactly as RFC 3339 and RFC 822
// spell them ("2020-04-08T02:46:00+07:00", "Wed, 08 Apr 2020 02:46:00
// +0700"), read without the general scanner's tokens. Anything else, or
// anything odd in these, is left to the scanner (which reads these the same
// way: a test holds them equal).
std::optional<int64_t> parse_canonical(std::string_view s) {
  if (s.size() >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't') &&
      s[13] == ':' && s[16] == ':') {
    const int y = fixed_digits(s, 0, 4), mo = fixed_digits(s, 5, 2), d = fixed_digits(s, 8, 2);
    const int h = fixed_digits(s, 11, 2), mi = fixed_digits(s, 14, 2), sec = fixed_digits(s, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return {};
    size_t i = 19;
    int ms = 0;
    if (s[i] == '.') {
      const size_t b = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == b || i - b > 9) return {};
      int scale = 100;
      for (size_t k = b; k < b + 3 && k < i; ++k, scale /= 10) ms += (s[k] - '0') * scale;
    }
    std::optional<int> zone;
    if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z'))
      zone = 0;
    else
      zone = fixed_zone(s, i, true);
    if (!zone) return {};
    return make_instant(y, mo, d, h, mi, sec, ms, *zone);
  }
  // "Www, DD Mon YYYY HH:MM:SS +HHMM" or "... GMT".
  if (s.size() >= 29 && s[3] == ',' && s[4] == ' ' && s[7] == ' ' && s[11] == ' ' && s[16] == ' ' &&
      s[19] == ':' && s[22] == ':' && s[25] == ' ') {
    for (size_t k = 0; k < 3; ++k)
      if (!std::isalpha(static_cast<unsigned char>(s[k])) ||
          !std::isalpha(static_cast<unsigned char>(s[8 + k])))
        return {};
    std::string month(s.substr(8, 3));
    for (auto& c : month) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const int mo = month_from_word(month);
    const int d = fixed_digits(s, 5, 2), y = fixed_digits(s, 12, 4);
    const int h = fixed_digits(s, 17, 2), mi = fixed_digits(s, 20, 2), sec = fixed_digits(s, 23, 2);
    if (mo == 0 || d < 0 || y < 0 || h < 0 || mi < 0 || sec < 0) return {};
    const std::string_view z = s.substr(26);
    std::optional<int> zone;
    if (z == "GMT" || z == "UTC" || z == "UT" || z == "Z")
      zone = 0;
    else
      zone = fixed_zone(s, 26, false);
    if (!zone) return {};
    return make_instant(y, mo, d, h, mi, sec, 0, *zone);
  }
  return {};
}

}  // namespace

std::optional<int64_t> parse_date(std::string_view text, int default_offset_minutes) {
  if (auto v = parse_canonical(text)) return v;
  return scan(tokenize(text), default_offset_minutes);
}

std::optional<int64_t> find_date(std::string_view text, int default_offset_minutes) {
  return scan(tokenize(text), default_offset_minutes);
}

std::string format_rfc3339(int64_t ms, int offset_minutes) {
  const int64_t local_ms = ms + int64_t{offset_minutes} * 60000;
  const int64_t secs = floor_div(local_ms, 1000);
  const int frac = static_cast<int>(local_ms - secs * 1000);
  const int64_t days = floor_div(secs, 86400);
  const int64_t rem = secs - days * 86400;
  const Civil c = civil_from_days(days);
  char buf[64];
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char fbuf[8] = "";
  if (frac) std::snprintf(fbuf, sizeof fbuf, ".%03d", frac);
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d%s%c%02d:%02d",
                static_cast<long long>(c.y), c.m, c.d, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), fbuf,
                offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string format_rfc822(int64_t ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t secs = floor_div(ms, 1000);
  const int64_t days = floor_div(secs, 86400);
  const int64_t rem = secs - days * 86400;
  const Civil c = civil_from_days(days);
  const int64_t wd = ((days % 7) + 7) % 7;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02d:%02d:%02d GMT", kDays[wd], c.d,
                kMonths[c.m - 1], static_cast<long long>(c.y), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

}  // namespace syndicd::common
