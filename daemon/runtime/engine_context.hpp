// SPDX-License-Identifier: Apache-2.0
// What the engine's parts share (runtime/engine.hpp): the store and loop
// they work on, the options of the run, the daemon's counters, the clock, and the
// state of the run they all look at — `once` or on a schedule, stopping or
// not. The source scheduler (runtime/source_scheduler.hpp) and the sink
// workers (runtime/sink_worker.hpp) each hold a reference to the engine's.
#pragma once

#include <syndicd/abi.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "runtime/engine_counters.hpp"
#include "runtime/environment.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

struct EngineOptions {
  /// Pipelines to run; empty = all.
  std::vector<std::string> pipelines;
  /// Deliver nothing: list what would be delivered on `report` instead.
  bool dry_run = false;
  std::ostream* report = nullptr;
  /// Wall clock in ms (tests move it); default: the system clock.
  std::function<int64_t()> clock;
};

struct EngineContext {
  EngineContext(store::Store& store, Environment& environment, Counters& counters,
                EngineOptions options)
      : store(store), environment(environment), counters(counters), options(std::move(options)) {}

  store::Store& store;
  Environment& environment;
  /// The Daemon's (runtime/engine_counters.hpp): they outlive this engine.
  Counters& counters;
  const EngineOptions options;

  bool running = false;      ///< started (`once` or on a schedule)
  bool once = false;         ///< `once`: every source polled once, then drained
  bool stopping = false;     ///< stop(): no new polls, no new deliveries
  bool failed = false;       ///< a poll or a delivery failed: `once` exits 1
  size_t polls_pending = 0;  ///< `once`: polls not ended yet; deliveries wait for them

  /// Cleared when the engine goes: callbacks still queued on the loop
  /// check it before touching anything.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  /// Wall clock, ms since epoch (options.clock when set).
  int64_t now() const;
  /// `base` scaled by a random factor in [1 - spread, 1 + spread].
  std::chrono::milliseconds jitter(std::chrono::milliseconds base, double spread);
  /// A random factor in [1 - spread, 1 + spread].
  double spread(double spread);
  /// A random wait in [0, limit].
  std::chrono::milliseconds random_wait(std::chrono::milliseconds limit);

 private:
  std::mt19937_64 random_{std::random_device{}()};
};

/// A duration as the logs show it: "45s", "3m20s", "2h5m".
std::string seconds_text(std::chrono::milliseconds duration);
/// A plugin status as the logs name it.
const char* status_name(syndicd_status status);

}  // namespace syndicd::runtime
