// SPDX-License-Identifier: Apache-2.0
// parse_date_format on the texts that made it quadratic: a format starting
// with %b over a page of letters read the letters again from each start
// position, one starting with whitespace the spaces. The work is counted in
// WorkBudget steps (about one per byte or start position examined), so the
// tests check linearity without a clock.
#include <gtest/gtest.h>

#include <string>

#include "fixture.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/common/dates.hpp"

namespace {

using syndicd::common::BudgetScope;
using syndicd::common::find_date;
using syndicd::common::parse_date_format;
using syndicd::common::WorkBudget;
using syndicd::fuzz_test::fixture;
using syndicd::fuzz_test::split_first_line;

constexpr int kVietnam = 7 * 60;
constexpr long long kJan10_2020 = 1578589200000LL;  // 2020-01-10T00:00:00+07:00

// Steps parse_date_format takes for `text`, and its result.
std::pair<uint64_t, std::optional<int64_t>> measured(const std::string& text,
                                                     const std::string& format) {
  WorkBudget budget;
  BudgetScope scope(budget);
  const auto v = parse_date_format(text, format, kVietnam);
  return {budget.steps(), v};
}

TEST(FuzzRegression, DatesSlow1MonthNameOverLetters) {
  const auto [format, text] = split_first_line(fixture("dates-slow-1"));
  ASSERT_EQ(format, "%b %d %Y");
  ASSERT_GT(text.size(), 16000u);
  const auto [steps, v] = measured(text, format);
  EXPECT_FALSE(v);
  EXPECT_LE(steps, 4 * text.size());
  // A date after the letters is still found, in as few steps.
  const auto [steps2, found] = measured(text + " Jan 10 2020", format);
  EXPECT_EQ(found, kJan10_2020);
  EXPECT_LE(steps2, 4 * text.size() + 64);
}

TEST(FuzzRegression, DatesSlow2LeadingSpaceOverSpaces) {
  const auto [format, text] = split_first_line(fixture("dates-slow-2"));
  ASSERT_EQ(format, " %d");
  ASSERT_GT(text.size(), 16000u);
  const auto [steps, v] = measured(text, format);
  EXPECT_FALSE(v);  // a day alone is no date
  EXPECT_LE(steps, 4 * text.size());
  // Whitespace in the middle and around punctuation, after long runs of it:
  // still found, still linear.
  const std::string spaces(text.size(), ' ');
  const auto [steps2, found] = measured(spaces + "10 /  01 / 2020", "%d / %m / %Y");
  EXPECT_EQ(found, kJan10_2020);
  EXPECT_LE(steps2, 4 * spaces.size() + 64);
  const auto [steps3, found3] =
      measured("10" + spaces + "01" + spaces + "2020" + spaces + "x", " %d %m %Y x");
  EXPECT_EQ(found3, kJan10_2020);
  EXPECT_LE(steps3, 4 * 3 * spaces.size() + 64);
}

// find_date over many dates and times: each date looks for its time by a
// binary search, not by walking every time in the text.
TEST(FuzzRegression, FindDateManyDatesAndTimes) {
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "10:15 x 99/99/2020 ";
  text += "10/01/2020";
  WorkBudget budget;
  BudgetScope scope(budget);
  EXPECT_EQ(find_date(text, kVietnam), kJan10_2020);
  EXPECT_LE(budget.steps(), 2 * text.size());
}

}  // namespace
