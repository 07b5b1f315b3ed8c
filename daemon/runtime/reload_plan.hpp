// SPDX-License-Identifier: Apache-2.0
// What a reload changes (DESIGN.md §3): each source, sink and pipeline
// section of the new configuration set against the running one. Pure, so
// the comparison is tested without a daemon. The assembly keeps the running
// plugin instance of a section that is the same (runtime/assembly.hpp), the
// engine keeps its runner or worker (runtime/engine.hpp), and service.cpp
// polls the added and changed sources at once after a reload.
//
// A source or sink section is the same when its plugin, the plugin's own
// keys (positions in the file aside) and its host keys are: `every` of a
// source; concurrency, max_attempts, retry and retry_max of a sink; and the
// fetch settings of both (daemon.fetch with the section's overrides, so a
// change of daemon.fetch changes every section). A pipeline is the same
// when its sources, sinks, steps and repost_updates are.
#pragma once

#include <set>
#include <string>

#include "config/config.hpp"

namespace syndicd::runtime {

struct SectionChanges {
  std::set<std::string> added;      ///< only in the new configuration
  std::set<std::string> changed;    ///< in both, configured differently
  std::set<std::string> removed;    ///< only in the running one
  std::set<std::string> unchanged;  ///< in both, the same
};

struct ReloadPlan {
  SectionChanges sources, sinks, pipelines;
};

ReloadPlan plan_reload(const config::Config& running, const config::Config& next);

/// The same value, wherever in the file it is written.
bool same_node(const config::Node& a, const config::Node& b);
/// The plugin and its own keys only.
bool same_section(const config::PluginSection& a, const config::PluginSection& b);
/// The plugin, its own keys and the host keys.
bool same_source(const config::SourceSection& a, const config::SourceSection& b);
bool same_sink(const config::SinkSection& a, const config::SinkSection& b);
bool same_pipeline(const config::Pipeline& a, const config::Pipeline& b);

}  // namespace syndicd::runtime
