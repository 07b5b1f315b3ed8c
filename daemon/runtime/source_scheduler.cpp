// SPDX-License-Identifier: Apache-2.0
#include "runtime/source_scheduler.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "log/log.hpp"

namespace syndicd::runtime {

using std::chrono::milliseconds;

namespace {

// Longest wait between polls of a failing source.
constexpr milliseconds kMaxPollBackoff = std::chrono::hours(6);
// The state file refused a write (full, locked, read-only): the first
// retry of the poll it stopped, doubling up to the source's `every`.
constexpr milliseconds kStoreRetry = std::chrono::seconds(5);

}  // namespace

struct SourceScheduler::Source {
  std::string name;
  plugin_host::Instance* instance = nullptr;
  std::vector<pipeline::Pipeline*> pipelines;
  milliseconds every{600'000};
  std::unique_ptr<boost::asio::steady_timer> timer;
  bool polling = false;
  int failures = 0;
  size_t added = 0, updated = 0, emitted = 0, guessed = 0;
  bool store_failed = false;  ///< an article of this poll could not be stored
  int store_failures = 0;     ///< consecutive polls whose articles could not be stored
  bool retired = false;       ///< a reload ends it: no more polls
  /// When its timer fires (ms since the epoch, jitter and backoff
  /// included); 0 while it polls or is not armed.
  int64_t next_poll_ms = 0;
  /// Cleared when the runner goes: a reload may drop it while its
  /// instance, shared with the new assembly, still polls.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  ~Source() { *alive = false; }
};

SourceScheduler::SourceScheduler(EngineContext& context, const Assembly& assembly,
                                 const std::vector<pipeline::Pipeline*>& pipelines, Hooks hooks)
    : context_(context), hooks_(std::move(hooks)) {
  for (auto* p : pipelines)
    for (const auto& name : p->config().from) runner(assembly, name).pipelines.push_back(p);
}

SourceScheduler::Source& SourceScheduler::runner(const Assembly& assembly,
                                                 const std::string& name) {
  auto& source = sources_[name];
  if (!source) {
    source = std::make_unique<Source>();
    source->name = name;
    source->instance = assembly.source(name);
    source->every = assembly.config().sources.at(name).keys.every;
    source->timer = std::make_unique<boost::asio::steady_timer>(context_.environment.io());
  }
  return *source;
}

SourceScheduler::~SourceScheduler() {
  // Polls cut short by a stop or a reload did not crash anything: their
  // crash-quarantine marks go (runtime/quarantine.hpp).
  for (auto& [name, s] : sources_) {
    if (!s->polling) continue;
    try {
      context_.store.clear_polling(name);
    } catch (const std::exception&) {
      // Left set: without a crash note the next start ignores it.
    }
  }
  stop();
}

std::vector<std::string> SourceScheduler::names() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : sources_) out.push_back(name);
  return out;
}

int64_t SourceScheduler::next_poll_ms(const std::string& name) const {
  const auto it = sources_.find(name);
  return it == sources_.end() || it->second->retired ? 0 : it->second->next_poll_ms;
}

plugin_host::Instance* SourceScheduler::instance(const std::string& name) const {
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : it->second->instance;
}

void SourceScheduler::poll_all() {
  context_.polls_pending = sources_.size();
  for (auto& [name, s] : sources_) poll(*s);
}

void SourceScheduler::start() {
  for (auto& [name, s] : sources_) arm(*s, false);
}

void SourceScheduler::arm(Source& s, bool fresh) {
  const int64_t t = context_.now();
  // Resume the schedule a restart interrupted; a source never polled
  // (or overdue) starts within a few seconds, spread out.
  store::SourceState st;
  try {
    st = context_.store.source_state(s.name);
  } catch (const std::exception& e) {
    // Polled soon, as if never polled: a lost schedule costs one poll.
    log::error(std::string("cannot read source state: ") + e.what(), {{"source", s.name}});
  }
  s.failures = st.failures;
  // Spread first polls over ~100 ms per source (at least 1 s), so a
  // restart with thousands of sources does not fire them all at once.
  const auto spread = std::min(
      s.every,
      std::max(milliseconds(1000), milliseconds(100) * static_cast<int64_t>(sources_.size())));
  milliseconds delay = context_.random_wait(spread);
  if (st.last_poll > 0 && !fresh) {
    const int64_t next = st.last_poll + s.every.count();
    if (next > t) delay = milliseconds(next - t);
  }
  // Held by the crash quarantine: a restart or a reload does not end a
  // hold, a change to the source's section does.
  if (st.held_until > t && !fresh) delay = std::max(delay, milliseconds(st.held_until - t));
  schedule(s, delay);
}

