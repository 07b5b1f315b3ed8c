// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/budget.hpp"

#include <time.h>

#include <algorithm>
#include <limits>

namespace syndicd::common {
namespace {

thread_local WorkBudget* t_current = nullptr;

std::chrono::nanoseconds thread_cpu_now() {
  timespec ts{};
  // Cannot fail for the calling thread's own clock on Linux.
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

}  // namespace

WorkLimits WorkLimits::document_defaults() {
  WorkLimits l;
  l.cpu_time = std::chrono::milliseconds(2000);
  l.max_bytes = std::size_t{16} << 20;
  l.max_depth = 1024;
  return l;
}

WorkBudget::WorkBudget(WorkLimits limits) : limits_(limits), started_(thread_cpu_now()) {
  // The first check comes at whichever is nearer: the step limit or the
  // first clock read. Without either limit, never.
  next_check_ = kNever;
  if (limits_.steps != 0) next_check_ = limits_.steps + 1;
  if (limits_.cpu_time.count() != 0) next_check_ = std::min(next_check_, kClockInterval);
}

void WorkBudget::check() {
  if (limits_.steps != 0 && steps_ > limits_.steps)
    throw BudgetExceeded(BudgetExceeded::Limit::steps,
                         "work budget of " + std::to_string(limits_.steps) + " steps exceeded");
  if (limits_.cpu_time.count() != 0) {
    check_time();
    next_check_ = steps_ + kClockInterval;
    if (limits_.steps != 0) next_check_ = std::min(next_check_, limits_.steps + 1);
  } else {
    next_check_ = limits_.steps != 0 ? limits_.steps + 1 : kNever;
  }
}

void WorkBudget::check_time() const {
  if (limits_.cpu_time.count() == 0) return;
  if (cpu_used() > limits_.cpu_time)
    throw BudgetExceeded(
        BudgetExceeded::Limit::cpu_time,
        "CPU time budget of " + std::to_string(limits_.cpu_time.count()) + " ms exceeded");
}

void WorkBudget::check_size(std::size_t bytes, const char* what) const {
  if (limits_.max_bytes != 0 && bytes > limits_.max_bytes)
    throw BudgetExceeded(BudgetExceeded::Limit::bytes,
                         std::string(what) + " of " + std::to_string(bytes) +
                             " bytes is over the limit of " + std::to_string(limits_.max_bytes));
}

void WorkBudget::check_depth(std::size_t depth) const {
  if (limits_.max_depth != 0 && depth > limits_.max_depth)
    throw BudgetExceeded(
        BudgetExceeded::Limit::depth,
        "elements nested more than " + std::to_string(limits_.max_depth) + " levels deep");
}

std::chrono::nanoseconds WorkBudget::cpu_used() const {
  return thread_cpu_now() - started_;
}

WorkBudget* current_budget() noexcept {
  return t_current;
}

BudgetScope::BudgetScope(WorkBudget& budget) noexcept : previous_(t_current) {
  t_current = &budget;
}

BudgetScope::~BudgetScope() {
  t_current = previous_;
}

}  // namespace syndicd::common
