#include "runtime/engine.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <ostream>
#include <set>

#include "log/log.hpp"
#include "runtime/delivery_policy.hpp"
#include "syndicd/common/dates.hpp"

namespace syndicd::runtime {
namespace {

using std::chrono::milliseconds;

std::string seconds_text(milliseconds d) {
  const auto s = d.count() / 1000;
  if (s >= 3600) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

const char* status_name(syndicd_status s) {
  switch (s) {
    case SYNDICD_OK:
      return "ok";
    case SYNDICD_ERR_CONFIG:
      return "config";
    case SYNDICD_ERR_TRANSIENT:
      return "transient";
    case SYNDICD_ERR_PERMANENT:
      return "permanent";
    case SYNDICD_ERR_RATE_LIMITED:
      return "rate_limited";
    case SYNDICD_ERR_AUTH:
      return "auth";
    case SYNDICD_ERR_NOT_IMPLEMENTED:
      return "not_implemented";
    case SYNDICD_ERR_INTERNAL:
      return "internal";
  }
  return "unknown";
}

// Longest wait between polls of a failing source.
constexpr milliseconds kMaxPollBackoff = std::chrono::hours(6);
// The state file refused a write (full, locked, read-only): the first
// retry of the work it stopped, doubling up to the work's own schedule.
constexpr milliseconds kStoreRetry = std::chrono::seconds(5);

}  // namespace

struct Engine::SourceRunner {
  std::string name;
  plugin_host::Instance* instance = nullptr;
  std::vector<pipeline::Pipeline*> pipelines;
  milliseconds every{600'000};
  std::unique_ptr<boost::asio::steady_timer> timer;
  bool polling = false;
  int failures = 0;
  size_t added = 0, updated = 0, emitted = 0;
  bool store_failed = false;  ///< an article of this poll could not be stored
  int store_failures = 0;     ///< consecutive polls whose articles could not be stored
};

struct Engine::SinkWorker {
  std::string name;
  plugin_host::Instance* instance = nullptr;
  bool idempotent = false;
  size_t concurrency = 1;
  RetrySettings retry_settings;
  size_t in_flight = 0;
  int64_t paused_until = 0;
  bool pump_posted = false;
  int store_failures = 0;  ///< consecutive pumps the state file stopped
  std::unique_ptr<boost::asio::steady_timer> timer;
};

Engine::Engine(Assembly& assembly, Environment& environment, store::Store& store,
               EngineOptions options)
    : assembly_(assembly), environment_(environment), store_(store), options_(std::move(options)) {
  const auto& cfg = assembly_.config();
  std::set<std::string> wanted(options_.pipelines.begin(), options_.pipelines.end());
  for (const auto& [name, p] : cfg.pipelines) {
    if (!wanted.empty() && !wanted.count(name)) continue;
    if (auto* built = assembly_.pipeline(name)) pipelines_.push_back(built);
  }
  auto& io = environment_.io();
  for (const auto& p : pipelines_) {
    for (const auto& s : p->config().from) {
      auto& runner = sources_[s];
      if (!runner) {
        runner = std::make_unique<SourceRunner>();
        runner->name = s;
        runner->instance = assembly_.source(s);
        runner->every = cfg.sources.at(s).keys.every;
        runner->timer = std::make_unique<boost::asio::steady_timer>(io);
      }
      runner->pipelines.push_back(p);
    }
    for (const auto& k : p->config().to) {
      auto& worker = sinks_[k];
      if (worker) continue;
      worker = std::make_unique<SinkWorker>();
      worker->name = k;
      worker->instance = assembly_.sink(k);
      const config::SinkKeys& keys = cfg.sinks.at(k).keys;
      worker->idempotent = worker->instance && (worker->instance->plugin().descriptor.flags &
                                                SYNDICD_PLUGIN_IDEMPOTENT);
      worker->concurrency = static_cast<size_t>(keys.concurrency);
      worker->retry_settings = {keys.max_attempts, keys.retry, keys.retry_max};
      worker->timer = std::make_unique<boost::asio::steady_timer>(io);
    }
  }
}

Engine::~Engine() {
  *alive_ = false;
  // Polls cut short by a stop or a reload did not crash anything: their
  // crash-quarantine marks go (runtime/quarantine.hpp).
  for (auto& [name, s] : sources_) {
    if (!s->polling) continue;
    try {
      store_.clear_polling(name);
    } catch (const std::exception&) {
      // Left set: without a crash note the next start ignores it.
    }
  }
  for (auto& [n, s] : sources_) s->timer->cancel();
  for (auto& [n, k] : sinks_) k->timer->cancel();
}

std::vector<Engine::SinkView> Engine::sinks() const {
  std::vector<SinkView> out;
  for (const auto& [name, k] : sinks_) out.push_back({name, k->in_flight, k->paused_until});
  return out;
}

std::vector<std::string> Engine::sources() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : sources_) out.push_back(name);
  return out;
}

int64_t Engine::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

milliseconds Engine::jitter(milliseconds base, double spread) {
  std::uniform_real_distribution<double> d(1.0 - spread, 1.0 + spread);
  return milliseconds(static_cast<int64_t>(static_cast<double>(base.count()) * d(random_)));
}

// ---------------------------------------------------------------------------
// Starting and stopping

void Engine::resume_paused() {
  const int64_t t = now();
  for (auto& [name, k] : sinks_) {
    try {
      if (const int64_t n = store_.resume(name, t); n > 0)
        log::notice("resuming deliveries held by the sink's last pause",
                    {{"sink", name}, {"deliveries", std::to_string(n)}});
    } catch (const std::exception& e) {
      log::error(std::string("cannot resume paused deliveries: ") + e.what(), {{"sink", name}});
    }
  }
}

void Engine::run_once(std::function<void(int)> done) {
  once_ = true;
  once_done_ = std::move(done);
  running_ = true;
  resume_paused();
  size_t pending = sinks_.size();
  auto after_reconcile = [this, alive = alive_] {
    if (!*alive) return;
    polls_pending_ = sources_.size();
    for (auto& [name, s] : sources_) poll(*s);
    check_once_finished();
  };
  if (pending == 0 || options_.dry_run) {
    after_reconcile();
    return;
  }
  auto remaining = std::make_shared<size_t>(pending);
  for (auto& [name, k] : sinks_)
    reconcile(*k, [remaining, after_reconcile] {
      if (--*remaining == 0) after_reconcile();
    });
}

void Engine::start() {
  running_ = true;
  resume_paused();
  auto remaining = std::make_shared<size_t>(sinks_.size());
  auto begin = [this, alive = alive_] {
    if (!*alive) return;
    const int64_t t = now();
    for (auto& [name, s] : sources_) {
      // Resume the schedule a restart interrupted; a source never polled
      // (or overdue) starts within a few seconds, spread out.
      store::SourceState st;
      try {
        st = store_.source_state(name);
      } catch (const std::exception& e) {
        // Polled soon, as if never polled: a lost schedule costs one poll.
        log::error(std::string("cannot read source state: ") + e.what(), {{"source", name}});
      }
      s->failures = st.failures;
      // Spread first polls over ~100 ms per source (at least 1 s), so a
      // restart with thousands of sources does not fire them all at once.
      const auto spread = std::min(
          s->every,
          std::max(milliseconds(1000), milliseconds(100) * static_cast<int64_t>(sources_.size())));
      milliseconds delay =
          milliseconds(std::uniform_int_distribution<int64_t>(0, spread.count())(random_));
      if (st.last_poll > 0 && !options_.fresh_sources.count(name)) {
        const int64_t next = st.last_poll + s->every.count();
        if (next > t) delay = milliseconds(next - t);
      }
      // Held by the crash quarantine: a restart or a reload does not end a
      // hold, a change to the source's section does.
      if (st.held_until > t && !options_.fresh_sources.count(name))
        delay = std::max(delay, milliseconds(st.held_until - t));
      schedule_poll(*s, delay);
    }
    for (auto& [name, k] : sinks_) pump(*k);
  };
  if (sinks_.empty()) {
    begin();
    return;
  }
  for (auto& [name, k] : sinks_)
    reconcile(*k, [remaining, begin] {
      if (--*remaining == 0) begin();
    });
}

void Engine::stop(milliseconds deadline, std::function<void()> done) {
  stopping_ = true;
  stop_done_ = std::move(done);
  for (auto& [n, s] : sources_) s->timer->cancel();
  for (auto& [n, k] : sinks_) k->timer->cancel();
  size_t in_flight = 0;
  for (auto& [n, k] : sinks_) in_flight += k->in_flight;
  if (in_flight == 0) {
    auto d = std::move(stop_done_);
    boost::asio::post(environment_.io(), [d] { d(); });
    return;
  }
  log::notice("stopping: waiting for deliveries in flight",
              {{"in_flight", std::to_string(in_flight)}, {"deadline", seconds_text(deadline)}});
  stop_timer_ = std::make_unique<boost::asio::steady_timer>(environment_.io(), deadline);
  stop_timer_->async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || !stop_done_) return;
    log::warning(
        "stopping: deadline passed with deliveries in flight; they are reconciled at the next "
        "start");
    auto d = std::move(stop_done_);
    d();
  });
}

