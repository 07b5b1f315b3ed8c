// SPDX-License-Identifier: Apache-2.0
#include "runtime/reload_plan.hpp"

#include <algorithm>

namespace syndicd::runtime {
namespace {

template <class Section, class Same>
SectionChanges compare(const std::map<std::string, Section>& running,
                       const std::map<std::string, Section>& next, Same same) {
  SectionChanges out;
  for (const auto& [name, section] : next) {
    auto it = running.find(name);
    if (it == running.end())
      out.added.insert(name);
    else if (same(it->second, section))
      out.unchanged.insert(name);
    else
      out.changed.insert(name);
  }
  for (const auto& [name, section] : running)
    if (!next.count(name)) out.removed.insert(name);
  return out;
}

bool same_steps(const std::vector<config::Step>& a, const std::vector<config::Step>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const config::Step& x, const config::Step& y) {
                      return x.name == y.name && same_node(x.settings, y.settings);
                    });
}

// allow_file is no key: the assembly derives it from the plugin's own keys,
// after this comparison may already have run on the new configuration.
bool same_fetch(fetch::Settings a, fetch::Settings b) {
  a.allow_file = b.allow_file = false;
  return a == b;
}

}  // namespace

bool same_node(const config::Node& a, const config::Node& b) {
  if (a.kind != b.kind || a.scalar != b.scalar) return false;
  return std::equal(a.items.begin(), a.items.end(), b.items.begin(), b.items.end(), same_node) &&
         std::equal(a.entries.begin(), a.entries.end(), b.entries.begin(), b.entries.end(),
                    [](const config::Node::Entry& x, const config::Node::Entry& y) {
                      return x.key == y.key && same_node(x.value, y.value);
                    });
}

bool same_section(const config::PluginSection& a, const config::PluginSection& b) {
  return a.plugin == b.plugin && same_node(a.body, b.body);
}

bool same_source(const config::SourceSection& a, const config::SourceSection& b) {
  return same_section(a, b) && a.keys.every == b.keys.every && same_fetch(a.fetch, b.fetch);
}

bool same_sink(const config::SinkSection& a, const config::SinkSection& b) {
  const auto& x = a.keys;
  const auto& y = b.keys;
  return same_section(a, b) && x.concurrency == y.concurrency && x.max_attempts == y.max_attempts &&
         x.retry == y.retry && x.retry_max == y.retry_max && same_fetch(a.fetch, b.fetch);
}

bool same_pipeline(const config::Pipeline& a, const config::Pipeline& b) {
  return a.from == b.from && a.to == b.to && a.repost_updates == b.repost_updates &&
         same_steps(a.filters, b.filters) && same_steps(a.transforms, b.transforms);
}

ReloadPlan plan_reload(const config::Config& running, const config::Config& next) {
  ReloadPlan plan;
  plan.sources = compare(running.sources, next.sources, same_source);
  plan.sinks = compare(running.sinks, next.sinks, same_sink);
  plan.pipelines = compare(running.pipelines, next.pipelines, same_pipeline);
  return plan;
}

}  // namespace syndicd::runtime
