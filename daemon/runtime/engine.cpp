// SPDX-License-Identifier: Apache-2.0
#include "runtime/engine.hpp"

#include <boost/asio/post.hpp>
#include <set>

#include "log/log.hpp"

namespace syndicd::runtime {

using std::chrono::milliseconds;

Engine::Engine(Assembly& assembly, Environment& environment, store::Store& store,
               Counters& counters, EngineOptions options)
    : context_(store, environment, counters, std::move(options)) {
  const auto pipelines = selected(assembly);
  add_sinks(assembly, pipelines);
  SourceScheduler::Hooks source_hooks;
  source_hooks.deliveries_added = [this](const std::string& k) { sinks_.at(k)->schedule_pump(); };
  source_hooks.idempotent = [this](const std::string& k) {
    auto it = sinks_.find(k);
    return it != sinks_.end() && it->second->idempotent();
  };
  source_hooks.review = [this](const std::string& k) {
    auto it = sinks_.find(k);
    return it != sinks_.end() && it->second->review();
  };
  source_hooks.once_poll_ended = [this] {
    // Deliveries wait for every poll of `once`, then drain together.
    if (context_.polls_pending == 0)
      for (auto& [n, k] : sinks_) k->pump();
    check_once_finished();
  };
  source_hooks.retired_poll_ended = [this] { check_reload(); };
  sources_ = std::make_unique<SourceScheduler>(context_, assembly, pipelines, source_hooks);
}

std::vector<pipeline::Pipeline*> Engine::selected(const Assembly& assembly) const {
  const auto& wanted_list = context_.options.pipelines;
  const std::set<std::string> wanted(wanted_list.begin(), wanted_list.end());
  std::vector<pipeline::Pipeline*> out;
  for (const auto& [name, p] : assembly.config().pipelines) {
    if (!wanted.empty() && !wanted.count(name)) continue;
    if (auto* built = assembly.pipeline(name)) out.push_back(built);
  }
  return out;
}

// A worker for each sink the pipelines deliver to that has none.
void Engine::add_sinks(const Assembly& assembly,
                       const std::vector<pipeline::Pipeline*>& pipelines) {
  const SinkWorker::Hooks sink_hooks{[this] { check_once_finished(); },
                                     [this] { ended_while_stopping(); }};
  for (const auto* p : pipelines)
    for (const auto& k : p->config().to)
      if (!sinks_.count(k))
        sinks_[k] = std::make_unique<SinkWorker>(context_, k, assembly.sink(k),
                                                 assembly.config().sinks.at(k).keys, sink_hooks);
}

void Engine::wake(const std::string& sink) {
  if (auto it = sinks_.find(sink); it != sinks_.end() && !it->second->retired())
    it->second->schedule_pump();
}

Engine::~Engine() {
  // Callbacks still queued find the engine gone; the parts then clear
  // their marks and timers as they go.
  *context_.alive = false;
}

std::vector<Engine::SinkView> Engine::sinks() const {
  std::vector<SinkView> out;
  for (const auto& [name, k] : sinks_) out.push_back({name, k->in_flight(), k->paused_until()});
  return out;
}

std::vector<std::string> Engine::sources() const {
  return sources_->names();
}

int64_t Engine::next_poll_ms(const std::string& source) const {
  return sources_->next_poll_ms(source);
}

size_t Engine::in_flight() const {
  size_t n = 0;
  for (const auto& [name, k] : sinks_) n += k->in_flight();
  return n;
}

// ---------------------------------------------------------------------------
// Starting and stopping

void Engine::resume_paused() {
  for (auto& [name, k] : sinks_) k->resume_paused();
}

void Engine::reconcile_all(std::function<void()> then) {
  auto remaining = std::make_shared<size_t>(sinks_.size());
  for (auto& [name, k] : sinks_)
    k->reconcile([remaining, then] {
      if (--*remaining == 0) then();
    });
}

void Engine::run_once(std::function<void(int)> done) {
  context_.once = true;
  once_done_ = std::move(done);
  context_.running = true;
  resume_paused();
  auto after_reconcile = [this, alive = context_.alive] {
    if (!*alive) return;
    sources_->poll_all();
    check_once_finished();
  };
  if (sinks_.empty() || context_.options.dry_run) {
    after_reconcile();
    return;
  }
  reconcile_all(after_reconcile);
}

void Engine::start() {
  context_.running = true;
  resume_paused();
  auto begin = [this, alive = context_.alive] {
    if (!*alive) return;
    sources_->start();
    for (auto& [name, k] : sinks_) k->pump();
  };
  if (sinks_.empty()) {
    begin();
    return;
  }
  reconcile_all(begin);
}

void Engine::stop(milliseconds deadline, std::function<void()> done) {
  context_.stopping = true;
  // Stopping wins over a reload: the running assembly stays to the end.
  reload_.reset();
  stop_done_ = std::move(done);
  sources_->stop();
  for (auto& [n, k] : sinks_) k->stop();
  const size_t busy = in_flight();
  if (busy == 0) {
    auto d = std::move(stop_done_);
    boost::asio::post(context_.environment.io(), [d] { d(); });
    return;
  }
  log::notice("stopping: waiting for deliveries in flight",
              {{"in_flight", std::to_string(busy)}, {"deadline", seconds_text(deadline)}});
  stop_timer_ = std::make_unique<boost::asio::steady_timer>(context_.environment.io(), deadline);
  stop_timer_->async_wait([this, alive = context_.alive](const boost::system::error_code& ec) {
    if (ec || !*alive || !stop_done_) return;
    log::warning(
        "stopping: deadline passed with deliveries in flight; they are reconciled at the next "
        "start");
    auto d = std::move(stop_done_);
    d();
  });
}

void Engine::ended_while_stopping() {
  if (reload_) check_reload();
  if (in_flight() > 0 || !stop_done_) return;
  auto done = std::move(stop_done_);
  if (stop_timer_) stop_timer_->cancel();
  boost::asio::post(context_.environment.io(), [done] { done(); });
}

// ---------------------------------------------------------------------------
// Reloading

namespace {

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out.empty() ? "-" : out;
}

}  // namespace

