// The source scheduler (DESIGN.md §1.1–1.4): fires each source on its
// `every` (with jitter, backing off after failures, held by the crash
// quarantine), runs what it emits through its pipelines' prepare() and
// into the store before the emit returns, and records how each poll ended.
// A poll the state file could not take is no failure of the source's: it is
// repeated soon, doubling up to `every`.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
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
    /// `once`: a poll ended (context.polls_pending counts the rest).
    std::function<void()> once_poll_ended;
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
  /// interrupted (options.fresh_sources poll soon, out of any hold).
  void start();
  /// No more polls: the timers are cancelled.
  void stop();

  size_t size() const { return sources_.size(); }
  std::vector<std::string> names() const;

 private:
  struct Source;

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
