// SPDX-License-Identifier: Apache-2.0
// The Pacific time zone behind the quota pause: offsets from the system's
// TZif file, the POSIX rule after its table, the built-in fallback, and the
// next midnight across both DST changes.
#include <gtest/gtest.h>
#include <syndicd/common/dates.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "zone.hpp"

namespace {

using syndicd::youtube::next_local_midnight;
using syndicd::youtube::pacific_time;
using syndicd::youtube::TimeZone;

constexpr int64_t kHour = 3600;

// UTC seconds of a civil UTC time.
int64_t utc(int64_t y, unsigned m, unsigned d, int64_t h = 0, int64_t mi = 0, int64_t s = 0) {
  return syndicd::common::days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
}
int64_t ms(int64_t seconds) {
  return seconds * 1000;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PacificTime, WinterAndSummerOffsets) {
  const TimeZone& la = pacific_time();
  EXPECT_EQ(la.offset_at(utc(2024, 1, 15, 12)), -8 * kHour);
  EXPECT_EQ(la.offset_at(utc(2024, 7, 1, 12)), -7 * kHour);
  // The change itself: 2024-03-10 02:00 PST = 10:00 UTC; 2024-11-03 02:00 PDT = 09:00 UTC.
  EXPECT_EQ(la.offset_at(utc(2024, 3, 10, 9, 59, 59)), -8 * kHour);
  EXPECT_EQ(la.offset_at(utc(2024, 3, 10, 10)), -7 * kHour);
  EXPECT_EQ(la.offset_at(utc(2024, 11, 3, 8, 59, 59)), -7 * kHour);
  EXPECT_EQ(la.offset_at(utc(2024, 11, 3, 9)), -8 * kHour);
  // Past the file's table (if it has one that ends): the footer rule.
  EXPECT_EQ(la.offset_at(utc(2050, 7, 1)), -7 * kHour);
  EXPECT_EQ(la.offset_at(utc(2050, 12, 1)), -8 * kHour);
}

TEST(PacificTime, NextMidnightOnOrdinaryDays) {
  const TimeZone& la = pacific_time();
  // 2024-01-15 15:00 PST → 2024-01-16 00:00 PST = 08:00 UTC.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 1, 15, 23))), ms(utc(2024, 1, 16, 8)));
  // 2024-07-01 23:59:59 PDT → 2024-07-02 00:00 PDT = 07:00 UTC.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 7, 2, 6, 59, 59))), ms(utc(2024, 7, 2, 7)));
  // Exactly at midnight: the next one, a day later.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 7, 2, 7))), ms(utc(2024, 7, 3, 7)));
  // Sub-second before midnight.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 7, 2, 7)) - 1), ms(utc(2024, 7, 2, 7)));
}

TEST(PacificTime, NextMidnightAcrossSpringForward) {
  const TimeZone& la = pacific_time();
  // 2024-03-09 23:59:59 PST → 2024-03-10 00:00 PST = 08:00 UTC.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 3, 10, 7, 59, 59))), ms(utc(2024, 3, 10, 8)));
  // 2024-03-10 00:30 PST (the day is 23 hours long) → 2024-03-11 00:00 PDT = 07:00 UTC.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 3, 10, 8, 30))), ms(utc(2024, 3, 11, 7)));
  // After the change, same day.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 3, 10, 20))), ms(utc(2024, 3, 11, 7)));
}

TEST(PacificTime, NextMidnightAcrossFallBack) {
  const TimeZone& la = pacific_time();
  // 2024-11-03 00:30 PDT → 2024-11-04 00:00 PST = 08:00 UTC (a 25-hour day).
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 11, 3, 7, 30))), ms(utc(2024, 11, 4, 8)));
  // 01:30 happens twice: first in PDT (08:30 UTC), then in PST (09:30 UTC).
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 11, 3, 8, 30))), ms(utc(2024, 11, 4, 8)));
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 11, 3, 9, 30))), ms(utc(2024, 11, 4, 8)));
  // 2024-11-02 23:00 PDT → 2024-11-03 00:00 PDT = 07:00 UTC.
  EXPECT_EQ(next_local_midnight(la, ms(utc(2024, 11, 3, 6))), ms(utc(2024, 11, 3, 7)));
}

