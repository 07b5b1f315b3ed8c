#include "runtime/engine.hpp"

#include <boost/asio/post.hpp>
#include <set>

#include "log/log.hpp"

namespace syndicd::runtime {

using std::chrono::milliseconds;

Engine::Engine(Assembly& assembly, Environment& environment, store::Store& store,
               EngineOptions options)
    : context_(store, environment, std::move(options)) {
  const auto& cfg = assembly.config();
  const auto& wanted_list = context_.options.pipelines;
  const std::set<std::string> wanted(wanted_list.begin(), wanted_list.end());
  std::vector<pipeline::Pipeline*> pipelines;
  for (const auto& [name, p] : cfg.pipelines) {
    if (!wanted.empty() && !wanted.count(name)) continue;
    if (auto* built = assembly.pipeline(name)) pipelines.push_back(built);
  }
  const SinkWorker::Hooks sink_hooks{[this] { check_once_finished(); },
                                     [this] { ended_while_stopping(); }};
  for (const auto* p : pipelines)
    for (const auto& k : p->config().to)
      if (!sinks_.count(k))
        sinks_[k] = std::make_unique<SinkWorker>(context_, k, assembly.sink(k),
                                                 cfg.sinks.at(k).keys, sink_hooks);
  SourceScheduler::Hooks source_hooks;
  source_hooks.deliveries_added = [this](const std::string& k) { sinks_.at(k)->schedule_pump(); };
  source_hooks.idempotent = [this](const std::string& k) {
    auto it = sinks_.find(k);
    return it != sinks_.end() && it->second->idempotent();
  };
  source_hooks.once_poll_ended = [this] {
    // Deliveries wait for every poll of `once`, then drain together.
    if (context_.polls_pending == 0)
      for (auto& [n, k] : sinks_) k->pump();
    check_once_finished();
  };
  sources_ = std::make_unique<SourceScheduler>(context_, assembly, pipelines, source_hooks);
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
  if (in_flight() > 0 || !stop_done_) return;
  auto done = std::move(stop_done_);
  if (stop_timer_) stop_timer_->cancel();
  boost::asio::post(context_.environment.io(), [done] { done(); });
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