void SourceScheduler::stop() {
  for (auto& [name, s] : sources_) s->timer->cancel();
}

void SourceScheduler::retire(const std::set<std::string>& names) {
  for (const auto& name : names) {
    auto it = sources_.find(name);
    if (it == sources_.end()) continue;
    it->second->retired = true;
    it->second->timer->cancel();
  }
}

size_t SourceScheduler::retired_polling() const {
  return static_cast<size_t>(std::count_if(sources_.begin(), sources_.end(), [](const auto& e) {
    return e.second->retired && e.second->polling;
  }));
}

void SourceScheduler::rebind(const Assembly& next,
                             const std::vector<pipeline::Pipeline*>& pipelines,
                             const std::set<std::string>& fresh) {
  for (auto it = sources_.begin(); it != sources_.end();) {
    Source& s = *it->second;
    if (!s.retired) {
      s.pipelines.clear();  // the old assembly's pipelines go with it
      ++it;
      continue;
    }
    if (s.polling) {
      // Abandoned, not crashed: no quarantine mark, and what its fetches
      // held back is not kept (the new instance fetches in full).
      try {
        context_.store.clear_polling(s.name);
      } catch (const std::exception&) {
      }
      context_.environment.discard_validators(s.name);
    }
    it = sources_.erase(it);
  }
  std::set<std::string> kept;
  for (const auto& [name, s] : sources_) kept.insert(name);
  for (auto* p : pipelines)
    for (const auto& name : p->config().from) runner(next, name).pipelines.push_back(p);
  for (auto& [name, s] : sources_)
    if (!kept.count(name)) arm(*s, fresh.count(name) > 0);
}

void SourceScheduler::schedule(Source& s, milliseconds delay) {
  if (context_.stopping) return;
  if (s.retired) {
    // Its poll has ended: the reload waiting for it may go on.
    boost::asio::post(context_.environment.io(), [this, alive = s.alive] {
      if (*alive && hooks_.retired_poll_ended) hooks_.retired_poll_ended();
    });
    return;
  }
  s.timer->expires_after(delay);
  s.next_poll_ms = std::chrono::duration_cast<milliseconds>(
                       (std::chrono::system_clock::now() + delay).time_since_epoch())
                       .count();
  s.timer->async_wait([this, &s, alive = s.alive](const boost::system::error_code& ec) {
    if (ec || !*alive || context_.stopping || s.retired) return;
    s.next_poll_ms = 0;
    poll(s);
  });
}

void SourceScheduler::poll(Source& s) {
  if (s.polling) return;  // never two polls of one source at once
  if (s.instance == nullptr) {
    poll_done(s, SYNDICD_ERR_INTERNAL, "source has no instance");
    return;
  }
  s.added = s.updated = s.emitted = s.guessed = 0;
  s.store_failed = false;
  ++context_.counters.source(s.name).polls;
  log::debug("poll", {{"source", s.name}});
  try {
    // The crash quarantine's mark, before any of the poll's work; the
    // put_source_state() in poll_done() clears it.
    context_.store.mark_polling(s.name, context_.now());
  } catch (const std::exception& e) {
    log::error(std::string("cannot start a poll: ") + e.what(), {{"source", s.name}});
    s.store_failed = true;
    store_failed(s);
    return;
  }
  s.polling = true;
  s.instance->poll(
      [this, &s, alive = s.alive](const Article& a) {
        // Dropped by a reload's deadline: what it still emits is fetched
        // again by the new instance.
        if (!*alive) return SYNDICD_ERR_TRANSIENT;
        return accept(s, a);
      },
      [this, &s, alive = s.alive](syndicd_status status, const std::string& message) {
        if (!*alive) return;
        poll_done(s, status, message);
      });
}

