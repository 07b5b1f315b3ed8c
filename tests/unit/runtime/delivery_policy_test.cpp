// SPDX-License-Identifier: Apache-2.0
// Every rule of the delivery policy (DESIGN.md §1.5, §6), without a daemon:
// runtime/delivery_policy.hpp decides, these tests read the decision.
#include "runtime/delivery_policy.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace syndicd::runtime {
namespace {

using std::chrono::milliseconds;
using Action = DeliveryDecision::Action;
using Reason = DeliveryDecision::Reason;

constexpr int64_t kNow = 1'000'000'000;
constexpr double kNoJitter = 1.0;

const RetrySettings kSettings{5, milliseconds(1000), milliseconds(10'000)};

DeliveryOutcome outcome(syndicd_status status, int attempts = 0) {
  DeliveryOutcome o;
  o.status = status;
  o.attempts = attempts;
  return o;
}

DeliveryDecision decide_now(const DeliveryOutcome& o, int64_t paused_until = 0,
                            double jitter = kNoJitter) {
  return decide(o, kSettings, paused_until, kNow, jitter);
}

TEST(DeliveryPolicy, SuccessIsDone) {
  const auto d = decide_now(outcome(SYNDICD_OK));
  EXPECT_EQ(d.action, Action::done);
  EXPECT_EQ(d.reason, Reason::delivered);
  EXPECT_FALSE(d.failure);
  EXPECT_FALSE(d.pause_reported);
  EXPECT_EQ(d.paused_until, 0);
}

TEST(DeliveryPolicy, SuccessAtTheLastAttemptIsStillDone) {
  EXPECT_EQ(decide_now(outcome(SYNDICD_OK, kSettings.max_attempts - 1)).action, Action::done);
}

TEST(DeliveryPolicy, PermanentAndConfigErrorsAreDeadAtOnce) {
  for (const auto status : {SYNDICD_ERR_PERMANENT, SYNDICD_ERR_CONFIG}) {
    const auto d = decide_now(outcome(status));
    EXPECT_EQ(d.action, Action::dead) << status;
    EXPECT_EQ(d.reason, Reason::permanent) << status;
    EXPECT_TRUE(d.failure) << status;
  }
}

TEST(DeliveryPolicy, TransientFailuresBackOffExponentially) {
  // retry × 2^attempts: 1 s, 2 s, 4 s, 8 s.
  for (int attempts = 0; attempts < 4; ++attempts) {
    const auto d = decide_now(outcome(SYNDICD_ERR_TRANSIENT, attempts));
    EXPECT_EQ(d.action, Action::retry) << attempts;
    EXPECT_EQ(d.reason, Reason::failed) << attempts;
    EXPECT_EQ(d.delay, milliseconds(1000 << attempts)) << attempts;
    EXPECT_EQ(d.until, kNow + (1000 << attempts)) << attempts;
    EXPECT_TRUE(d.failure);
  }
}

TEST(DeliveryPolicy, TheBackoffIsCappedAtRetryMax) {
  RetrySettings many{100, milliseconds(1000), milliseconds(10'000)};
  EXPECT_EQ(decide(outcome(SYNDICD_ERR_TRANSIENT, 4), many, 0, kNow, kNoJitter).delay,
            milliseconds(10'000));
  // A huge attempt count neither overflows the shift nor passes the cap.
  EXPECT_EQ(decide(outcome(SYNDICD_ERR_TRANSIENT, 60), many, 0, kNow, kNoJitter).delay,
            milliseconds(10'000));
}

TEST(DeliveryPolicy, TheJitterScalesTheDelay) {
  EXPECT_EQ(decide_now(outcome(SYNDICD_ERR_TRANSIENT, 1), 0, 1.0 - kRetryJitter).delay,
            milliseconds(1600));
  EXPECT_EQ(decide_now(outcome(SYNDICD_ERR_TRANSIENT, 1), 0, 1.0 + kRetryJitter).delay,
            milliseconds(2400));
}

TEST(DeliveryPolicy, RetryAfterIsTheEarliestRetry) {
  auto o = outcome(SYNDICD_ERR_TRANSIENT);
  o.retry_after_ms = 30'000;
  const auto d = decide_now(o);
  EXPECT_EQ(d.delay, milliseconds(30'000));
  EXPECT_EQ(d.until, kNow + 30'000);
  // A shorter Retry-After does not shorten the backoff.
  o.attempts = 3;
  o.retry_after_ms = 10;
  EXPECT_EQ(decide_now(o).delay, milliseconds(8000));
}

TEST(DeliveryPolicy, InternalErrorsAreRetriedLikeTransientOnes) {
  // (A status outside the enum is no value of syndicd_status at all: the
  // sanitizer build rejects even loading one, so it is not tested here.)
  const auto d = decide_now(outcome(SYNDICD_ERR_INTERNAL, 2));
  EXPECT_EQ(d.action, Action::retry);
  EXPECT_EQ(d.delay, milliseconds(4000));
}

TEST(DeliveryPolicy, TheLastAllowedAttemptFailingIsDead) {
  const auto last = decide_now(outcome(SYNDICD_ERR_TRANSIENT, kSettings.max_attempts - 1));
  EXPECT_EQ(last.action, Action::dead);
  EXPECT_EQ(last.reason, Reason::out_of_attempts);
  EXPECT_TRUE(last.failure);
  EXPECT_EQ(decide_now(outcome(SYNDICD_ERR_TRANSIENT, kSettings.max_attempts - 2)).action,
            Action::retry);
}

TEST(DeliveryPolicy, OneThrottledCallWithoutAPauseIsAFailedAttempt) {
  auto o = outcome(SYNDICD_ERR_RATE_LIMITED, 1);
  o.retry_after_ms = 5000;
  const auto d = decide_now(o);
  EXPECT_EQ(d.action, Action::retry);
  EXPECT_EQ(d.delay, milliseconds(5000));
  EXPECT_EQ(decide_now(outcome(SYNDICD_ERR_RATE_LIMITED, kSettings.max_attempts - 1)).action,
            Action::dead);
}

TEST(DeliveryPolicy, RateLimitedWhilePausedWaitsWithoutCountingAnAttempt) {
  // The sink pauses for an hour (a spent quota): the delivery holds, even
  // at its last allowed attempt, until the pause ends.
  auto o = outcome(SYNDICD_ERR_RATE_LIMITED, kSettings.max_attempts - 1);
  o.pause_until = kNow + 3'600'000;
  const auto d = decide_now(o);
  EXPECT_EQ(d.action, Action::hold);
  EXPECT_EQ(d.reason, Reason::waits_for_pause);
  EXPECT_EQ(d.until, kNow + 3'600'000);
  EXPECT_EQ(d.paused_until, kNow + 3'600'000);
  EXPECT_TRUE(d.pause_reported);
  EXPECT_TRUE(d.failure);
}

TEST(DeliveryPolicy, RateLimitedWhileAlreadyPausedWaitsForTheRunningPause) {
  const auto d = decide_now(outcome(SYNDICD_ERR_RATE_LIMITED), kNow + 60'000);
  EXPECT_EQ(d.action, Action::hold);
  EXPECT_EQ(d.until, kNow + 60'000);
  EXPECT_FALSE(d.pause_reported);
}

TEST(DeliveryPolicy, AHeldDeliveryWaitsForALaterRetryAfter) {
  auto o = outcome(SYNDICD_ERR_RATE_LIMITED);
  o.pause_until = kNow + 1000;
  o.retry_after_ms = 90'000;
  EXPECT_EQ(decide_now(o).until, kNow + 90'000);
  o.retry_after_ms = -5;  // nonsense from a sink: ignored
  EXPECT_EQ(decide_now(o).until, kNow + 1000);
}

TEST(DeliveryPolicy, RefusedCredentialsHoldTheDeliveryAndPauseTheSink) {
  for (const auto status : {SYNDICD_ERR_AUTH, SYNDICD_ERR_NOT_IMPLEMENTED}) {
    const auto d = decide_now(outcome(status, kSettings.max_attempts - 1));
    EXPECT_EQ(d.action, Action::hold) << status;
    EXPECT_EQ(d.reason, Reason::refused) << status;
    EXPECT_EQ(d.paused_until, kNow + kAuthPause.count()) << status;
    EXPECT_EQ(d.until, d.paused_until) << status;
    EXPECT_FALSE(d.pause_reported) << status;  // the default pause is not the sink's
    EXPECT_TRUE(d.failure) << status;
  }
}

TEST(DeliveryPolicy, RefusedCredentialsKeepTheSinksOwnPause) {
  auto o = outcome(SYNDICD_ERR_AUTH);
  o.pause_until = kNow + 10 * 60'000;
  const auto d = decide_now(o);
  EXPECT_EQ(d.paused_until, kNow + 10 * 60'000);
  EXPECT_EQ(d.until, kNow + 10 * 60'000);
  EXPECT_TRUE(d.pause_reported);
  // Refused while a longer pause runs: the longer one holds.
  EXPECT_EQ(decide_now(outcome(SYNDICD_ERR_AUTH), kNow + 5 * 3'600'000).paused_until,
            kNow + 5 * 3'600'000);
}

TEST(DeliveryPolicy, TheLongestPauseHolds) {
  auto o = outcome(SYNDICD_ERR_RATE_LIMITED);
  o.pause_until = kNow + 1000;  // a throttled call after a spent daily quota
  const auto d = decide_now(o, kNow + 3'600'000);
  EXPECT_EQ(d.paused_until, kNow + 3'600'000);
  EXPECT_EQ(d.until, kNow + 3'600'000);
  EXPECT_TRUE(d.pause_reported);
  // And a longer pause extends a shorter one.
  o.pause_until = kNow + 7'200'000;
  EXPECT_EQ(decide_now(o, kNow + 1000).paused_until, kNow + 7'200'000);
}

TEST(DeliveryPolicy, APauseInThePastIsNoPause) {
  auto o = outcome(SYNDICD_ERR_RATE_LIMITED);
  o.pause_until = kNow;  // not after now
  const auto d = decide_now(o, kNow - 1);
  EXPECT_FALSE(d.pause_reported);
  EXPECT_EQ(d.action, Action::retry);
}

TEST(DeliveryPolicy, ASuccessThatAsksForAPausePausesTheSink) {
  // Usage near its limit: this one went out, the next ones wait.
  auto o = outcome(SYNDICD_OK);
  o.pause_until = kNow + 60'000;
  const auto d = decide_now(o);
  EXPECT_EQ(d.action, Action::done);
  EXPECT_TRUE(d.pause_reported);
  EXPECT_EQ(d.paused_until, kNow + 60'000);
}

TEST(DeliveryPolicy, AFailureDuringAPauseKeepsThePause) {
  const auto d = decide_now(outcome(SYNDICD_ERR_PERMANENT), kNow + 60'000);
  EXPECT_EQ(d.action, Action::dead);
  EXPECT_EQ(d.paused_until, kNow + 60'000);
}

TEST(DeliveryPolicy, AnIdempotentSinkDeliversAnInterruptedDeliveryAgain) {
  EXPECT_EQ(settle_interrupted(true, false), Interrupted::redeliver);
  EXPECT_EQ(settle_interrupted(true, true), Interrupted::redeliver);
}

TEST(DeliveryPolicy, ASinkThatCanReconcileIsAskedFirst) {
  EXPECT_EQ(settle_interrupted(false, true), Interrupted::reconcile);
}

TEST(DeliveryPolicy, AnyOtherSinkParksAnInterruptedDeliveryRatherThanPostTwice) {
  EXPECT_EQ(settle_interrupted(false, false), Interrupted::park);
}

}  // namespace
}  // namespace syndicd::runtime
