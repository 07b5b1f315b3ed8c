// SPDX-License-Identifier: Apache-2.0
// The delivery policy (DESIGN.md §1.5, §6): what a sink's answer to one
// delivery means for the store — done, retried later, held behind the
// sink's pause, or parked as dead — and what a delivery left in flight by a
// stop becomes. Pure: no store, no clock, no randomness of its own, so
// every rule is tested without a daemon (tests/unit/runtime/).
//
// The rules:
//   - ok: done, with the sink's external id.
//   - permanent or config: dead at once; retrying cannot help.
//   - auth or not implemented: nothing is wrong with the article. It stays
//     pending, uncounted, until the sink's pause ends (the sink's own pause,
//     else kAuthPause), and the whole sink pauses.
//   - rate limited while the sink is paused (a spent quota): no attempt; it
//     waits, pending, for the pause (or the Retry-After, whichever is later).
//   - anything else (transient, internal, one throttled call): a failed
//     attempt, retried after retry × 2^attempts (capped at retry_max,
//     jittered, never before Retry-After); dead at max_attempts.
//   - a pause the sink reports extends the sink's pause, never shortens it:
//     deliveries in flight together may each report one, and a 429's
//     minute must not cut short a spent daily quota.
//   - in flight when the daemon stopped: an idempotent sink delivers again,
//     a sink that can reconcile is asked first, any other parks it as dead
//     rather than post twice.
#pragma once

#include <syndicd/abi.h>

#include <chrono>
#include <cstdint>

namespace syndicd::runtime {

/// A sink's retry settings (sinks.<name>.max_attempts, retry, retry_max).
struct RetrySettings {
  int max_attempts = 8;
  std::chrono::milliseconds retry{60'000};
  std::chrono::milliseconds retry_max{6 * 3'600'000};
};

/// How long a sink that rejected its credentials (or is not implemented)
/// waits before trying again when it names no time itself.
inline constexpr std::chrono::milliseconds kAuthPause = std::chrono::hours(1);

/// The spread of a retry's delay: ±20 %.
inline constexpr double kRetryJitter = 0.2;

/// What the sink said about one delivery.
struct DeliveryOutcome {
  syndicd_status status = SYNDICD_OK;
  int attempts = 0;            ///< attempts counted before this one
  int64_t retry_after_ms = 0;  ///< the sink's Retry-After; 0 = none
  int64_t pause_until = 0;     ///< ms since epoch the sink asks to pause until; 0 = none
};

/// What the store does with it.
struct DeliveryDecision {
  enum class Action {
    done,   ///< mark_done with the external id
    hold,   ///< stays pending, no attempt counted, until `until`
    retry,  ///< mark_retry, due at `until`
    dead,   ///< mark_dead with the sink's message
  };
  /// Why: each reason has its own log line.
  enum class Reason {
    delivered,
    refused,          ///< auth / not implemented: the sink pauses
    waits_for_pause,  ///< rate limited while paused: no attempt
    permanent,        ///< permanent / config
    out_of_attempts,  ///< failed max_attempts times
    failed,           ///< a failed attempt, retried
  };
  Action action = Action::done;
  Reason reason = Reason::delivered;
  int64_t until = 0;                   ///< hold / retry: ms since epoch
  std::chrono::milliseconds delay{0};  ///< retry: from now
  int64_t paused_until = 0;            ///< the sink's pause after this outcome; ≤ now = none
  bool pause_reported = false;         ///< the sink asked for a pause (it is logged)
  bool failure = false;                ///< not delivered: `once` exits 1
};

/// Decide `outcome` at `now` (ms) for a sink paused until `paused_until`
/// (≤ now: not paused) with `settings`. `jitter` is the retry delay's
/// factor, drawn by the caller from [1 - kRetryJitter, 1 + kRetryJitter].
DeliveryDecision decide(const DeliveryOutcome& outcome, const RetrySettings& settings,
                        int64_t paused_until, int64_t now, double jitter);

/// What becomes of a delivery found in flight at a start.
enum class Interrupted {
  redeliver,  ///< idempotent sink: pending again, due now
  reconcile,  ///< ask the sink whether it was delivered
  park,       ///< dead: delivering again could post it twice
};
Interrupted settle_interrupted(bool idempotent, bool can_reconcile);

}  // namespace syndicd::runtime