// ---------------------------------------------------------------------------
// Sources

void Engine::schedule_poll(SourceRunner& s, milliseconds delay) {
  if (stopping_) return;
  s.timer->expires_after(delay);
  s.timer->async_wait([this, &s, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || stopping_) return;
    poll(s);
  });
}

void Engine::poll(SourceRunner& s) {
  if (s.polling) return;  // never two polls of one source at once
  if (s.instance == nullptr) {
    poll_done(s, SYNDICD_ERR_INTERNAL, "source has no instance");
    return;
  }
  s.added = s.updated = s.emitted = 0;
  s.store_failed = false;
  ++stats_.polls;
  log::debug("poll", {{"source", s.name}});
  try {
    // The crash quarantine's mark, before any of the poll's work; the
    // put_source_state() in poll_done() clears it.
    store_.mark_polling(s.name, now());
  } catch (const std::exception& e) {
    log::error(std::string("cannot start a poll: ") + e.what(), {{"source", s.name}});
    s.store_failed = true;
    store_failed(s);
    return;
  }
  s.polling = true;
  s.instance->poll([this, &s](const Article& a) { return accept(s, a); },
                   [this, &s, alive = alive_](syndicd_status status, const std::string& message) {
                     if (!*alive) return;
                     poll_done(s, status, message);
                   });
}

