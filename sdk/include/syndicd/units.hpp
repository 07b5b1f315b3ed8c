// SPDX-License-Identifier: Apache-2.0
// The value syntaxes of a syndicd configuration: durations ("90s",
// "1h30m"), sizes ("8MiB"), integers and booleans. The host parses the
// operator's YAML with exactly these functions, and options.hpp applies a
// schema's defaults with them, so a default means the same wherever it is
// read. Header-only; nothing here allocates except lower-casing a unit.
#ifndef SYNDICD_UNITS_HPP
#define SYNDICD_UNITS_HPP

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace syndicd::units {
namespace detail {

inline bool digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// Reads the digits at `pos`; false when there are none or they overflow.
inline bool read_number(std::string_view text, size_t& pos, int64_t& value) noexcept {
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

inline bool multiply(int64_t& value, int64_t factor) noexcept {
  if (value > std::numeric_limits<int64_t>::max() / factor) return false;
  value *= factor;
  return true;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace detail

/// A plain decimal integer with optional sign.
inline std::optional<int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t pos = 0;
  int64_t value = 0;
  if (!detail::read_number(text, pos, value) || pos != text.size()) return std::nullopt;
  return negative ? -value : value;
}

/// true/false, yes/no, on/off (any case).
inline std::optional<bool> parse_bool(std::string_view text) {
  const std::string s = detail::lower(text);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

/// "250ms", "90s", "10m", "1h", "3d", "1h30m", or "0". Milliseconds; nothing
/// on bad syntax or overflow. A bare number other than 0 is refused: "10"
/// could mean seconds or minutes, and a config should not make anyone guess.
inline std::optional<int64_t> parse_duration(std::string_view text) {
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
    if (!detail::read_number(text, pos, n)) return std::nullopt;
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
    if (!detail::multiply(n, unit->ms) || total > std::numeric_limits<int64_t>::max() - n)
      return std::nullopt;
    total += n;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

/// "8MiB", "512KiB", "1GiB", "64kB", "10MB", "1000", "1000B". Bytes.
inline std::optional<int64_t> parse_size(std::string_view text) {
  size_t pos = 0;
  int64_t n = 0;
  if (!detail::read_number(text, pos, n)) return std::nullopt;
  const std::string unit = detail::lower(text.substr(pos));
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
  if (!detail::multiply(n, factor)) return std::nullopt;
  return n;
}

/// Milliseconds in the largest unit that divides them: "0", "3d", "6h",
/// "10m", "90s", "250ms". parse_duration() reads it back.
inline std::string format_duration(int64_t ms) {
  if (ms == 0) return "0";
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

/// Bytes in the largest binary unit that divides them: "8MiB", "64". Read
/// back by parse_size().
inline std::string format_size(int64_t bytes) {
  if (bytes != 0 && bytes % (int64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + "GiB";
  if (bytes != 0 && bytes % (int64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
  if (bytes != 0 && bytes % (int64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + "KiB";
  return std::to_string(bytes);
}

}  // namespace syndicd::units

#endif  // SYNDICD_UNITS_HPP