syndicd_status SourceScheduler::accept(Source& s, const Article& emitted) {
  ++s.emitted;
  // The pipeline flags a missing date itself; what the source guessed
  // arrives in the flags (abi.h).
  if (!guessed_fields(emitted.flags).empty() || emitted.published == SYNDICD_TIME_NONE) {
    ++s.guessed;
    ++context_.counters.source(s.name).articles_guessed;
  }
  // The state file refused an article of this poll: the poll is lost (its
  // validators are not kept) and each further try would wait on the loop.
  if (s.store_failed) return SYNDICD_ERR_TRANSIENT;
  const int64_t t = context_.now();
  try {
    for (auto* p : s.pipelines) {
      auto& stats = context_.counters.articles(s.name, p->name());
      pipeline::Prepared prepared = p->prepare(emitted, t);
      if (prepared.dropped) {
        ++stats.filtered;
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
      for (const auto& k : p->config().to) {
        if (p->config().repost_updates || hooks_.idempotent(k)) redeliver.push_back(k);
        if (hooks_.review && hooks_.review(k)) record.review.push_back(k);
      }
      switch (context_.store.record(record, p->config().to, redeliver, t)) {
        case store::Recorded::added:
          ++s.added;
          ++stats.added;
          break;
        case store::Recorded::updated:
          ++s.updated;
          ++stats.updated;
          break;
        case store::Recorded::unchanged:
        case store::Recorded::duplicate:
          ++stats.seen;
          break;
      }
    }
  } catch (const std::exception& e) {
    s.store_failed = true;
    log::error(std::string("cannot store an article: ") + e.what(),
               {{"source", s.name}, {"url", emitted.url}});
    return SYNDICD_ERR_TRANSIENT;
  }
  if (context_.running && !context_.once && !context_.stopping)
    for (auto* p : s.pipelines)
      for (const auto& k : p->config().to) hooks_.deliveries_added(k);
  return SYNDICD_OK;
}

void SourceScheduler::poll_done(Source& s, syndicd_status status, const std::string& message) {
  s.polling = false;
  const int64_t t = context_.now();
  store::SourceState st;
  try {
    st = context_.store.source_state(s.name);
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
      context_.environment.commit_validators(s.name);
    } catch (const std::exception& e) {
      // Not kept: the next poll fetches in full, and finds the same articles.
      log::error(std::string("cannot store fetch validators: ") + e.what(), {{"source", s.name}});
    }
  } else {
    context_.environment.discard_validators(s.name);
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
                          {"updated", std::to_string(s.updated)},
                          {"guessed", std::to_string(s.guessed)}});
    if (!message.empty()) log::warning(message, {{"source", s.name}});
  } else {
    // The streak goes on from the state file's: `once` runs on the same
    // file start with none of their own, and /healthz counts the streak.
    s.failures = std::max(s.failures, st.failures) + 1;
    ++context_.counters.source(s.name).poll_failures;
    context_.failed = true;
    st.last_error = message;
  }
  st.failures = s.failures;
  try {
    context_.store.put_source_state(s.name, st);
  } catch (const std::exception& e) {
    log::error(std::string("cannot record source state: ") + e.what(), {{"source", s.name}});
  }
  if (context_.once) {
    if (!ok)
      log::error("poll failed: " + message, {{"source", s.name}, {"status", status_name(status)}});
    --context_.polls_pending;
    hooks_.once_poll_ended();
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
  schedule(s, context_.jitter(next, 0.1));
}

// The poll's articles could not all be stored: nothing is wrong with the
// source, so it is no failure of the source's (no backoff, no error in its
// state); the poll is repeated soon — the articles not stored are fetched
// again, their validators were not kept — doubling up to `every`.
void SourceScheduler::store_failed(Source& s) {
  ++context_.counters.source(s.name).poll_failures;
  context_.failed = true;
  ++s.store_failures;
  try {
    context_.store.clear_polling(s.name);
  } catch (const std::exception&) {
    // The store refuses writes; a stale mark counts only at a crash.
  }
  // Its source state is left as it was: a restart polls it again soon too.
  if (context_.once) {
    log::error("poll lost: the state file refused its writes", {{"source", s.name}});
    --context_.polls_pending;
    hooks_.once_poll_ended();
    return;
  }
  const milliseconds next =
      std::min(s.every, kStoreRetry * (int64_t{1} << std::min(s.store_failures - 1, 16)));
  log::error("poll lost: the state file refused its writes; polling again soon",
             {{"source", s.name}, {"next_poll_in", seconds_text(next)}});
  schedule(s, context_.jitter(next, 0.1));
}

}  // namespace syndicd::runtime