syndicd_status Engine::accept(SourceRunner& s, const Article& emitted) {
  ++s.emitted;
  // The state file refused an article of this poll: the poll is lost (its
  // validators are not kept) and each further try would wait on the loop.
  if (s.store_failed) return SYNDICD_ERR_TRANSIENT;
  const int64_t t = now();
  try {
    for (auto* p : s.pipelines) {
      pipeline::Prepared prepared = p->prepare(emitted, t);
      if (prepared.dropped) {
        ++stats_.articles_filtered;
        log::debug("filtered", {{"pipeline", p->name()},
                                {"url", prepared.article.url},
                                {"reason", *prepared.dropped}});
        continue;
      }
      store::ArticleRecord record;
      record.pipeline = p->name();
      record.canonical_url = std::move(prepared.canonical_url);
      record.content_hash = std::move(prepared.content_hash);
      record.article = std::move(prepared.article);
      std::vector<std::string> redeliver;
      for (const auto& k : p->config().to)
        if (p->config().repost_updates || (sinks_.count(k) && sinks_.at(k)->idempotent))
          redeliver.push_back(k);
      switch (store_.record(record, p->config().to, redeliver, t)) {
        case store::Recorded::added:
          ++s.added;
          ++stats_.articles_added;
          break;
        case store::Recorded::updated:
          ++s.updated;
          ++stats_.articles_updated;
          break;
        case store::Recorded::unchanged:
        case store::Recorded::duplicate:
          ++stats_.articles_seen;
          break;
      }
    }
  } catch (const std::exception& e) {
    s.store_failed = true;
    log::error(std::string("cannot store an article: ") + e.what(),
               {{"source", s.name}, {"url", emitted.url}});
    return SYNDICD_ERR_TRANSIENT;
  }
  if (running_ && !once_ && !stopping_)
    for (auto* p : s.pipelines)
      for (const auto& k : p->config().to) schedule_pump(*sinks_.at(k));
  return SYNDICD_OK;
}

