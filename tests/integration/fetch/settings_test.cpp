// SPDX-License-Identifier: Apache-2.0
// fetch::Settings from the configuration: daemon.fetch with defaults, a
// source's (or sink's) fetch overriding only the keys it writes, read through
// the real config loader so key names and units cannot drift apart from the
// schema.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/config.hpp"
#include "fetch/fetcher.hpp"
#include "fetch/settings.hpp"

namespace fetch = syndicd::fetch;
namespace config = syndicd::config;
using namespace std::chrono_literals;

namespace {

config::Config load(const std::string& text) {
  config::LoadResult r = config::load_string(text, "/tmp/syndicd-settings-test.yaml");
  std::string problems;
  for (const auto& d : r.diagnostics) problems += d.str() + "\n";
  EXPECT_TRUE(r.ok()) << problems;
  if (!r.config) throw std::runtime_error("config did not load:\n" + problems);
  return std::move(*r.config);
}

// daemon.fetch, with a section's overrides when given.
fetch::Settings settings_from(const config::ConfigValues& daemon,
                              const config::ConfigValues* section) {
  const fetch::Settings d = config::read_daemon_keys(daemon).fetch;
  return section ? config::read_fetch_override(d, *section) : d;
}

const char* const kRest =
    "sinks:\n  s: { plugin: rss }\n"
    "pipelines:\n  p: { from: [a, b], to: [s] }\n";

TEST(FetchSettings, DefaultsMatchTheSchemaDefaults) {
  const config::Config c = load(std::string("sources:\n"
                                            "  a: { plugin: rss, url: https://example.org/f }\n"
                                            "  b: { plugin: rss, url: https://example.org/g }\n") +
                                kRest);
  const fetch::Settings s = settings_from(*c.daemon.values, nullptr);
  const fetch::Settings d;  // the built-in defaults must agree with the config's
  EXPECT_EQ(s.user_agent, d.user_agent);
  EXPECT_EQ(s.max_connections, 64u);
  EXPECT_EQ(s.per_host, 2u);
  EXPECT_EQ(s.delay, 1s);
  EXPECT_EQ(s.timeout, 20s);
  EXPECT_EQ(s.connect_timeout, 10s);
  EXPECT_EQ(s.low_speed_limit, 64);
  EXPECT_EQ(s.low_speed_time, 15s);
  EXPECT_EQ(s.max_body, 8u << 20);
  EXPECT_EQ(s.max_redirects, 5);
  EXPECT_EQ(s.retries, 2);
  EXPECT_EQ(s.retry_base, 1s);
  EXPECT_FALSE(s.allow_private);
  EXPECT_EQ(s.proxy, "");
  EXPECT_FALSE(s.allow_file);
  // A source without overrides gets exactly the daemon's.
  const fetch::Settings a = settings_from(*c.daemon.values, c.sources.at("a").host.get());
  EXPECT_EQ(a.per_host, s.per_host);
  EXPECT_EQ(a.delay, s.delay);
  EXPECT_EQ(a.user_agent, s.user_agent);
}

TEST(FetchSettings, SourceOverridesOnlyWhatItWrites) {
  const config::Config c =
      load(std::string("daemon:\n"
                       "  fetch:\n"
                       "    user_agent: \"syndicd-test/2 (+https://example.org)\"\n"
                       "    per_host: 3\n"
                       "    delay: 250ms\n"
                       "    timeout: 30s\n"
                       "    low_speed_time: 1500ms\n"
                       "    max_body: 2MiB\n"
                       "    retries: 4\n"
                       "    proxy: http://127.0.0.1:3128\n"
                       "sources:\n"
                       "  a:\n"
                       "    plugin: rss\n"
                       "    url: https://example.org/f\n"
                       "    fetch:\n"
                       "      per_host: 1\n"
                       "      delay: 5s\n"
                       "      max_body: 64KiB\n"
                       "      allow_private: true\n"
                       "      max_redirects: 0\n"
                       "  b: { plugin: rss, url: https://example.org/g }\n") +
           kRest);
  const fetch::Settings d = settings_from(*c.daemon.values, nullptr);
  EXPECT_EQ(d.user_agent, "syndicd-test/2 (+https://example.org)");
  EXPECT_EQ(d.per_host, 3u);
  EXPECT_EQ(d.delay, 250ms);
  EXPECT_EQ(d.timeout, 30s);
  EXPECT_EQ(d.low_speed_time, 2s);  // curl counts whole seconds: rounded up, never stricter
  EXPECT_EQ(d.max_body, 2u << 20);
  EXPECT_EQ(d.retries, 4);
  EXPECT_EQ(d.proxy, "http://127.0.0.1:3128");
  EXPECT_FALSE(d.allow_private);

  const fetch::Settings a = settings_from(*c.daemon.values, c.sources.at("a").host.get());
  EXPECT_EQ(a.per_host, 1u);
  EXPECT_EQ(a.delay, 5s);
  EXPECT_EQ(a.max_body, 64u << 10);
  EXPECT_TRUE(a.allow_private);
  EXPECT_EQ(a.max_redirects, 0);
  // Not written by the source: the daemon's values, not the built-in defaults.
  EXPECT_EQ(a.user_agent, "syndicd-test/2 (+https://example.org)");
  EXPECT_EQ(a.timeout, 30s);
  EXPECT_EQ(a.retries, 4);
  EXPECT_EQ(a.proxy, "http://127.0.0.1:3128");

  const fetch::Settings b = settings_from(*c.daemon.values, c.sources.at("b").host.get());
  EXPECT_EQ(b.per_host, 3u);
  EXPECT_EQ(b.delay, 250ms);
  EXPECT_EQ(b.max_body, 2u << 20);
}

TEST(FetchSettings, HandBuiltValuesWithoutDefaultsKeepBuiltInDefaults) {
  config::ConfigValues daemon{config::Mark{}};
  config::ConfigValues::Value per_host;
  per_host.type = SYNDICD_TYPE_INT;
  per_host.number = 7;
  per_host.set = true;
  daemon.put("fetch.per_host", per_host);
  const fetch::Settings s = settings_from(daemon, nullptr);
  EXPECT_EQ(s.per_host, 7u);
  EXPECT_EQ(s.delay, fetch::Settings{}.delay);
  EXPECT_EQ(s.user_agent, fetch::Settings{}.user_agent);

  // A source value that is present but not written (a default) does not override.
  config::ConfigValues source{config::Mark{}};
  per_host.number = 9;
  per_host.set = false;
  source.put("fetch.per_host", per_host);
  EXPECT_EQ(settings_from(daemon, &source).per_host, 7u);
}

TEST(FetchSettings, RetryDelayDoublesWithBoundedJitter) {
  EXPECT_EQ(fetch::retry_delay(1000ms, 1, 0.0), 500ms);
  EXPECT_EQ(fetch::retry_delay(1000ms, 1, 0.999), 999ms);
  EXPECT_EQ(fetch::retry_delay(1000ms, 2, 0.0), 1000ms);
  EXPECT_EQ(fetch::retry_delay(1000ms, 3, 0.0), 2000ms);
  EXPECT_EQ(fetch::retry_delay(1000ms, 3, 1.0), 4000ms);
  // Bounded: never more than 5 minutes, whatever the attempt.
  EXPECT_EQ(fetch::retry_delay(1000ms, 40, 1.0), 300000ms);
  EXPECT_EQ(fetch::retry_delay(1000ms, 1000, 1.0), 300000ms);
  EXPECT_EQ(fetch::retry_delay(0ms, 3, 1.0), 0ms);
  EXPECT_EQ(fetch::retry_delay(-5ms, 3, 1.0), 0ms);
}

}  // namespace
