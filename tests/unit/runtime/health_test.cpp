// SPDX-License-Identifier: Apache-2.0
// What counts as failing on /healthz (runtime/health.hpp), rule by rule.
#include "runtime/health.hpp"

#include <gtest/gtest.h>

namespace {

using syndicd::runtime::judge_health;
using syndicd::runtime::SinkHealthInput;
using syndicd::runtime::SourceHealthInput;
using syndicd::store::SourceState;

constexpr int64_t kNow = 1578610680000;  // 2020-01-09T22:58:00+00:00
constexpr int64_t kMinute = 60000;

SourceState failing(int failures, int64_t last_success, std::string error) {
  SourceState st;
  st.last_poll = kNow - kMinute;
  st.last_success = last_success;
  st.failures = failures;
  st.last_error = std::move(error);
  return st;
}

TEST(Health, NothingConfiguredIsHealthy) {
  EXPECT_TRUE(judge_health({}, {}, kNow).ok());
}

TEST(Health, FailuresWithinTheBackoffBudgetAreHealthy) {
  EXPECT_TRUE(judge_health({{"tin", failing(2, kNow - 10 * kMinute, "HTTP 503")}}, {}, kNow).ok());
}

TEST(Health, ThreeFailedPollsInARowNameTheSourceAndTheError) {
  const auto h =
      judge_health({{"ok", failing(0, kNow, "")},
                    {"tin", failing(3, kNow - 60 * kMinute, "HTTP 503 from https://a.vn/")}},
                   {}, kNow);
  ASSERT_EQ(h.failing.size(), 1u);
  EXPECT_EQ(h.failing[0].kind, "source");
  EXPECT_EQ(h.failing[0].name, "tin");
  EXPECT_EQ(h.failing[0].reason,
            "3 polls failed in a row since the last success at 2020-01-09T21:58:00+00:00: HTTP 503 "
            "from https://a.vn/");
  const auto never = judge_health({{"new", failing(4, 0, "")}}, {}, kNow);
  ASSERT_EQ(never.failing.size(), 1u);
  EXPECT_EQ(never.failing[0].reason, "4 polls failed in a row, none succeeded yet");
}

TEST(Health, ASourceTheQuarantineHoldsIsFailing) {
  SourceState st;
  st.held_until = kNow + kMinute;
  const auto h = judge_health({{"poison", st}}, {}, kNow);
  ASSERT_EQ(h.failing.size(), 1u);
  EXPECT_NE(h.failing[0].reason.find("crash quarantine until 2020-01-09T22:59:00+00:00"),
            std::string::npos);
  st.held_until = kNow;  // the hold is over
  EXPECT_TRUE(judge_health({{"poison", st}}, {}, kNow).ok());
}

TEST(Health, OnlyALongPauseMakesASinkFailing) {
  EXPECT_TRUE(judge_health({}, {{"page", kNow + 5 * kMinute, 3}}, kNow).ok()) << "a rate limit";
  EXPECT_TRUE(judge_health({}, {{"page", 0, 3}}, kNow).ok());
  const auto h = judge_health({}, {{"page", kNow + 60 * kMinute, 3}}, kNow);
  ASSERT_EQ(h.failing.size(), 1u);
  EXPECT_EQ(h.failing[0].kind, "sink");
  EXPECT_EQ(h.failing[0].reason,
            "paused until 2020-01-09T23:58:00+00:00 with 3 deliveries pending");
}

}  // namespace