void Engine::poll_done(SourceRunner& s, syndicd_status status, const std::string& message) {
  s.polling = false;
  const int64_t t = now();
  store::SourceState st;
  try {
    st = store_.source_state(s.name);
  } catch (const std::exception&) {
  }
  st.last_poll = t;
  // The poll ended without crashing: its mark goes, the quarantine's count too.
  st.polling_since = 0;
  st.crashes = 0;
  st.held_until = 0;
  const bool ok = status == SYNDICD_OK;
  // Only a poll whose articles are all stored may turn the next fetch into
  // a 304; a failed one fetches everything again.
  if (ok && !s.store_failed) {
    try {
      environment_.commit_validators(s.name);
    } catch (const std::exception& e) {
      // Not kept: the next poll fetches in full, and finds the same articles.
      log::error(std::string("cannot store fetch validators: ") + e.what(), {{"source", s.name}});
    }
  } else {
    environment_.discard_validators(s.name);
  }
  if (s.store_failed) return store_failed(s);
  s.store_failures = 0;
  if (ok) {
    s.failures = 0;
    st.last_success = t;
    st.last_error.clear();
    log::info("poll ok", {{"source", s.name},
                          {"articles", std::to_string(s.emitted)},
                          {"new", std::to_string(s.added)},
                          {"updated", std::to_string(s.updated)}});
    if (!message.empty()) log::warning(message, {{"source", s.name}});
  } else {
    ++s.failures;
    ++stats_.poll_failures;
    failed_ = true;
    st.last_error = message;
  }
  st.failures = s.failures;
  try {
    store_.put_source_state(s.name, st);
  } catch (const std::exception& e) {
    log::error(std::string("cannot record source state: ") + e.what(), {{"source", s.name}});
  }
  if (once_) {
    if (!ok)
      log::error("poll failed: " + message, {{"source", s.name}, {"status", status_name(status)}});
    --polls_pending_;
    if (polls_pending_ == 0)
      for (auto& [n, k] : sinks_) pump(*k);
    check_once_finished();
    return;
  }
  milliseconds next = s.every;
  if (!ok) {
    // Exponential backoff: every × 2^failures, capped.
    const int shift = std::min(s.failures, 10);
    next = std::min(std::max(s.every, kMaxPollBackoff), s.every * (int64_t{1} << shift));
    log::warning("poll failed: " + message, {{"source", s.name},
                                             {"status", status_name(status)},
                                             {"failures", std::to_string(s.failures)},
                                             {"next_poll_in", seconds_text(next)}});
  }
  schedule_poll(s, jitter(next, 0.1));
}

// The poll's articles could not all be stored: nothing is wrong with the
// source, so it is no failure of the source's (no backoff, no error in its
// state); the poll is repeated soon — the articles not stored are fetched
// again, their validators were not kept — doubling up to `every`.
void Engine::store_failed(SourceRunner& s) {
  ++stats_.poll_failures;
  failed_ = true;
  ++s.store_failures;
  try {
    store_.clear_polling(s.name);
  } catch (const std::exception&) {
    // The store refuses writes; a stale mark counts only at a crash.
  }
  // Its source state is left as it was: a restart polls it again soon too.
  if (once_) {
    log::error("poll lost: the state file refused its writes", {{"source", s.name}});
    --polls_pending_;
    if (polls_pending_ == 0)
      for (auto& [n, k] : sinks_) pump(*k);
    check_once_finished();
    return;
  }
  const milliseconds next =
      std::min(s.every, kStoreRetry * (int64_t{1} << std::min(s.store_failures - 1, 16)));
  log::error("poll lost: the state file refused its writes; polling again soon",
             {{"source", s.name}, {"next_poll_in", seconds_text(next)}});
  schedule_poll(s, jitter(next, 0.1));
}

// ---------------------------------------------------------------------------
// Sinks

