#include "config/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string>

namespace syndicd::config {
namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads the digits at `pos`; false when there are none or they overflow.
bool read_number(std::string_view text, size_t& pos, int64_t& value) {
  const size_t start = pos;
  value = 0;
  while (pos < text.size() && digit(text[pos])) {
    const int d = text[pos] - '0';
    if (value > (std::numeric_limits<int64_t>::max() - d) / 10) return false;
    value = value * 10 + d;
    ++pos;
  }
  return pos > start;
}

bool multiply(int64_t& value, int64_t factor) {
  if (value > std::numeric_limits<int64_t>::max() / factor) return false;
  value *= factor;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::optional<int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t pos = 0;
  int64_t value = 0;
  if (!read_number(text, pos, value) || pos != text.size()) return std::nullopt;
  return negative ? -value : value;
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string s = lower(text);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text == "0") return 0;
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  // Longest names first so "ms" is not read as "m" + "s".
  static constexpr std::array<Unit, 5> kUnits{
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
  size_t pos = 0;
  int64_t total = 0;
  size_t last_unit = 0;  // units must come in decreasing order: 1h30m, not 30m1h
  bool any = false;
  while (pos < text.size()) {
    int64_t n = 0;
    if (!read_number(text, pos, n)) return std::nullopt;
    const Unit* unit = nullptr;
    size_t index = 0;
    for (size_t i = 0; i < kUnits.size(); ++i) {
      if (text.substr(pos).starts_with(kUnits[i].name)) {
        unit = &kUnits[i];
        index = i;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    // Order by size: d(4) > h(3) > m(2) > s(1) > ms(0).
    const size_t rank = index + 1;
    if (any && rank >= last_unit) return std::nullopt;
    last_unit = rank;
    pos += unit->name.size();
    if (!multiply(n, unit->ms) || total > std::numeric_limits<int64_t>::max() - n)
      return std::nullopt;
    total += n;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

std::optional<int64_t> parse_size(std::string_view text) {
  size_t pos = 0;
  int64_t n = 0;
  if (!read_number(text, pos, n)) return std::nullopt;
  const std::string unit = lower(text.substr(pos));
  int64_t factor = 0;
  if (unit.empty() || unit == "b")
    factor = 1;
  else if (unit == "kib")
    factor = int64_t{1} << 10;
  else if (unit == "mib")
    factor = int64_t{1} << 20;
  else if (unit == "gib")
    factor = int64_t{1} << 30;
  else if (unit == "kb")
    factor = 1000;
  else if (unit == "mb")
    factor = 1000 * 1000;
  else if (unit == "gb")
    factor = 1000 * 1000 * 1000;
  else
    return std::nullopt;
  if (!multiply(n, factor)) return std::nullopt;
  return n;
}

}  // namespace syndicd::config
