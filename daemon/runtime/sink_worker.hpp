// SPDX-License-Identifier: Apache-2.0
// A sink worker (DESIGN.md §1.5, §6): drains one sink's pending deliveries,
// up to its `concurrency` at a time. Each is marked in_flight before the
// plugin is called; the plugin's answer goes through the delivery policy
// (runtime/delivery_policy.hpp) to the store. At a start it first settles
// what a stop left in flight. A sink may pause (a rate limit, a spent
// quota, refused credentials); the pause lives as long as the worker.
// A reload keeps the worker of a sink whose section is the same, with its
// deliveries in flight and its pause; it retires the worker of a changed
// or removed sink, which takes no new delivery and lets those in flight end.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "plugin_host/instance.hpp"
#include "runtime/delivery_policy.hpp"
#include "runtime/engine_context.hpp"

namespace syndicd::runtime {

class SinkWorker {
 public:
  /// What the worker tells the rest of the engine.
  struct Hooks {
    /// The worker did what it could for now: `once` may be finished.
    std::function<void()> settled;
    /// A delivery ended while the engine stops.
    std::function<void()> ended_while_stopping;
  };

  SinkWorker(EngineContext& context, std::string name, plugin_host::Instance* instance,
             const config::SinkKeys& keys, Hooks hooks);
  ~SinkWorker();
  SinkWorker(const SinkWorker&) = delete;
  SinkWorker& operator=(const SinkWorker&) = delete;

  const std::string& name() const { return name_; }
  bool idempotent() const { return idempotent_; }
  /// `review: true`: new deliveries wait, held, for a person's approval.
  bool review() const { return review_; }
  size_t in_flight() const { return in_flight_; }
  int64_t paused_until() const { return paused_until_; }
  /// A pump is queued, or the answer to an interrupted delivery awaited:
  /// the worker is not done.
  bool busy() const { return pump_posted_ || reconciling_ > 0; }

  /// Make the deliveries a previous pause held due now: a new worker
  /// starts with the sink unpaused.
  void resume_paused();
  /// Settle the deliveries a stop left in flight (the policy's
  /// settle_interrupted), then `done`.
  void reconcile(std::function<void()> done);
  /// Start what is due, up to `concurrency` in flight.
  void pump();
  /// pump() soon, once however often asked.
  void schedule_pump();
  /// No more timers.
  void stop();
  /// Reload: no new deliveries; those in flight end as they would. Each end
  /// is told to hooks.ended_while_stopping.
  void retire();
  bool retired() const { return retired_; }
  plugin_host::Instance* instance() const { return instance_; }

 private:
  void delivered(const store::Delivery& delivery, const syndicd_result& result);
  void pump_after(std::chrono::milliseconds delay);

  EngineContext& context_;
  Hooks hooks_;
  std::string name_;
  plugin_host::Instance* instance_;
  bool idempotent_ = false;
  bool review_ = false;
  size_t concurrency_ = 1;
  RetrySettings retry_;
  size_t in_flight_ = 0;
  size_t reconciling_ = 0;
  int64_t paused_until_ = 0;
  bool pump_posted_ = false;
  int store_failures_ = 0;  ///< consecutive pumps the state file stopped
  bool retired_ = false;
  boost::asio::steady_timer timer_;
  /// Cleared when the worker goes: a reload may drop a retired worker
  /// whose instance still has deliveries in flight.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace syndicd::runtime
