// SPDX-License-Identifier: Apache-2.0
// parse_date and friends (common//dates.hpp): the date forms real
// Vietnamese and international feeds and pages use.
#include <gtest/gtest.h>
#include <cstdio>
#include <iterator>
#include <random>
#include <syndicd/common/dates.hpp>

#include <string>

namespace {

using syndicd::common::find_date;
using syndicd::common::format_rfc3339;
using syndicd::common::format_rfc822;
using syndicd::common::make_instant;
using syndicd::common::parse_date;
using syndicd::common::parse_date_format;
using syndicd::common::parse_utc_offset;

constexpr int kIct = 420;  // +07:00

// The instant as RFC 3339 at +07:00, or "none": failures show both sides
// readably.
std::string ict(std::string_view text, int default_offset = kIct) {
  auto v = parse_date(text, default_offset);
  return v ? format_rfc3339(*v, kIct) : "none";
}

TEST(ParseUtcOffset, NumericForms) {
  EXPECT_EQ(parse_utc_offset("+07:00"), 420);
  EXPECT_EQ(parse_utc_offset("+0700"), 420);
  EXPECT_EQ(parse_utc_offset("+07"), 420);
  EXPECT_EQ(parse_utc_offset("+7"), 420);
  EXPECT_EQ(parse_utc_offset("-05:30"), -330);
  EXPECT_EQ(parse_utc_offset("-0330"), -210);
  EXPECT_EQ(parse_utc_offset("+05:45"), 345);
  EXPECT_EQ(parse_utc_offset(" +07:00 "), 420);
}

TEST(ParseUtcOffset, NamedForms) {
  EXPECT_EQ(parse_utc_offset("UTC"), 0);
  EXPECT_EQ(parse_utc_offset("GMT"), 0);
  EXPECT_EQ(parse_utc_offset("Z"), 0);
  EXPECT_EQ(parse_utc_offset("GMT+7"), 420);
  EXPECT_EQ(parse_utc_offset("GMT+07:00"), 420);
  EXPECT_EQ(parse_utc_offset("UTC+07:00"), 420);
  EXPECT_EQ(parse_utc_offset("UTC-3"), -180);
  EXPECT_EQ(parse_utc_offset("ICT"), 420);
  EXPECT_EQ(parse_utc_offset("EST"), -300);
  EXPECT_EQ(parse_utc_offset("PDT"), -420);
  EXPECT_EQ(parse_utc_offset("cet"), 60);
}

TEST(ParseUtcOffset, Rejects) {
  EXPECT_FALSE(parse_utc_offset(""));
  EXPECT_FALSE(parse_utc_offset("07:00"));
  EXPECT_FALSE(parse_utc_offset("+25:00"));
  EXPECT_FALSE(parse_utc_offset("+07:75"));
  EXPECT_FALSE(parse_utc_offset("Asia/Ho_Chi_Minh"));
  EXPECT_FALSE(parse_utc_offset("+07:00 extra"));
  EXPECT_FALSE(parse_utc_offset("XYZ"));
}

TEST(MakeInstant, EpochAndRanges) {
  EXPECT_EQ(make_instant(1970, 1, 1, 0, 0, 0, 0, 0), 0);
  EXPECT_EQ(make_instant(1970, 1, 1, 7, 0, 0, 0, 420), 0);
  EXPECT_EQ(make_instant(2020, 1, 10, 5, 58, 0, 0, 420), 1578610680000);
  EXPECT_EQ(make_instant(2020, 2, 29, 0, 0, 0, 0, 0), 1582934400000);
  EXPECT_FALSE(make_instant(2019, 2, 29, 0, 0, 0, 0, 0));
  EXPECT_FALSE(make_instant(2020, 13, 1, 0, 0, 0, 0, 0));
  EXPECT_FALSE(make_instant(2020, 4, 31, 0, 0, 0, 0, 0));
  EXPECT_FALSE(make_instant(2020, 1, 1, 24, 1, 0, 0, 0));
  EXPECT_EQ(make_instant(2020, 1, 1, 24, 0, 0, 0, 0), make_instant(2020, 1, 2, 0, 0, 0, 0, 0));
  EXPECT_EQ(make_instant(1900, 3, 1, 0, 0, 0, 0, 0), -2203891200000);
}

TEST(ParseDate, Rfc822) {
  EXPECT_EQ(ict("Fri, 10 Jan 2020 05:58:00 +0700"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Thu, 09 Jan 2020 03:15:00 GMT"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Thu, 09 Jan 2020 03:15:00 UT"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Thu, 09 Jan 2020 03:15:00 Z"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Wed, 08 Jan 2020 22:15:00 EST"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Wed, 08 Jan 2020 20:15:00 PDT"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Thu, 09 Jan 2020 04:15:00 +0100"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Thu, 09 Jan 2020 00:45:00 -0230"), "2020-01-09T10:15:00+07:00");
}

TEST(ParseDate, Rfc822RealWorldVariants) {
  // Missing weekday, single-digit day, no seconds, two-digit year.
  EXPECT_EQ(ict("10 Jan 2020 05:58:00 +0700"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Tue, 7 Jan 2020 14:30:00 +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 7 Jan 2020 14:30 +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 20 14:30:00 +0700"), "2020-01-07T14:30:00+07:00");
  // GMT+7 and friends, with and without a space.
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00 GMT+7"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00 GMT+07:00"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00 GMT +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00 UTC+07:00"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00 +07:00"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00 ICT"), "2020-01-07T14:30:00+07:00");
  // Full month and day names, a period after the abbreviation, lower case.
  EXPECT_EQ(ict("Tuesday, 07 January 2020 14:30:00 +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan. 2020 14:30:00 +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("tue, 07 jan 2020 14:30:00 +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Sept 2021 14:30:00 +0700"), "2021-09-07T14:30:00+07:00");
  // No zone at all: the default offset.
  EXPECT_EQ(ict("Tue, 07 Jan 2020 14:30:00"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 07:30:00", 0), "2020-01-07T14:30:00+07:00");
  // Date only.
  EXPECT_EQ(ict("07 Jan 2020"), "2020-01-07T00:00:00+07:00");
  // Extra whitespace and a zone in parentheses.
  EXPECT_EQ(ict("  Tue,  07 Jan 2020   14:30:00   +0700  "), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Tue, 07 Jan 2020 07:30:00 +0000 (UTC)"), "2020-01-07T14:30:00+07:00");
}

TEST(ParseDate, UsFormsAndAsctime) {
  EXPECT_EQ(ict("Jan 7, 2020 14:30:00 +0700"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("January 7th, 2020"), "2020-01-07T00:00:00+07:00");
  EXPECT_EQ(ict("Tue Jan  7 07:30:00 2020", 0), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Jan 7, 2020 2:30 PM"), "2020-01-07T14:30:00+07:00");
  EXPECT_EQ(ict("Jan 7, 2020 12:05 am"), "2020-01-07T00:05:00+07:00");
}

TEST(ParseDate, Iso8601) {
  EXPECT_EQ(ict("2020-01-10T05:58:00+07:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-09T22:58:00Z"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-09T22:58:00z"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-09T22:58:00.123Z"), "2020-01-10T05:58:00.123+07:00");
  EXPECT_EQ(ict("2020-01-09T22:58:00.123456789Z"), "2020-01-10T05:58:00.123+07:00");
  EXPECT_EQ(ict("2020-01-09T17:58:00-05:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-10T05:58:00+0700"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-10T05:58+07:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-10 05:58:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-10T05:58:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-10"), "2020-01-10T00:00:00+07:00");
  EXPECT_EQ(ict("2020-01-09 22:58:00 UTC"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-09T22:58:00+00:00"), "2020-01-10T05:58:00+07:00");
  // Leap day, leap second (read as :60 → the next minute), end of year.
  EXPECT_EQ(ict("2020-02-29T12:00:00+07:00"), "2020-02-29T12:00:00+07:00");
  EXPECT_EQ(ict("2016-12-31T23:59:60Z"), "2017-01-01T07:00:00+07:00");
  EXPECT_EQ(ict("2019-12-31T23:30:00-01:00"), "2020-01-01T07:30:00+07:00");
}

TEST(ParseDate, Vietnamese) {
  EXPECT_EQ(ict("05:58 | 10/01/2020"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("10/01/2020 05:58"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("10/01/2020 - 05:58"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("10/01/2020 05:58 (GMT+7)"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("10/01/2020 05:58 GMT+7"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Thứ tư, 08/04/2020 - 02:46"), "2020-04-08T02:46:00+07:00");
  EXPECT_EQ(ict("Thứ Sáu, 10/1/2020, 05:58 (GMT+7)"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Cập nhật: 10:15 ngày 9/1/2020"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("Cập nhật lúc 10:15, 09/01/2020"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("ngày 9 tháng 1 năm 2020"), "2020-01-09T00:00:00+07:00");
  EXPECT_EQ(ict("Ngày 09 tháng 01, năm 2020 lúc 10:15"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("09-01-2020 10:15"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("09.01.2020 10:15"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("10h15 ngày 09/01/2020"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("09/01/2020 10g15"), "2020-01-09T10:15:00+07:00");
  EXPECT_EQ(ict("14:30:15 07/01/2020"), "2020-01-07T14:30:15+07:00");
  EXPECT_EQ(ict("07/01/20"), "2020-01-07T00:00:00+07:00");
  // Composed and decomposed Vietnamese must read the same.
  EXPECT_EQ(ict("nga\xCC\x80y 9 tha\xCC\x81ng 1 na\xCC\x86m 2020"), "2020-01-09T00:00:00+07:00");
  // Afternoon markers: CH (chiều) and SA (sáng).
  EXPECT_EQ(ict("09/01/2020 02:15 CH"), "2020-01-09T14:15:00+07:00");
  EXPECT_EQ(ict("09/01/2020 10:15 SA"), "2020-01-09T10:15:00+07:00");
}

TEST(ParseDate, MoreRealWorldShapes) {
  EXPECT_EQ(ict("Fri,10 Jan 2020 05:58:00 +0700"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Fri, 10 Jan 2020 5:58:00 +0700"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Fri, 10 Jan 2020 05:58:00 +07"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Fri, 10 Jan 2020 05:58:00 GMT+0700"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Fri, 10 Jan 2020 05:58:00 +0700 (ICT)"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Thu, 09 Jan 2020 24:00:00 +0700"), "2020-01-10T00:00:00+07:00");
  EXPECT_EQ(ict("2020-01-10T05:58:00.000+07:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020-01-10T05:58:00 +07:00"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("2020/01/10 05:58"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("Friday, January 10, 2020 5:58 AM"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("10/1/2020 5:58:00 PM"), "2020-01-10T17:58:00+07:00");
  EXPECT_EQ(ict("Thứ Sáu, ngày 10/01/2020 05:58"), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict("05:58 AM 10/01/2020"), "2020-01-10T05:58:00+07:00");
}

TEST(ParseDate, DayBeforeMonthUnlessImpossible) {
  EXPECT_EQ(ict("03/04/2020"), "2020-04-03T00:00:00+07:00");
  // A 13+ "month" means the writer used M/D/Y.
  EXPECT_EQ(ict("04/13/2020"), "2020-04-13T00:00:00+07:00");
}

TEST(ParseDate, Rejects) {
  EXPECT_EQ(ict(""), "none");
  EXPECT_EQ(ict("   "), "none");
  EXPECT_EQ(ict("hôm qua"), "none");
  EXPECT_EQ(ict("32/01/2020"), "none");
  EXPECT_EQ(ict("29/02/2019"), "none");
  EXPECT_EQ(ict("2020-13-01"), "none");
  EXPECT_EQ(ict("Tue, 07 Foo 2020 14:30:00 +0700"), "none");
  EXPECT_EQ(ict("1.2.3.4"), "none");
  EXPECT_EQ(ict("0913.068.624"), "none");
  EXPECT_EQ(ict("25:00 10/01/2020"), "2020-01-10T00:00:00+07:00");
}

TEST(ParseDate, NeverReadsInsideLongerNumbers) {
  EXPECT_EQ(ict("110/01/2020"), "none");
  EXPECT_EQ(ict("Hotline: 0913.068.624 | 0912.194.333"), "none");
}

TEST(FindDate, InsideText) {
  auto v = find_date("Đăng lúc 05:58 | 10/01/2020 bởi Minh Thúy", kIct);
  ASSERT_TRUE(v);
  EXPECT_EQ(format_rfc3339(*v, kIct), "2020-01-10T05:58:00+07:00");
  EXPECT_FALSE(find_date("Không có ngày tháng ở đây", kIct));
}

TEST(ParseDateFormat, Strptime) {
  auto v = parse_date_format("Ngày đăng: 05:58 | 10/01/2020", "%H:%M | %d/%m/%Y", kIct);
  ASSERT_TRUE(v);
  EXPECT_EQ(format_rfc3339(*v, kIct), "2020-01-10T05:58:00+07:00");
  v = parse_date_format("10 Jan 2020 05:58 +0000", "%d %b %Y %H:%M %z", kIct);
  ASSERT_TRUE(v);
  EXPECT_EQ(format_rfc3339(*v, kIct), "2020-01-10T12:58:00+07:00");
  v = parse_date_format("2:05 PM 10/01/20", "%I:%M %p %d/%m/%y", kIct);
  ASSERT_TRUE(v);
  EXPECT_EQ(format_rfc3339(*v, kIct), "2020-01-10T14:05:00+07:00");
  EXPECT_FALSE(parse_date_format("10/01/2020", "%Y-%m-%d", kIct));
  EXPECT_FALSE(parse_date_format("31/02/2020", "%d/%m/%Y", kIct));
  EXPECT_FALSE(parse_date_format("anything", "", kIct));
}

TEST(FormatDates, Rfc3339AndRfc822) {
  EXPECT_EQ(format_rfc3339(1578610680000, 420), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(format_rfc3339(1578610680000, 0), "2020-01-09T22:58:00+00:00");
  EXPECT_EQ(format_rfc3339(1578610680123, -330), "2020-01-09T17:28:00.123-05:30");
  EXPECT_EQ(format_rfc3339(-1000, 0), "1969-12-31T23:59:59+00:00");
  EXPECT_EQ(format_rfc822(1578610680000), "Thu, 09 Jan 2020 22:58:00 GMT");
  EXPECT_EQ(format_rfc822(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  // Round trip through the parser.
  EXPECT_EQ(parse_date(format_rfc822(1578610680000), kIct), 1578610680000);
  EXPECT_EQ(parse_date(format_rfc3339(1578610680123, 420), 0), 1578610680123);
}

// parse_date() reads exact RFC 3339 and RFC 822 without the general
// scanner; find_date() always scans. They must agree on every such date,
// including the ones the fast path hands over (out of range, odd zones).
TEST(Dates, CanonicalFormsReadAsTheScannerReadsThem) {
  std::mt19937 rng(42);
  const char* days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const char* zones822[] = {"+0700", "-0500", "+0000", "GMT", "UTC", "UT", "Z", "+1300", "+2400"};
  const char* zones3339[] = {"Z", "+07:00", "-05:30", "+00:00", "z", "+19:00"};
  const char* fractions[] = {"", ".5", ".123", ".123456789", ".0"};
  for (int round = 0; round < 5000; ++round) {
    const int y = 1990 + static_cast<int>(rng() % 60), mo = 1 + static_cast<int>(rng() % 12);
    const int d = 1 + static_cast<int>(rng() % 31), h = static_cast<int>(rng() % 25);
    const int mi = static_cast<int>(rng() % 61), sec = static_cast<int>(rng() % 62);
    char a[64], b[64];
    std::snprintf(a, sizeof a, "%s, %02d %s %04d %02d:%02d:%02d %s", days[rng() % 7], d,
                  months[mo - 1], y, h, mi, sec, zones822[rng() % std::size(zones822)]);
    std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", y, mo, d, h, mi, sec,
                  fractions[rng() % std::size(fractions)], zones3339[rng() % std::size(zones3339)]);
    for (const char* text : {a, b}) ASSERT_EQ(parse_date(text, 420), find_date(text, 420)) << text;
  }
}

}  // namespace
