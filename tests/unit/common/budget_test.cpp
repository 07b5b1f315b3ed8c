// SPDX-License-Identifier: Apache-2.0
// WorkBudget: limits pass as BudgetExceeded naming the limit, scopes nest,
// and without a budget the checkpoints do nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "syndicd/common/budget.hpp"

namespace {

using namespace syndicd::common;

TEST(WorkBudget, StepLimit) {
  WorkLimits limits;
  limits.steps = 1000;
  WorkBudget budget(limits);
  budget.charge(1000);
  EXPECT_EQ(budget.steps(), 1000u);
  try {
    budget.charge();
    FAIL() << "no throw";
  } catch (const BudgetExceeded& e) {
    EXPECT_EQ(e.limit(), BudgetExceeded::Limit::steps);
    EXPECT_EQ(std::string(e.what()), "work budget of 1000 steps exceeded");
  }
}

TEST(WorkBudget, CpuTimeLimit) {
  WorkLimits limits;
  limits.cpu_time = std::chrono::milliseconds(1);
  WorkBudget budget(limits);
  // Work until the clock, read every kClockInterval steps, says the
  // millisecond is spent (CTest's timeout is the backstop).
  volatile unsigned sink = 0;
  try {
    for (;;) {
      for (unsigned i = 0; i < 100; ++i) sink = sink + i;
      budget.charge();
    }
  } catch (const BudgetExceeded& e) {
    EXPECT_EQ(e.limit(), BudgetExceeded::Limit::cpu_time);
    EXPECT_EQ(std::string(e.what()), "CPU time budget of 1 ms exceeded");
  }
  EXPECT_GE(budget.cpu_used(), std::chrono::milliseconds(1));
}

TEST(WorkBudget, SizeAndDepth) {
  WorkLimits limits;
  limits.max_bytes = 10;
  limits.max_depth = 3;
  const WorkBudget budget(limits);
  budget.check_size(10, "page");
  budget.check_depth(3);
  try {
    budget.check_size(11, "page");
    FAIL() << "no throw";
  } catch (const BudgetExceeded& e) {
    EXPECT_EQ(e.limit(), BudgetExceeded::Limit::bytes);
    EXPECT_EQ(std::string(e.what()), "page of 11 bytes is over the limit of 10");
  }
  EXPECT_THROW(budget.check_depth(4), BudgetExceeded);
}

TEST(WorkBudget, UnlimitedNeverThrows) {
  WorkBudget budget;
  budget.charge(~std::uint64_t{0} / 2);
  budget.charge(12345);
  budget.check_size(~std::size_t{0}, "feed");
  budget.check_depth(~std::size_t{0});
  budget.check_time();
}

TEST(WorkBudget, ScopesNest) {
  EXPECT_EQ(current_budget(), nullptr);
  charge_work(5);  // no budget: nothing happens
  WorkBudget outer, inner;
  {
    BudgetScope a(outer);
    charge_work(2);
    {
      BudgetScope b(inner);
      EXPECT_EQ(current_budget(), &inner);
      charge_work(3);
    }
    EXPECT_EQ(current_budget(), &outer);
    charge_work();
  }
  EXPECT_EQ(current_budget(), nullptr);
  EXPECT_EQ(outer.steps(), 3u);
  EXPECT_EQ(inner.steps(), 3u);
}

TEST(WorkBudget, Defaults) {
  const WorkLimits d = WorkLimits::document_defaults();
  EXPECT_EQ(d.cpu_time, std::chrono::milliseconds(2000));
  EXPECT_EQ(d.max_bytes, std::size_t{16} << 20);
  EXPECT_EQ(d.max_depth, 1024u);
  EXPECT_EQ(d.steps, 0u);
}

}  // namespace
