// The engine (DESIGN.md §1): sources polled into pipelines, new articles and
// their deliveries written to the store (the outbox), sink workers draining
// it. `once` runs it to completion; `run` keeps it going on a schedule.
//
// Guarantees (DESIGN.md §6): an emitted article is in the store before the
// emit returns; a delivery is marked in_flight before the sink is called and
// leaves pending only as done or dead; after a crash, in_flight rows are
// retried for idempotent sinks, reconciled for sinks that can, and parked as
// dead (never posted twice) for the others.
//
// A sink may pause (a rate limit, a spent quota, refused credentials): the
// delivery that met the pause waits, pending and uncounted, and the sink
// takes no other until the pause ends. A pause lives as long as the engine:
// a new one (a start, every reload) begins with no sink paused and makes the
// held deliveries due, so fixed credentials need no wait; a sink still
// paused pauses again at its first try, at no attempt's cost.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "pipeline/pipeline.hpp"
#include "runtime/assembly.hpp"
#include "runtime/environment.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

struct EngineOptions {
  /// Pipelines to run; empty = all.
  std::vector<std::string> pipelines;
  /// Deliver nothing: list what would be delivered on `report` instead.
  bool dry_run = false;
  std::ostream* report = nullptr;
  /// Sources to poll soon whatever their last poll was (changed by a reload).
  std::set<std::string> fresh_sources;
  /// Wall clock in ms (tests move it); default: the system clock.
  std::function<int64_t()> clock;
};

/// Counters for logs, `once`'s summary and /api/status.
struct EngineStats {
  uint64_t polls = 0, poll_failures = 0;
  uint64_t articles_added = 0, articles_updated = 0, articles_seen = 0, articles_filtered = 0;
  uint64_t delivered = 0, retried = 0, dead = 0, reconciled = 0;
};

class Engine {
 public:
  Engine(Assembly& assembly, Environment& environment, store::Store& store, EngineOptions options);
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

  const EngineStats& stats() const { return stats_; }

  /// What /api/status and /metrics show of each sink and source.
  struct SinkView {
    std::string name;
    size_t in_flight = 0;
    int64_t paused_until = 0;  ///< ms since epoch; 0 = running
  };
  std::vector<SinkView> sinks() const;
  std::vector<std::string> sources() const;

 private:
  struct SourceRunner;
  struct SinkWorker;

  int64_t now() const;
  void resume_paused();
  void poll(SourceRunner& source);
  syndicd_status accept(SourceRunner& source, const Article& article);
  void poll_done(SourceRunner& source, syndicd_status status, const std::string& message);
  void store_failed(SourceRunner& source);
  void schedule_poll(SourceRunner& source, std::chrono::milliseconds delay);
  void reconcile(SinkWorker& sink, std::function<void()> done);
  void pump(SinkWorker& sink);
  void delivered(SinkWorker& sink, const store::Delivery& delivery, const syndicd_result& result);
  void schedule_pump(SinkWorker& sink);
  void check_once_finished();
  std::chrono::milliseconds jitter(std::chrono::milliseconds base, double spread);

  Assembly& assembly_;
  Environment& environment_;
  store::Store& store_;
  EngineOptions options_;
  std::vector<std::unique_ptr<pipeline::Pipeline>> pipelines_;
  std::map<std::string, std::unique_ptr<SourceRunner>> sources_;
  std::map<std::string, std::unique_ptr<SinkWorker>> sinks_;
  EngineStats stats_;
  std::mt19937_64 random_{std::random_device{}()};
  bool running_ = false;
  bool stopping_ = false;
  bool once_ = false;
  bool failed_ = false;
  size_t polls_pending_ = 0;
  size_t reconciles_pending_ = 0;
  std::function<void(int)> once_done_;
  std::function<void()> stop_done_;
  std::unique_ptr<boost::asio::steady_timer> stop_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace syndicd::runtime
