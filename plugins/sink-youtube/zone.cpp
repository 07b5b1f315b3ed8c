// SPDX-License-Identifier: Apache-2.0
#include "zone.hpp"

#include <syndicd/common/dates.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace syndicd::youtube {

namespace {

constexpr int64_t kDay = 86400;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// The civil year of a day count (Howard Hinnant's civil_from_days).
int64_t year_of_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return yoe + era * 400 + (m <= 2 ? 1 : 0);
}

// A little cursor over a POSIX TZ string.
struct Reader {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  std::optional<int64_t> number() {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return std::nullopt;
    int64_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek())) && v < 1000000)
      v = v * 10 + (s[i++] - '0');
    return v;
  }
  bool name() {
    if (eat('<')) {
      const size_t end = s.find('>', i);
      if (end == std::string_view::npos) return false;
      i = end + 1;
      return true;
    }
    const size_t from = i;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++i;
    return i - from >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds; the sign is the string's (POSIX: + is west).
  std::optional<int64_t> hms() {
    int64_t sign = 1;
    if (eat('-'))
      sign = -1;
    else
      eat('+');
    auto h = number();
    if (!h || *h > 167) return std::nullopt;
    int64_t v = *h * 3600;
    if (eat(':')) {
      auto m = number();
      if (!m || *m > 59) return std::nullopt;
      v += *m * 60;
      if (eat(':')) {
        auto sec = number();
        if (!sec || *sec > 59) return std::nullopt;
        v += *sec;
      }
    }
    return sign * v;
  }
};

uint32_t be32(std::string_view b, size_t at) {
  return (uint32_t{static_cast<unsigned char>(b[at])} << 24) |
         (uint32_t{static_cast<unsigned char>(b[at + 1])} << 16) |
         (uint32_t{static_cast<unsigned char>(b[at + 2])} << 8) |
         uint32_t{static_cast<unsigned char>(b[at + 3])};
}

int64_t be64(std::string_view b, size_t at) {
  return static_cast<int64_t>((uint64_t{be32(b, at)} << 32) | be32(b, at + 4));
}

}  // namespace

std::optional<TimeZone::Rule> TimeZone::parse_rule(std::string_view text) {
  Reader r{text};
  Rule rule;
  if (!r.name()) return std::nullopt;
  auto std_west = r.hms();
  if (!std_west) return std::nullopt;
  rule.std_offset = -*std_west;
  rule.dst_offset = rule.std_offset;
  if (r.done()) return rule;
  if (!r.name()) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (r.peek() != ',' && !r.done()) {
    auto dst_west = r.hms();
    if (!dst_west) return std::nullopt;
    rule.dst_offset = -*dst_west;
  }
  // glibc's default when a DST name comes without dates: the US rule.
  std::string_view dates = r.done() ? ",M3.2.0,M11.1.0" : text.substr(r.i);
  Reader d{dates};
  auto date = [&d](Rule::Date& out) {
    if (!d.eat(',')) return false;
    if (d.eat('M')) {
      auto m = d.number();
      if (!m || !d.eat('.')) return false;
      auto w = d.number();
      if (!w || !d.eat('.')) return false;
      auto day = d.number();
      if (!day || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *day > 6) return false;
      out.kind = 'M';
      out.month = static_cast<int>(*m);
      out.week = static_cast<int>(*w);
      out.day = static_cast<int>(*day);
    } else if (d.eat('J')) {
      auto n = d.number();
      if (!n || *n < 1 || *n > 365) return false;
      out.kind = 'J';
      out.day = static_cast<int>(*n);
    } else {
      auto n = d.number();
      if (!n || *n > 365) return false;
      out.kind = 'n';
      out.day = static_cast<int>(*n);
    }
    if (d.eat('/')) {
      auto t = d.hms();
      if (!t) return false;
      out.time = *t;
    }
    return true;
  };
  if (!date(rule.start) || !date(rule.end) || !d.done()) return std::nullopt;
  return rule;
}

int64_t TimeZone::Rule::transition(int64_t year, const Date& d, int64_t offset_before) const {
  int64_t day = 0;
  if (d.kind == 'M') {
    const int64_t first = common::days_from_civil(year, static_cast<unsigned>(d.month), 1);
    const int64_t weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    int64_t mday = 1 + ((d.day - weekday) % 7 + 7) % 7 + 7 * (d.week - 1);
    while (mday > days_in_month(year, d.month)) mday -= 7;  // week 5 = the last one
    day = first + mday - 1;
  } else if (d.kind == 'J') {
    day = common::days_from_civil(year, 1, 1) + d.day - 1 + (leap(year) && d.day >= 60 ? 1 : 0);
  } else {
    day = common::days_from_civil(year, 1, 1) + d.day;
  }
  return day * kDay + d.time - offset_before;
}

