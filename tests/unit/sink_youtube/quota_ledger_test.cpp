// SPDX-License-Identifier: Apache-2.0
// The youtube sink's quota ledger: charged before each call, never past
// the daily quota, a new day at midnight Pacific, shared by project, and
// kept across restarts through the state copy.
#include "quota_ledger.hpp"

#include <gtest/gtest.h>

#include "zone.hpp"

namespace syndicd::youtube {
namespace {

// 2024-03-10 08:30 UTC = 00:30 PST... Pacific midnight follows at 2024-03-11 07:00 UTC (PDT).
constexpr int64_t kNow = 1710059400000;
const int64_t kMidnight = next_local_midnight(pacific_time(), kNow);

TEST(QuotaLedger, NeverPassesTheDailyQuota) {
  QuotaLedger l;
  EXPECT_TRUE(l.charge(kNow, kListCost, 102));
  EXPECT_TRUE(l.charge(kNow, kUpdateCost, 102));
  EXPECT_TRUE(l.charge(kNow, kUpdateCost, 102));  // exactly 101
  EXPECT_EQ(l.spent(kNow), 101);
  EXPECT_FALSE(l.charge(kNow, 2, 102));
  EXPECT_EQ(l.spent(kNow), 101) << "a refused charge spends nothing";
  EXPECT_TRUE(l.charge(kNow, 1, 102));
  EXPECT_FALSE(l.charge(kNow + 1, 1, 102));
}

TEST(QuotaLedger, ANewDayAtMidnightPacific) {
  QuotaLedger l;
  l.exhaust(kNow, 10'000);
  EXPECT_FALSE(l.charge(kMidnight - 1, 1, 10'000));
  EXPECT_EQ(l.spent(kMidnight), 0);
  EXPECT_TRUE(l.charge(kMidnight, 1, 10'000));
  EXPECT_EQ(l.spent(kMidnight), 1);
}

TEST(QuotaLedger, TheStateCopyRestoresTodayOnly) {
  QuotaLedger before;
  ASSERT_TRUE(before.charge(kNow, 51, 10'000));
  const std::string copy = before.to_state(kNow);
  EXPECT_EQ(copy, std::to_string(kMidnight) + " 51");
  QuotaLedger after;  // a restart
  after.merge(copy, kNow + 60'000);
  EXPECT_EQ(after.spent(kNow + 60'000), 51);
  after.merge(std::to_string(kMidnight) + " 7", kNow);  // less than known: kept
  EXPECT_EQ(after.spent(kNow), 51);
  QuotaLedger tomorrow;
  tomorrow.merge(copy, kMidnight + 1);  // yesterday's spend
  EXPECT_EQ(tomorrow.spent(kMidnight + 1), 0);
  for (const char* junk : {"", "x y", "12", "1 -5", "99999999999999999999999 1"}) {
    QuotaLedger l;
    l.merge(junk, kNow);
    EXPECT_EQ(l.spent(kNow), 0) << junk;
  }
}

TEST(QuotaLedger, OnePerProjectInTheProcess) {
  auto a = QuotaLedger::of("project-shared");
  auto b = QuotaLedger::of("project-shared");
  auto c = QuotaLedger::of("project-other");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_TRUE(a->charge(kNow, 50, 100));
  EXPECT_FALSE(b->charge(kNow, 51, 100));
  EXPECT_TRUE(c->charge(kNow, 100, 100));
}

}  // namespace
}  // namespace syndicd::youtube