void Engine::reconcile(SinkWorker& k, std::function<void()> done) {
  std::vector<store::Delivery> rows;
  try {
    rows = store_.in_flight(k.name);
  } catch (const std::exception& e) {
    log::error(std::string("cannot read deliveries in flight: ") + e.what(), {{"sink", k.name}});
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
    const int64_t t = now();
    const log::Fields fields{{"sink", k.name}, {"url", d.article.url}};
    const Interrupted what =
        settle_interrupted(k.idempotent, k.instance != nullptr && k.instance->can_reconcile());
    if (what == Interrupted::redeliver) {
      store_.release(d.id, t, t);
      log::info("retrying a delivery interrupted by a stop (idempotent sink)", fields);
      finish_one();
    } else if (what == Interrupted::reconcile) {
      ++reconciles_pending_;
      k.instance->reconcile(d.article, [this, d, fields, finish_one, alive = alive_](
                                           bool found, const std::string& id) {
        if (!*alive) return;
        --reconciles_pending_;
        const int64_t t2 = now();
        if (found) {
          store_.mark_done(d.id, id, t2);
          ++stats_.reconciled;
          log::notice("reconciled: the delivery was made before the stop", fields);
        } else {
          store_.release(d.id, t2, t2);
          log::notice("reconciled: not delivered before the stop; delivering again", fields);
        }
        finish_one();
      });
    } else {
      store_.mark_dead(d.id,
                       "was in flight when syndicd stopped; not retried, to avoid posting twice "
                       "(this sink cannot check what it already posted)",
                       t);
      ++stats_.dead;
      log::warning("delivery interrupted by a stop parked as dead to avoid a double post", fields);
      finish_one();
    }
  }
}

void Engine::schedule_pump(SinkWorker& k) {
  if (k.pump_posted) return;
  k.pump_posted = true;
  boost::asio::post(environment_.io(), [this, &k, alive = alive_] {
    if (!*alive) return;
    k.pump_posted = false;
    pump(k);
  });
}

void Engine::pump(SinkWorker& k) {
  if (stopping_ || (once_ && polls_pending_ > 0)) return;
  const int64_t t = now();
  if (k.paused_until > t) {
    if (!once_) {
      k.timer->expires_after(milliseconds(k.paused_until - t));
      k.timer->async_wait([this, &k, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive) pump(k);
      });
    }
    check_once_finished();
    return;
  }
  // A delivery that fails at once may pause the sink from inside the loop.
  bool store_refused = false;
  while (!store_refused && k.in_flight < k.concurrency && k.paused_until <= t) {
    std::vector<store::Delivery> due;
    try {
      due = store_.due(k.name, t, k.concurrency - k.in_flight);
    } catch (const std::exception& e) {
      log::error(std::string("cannot read pending deliveries: ") + e.what(), {{"sink", k.name}});
      store_refused = true;
      break;
    }
    if (due.empty()) break;
    for (auto& d : due) {
      try {
        if (options_.dry_run) {
          store_.mark_done(d.id, "dry-run", t);
        } else {
          store_.mark_in_flight(d.id, t);  // before any external call (DESIGN.md §6)
        }
      } catch (const std::exception& e) {
        // Not marked, so not delivered: it stays pending for the retry below.
        log::error(std::string("cannot start a delivery: ") + e.what(),
                   {{"sink", k.name}, {"url", d.article.url}});
        store_refused = true;
        break;
      }
      if (options_.dry_run) {
        if (options_.report)
          *options_.report << "would deliver to " << k.name << ": " << d.article.title << " <"
                           << d.article.url << ">\n";
        ++stats_.delivered;
        continue;
      }
      ++k.in_flight;
      if (k.instance == nullptr) {
        syndicd_result r{};
        r.status = SYNDICD_ERR_INTERNAL;
        r.message = borrow("sink has no instance");
        delivered(k, d, r);
        continue;
      }
      log::debug(
          "deliver",
          {{"sink", k.name}, {"url", d.article.url}, {"attempt", std::to_string(d.attempts + 1)}});
      k.instance->deliver(d.article, static_cast<uint32_t>(d.attempts + 1), d.external_id,
                          [this, &k, d, alive = alive_](const syndicd_result& r) {
                            if (*alive) delivered(k, d, r);
                          });
    }
  }
  if (store_refused) {
    // The state file refused: try again soon, doubling up to a minute.
    failed_ = true;
    ++k.store_failures;
    if (!once_) {
      const milliseconds wait = std::min<milliseconds>(
          std::chrono::minutes(1), kStoreRetry * (int64_t{1} << std::min(k.store_failures - 1, 8)));
      k.timer->expires_after(wait);
      k.timer->async_wait([this, &k, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive) pump(k);
      });
    }
    check_once_finished();
    return;
  }
  k.store_failures = 0;
  if (k.in_flight == 0 && !once_) {
    // Idle: wake up when the next retry is due.
    std::optional<int64_t> next;
    try {
      next = store_.next_due(k.name);
    } catch (const std::exception&) {
    }
    if (next) {
      k.timer->expires_after(milliseconds(std::max<int64_t>(*next - t, 0) + 5));
      k.timer->async_wait([this, &k, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive) pump(k);
      });
    }
  }
  check_once_finished();
}