int64_t TimeZone::Rule::offset_at(int64_t t) const {
  if (!has_dst) return std_offset;
  const int64_t year = year_of_days(floor_div(t + std_offset, kDay));
  const int64_t start = transition(year, this->start, std_offset);
  const int64_t end = transition(year, this->end, dst_offset);
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? dst_offset : std_offset;
}

std::optional<TimeZone> TimeZone::from_posix(std::string_view text) {
  auto rule = parse_rule(text);
  if (!rule) return std::nullopt;
  TimeZone z;
  z.initial_offset_ = rule->std_offset;
  z.rule_ = rule;
  return z;
}

std::optional<TimeZone> TimeZone::from_tzif(std::string_view b) {
  constexpr size_t kHeader = 44;
  if (b.size() < kHeader || b.substr(0, 4) != "TZif" || b[4] < '2') return std::nullopt;
  auto counts = [&b](size_t at) {
    std::vector<uint64_t> c;
    for (size_t k = 0; k < 6; ++k) c.push_back(be32(b, at + 20 + 4 * k));
    return c;  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  };
  // Skip the 32-bit block: the 64-bit one after it covers every instant.
  auto c = counts(0);
  const uint64_t v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  const uint64_t second = kHeader + v1;
  if (v1 > b.size() || second + kHeader > b.size() || b.substr(second, 4) != "TZif")
    return std::nullopt;
  c = counts(second);
  const uint64_t timecnt = c[3], typecnt = c[4];
  const uint64_t data = second + kHeader;
  const uint64_t size = timecnt * 9 + typecnt * 6 + c[5] + c[2] * 12 + c[1] + c[0];
  if (typecnt == 0 || timecnt > b.size() || typecnt > b.size() || size > b.size() - data)
    return std::nullopt;
  std::vector<int64_t> type_offsets;
  const uint64_t types = data + timecnt * 9;
  for (uint64_t k = 0; k < typecnt; ++k)
    type_offsets.push_back(static_cast<int32_t>(be32(b, types + 6 * k)));
  TimeZone z;
  z.initial_offset_ = type_offsets[0];
  for (uint64_t k = 0; k < timecnt; ++k) {
    const auto type = static_cast<unsigned char>(b[data + timecnt * 8 + k]);
    if (type >= typecnt) return std::nullopt;
    z.transitions_.push_back(be64(b, data + 8 * k));
    z.offsets_.push_back(type_offsets[type]);
  }
  if (!std::is_sorted(z.transitions_.begin(), z.transitions_.end())) return std::nullopt;
  // The footer: "\n<POSIX TZ>\n"; empty means no rule beyond the table.
  const std::string_view rest = b.substr(data + size);
  if (rest.size() >= 2 && rest[0] == '\n') {
    const size_t end = rest.find('\n', 1);
    if (end != std::string_view::npos && end > 1) z.rule_ = parse_rule(rest.substr(1, end - 1));
  }
  return z;
}

std::optional<TimeZone> TimeZone::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return from_tzif(bytes.str());
}

int64_t TimeZone::offset_at(int64_t t) const {
  if (transitions_.empty() || t >= transitions_.back()) {
    if (rule_) return rule_->offset_at(t);
    return transitions_.empty() ? initial_offset_ : offsets_.back();
  }
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(std::distance(transitions_.begin(), it)) - 1];
}

const TimeZone& pacific_time() {
  static const TimeZone zone = [] {
    const char* dir = std::getenv("TZDIR");
    const std::string bases[] = {dir ? dir : "", "/usr/share/zoneinfo"};
    for (const std::string& base : bases) {
      if (base.empty()) continue;
      if (auto z = TimeZone::load(base + "/America/Los_Angeles")) return *z;
    }
    return *TimeZone::from_posix("PST8PDT,M3.2.0,M11.1.0");
  }();
  return zone;
}

int64_t next_local_midnight(const TimeZone& zone, int64_t now_ms) {
  const int64_t now = floor_div(now_ms, 1000);
  const int64_t local_day = floor_div(now + zone.offset_at(now), kDay);
  const int64_t target = (local_day + 1) * kDay;  // local seconds
  // The offset at midnight may differ from now's (a DST change in between):
  // settle it at the instant itself. Two rounds suffice for any real zone.
  int64_t utc = target - zone.offset_at(now);
  for (int round = 0; round < 2; ++round) utc = target - zone.offset_at(utc);
  if (utc * 1000 <= now_ms) utc += kDay;  // defensive: always strictly later
  return utc * 1000;
}

}  // namespace syndicd::youtube
