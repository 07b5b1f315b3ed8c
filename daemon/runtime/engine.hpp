// SPDX-License-Identifier: Apache-2.0
// The engine (DESIGN.md §1): sources polled into pipelines, new articles and
// their deliveries written to the store (the outbox), sink workers draining
// it. `once` runs it to completion; `run` keeps it going on a schedule.
// The work is in its parts: the source scheduler (runtime/source_scheduler.hpp),
// one sink worker per sink (runtime/sink_worker.hpp) and the delivery policy
// they follow (runtime/delivery_policy.hpp); the engine starts and stops them
// together and says when `once` is finished.
//
// Guarantees (DESIGN.md §6): an emitted article is in the store before the
// emit returns; a delivery is marked in_flight before the sink is called and
// leaves pending only as done or dead; after a crash, in_flight rows are
// retried for idempotent sinks, reconciled for sinks that can, and parked as
// dead (never posted twice) for the others.
//
// A reload (DESIGN.md §3) does not replace the engine: reload() retires the
// source runners and sink workers whose instance the new assembly did not
// keep (their section changed, host keys included, or went), lets their
// polls and deliveries in flight end (until a deadline; what is still in
// flight then stays marked in the store and is settled as after a stop),
// then rebinds the rest to the new assembly's pipelines and starts runners
// and workers for the new instances. A kept source keeps its schedule and
// any poll in flight; a kept sink its deliveries in flight and its pause.
// The counters are the Daemon's (runtime/engine_counters.hpp), so they go
// on across reloads, and across engines.
//
// A sink may pause (a rate limit, a spent quota, refused credentials): the
// delivery that met the pause waits, pending and uncounted, and the sink
// takes no other until the pause ends. A pause lives as long as the sink's
// worker: a new one (a start, a reload that changed the sink's section,
// e.g. its token) begins unpaused and makes the held deliveries due, so
// fixed credentials need no wait; a sink still paused pauses again at its
// first try, at no attempt's cost.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "pipeline/pipeline.hpp"
#include "runtime/assembly.hpp"
#include "runtime/engine_context.hpp"
#include "runtime/environment.hpp"
#include "runtime/sink_worker.hpp"
#include "runtime/source_scheduler.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

class Engine {
 public:
  /// Counts into `counters`, which must outlive the engine.
  Engine(Assembly& assembly, Environment& environment, store::Store& store, Counters& counters,
         EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// `once`: reconcile, poll every selected source once, then deliver until
  /// nothing is due now. `done` gets the exit code: 0, or 1 when a poll or
  /// a delivery failed (what failed stays queued for the next run).
  void run_once(std::function<void(int)> done);

  /// `run`: reconcile, then poll each source on its `every` (with jitter,
  /// backing off after failures) and deliver continuously.
  void start();

  /// Stop polling and taking new deliveries; deliveries in flight get until
  /// `deadline` to finish, then `done` runs (their rows stay in_flight and
  /// are reconciled at the next start).
  void stop(std::chrono::milliseconds deadline, std::function<void()> done);

  /// `run`, on a reload: go on with `next` (built against the running
  /// assembly, which must stay until `done`). Parts whose instance `next`
  /// does not share stop; once their work in flight ended, or `deadline`
  /// passed, the engine works on `next` and `done` runs (posted). `fresh`
  /// sources poll soon. A stop() meanwhile drops the reload.
  void reload(Assembly& next, std::set<std::string> fresh, std::chrono::milliseconds deadline,
              std::function<void()> done);

  /// Deliveries of `sink` became pending from outside the engine (an
  /// operator's retry or approval): its worker looks for them soon rather
  /// than at its next timer. Nothing for a sink the engine has no worker for.
  void wake(const std::string& sink);

  /// The sums of the daemon's counters (`once`'s summary, /api/status).
  EngineStats stats() const { return context_.counters.totals(); }

  /// What /api/status and /metrics show of each sink and source.
  struct SinkView {
    std::string name;
    size_t in_flight = 0;
    int64_t paused_until = 0;  ///< ms since epoch; 0 = running
  };
  std::vector<SinkView> sinks() const;
  std::vector<std::string> sources() const;
  /// SourceScheduler::next_poll_ms.
  int64_t next_poll_ms(const std::string& source) const;

 private:
  void resume_paused();
  /// Every sink settles what a stop left in flight, then `then`.
  void reconcile_all(std::function<void()> then);
  size_t in_flight() const;
  void ended_while_stopping();
  void check_once_finished();
  std::vector<pipeline::Pipeline*> selected(const Assembly& assembly) const;
  void add_sinks(const Assembly& assembly, const std::vector<pipeline::Pipeline*>& pipelines);
  /// A reload may go on: nothing retired has work in flight (posted).
  void check_reload();
  void finish_reload();

  // Declared first, destroyed last: the parts hold references to it.
  EngineContext context_;
  std::map<std::string, std::unique_ptr<SinkWorker>> sinks_;
  std::unique_ptr<SourceScheduler> sources_;
  std::function<void(int)> once_done_;
  std::function<void()> stop_done_;
  std::unique_ptr<boost::asio::steady_timer> stop_timer_;
  struct Reload {
    Assembly* next = nullptr;
    std::set<std::string> fresh;
    std::function<void()> done;
    std::unique_ptr<boost::asio::steady_timer> deadline;
  };
  std::unique_ptr<Reload> reload_;
};

}  // namespace syndicd::runtime
