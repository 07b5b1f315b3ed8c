// SPDX-License-Identifier: Apache-2.0
// Bounded work per document (issue 12): a CPU-time, step, size and depth
// budget for the parsing of one fetched page or feed, so that a hostile or
// pathological document costs at most its budget and then is abandoned with
// an error, instead of holding a worker thread for minutes.
//
// The parsers check it at coarse checkpoints (a selector's compound test, a
// start position of a date format, a node of the DOM walk): charge() is an
// add and a compare; the thread's CPU clock (CLOCK_THREAD_CPUTIME_ID, a
// system call) is read only every kClockInterval steps.
//
// The budget of the document being worked on is this thread's current one
// (BudgetScope), so that helpers deep down (dates, selectors) reach it
// without every signature between the plugin and them carrying it, and so
// that the same helpers cost nothing extra when no budget is installed
// (tests, the daemon's own configuration parsing). Past a limit charge()
// throws BudgetExceeded, which unwinds to whoever installed the budget: the
// source plugin, which reports it naming the URL.
//
// A WorkBudget is used by one thread at a time (its CPU clock is that
// thread's).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace syndicd::common {

/// The limits of one document's work. Zero means unlimited.
struct WorkLimits {
  /// CPU time of the thread doing the work, from the WorkBudget's creation.
  std::chrono::milliseconds cpu_time{0};
  /// Work units as the parsers count them (about one per byte or node
  /// examined; see charge()). For tests that check a parser is linear, and a
  /// bound that does not depend on the machine's speed.
  std::uint64_t steps = 0;
  /// Size of the document's text, in bytes.
  std::size_t max_bytes = 0;
  /// Nesting depth of the document's elements.
  std::size_t max_depth = 0;

  /// What a source plugin uses unless configured otherwise: 2 s of CPU
  /// (a large real page takes well under 100 ms), 16 MiB, 1024 levels.
  static WorkLimits document_defaults();
};

/// Thrown by WorkBudget when a limit is passed; what() names the limit and
/// its value, e.g. "CPU time budget of 2000 ms exceeded".
class BudgetExceeded : public std::runtime_error {
 public:
  enum class Limit { cpu_time, steps, bytes, depth };
  BudgetExceeded(Limit limit, const std::string& message)
      : std::runtime_error(message), limit_(limit) {}
  /// Which limit was passed.
  Limit limit() const noexcept { return limit_; }

 private:
  Limit limit_;
};

/// The running account of one document's work against its WorkLimits.
class WorkBudget {
 public:
  /// Steps between two reads of the CPU clock: a read is a system call
  /// (~0.3 µs), a step is one comparison of a selector or a date format.
  static constexpr std::uint64_t kClockInterval = 4096;

  /// Starts the clock (the calling thread's CPU time).
  explicit WorkBudget(WorkLimits limits = {});

  /// Count `steps` units of work. Throws BudgetExceeded past the step limit,
  /// or past the CPU-time limit when the clock is read (every
  /// kClockInterval steps).
  void charge(std::uint64_t steps = 1) {
    steps_ += steps;
    if (steps_ >= next_check_) check();
  }

  /// Throws BudgetExceeded when `bytes` is over max_bytes; `what` names the
  /// document in the message ("page", "feed").
  void check_size(std::size_t bytes, const char* what) const;

  /// Throws BudgetExceeded when `depth` is over max_depth.
  void check_depth(std::size_t depth) const;

  /// Read the CPU clock now and throw BudgetExceeded when past the limit.
  void check_time() const;

  /// Steps charged so far.
  std::uint64_t steps() const noexcept { return steps_; }

  /// CPU time of this thread since the budget was created.
  std::chrono::nanoseconds cpu_used() const;

  const WorkLimits& limits() const noexcept { return limits_; }

 private:
  void check();

  WorkLimits limits_;
  std::chrono::nanoseconds started_;
  std::uint64_t steps_ = 0;
  std::uint64_t next_check_;
};

/// The budget installed on this thread by the innermost BudgetScope, or null.
WorkBudget* current_budget() noexcept;

/// Makes `budget` this thread's current budget for the scope's lifetime;
/// scopes nest (the previous one is restored).
class BudgetScope {
 public:
  explicit BudgetScope(WorkBudget& budget) noexcept;
  ~BudgetScope();
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  WorkBudget* previous_;
};

/// charge() the current budget, if any: the checkpoint parsers call.
inline void charge_work(std::uint64_t steps = 1) {
  if (WorkBudget* b = current_budget()) b->charge(steps);
}

}  // namespace syndicd::common
