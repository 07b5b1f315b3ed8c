// SPDX-License-Identifier: Apache-2.0
#include "runtime/delivery_policy.hpp"

#include <algorithm>

namespace syndicd::runtime {

using std::chrono::milliseconds;
using Action = DeliveryDecision::Action;
using Reason = DeliveryDecision::Reason;

DeliveryDecision decide(const DeliveryOutcome& r, const RetrySettings& settings,
                        int64_t paused_until, int64_t now, double jitter) {
  DeliveryDecision d;
  d.paused_until = paused_until;
  if (r.pause_until > now) {
    // Deliveries in flight together may each report a pause: the longest
    // one holds (a 429's minute must not cut short a spent daily quota).
    d.paused_until = std::max(d.paused_until, r.pause_until);
    d.pause_reported = true;
  }
  d.failure = r.status != SYNDICD_OK;
  switch (r.status) {
    case SYNDICD_OK:
      d.action = Action::done;
      d.reason = Reason::delivered;
      return d;
    case SYNDICD_ERR_AUTH:
    case SYNDICD_ERR_NOT_IMPLEMENTED:
      // Nothing is wrong with the article: keep it pending, uncounted, and
      // pause the whole sink (for the sink's own pause, else kAuthPause).
      if (d.paused_until <= now) d.paused_until = now + kAuthPause.count();
      d.action = Action::hold;
      d.reason = Reason::refused;
      d.until = d.paused_until;
      return d;
    case SYNDICD_ERR_PERMANENT:
    case SYNDICD_ERR_CONFIG:
      d.action = Action::dead;
      d.reason = Reason::permanent;
      return d;
    case SYNDICD_ERR_RATE_LIMITED:
      if (d.paused_until > now) {
        // The sink paused (a spent quota, usage near its limit): that says
        // nothing about this article, so it is no attempt — a quota spent
        // for longer than max_attempts retries must not park it as dead.
        // It waits, pending, for the pause to end.
        d.action = Action::hold;
        d.reason = Reason::waits_for_pause;
        d.until = std::max(d.paused_until, now + std::max<int64_t>(r.retry_after_ms, 0));
        return d;
      }
      [[fallthrough]];  // one call throttled: a failed attempt, retried
    default:            // transient, internal, rate limited without a pause
      if (r.attempts + 1 >= settings.max_attempts) {
        d.action = Action::dead;
        d.reason = Reason::out_of_attempts;
        return d;
      }
      milliseconds delay =
          std::min(settings.retry_max, settings.retry * (int64_t{1} << std::min(r.attempts, 20)));
      delay = milliseconds(static_cast<int64_t>(static_cast<double>(delay.count()) * jitter));
      if (r.retry_after_ms > 0) delay = std::max(delay, milliseconds(r.retry_after_ms));
      d.action = Action::retry;
      d.reason = Reason::failed;
      d.delay = delay;
      d.until = now + delay.count();
      return d;
  }
}

Interrupted settle_interrupted(bool idempotent, bool can_reconcile) {
  if (idempotent) return Interrupted::redeliver;
  if (can_reconcile) return Interrupted::reconcile;
  return Interrupted::park;
}

}  // namespace syndicd::runtime