void Engine::delivered(SinkWorker& k, const store::Delivery& d, const syndicd_result& r) {
  --k.in_flight;
  const int64_t t = now();
  const std::string message = copy(r.message);
  const log::Fields fields{
      {"sink", k.name}, {"url", d.article.url}, {"attempt", std::to_string(d.attempts + 1)}};
  std::uniform_real_distribution<double> spread(1.0 - kRetryJitter, 1.0 + kRetryJitter);
  const DeliveryDecision decision = decide({r.status, d.attempts, r.retry_after_ms, r.pause_until},
                                           k.retry_settings, k.paused_until, t, spread(random_));
  using Reason = DeliveryDecision::Reason;
  try {
    // The pause holds whether or not the store takes the outcome below.
    k.paused_until = decision.paused_until;
    if (decision.pause_reported)
      log::warning("sink paused until " + common::format_rfc3339(k.paused_until, 0) +
                       (message.empty() ? "" : ": " + message),
                   {{"sink", k.name}});
    switch (decision.reason) {
      case Reason::delivered:
        store_.mark_done(d.id, copy(r.external_id), t);
        ++stats_.delivered;
        log::info("delivered",
                  {{"sink", k.name}, {"url", d.article.url}, {"id", copy(r.external_id)}});
        break;
      case Reason::refused:
        store_.hold(d.id, message, decision.until, t);
        log::error("sink cannot deliver (" + std::string(status_name(r.status)) + "): " + message +
                       "; deliveries stay queued",
                   fields);
        break;
      case Reason::permanent:
        store_.mark_dead(d.id, message, t);
        ++stats_.dead;
        log::error("delivery failed for good: " + message, fields);
        break;
      case Reason::waits_for_pause:
        store_.hold(d.id, message, decision.until, t);
        log::warning("delivery waits for the sink's pause (rate_limited): " + message, fields);
        break;
      case Reason::out_of_attempts:
        store_.mark_dead(d.id, message, t);
        ++stats_.dead;
        log::error("delivery failed " + std::to_string(k.retry_settings.max_attempts) +
                       " times, parked as dead: " + message,
                   fields);
        break;
      case Reason::failed: {
        store_.mark_retry(d.id, message, decision.until, t);
        ++stats_.retried;
        auto f = fields;
        f.emplace_back("retry_in", seconds_text(decision.delay));
        log::warning("delivery failed (" + std::string(status_name(r.status)) + "): " + message, f);
        break;
      }
    }
    if (decision.failure) failed_ = true;
  } catch (const std::exception& e) {
    // `once` (no RetryingStore in front): the row stays in_flight for the
    // next run to settle, and the exit code says something went wrong.
    failed_ = true;
    log::error(std::string("cannot record a delivery outcome: ") + e.what(), fields);
  }
  if (stopping_) {
    size_t in_flight = 0;
    for (auto& [n, w] : sinks_) in_flight += w->in_flight;
    if (in_flight == 0 && stop_done_) {
      auto done = std::move(stop_done_);
      if (stop_timer_) stop_timer_->cancel();
      boost::asio::post(environment_.io(), [done] { done(); });
    }
    return;
  }
  schedule_pump(k);
}

void Engine::check_once_finished() {
  if (!once_ || !once_done_ || polls_pending_ > 0 || reconciles_pending_ > 0) return;
  const int64_t t = now();
  for (auto& [n, k] : sinks_) {
    if (k->in_flight > 0 || k->pump_posted) return;
    if (k->paused_until > t) continue;
    try {
      if (!store_.due(n, t, 1).empty()) return;
    } catch (const std::exception&) {
    }
  }
  auto done = std::move(once_done_);
  const int code = failed_ ? 1 : 0;
  boost::asio::post(environment_.io(), [done, code] { done(code); });
}

}  // namespace syndicd::runtime
