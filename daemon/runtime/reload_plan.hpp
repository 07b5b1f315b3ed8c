// What a reload changes (DESIGN.md §3): each source, sink and pipeline
// section of the new configuration set against the running one. Pure, so
// the comparison is tested without a daemon; service.cpp polls the added
// and changed sources at once after a reload.
//
// A source or sink section is the same when its plugin and the plugin's own
// keys are (positions in the file aside); its host keys (every, fetch,
// concurrency, retry, ...) are not compared yet. A pipeline is the same
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
bool same_section(const config::PluginSection& a, const config::PluginSection& b);
bool same_pipeline(const config::Pipeline& a, const config::Pipeline& b);

}  // namespace syndicd::runtime
