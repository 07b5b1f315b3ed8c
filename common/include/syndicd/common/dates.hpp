// SPDX-License-Identifier: Apache-2.0
// Date parsing and formatting shared by the built-in source plugins.
//
// Pure arithmetic (days_from_civil); no locale, no timezone database. All
// instants are milliseconds since the Unix epoch, UTC. Offsets are minutes
// east of UTC (+07:00 → 420).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syndicd::common {

/// "+07:00", "+0700", "+07", "GMT+7", "UTC+07:00", "UTC", "GMT", "Z", and the
/// common named zones (EST, PDT, ICT, ...) → minutes east of UTC.
std::optional<int> parse_utc_offset(std::string_view text);

/// Parse a whole date string (surrounding whitespace allowed): RFC 822/1123
/// and real-world variants, ISO 8601 / RFC 3339, and Vietnamese forms
/// ("05:58 | 10/01/2020", "Thứ tư, 08/04/2020 - 02:46", "Cập nhật: 10:15 ngày
/// 9/1/2020", "ngày 9 tháng 1 năm 2020", ...; day before month). A time with
/// no zone is read at `default_offset_minutes`. Returns UTC ms.
std::optional<int64_t> parse_date(std::string_view text, int default_offset_minutes);

/// strptime-like: %d %m %Y %y %H %M %S %z (any zone parse_utc_offset reads,
/// optionally in parentheses) %% and literal characters; whitespace in the
/// format matches any run of whitespace (also none). The format is searched
/// anywhere in `text`. Missing %H/%M/%S read as 0.
std::optional<int64_t> parse_date_format(std::string_view text, std::string_view format,
                                         int default_offset_minutes);

/// The first date-like pattern inside a longer text (for scanning the text
/// near a title). Returns UTC ms.
std::optional<int64_t> find_date(std::string_view text, int default_offset_minutes);

/// "2020-01-10T05:58:00+07:00" ("Z" when offset is 0 is NOT used: "+00:00").
std::string format_rfc3339(int64_t ms, int offset_minutes);

/// "Fri, 10 Jan 2020 05:58:00 GMT".
std::string format_rfc822(int64_t ms);

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/// UTC ms of a civil date-time at `offset_minutes`, or nullopt when a field
/// is out of range (month 1-12, day valid for the month, hour 0-23 (24:00:00
/// allowed), minute 0-59, second 0-60).
std::optional<int64_t> make_instant(int64_t y, int mo, int d, int h, int mi, int s, int ms,
                                    int offset_minutes);

}  // namespace syndicd::common
