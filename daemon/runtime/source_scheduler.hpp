// SPDX-License-Identifier: Apache-2.0
// The source scheduler (DESIGN.md §1.1–1.4): fires each source on its
// `every` (with jitter, backing off after failures, held by the crash
// quarantine), runs what it emits through its pipelines' prepare() and
// into the store before the emit returns, and records how each poll ended.
// A poll the state file could not take is no failure of the source's: it is
// repeated soon, doubling up to `every`.
//
// A reload (runtime/engine.hpp) retires the runners of changed and removed
// sources, each letting a poll in flight end, then rebinds the scheduler
// to the new assembly: the runners kept go on with their schedule and any
// poll in flight, reading into the new pipelines; new ones are armed.
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

namespace syndicd::runtime {

class SourceScheduler {
 public:
  /// What the scheduler asks of the rest of the engine.
  struct Hooks {
    /// Articles were recorded with deliveries to `sink`: wake its worker.
    std::function<void(const std::string& sink)> deliveries_added;
    /// Whether `sink` is idempotent: an article updated at the source goes
    /// to it again.
    std::function<bool(const std::string& sink)> idempotent;
    /// Whether `sink` holds new deliveries for a person (`review: true`).
    std::function<bool(const std::string& sink)> review;
    /// `once`: a poll ended (context.polls_pending counts the rest).
    std::function<void()> once_poll_ended;
    /// A retired runner's poll ended (posted, never from inside the poll).
    std::function<void()> retired_poll_ended;
  };

  /// A runner for every source the `pipelines` read from.
  SourceScheduler(EngineContext& context, const Assembly& assembly,
                  const std::vector<pipeline::Pipeline*>& pipelines, Hooks hooks);
  /// Polls cut short (a stop, a reload) lose their crash-quarantine marks.
  ~SourceScheduler();
  SourceScheduler(const SourceScheduler&) = delete;
  SourceScheduler& operator=(const SourceScheduler&) = delete;

  /// `once`: poll every source now; each end is reported to once_poll_ended.
  void poll_all();
  /// `run`: arm each source's timer, resuming the schedule a restart
  /// interrupted. (Sources a reload changed are armed fresh by rebind.)
  void start();
  /// No more polls: the timers are cancelled.
  void stop();

  /// Reload: these runners poll no more; a poll in flight goes on to its end.
  void retire(const std::set<std::string>& names);
  /// Retired runners whose poll has not ended.
  size_t retired_polling() const;
  /// Reload: the retired runners go (a poll still in flight is abandoned:
  /// its mark and held-back validators go with it), the others read into
  /// `pipelines` of `next`, and runners for the sources new to them are
  /// armed as start() arms them (`fresh` ones poll soon).
  void rebind(const Assembly& next, const std::vector<pipeline::Pipeline*>& pipelines,
              const std::set<std::string>& fresh);

  size_t size() const { return sources_.size(); }
  std::vector<std::string> names() const;
  /// When `name` polls next as its timer is set (ms since the epoch: the
  /// jitter and any backoff included); 0 while it polls, or no such runner.
  int64_t next_poll_ms(const std::string& name) const;
  /// The instance `name` polls with; null for no such runner.
  plugin_host::Instance* instance(const std::string& name) const;

 private:
  struct Source;

  Source& runner(const Assembly& assembly, const std::string& name);
  void arm(Source& source, bool fresh);
  void schedule(Source& source, std::chrono::milliseconds delay);
  void poll(Source& source);
  syndicd_status accept(Source& source, const Article& article);
  void poll_done(Source& source, syndicd_status status, const std::string& message);
  void store_failed(Source& source);

  EngineContext& context_;
  Hooks hooks_;
  std::map<std::string, std::unique_ptr<Source>> sources_;
};

}  // namespace syndicd::runtime