TEST(PacificTime, BuiltInRuleMatchesTheSystemFile) {
  const auto file = TimeZone::load("/usr/share/zoneinfo/America/Los_Angeles");
  if (!file) GTEST_SKIP() << "no tzdata on this machine";
  const auto rule = TimeZone::from_posix("PST8PDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(rule);
  for (int64_t t = utc(2007, 1, 1); t < utc(2030, 1, 1); t += 1800)
    ASSERT_EQ(rule->offset_at(t), file->offset_at(t)) << t;
}

// The system's own answer (glibc, TZ set for this test process only).
TEST(PacificTime, AgreesWithGlibc) {
  if (!TimeZone::load("/usr/share/zoneinfo/America/Los_Angeles")) GTEST_SKIP() << "no tzdata";
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "America/Los_Angeles", 1);
  ::tzset();
  for (int64_t t = utc(1990, 1, 1); t < utc(2040, 1, 1); t += 7 * 3600 + 17) {
    const time_t tt = static_cast<time_t>(t);
    struct tm local {};
    ::localtime_r(&tt, &local);
    ASSERT_EQ(pacific_time().offset_at(t), local.tm_gmtoff) << t;
  }
  if (old)
    ::setenv("TZ", saved.c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
}

TEST(TimeZoneRule, FixedAndSouthernZones) {
  const auto ict = TimeZone::from_posix("<+07>-7");
  ASSERT_TRUE(ict);
  EXPECT_EQ(ict->offset_at(utc(2024, 7, 1)), 7 * kHour);
  EXPECT_EQ(next_local_midnight(*ict, ms(utc(2024, 7, 1, 12))), ms(utc(2024, 7, 1, 17)));
  // Sydney: DST from the first Sunday of October to the first Sunday of April (03:00).
  const auto syd = TimeZone::from_posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(syd);
  EXPECT_EQ(syd->offset_at(utc(2024, 1, 15)), 11 * kHour);
  EXPECT_EQ(syd->offset_at(utc(2024, 7, 1)), 10 * kHour);
  // 2024-04-07 03:00 AEDT = 2024-04-06 16:00 UTC.
  EXPECT_EQ(syd->offset_at(utc(2024, 4, 6, 15, 59)), 11 * kHour);
  EXPECT_EQ(syd->offset_at(utc(2024, 4, 6, 16)), 10 * kHour);
  // Julian-day forms.
  const auto j = TimeZone::from_posix("XST5XDT,J60/2,J300/2");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->offset_at(utc(2023, 6, 1)), -4 * kHour);
  EXPECT_EQ(j->offset_at(utc(2023, 12, 1)), -5 * kHour);
}

TEST(TimeZoneRule, RejectsGarbage) {
  EXPECT_FALSE(TimeZone::from_posix(""));
  EXPECT_FALSE(TimeZone::from_posix("P8"));
  EXPECT_FALSE(TimeZone::from_posix("PST8PDT,M13.2.0,M11.1.0"));
  EXPECT_FALSE(TimeZone::from_posix("PST8PDT,M3.2.0"));
  EXPECT_FALSE(TimeZone::from_tzif("TZif2 but far too short"));
  EXPECT_FALSE(TimeZone::from_tzif("not a tzif file at all, not at all, no, not even close"));
  EXPECT_FALSE(TimeZone::load("/nonexistent/zone"));
  // A real file cut anywhere is refused or read, never read out of bounds.
  const std::string whole = read("/usr/share/zoneinfo/America/Los_Angeles");
  for (size_t n = 0; n < whole.size(); n += 7) (void)TimeZone::from_tzif(whole.substr(0, n));
}

}  // namespace
