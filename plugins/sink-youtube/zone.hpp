// SPDX-License-Identifier: Apache-2.0
// Time zones for the youtube sink: YouTube's daily quota resets at midnight
// Pacific time (America/Los_Angeles), so a sink that ran out of quota pauses
// until then.
//
// Why not localtime_r with TZ=America/Los_Angeles: TZ is process-wide, and
// setting it on the loop thread would change local time for every other
// thread of the daemon. Why not <chrono> zones: libstdc++ 12 has none. So
// this reads the system's TZif file itself (RFC 8536: the 64-bit transition
// table plus the POSIX TZ footer for instants after the last transition),
// and falls back to the US rule written in, so a machine without tzdata
// still pauses until the right hour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::youtube {

class TimeZone {
 public:
  /// A POSIX TZ rule such as "PST8PDT,M3.2.0,M11.1.0" (offsets west of
  /// UTC, DST dates as Mm.w.d, Jn or n, optional /time); nullopt when it
  /// does not parse.
  static std::optional<TimeZone> from_posix(std::string_view rule);
  /// The contents of a TZif file (version 2 or later); nullopt when invalid.
  static std::optional<TimeZone> from_tzif(std::string_view bytes);
  /// from_tzif() of a file; nullopt when unreadable or invalid.
  static std::optional<TimeZone> load(const std::string& path);

  /// Seconds east of UTC in effect at `utc_seconds`.
  int64_t offset_at(int64_t utc_seconds) const;

 private:
  struct Rule {
    struct Date {
      char kind = 'M';  ///< 'M' (month.week.day), 'J' (1-365, no Feb 29), 'n' (0-365)
      int month = 0, week = 0, day = 0;
      int64_t time = 7200;  ///< seconds after local midnight
    };
    int64_t std_offset = 0;  ///< seconds east of UTC
    int64_t dst_offset = 0;
    bool has_dst = false;
    Date start, end;
    int64_t offset_at(int64_t utc_seconds) const;
    int64_t transition(int64_t year, const Date& d, int64_t offset_before) const;
  };
  static std::optional<Rule> parse_rule(std::string_view text);

  std::vector<int64_t> transitions_;  ///< UTC seconds, ascending
  std::vector<int64_t> offsets_;      ///< offset from each transition on
  int64_t initial_offset_ = 0;        ///< before the first transition
  std::optional<Rule> rule_;          ///< after the last transition
};

/// America/Los_Angeles from /usr/share/zoneinfo (or $TZDIR), else the US
/// rule since 2007 ("PST8PDT,M3.2.0,M11.1.0"). Loaded once.
const TimeZone& pacific_time();

/// The first local midnight in `zone` strictly after `now_ms` (UTC ms).
int64_t next_local_midnight(const TimeZone& zone, int64_t now_ms);

}  // namespace syndicd::youtube
