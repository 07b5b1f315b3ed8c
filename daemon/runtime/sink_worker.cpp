// SPDX-License-Identifier: Apache-2.0
#include "runtime/sink_worker.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <ostream>

#include "log/log.hpp"
#include "syndicd/common/dates.hpp"

namespace syndicd::runtime {

using std::chrono::milliseconds;

namespace {

// The state file refused a write (full, locked, read-only): the first
// retry of the pump it stopped, doubling up to a minute.
constexpr milliseconds kStoreRetry = std::chrono::seconds(5);

}  // namespace

SinkWorker::SinkWorker(EngineContext& context, std::string name, plugin_host::Instance* instance,
                       const config::SinkKeys& keys, Hooks hooks)
    : context_(context),
      hooks_(std::move(hooks)),
      name_(std::move(name)),
      instance_(instance),
      idempotent_(instance != nullptr &&
                  (instance->plugin().descriptor.flags & SYNDICD_PLUGIN_IDEMPOTENT)),
      review_(keys.review),
      concurrency_(static_cast<size_t>(keys.concurrency)),
      retry_{keys.max_attempts, keys.retry, keys.retry_max},
      timer_(context.environment.io()) {}

SinkWorker::~SinkWorker() {
  *alive_ = false;
  stop();
}

void SinkWorker::stop() {
  timer_.cancel();
}

void SinkWorker::retire() {
  retired_ = true;
  stop();
}

void SinkWorker::resume_paused() {
  try {
    if (const int64_t n = context_.store.resume(name_, context_.now()); n > 0)
      log::notice("resuming deliveries held by the sink's last pause",
                  {{"sink", name_}, {"deliveries", std::to_string(n)}});
  } catch (const std::exception& e) {
    log::error(std::string("cannot resume paused deliveries: ") + e.what(), {{"sink", name_}});
  }
}

void SinkWorker::reconcile(std::function<void()> done) {
  auto& store = context_.store;
  std::vector<store::Delivery> rows;
  try {
    rows = store.in_flight(name_);
  } catch (const std::exception& e) {
    log::error(std::string("cannot read deliveries in flight: ") + e.what(), {{"sink", name_}});
  }
  if (rows.empty()) {
    done();
    return;
  }
  auto remaining = std::make_shared<size_t>(rows.size());
  auto finish_one = [remaining, done] {
    if (--*remaining == 0) done();
  };
  for (const auto& d : rows) {
    const int64_t t = context_.now();
    const log::Fields fields{{"sink", name_}, {"url", d.article.url}};
    switch (settle_interrupted(idempotent_, instance_ != nullptr && instance_->can_reconcile())) {
      case Interrupted::redeliver:
        store.release(d.id, t, t);
        log::info("retrying a delivery interrupted by a stop (idempotent sink)", fields);
        finish_one();
        break;
      case Interrupted::reconcile:
        ++reconciling_;
        instance_->reconcile(d.article, [this, d, fields, finish_one, alive = alive_](
                                            bool found, const std::string& id) {
          if (!*alive) return;
          --reconciling_;
          const int64_t t2 = context_.now();
          if (found) {
            context_.store.mark_done(d.id, id, t2);
            ++context_.counters.sink(name_).reconciled;
            log::notice("reconciled: the delivery was made before the stop", fields);
          } else {
            context_.store.release(d.id, t2, t2);
            log::notice("reconciled: not delivered before the stop; delivering again", fields);
          }
          finish_one();
        });
        break;
      case Interrupted::park:
        store.mark_dead(d.id,
                        "was in flight when syndicd stopped; not retried, to avoid posting twice "
                        "(this sink cannot check what it already posted)",
                        t);
        ++context_.counters.sink(name_).dead;
        log::warning("delivery interrupted by a stop parked as dead to avoid a double post",
                     fields);
        finish_one();
        break;
    }
  }
}

void SinkWorker::schedule_pump() {
  if (pump_posted_) return;
  pump_posted_ = true;
  boost::asio::post(context_.environment.io(), [this, alive = alive_] {
    if (!*alive) return;
    pump_posted_ = false;
    pump();
  });
}

void SinkWorker::pump_after(milliseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) pump();
  });
}

