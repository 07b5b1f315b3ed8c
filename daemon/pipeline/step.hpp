// SPDX-License-Identifier: Apache-2.0
// The steps a pipeline may list under `filters` and `transforms`, as one
// registry (a factory per name, as Envoy registers its extensions): each
// entry declares its settings with the same syndicd_field schema plugins
// use, so `check` validates a step's settings completely and reports them at
// file:line:col, and builds the step from the validated values.
#pragma once

#include <syndicd/abi.h>
#include <syndicd/plugin.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/schema.hpp"

namespace syndicd::pipeline {

/// One configured step. A filter answers why it drops an article (nothing:
/// it passes); a transform changes the article and drops nothing.
class Step {
 public:
  virtual ~Step() = default;
  virtual std::optional<std::string> apply(Article& article, int64_t now) const = 0;
};

/// Thrown by a factory for a value the schema cannot express a rule for;
/// `path` is inside the step's settings ("exclude.title[0]").
class StepError : public std::runtime_error {
 public:
  StepError(std::string path, const std::string& message)
      : std::runtime_error(message), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// Which list of a pipeline a step belongs in.
enum class StepKind { filter, transform };

/// A registry entry.
struct StepType {
  const char* name;
  StepKind kind;
  /// One field named `name`: the step's settings as written after its name
  /// (`max_age: 3d`, `truncate: {field: lead}`).
  const syndicd_field* schema;
  /// Build the step from its validated settings (paths start with `name`).
  std::unique_ptr<Step> (*make)(const config::ConfigValues& values);
};

/// Every built-in step, filters first.
const std::vector<StepType>& step_types();

/// The entry of `kind` called `name`, or nullptr.
const StepType* find_step(StepKind kind, std::string_view name);

/// Registry parts, one per file.
std::vector<StepType> filter_types();
std::vector<StepType> transform_types();

/// The text of an article field a filter names ("title", "lead", "body",
/// "author", "tags", "url", or "any" for all of them).
std::string field_text(const Article& article, std::string_view field);

}  // namespace syndicd::pipeline
