// SPDX-License-Identifier: Apache-2.0
#include "pipeline/step.hpp"

namespace syndicd::pipeline {

const std::vector<StepType>& step_types() {
  static const std::vector<StepType> all = [] {
    std::vector<StepType> out = filter_types();
    for (auto& t : transform_types()) out.push_back(t);
    return out;
  }();
  return all;
}

const StepType* find_step(StepKind kind, std::string_view name) {
  for (const auto& t : step_types())
    if (t.kind == kind && name == t.name) return &t;
  return nullptr;
}

}  // namespace syndicd::pipeline