void SinkWorker::pump() {
  const bool once = context_.once;
  if (context_.stopping || retired_ || (once && context_.polls_pending > 0)) return;
  auto& store = context_.store;
  const auto& options = context_.options;
  const int64_t t = context_.now();
  if (paused_until_ > t) {
    if (!once) pump_after(milliseconds(paused_until_ - t));
    hooks_.settled();
    return;
  }
  // A delivery that fails at once may pause the sink from inside the loop.
  bool store_refused = false;
  while (!store_refused && in_flight_ < concurrency_ && paused_until_ <= t) {
    std::vector<store::Delivery> due;
    try {
      due = store.due(name_, t, concurrency_ - in_flight_);
    } catch (const std::exception& e) {
      log::error(std::string("cannot read pending deliveries: ") + e.what(), {{"sink", name_}});
      store_refused = true;
      break;
    }
    if (due.empty()) break;
    for (auto& d : due) {
      try {
        if (options.dry_run) {
          store.mark_done(d.id, "dry-run", t);
        } else {
          store.mark_in_flight(d.id, t);  // before any external call (DESIGN.md §6)
        }
      } catch (const std::exception& e) {
        // Not marked, so not delivered: it stays pending for the retry below.
        log::error(std::string("cannot start a delivery: ") + e.what(),
                   {{"sink", name_}, {"url", d.article.url}});
        store_refused = true;
        break;
      }
      if (options.dry_run) {
        if (options.report)
          *options.report << "would deliver to " << name_ << ": " << d.article.title << " <"
                          << d.article.url << ">\n";
        ++context_.counters.sink(name_).delivered;
        continue;
      }
      ++in_flight_;
      if (instance_ == nullptr) {
        syndicd_result r{};
        r.status = SYNDICD_ERR_INTERNAL;
        r.message = borrow("sink has no instance");
        delivered(d, r);
        continue;
      }
      log::debug(
          "deliver",
          {{"sink", name_}, {"url", d.article.url}, {"attempt", std::to_string(d.attempts + 1)}});
      instance_->deliver(d.article, static_cast<uint32_t>(d.attempts + 1), d.external_id,
                         [this, d, alive = alive_](const syndicd_result& r) {
                           if (*alive) delivered(d, r);
                         });
    }
  }
  if (store_refused) {
    // The state file refused: try again soon, doubling up to a minute.
    context_.failed = true;
    ++store_failures_;
    if (!once)
      pump_after(std::min<milliseconds>(
          std::chrono::minutes(1), kStoreRetry * (int64_t{1} << std::min(store_failures_ - 1, 8))));
    hooks_.settled();
    return;
  }
  store_failures_ = 0;
  if (in_flight_ == 0 && !once) {
    // Idle: wake up when the next retry is due.
    std::optional<int64_t> next;
    try {
      next = store.next_due(name_);
    } catch (const std::exception&) {
    }
    if (next) pump_after(milliseconds(std::max<int64_t>(*next - t, 0) + 5));
  }
  hooks_.settled();
}

void SinkWorker::delivered(const store::Delivery& d, const syndicd_result& r) {
  --in_flight_;
  auto& store = context_.store;
  auto& stats = context_.counters.sink(name_);
  const int64_t t = context_.now();
  const std::string message = copy(r.message);
  const log::Fields fields{
      {"sink", name_}, {"url", d.article.url}, {"attempt", std::to_string(d.attempts + 1)}};
  const DeliveryDecision decision = decide({r.status, d.attempts, r.retry_after_ms, r.pause_until},
                                           retry_, paused_until_, t, context_.spread(kRetryJitter));
  using Reason = DeliveryDecision::Reason;
  try {
    // The pause holds whether or not the store takes the outcome below.
    paused_until_ = decision.paused_until;
    if (decision.pause_reported)
      log::warning("sink paused until " + common::format_rfc3339(paused_until_, 0) +
                       (message.empty() ? "" : ": " + message),
                   {{"sink", name_}});
    switch (decision.reason) {
      case Reason::delivered:
        store.mark_done(d.id, copy(r.external_id), t);
        ++stats.delivered;
        stats.last_delivery = t;
        log::info("delivered",
                  {{"sink", name_}, {"url", d.article.url}, {"id", copy(r.external_id)}});
        break;
      case Reason::refused:
        store.hold(d.id, message, decision.until, t);
        log::error("sink cannot deliver (" + std::string(status_name(r.status)) + "): " + message +
                       "; deliveries stay queued",
                   fields);
        break;
      case Reason::permanent:
        store.mark_dead(d.id, message, t);
        ++stats.dead;
        log::error("delivery failed for good: " + message, fields);
        break;
      case Reason::waits_for_pause:
        store.hold(d.id, message, decision.until, t);
        log::warning("delivery waits for the sink's pause (rate_limited): " + message, fields);
        break;
      case Reason::out_of_attempts:
        store.mark_dead(d.id, message, t);
        ++stats.dead;
        log::error("delivery failed " + std::to_string(retry_.max_attempts) +
                       " times, parked as dead: " + message,
                   fields);
        break;
      case Reason::failed: {
        store.mark_retry(d.id, message, decision.until, t);
        ++stats.retried;
        auto f = fields;
        f.emplace_back("retry_in", seconds_text(decision.delay));
        log::warning("delivery failed (" + std::string(status_name(r.status)) + "): " + message, f);
        break;
      }
    }
    if (decision.failure) context_.failed = true;
  } catch (const std::exception& e) {
    // `once` (no RetryingStore in front): the row stays in_flight for the
    // next run to settle, and the exit code says something went wrong.
    context_.failed = true;
    log::error(std::string("cannot record a delivery outcome: ") + e.what(), fields);
  }
  if (context_.stopping || retired_) {
    hooks_.ended_while_stopping();
    return;
  }
  schedule_pump();
}

}  // namespace syndicd::runtime
