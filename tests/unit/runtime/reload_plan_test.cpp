// SPDX-License-Identifier: Apache-2.0
// What a reload changes (runtime/reload_plan.hpp), from two configurations.
#include "runtime/reload_plan.hpp"

#include <gtest/gtest.h>

namespace syndicd::runtime {
namespace {

using Names = std::set<std::string>;

config::Config load(const std::string& yaml) {
  auto loaded = config::load_string("daemon: { state: /tmp/reload-plan.db }\n" + yaml, "test.yaml");
  EXPECT_TRUE(loaded.ok());
  for (const auto& d : loaded.diagnostics)
    if (d.severity == config::Diagnostic::Severity::Error) ADD_FAILURE() << d.str();
  return loaded.ok() ? *loaded.config : config::Config{};
}

const std::string kRunning =
    "sources:\n"
    "  a: { plugin: rss, url: \"https://a.example/rss\" }\n"
    "  b: { plugin: rss, url: \"https://b.example/rss\" }\n"
    "sinks:\n"
    "  feed: { plugin: rss, path: /tmp/feed.xml }\n"
    "pipelines:\n"
    "  p: { from: [a, b], to: [feed], filters: [{ max_age: 3d }] }\n";

TEST(ReloadPlan, TheSameFileChangesNothing) {
  const auto plan = plan_reload(load(kRunning), load(kRunning));
  EXPECT_EQ(plan.sources.unchanged, (Names{"a", "b"}));
  EXPECT_TRUE(plan.sources.changed.empty());
  EXPECT_TRUE(plan.sources.added.empty());
  EXPECT_TRUE(plan.sources.removed.empty());
  EXPECT_EQ(plan.sinks.unchanged, Names{"feed"});
  EXPECT_EQ(plan.pipelines.unchanged, Names{"p"});
}

TEST(ReloadPlan, PositionsAndLayoutDoNotCount) {
  const auto moved = load(
      "\n\nsources:\n"
      "  b:\n    plugin: rss\n    url: \"https://b.example/rss\"\n"
      "  a: { plugin: rss, url: \"https://a.example/rss\" }\n"
      "sinks:\n  feed: { plugin: rss, path: /tmp/feed.xml }\n"
      "pipelines:\n  p:\n    from: [a, b]\n    to: [feed]\n    filters:\n      - max_age: 3d\n");
  const auto plan = plan_reload(load(kRunning), moved);
  EXPECT_EQ(plan.sources.unchanged, (Names{"a", "b"}));
  EXPECT_EQ(plan.sinks.unchanged, Names{"feed"});
  EXPECT_EQ(plan.pipelines.unchanged, Names{"p"});
}

TEST(ReloadPlan, OneChangedSourceLeavesTheOthersUnchanged) {
  std::string next = kRunning;
  next.replace(next.find("https://b.example/rss"), 21, "https://b.example/new");
  const auto plan = plan_reload(load(kRunning), load(next));
  EXPECT_EQ(plan.sources.changed, Names{"b"});
  EXPECT_EQ(plan.sources.unchanged, Names{"a"});
  EXPECT_EQ(plan.sinks.unchanged, Names{"feed"});
  EXPECT_EQ(plan.pipelines.unchanged, Names{"p"});
}

TEST(ReloadPlan, AnotherPluginIsAChange) {
  std::string next = kRunning;
  next.replace(next.find("b: { plugin: rss"), 16, "b: { plugin: html");
  EXPECT_EQ(plan_reload(load(kRunning), load(next)).sources.changed, Names{"b"});
}

TEST(ReloadPlan, AddedAndRemovedSections) {
  const auto next = load(
      "sources:\n"
      "  a: { plugin: rss, url: \"https://a.example/rss\" }\n"
      "  c: { plugin: rss, url: \"https://c.example/rss\" }\n"
      "sinks:\n  feed: { plugin: rss, path: /tmp/feed.xml }\n"
      "  other: { plugin: rss, path: /tmp/other.xml }\n"
      "pipelines:\n  q: { from: [a, c], to: [feed, other] }\n");
  const auto plan = plan_reload(load(kRunning), next);
  EXPECT_EQ(plan.sources.added, Names{"c"});
  EXPECT_EQ(plan.sources.removed, Names{"b"});
  EXPECT_EQ(plan.sources.unchanged, Names{"a"});
  EXPECT_EQ(plan.sinks.added, Names{"other"});
  EXPECT_EQ(plan.pipelines.added, Names{"q"});
  EXPECT_EQ(plan.pipelines.removed, Names{"p"});
}

TEST(ReloadPlan, APipelinesStepsSourcesAndSinksAreCompared) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"max_age: 3d", "max_age: 2d"},
           {"filters: [{ max_age: 3d }]", "filters: []"},
           {"from: [a, b]", "from: [a]"},
           {"to: [feed]", "to: []"},
           {"filters: [{ max_age: 3d }]", "filters: [{ max_age: 3d }], repost_updates: true"}}) {
    std::string next = kRunning;
    next.replace(next.find(from), from.size(), to);
    const auto plan = plan_reload(load(kRunning), load(next));
    EXPECT_EQ(plan.pipelines.changed, Names{"p"}) << to;
    EXPECT_EQ(plan.sources.unchanged, (Names{"a", "b"})) << to;
  }
}