void Engine::reload(Assembly& next, std::set<std::string> fresh, milliseconds deadline,
                    std::function<void()> done) {
  const auto pipelines = selected(next);
  std::set<std::string> wanted_sources, wanted_sinks;
  for (const auto* p : pipelines) {
    wanted_sources.insert(p->config().from.begin(), p->config().from.end());
    wanted_sinks.insert(p->config().to.begin(), p->config().to.end());
  }
  // Kept is what `next` shares the running instance of (runtime/assembly.hpp):
  // the one test, so a runner never outlives the instance it polls.
  std::set<std::string> retired_sources, kept_sources, retired_sinks, kept_sinks;
  for (const auto& name : sources_->names()) {
    const bool kept = wanted_sources.count(name) && next.source(name) == sources_->instance(name);
    (kept ? kept_sources : retired_sources).insert(name);
  }
  for (auto& [name, k] : sinks_) {
    const bool kept = wanted_sinks.count(name) && next.sink(name) == k->instance();
    (kept ? kept_sinks : retired_sinks).insert(name);
    if (!kept) k->retire();
  }
  sources_->retire(retired_sources);
  log::notice("reload: stopping changed parts, keeping the others",
              {{"stopping_sources", joined(retired_sources)},
               {"stopping_sinks", joined(retired_sinks)},
               {"kept_sources", joined(kept_sources)},
               {"kept_sinks", joined(kept_sinks)}});
  reload_ = std::make_unique<Reload>();
  reload_->next = &next;
  reload_->fresh = std::move(fresh);
  reload_->done = std::move(done);
  reload_->deadline =
      std::make_unique<boost::asio::steady_timer>(context_.environment.io(), deadline);
  reload_->deadline->async_wait([this,
                                 alive = context_.alive](const boost::system::error_code& ec) {
    if (ec || !*alive || !reload_) return;
    log::warning(
        "reload: deadline passed with work in flight in stopped parts; deliveries are settled by "
        "the new sink, polls repeated");
    finish_reload();
  });
  check_reload();
}

void Engine::check_reload() {
  // Posted: this runs from inside a poll's or a delivery's callback, whose
  // runner or worker finish_reload() may drop.
  boost::asio::post(context_.environment.io(), [this, alive = context_.alive] {
    if (!*alive || !reload_) return;
    if (sources_->retired_polling() > 0) return;
    for (const auto& [name, k] : sinks_)
      if (k->retired() && k->in_flight() > 0) return;
    finish_reload();
  });
}

void Engine::finish_reload() {
  auto r = std::move(reload_);
  r->deadline->cancel();
  Assembly& next = *r->next;
  // Before a new runner can poll: the fetch settings of the new sections.
  context_.environment.configure(next.config());
  const auto pipelines = selected(next);
  for (auto it = sinks_.begin(); it != sinks_.end();)
    it = it->second->retired() ? sinks_.erase(it) : std::next(it);
  sources_->rebind(next, pipelines, r->fresh);
  std::set<std::string> before;
  for (const auto& [name, k] : sinks_) before.insert(name);
  add_sinks(next, pipelines);
  for (auto& [name, k] : sinks_) {
    if (before.count(name)) continue;
    // As at a start: unpaused, and what the old worker left in flight
    // (a deadline passed) settled before anything new goes out.
    k->resume_paused();
    k->reconcile([this, alive = context_.alive, name = name] {
      if (!*alive) return;
      if (auto it = sinks_.find(name); it != sinks_.end()) it->second->pump();
    });
  }
  boost::asio::post(context_.environment.io(), [done = std::move(r->done)] { done(); });
}

void Engine::check_once_finished() {
  if (!context_.once || !once_done_ || context_.polls_pending > 0) return;
  const int64_t t = context_.now();
  for (auto& [n, k] : sinks_) {
    if (k->in_flight() > 0 || k->busy()) return;
    if (k->paused_until() > t) continue;
    try {
      if (!context_.store.due(n, t, 1).empty()) return;
    } catch (const std::exception&) {
    }
  }
  auto done = std::move(once_done_);
  const int code = context_.failed ? 1 : 0;
  boost::asio::post(context_.environment.io(), [done, code] { done(code); });
}

}  // namespace syndicd::runtime
