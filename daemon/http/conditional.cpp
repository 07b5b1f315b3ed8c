// SPDX-License-Identifier: Apache-2.0
#include "http/conditional.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace syndicd::http {
namespace {

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int month_index(const char* name) {
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (std::strcmp(name, kMonths[i]) == 0) return static_cast<int>(i);
  return -1;
}

std::optional<std::time_t> to_time(int year, int month, int day, int hour, int minute, int second) {
  if (month < 0 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60 || year < 1900)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return timegm(&tm);
}

}  // namespace

std::string entity_tag(uint64_t size, int64_t mtime_ns, uint64_t inode) {
  char out[80];
  std::snprintf(out, sizeof out, "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns), static_cast<unsigned long long>(inode));
  return out;
}

std::string http_date(std::time_t time) {
  std::tm tm{};
  gmtime_r(&time, &tm);
  // strftime's %a/%b follow the locale; HTTP wants the English names.
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return out;
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  const std::string s(text);  // sscanf wants a terminated string
  char month[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, used = 0;
  // The weekday is not checked: a wrong one does not make the date ambiguous.
  if (std::sscanf(s.c_str(), "%*3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", &day, month,
                  &year, &hour, &minute, &second, &used) == 6 &&
      static_cast<size_t>(used) == s.size())
    return to_time(year, month_index(month), day, hour, minute, second);
  used = 0;
  if (std::sscanf(s.c_str(), "%*[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", &day, month, &year,
                  &hour, &minute, &second, &used) == 6 &&
      static_cast<size_t>(used) == s.size()) {
    // RFC 850's two-digit year: the one within the next 50 years counts as
    // the past (§5.6.7); feeds are not from the 1960s either way.
    year += year < 70 ? 2000 : 1900;
    return to_time(year, month_index(month), day, hour, minute, second);
  }
  used = 0;
  if (std::sscanf(s.c_str(), "%*3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", month, &day, &hour,
                  &minute, &second, &year, &used) == 6 &&
      static_cast<size_t>(used) == s.size())
    return to_time(year, month_index(month), day, hour, minute, second);
  return std::nullopt;
}

bool none_match(std::string_view list, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    return tag;
  };
  const std::string_view ours = opaque(etag);
  size_t i = 0;
  while (i < list.size()) {
    const char c = list[i];
    if (c == ' ' || c == '\t' || c == ',') {
      ++i;
      continue;
    }
    if (c == '*') return true;
    size_t start = i;
    if (list.substr(i, 2) == "W/") i += 2;
    if (i >= list.size() || list[i] != '"') return false;
    // etagc excludes the quote but not the comma: find the closing quote,
    // never split on commas.
    const size_t close = list.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (opaque(list.substr(start, close + 1 - start)) == ours) return true;
    i = close + 1;
  }
  return false;
}

bool not_modified_since(std::time_t modified, std::time_t since) {
  return modified <= since;
}

}  // namespace syndicd::http