TEST(ReloadPlan, SameNodeComparesKindsScalarsItemsAndKeys) {
  config::Node scalar;
  scalar.kind = config::Node::Kind::Scalar;
  scalar.scalar = "x";
  config::Node other = scalar;
  other.mark.line = 42;
  EXPECT_TRUE(same_node(scalar, other));
  other.scalar = "y";
  EXPECT_FALSE(same_node(scalar, other));
  config::Node list;
  list.kind = config::Node::Kind::Sequence;
  EXPECT_FALSE(same_node(scalar, list));
  config::Node longer = list;
  longer.items.push_back(scalar);
  EXPECT_FALSE(same_node(list, longer));
  config::Node map;
  map.kind = config::Node::Kind::Map;
  map.entries.push_back({"k", {}, scalar});
  config::Node renamed = map;
  renamed.entries[0].key = "j";
  EXPECT_FALSE(same_node(map, renamed));
}

// Host keys: what the daemon does with a section counts as much as what
// the plugin is given.
TEST(ReloadPlan, AChangedEveryChangesTheSource) {
  std::string next = kRunning;
  next.replace(next.find("url: \"https://b.example/rss\""), 0, "every: 1h, ");
  const auto plan = plan_reload(load(kRunning), load(next));
  EXPECT_EQ(plan.sources.changed, Names{"b"});
  EXPECT_EQ(plan.sources.unchanged, Names{"a"});
}

TEST(ReloadPlan, AChangedFetchOverrideChangesTheSource) {
  std::string next = kRunning;
  next.replace(next.find("url: \"https://a.example/rss\""), 0, "fetch: { timeout: 5s }, ");
  const auto plan = plan_reload(load(kRunning), load(next));
  EXPECT_EQ(plan.sources.changed, Names{"a"});
  EXPECT_EQ(plan.sources.unchanged, Names{"b"});
  EXPECT_EQ(plan.sinks.unchanged, Names{"feed"});
}

TEST(ReloadPlan, AChangedDaemonFetchChangesEverySourceAndSink) {
  auto loaded = config::load_string(
      "daemon: { state: /tmp/reload-plan.db, fetch: { user_agent: other } }\n" + kRunning,
      "test.yaml");
  ASSERT_TRUE(loaded.ok());
  const auto plan = plan_reload(load(kRunning), *loaded.config);
  EXPECT_EQ(plan.sources.changed, (Names{"a", "b"}));
  EXPECT_EQ(plan.sinks.changed, Names{"feed"});
  EXPECT_EQ(plan.pipelines.unchanged, Names{"p"});
}

TEST(ReloadPlan, EachSinkHostKeyChangesTheSink) {
  for (const std::string key :
       {"concurrency: 2, ", "max_attempts: 3, ", "retry: 5s, ", "retry_max: 1h, "}) {
    std::string next = kRunning;
    next.replace(next.find("path: /tmp/feed.xml"), 0, key);
    const auto plan = plan_reload(load(kRunning), load(next));
    EXPECT_EQ(plan.sinks.changed, Names{"feed"}) << key;
    EXPECT_EQ(plan.sources.unchanged, (Names{"a", "b"})) << key;
  }
}

TEST(ReloadPlan, AHostKeyWrittenAtItsDefaultIsNoChange) {
  std::string next = kRunning;
  next.replace(next.find("url: \"https://a.example/rss\""), 0, "every: 10m, ");
  next.replace(next.find("path: /tmp/feed.xml"), 0, "retry: 1m, ");
  const auto plan = plan_reload(load(kRunning), load(next));
  EXPECT_EQ(plan.sources.unchanged, (Names{"a", "b"}));
  EXPECT_EQ(plan.sinks.unchanged, Names{"feed"});
}

TEST(ReloadPlan, FileAccessDecidedByTheAssemblyIsNoChange) {
  auto running = load(kRunning);
  auto next = load(kRunning);
  running.sources.at("a").fetch.allow_file = true;
  EXPECT_EQ(plan_reload(running, next).sources.unchanged, (Names{"a", "b"}));
}

}  // namespace
}  // namespace syndicd::runtime
