// SPDX-License-Identifier: Apache-2.0
// The edges of a reload, through the real binary and real signals: a reload
// that removes a pipeline with its sink and source leaves the rest running
// and loses nothing (the removed sink's undelivered articles stay queued and
// go out, once, when it comes back), and a SIGTERM that lands while a reload
// waits for a delivery in flight stops the daemon cleanly, with nothing lost
// or doubled after a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "fixture_server.hpp"
#include "loopback.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::testing::Child;
using syndicd::testing::FixtureServer;
using syndicd::testing::rss_feed;

namespace {

class ReloadEdgesE2e : public syndicd::testing::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 3), "application/rss+xml"));
    server_.set("/b.xml", FixtureServer::text(rss_feed(100, 2), "application/rss+xml"));
  }

  // `tin` into `page` (pipeline p, always there); with `side_keys`, also
  // `other` into `side` (pipeline q) with those keys in side's section.
  void configure(const std::string& page_keys, const std::optional<std::string>& side_keys) {
    const std::string record = "plugin: record, calls: " + (dir_ / "calls.log").string();
    std::string yaml = "daemon:\n  state: " + (dir_ / "state.db").string() +
                       "\n  http: { listen: \"\" }\n  shutdown_timeout: " + shutdown_timeout_ +
                       "\n  plugin_path: [" SYNDICD_PLUGIN_DIR ", " SYNDICD_TEST_PLUGIN_DIR
                       "/record_sink]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                       "sources:\n  tin: { plugin: rss, every: 1h, url: \"" +
                       server_.url("/a.xml") + "\" }\n";
    if (side_keys)
      yaml += "  other: { plugin: rss, every: 1h, url: \"" + server_.url("/b.xml") + "\" }\n";
    yaml += "sinks:\n  page: { " + record + ", path: " + (dir_ / "page.log").string() + page_keys +
            " }\n";
    if (side_keys)
      yaml +=
          "  side: { " + record + ", path: " + (dir_ / "side.log").string() + *side_keys + " }\n";
    yaml += "pipelines:\n  p: { from: [tin], to: [page] }\n";
    if (side_keys) yaml += "  q: { from: [other], to: [side] }\n";
    write("syndicd.yaml", yaml);
  }

  // Article id → how many times the sink wrote it.
  std::map<std::string, int> recorded(const std::string& file) {
    std::map<std::string, int> out;
    std::ifstream in(dir_ / file);
    for (std::string line; std::getline(in, line);) ++out[line.substr(0, line.find('\t'))];
    return out;
  }
  size_t calls() {
    size_t n = 0;
    for (const auto& [id, count] : recorded("calls.log")) n += static_cast<size_t>(count);
    return n;
  }
  std::string log() {
    std::ifstream in(dir_ / "daemon.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  size_t reloads() {
    const std::string text = log();
    size_t n = 0;
    for (auto at = text.find("configuration reloaded"); at != std::string::npos;
         at = text.find("configuration reloaded", at + 1))
      ++n;
    return n;
  }
  std::unique_ptr<Child> start() {
    return std::make_unique<Child>(
        std::vector<std::string>{SYNDICD_BINARY, "run", "-c", (dir_ / "syndicd.yaml").string()},
        (dir_ / "daemon.log").string());
  }
  void reload(Child& daemon) {
    const size_t before = reloads();
    daemon.signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return reloads() > before; })) << log();
  }
  template <class F>
  bool eventually(F done, std::chrono::seconds limit = 30s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return done();
  }

  std::string shutdown_timeout_ = "20s";
  FixtureServer server_;
};

TEST_F(ReloadEdgesE2e, RemovingAPipelineKeepsTheRestAndItsSinksQueue) {
  // `side` takes an hour per delivery: its two articles are queued (one in
  // flight) when the reload removes it with its pipeline and source. The
  // reload waits shutdown_timeout for it, then goes on; `page` is untouched.
  shutdown_timeout_ = "1s";
  configure("", ", delay: 1h");
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return recorded("page.log").size() == 3 && calls() == 4; }))
      << log();

  configure("", std::nullopt);
  reload(*daemon);
  EXPECT_NE(log().find("reload: deadline passed"), std::string::npos) << log();
  EXPECT_EQ(server_.hits("/a.xml"), 1) << "the unchanged source was polled again\n" << log();
  int code = 0;
  EXPECT_FALSE(daemon->exited(code)) << log();

  // Back, without the delay: what was queued for it goes out, once each.
  configure("", "");
  reload(*daemon);
  ASSERT_TRUE(eventually([&] { return recorded("side.log").size() == 2; })) << log();
  std::this_thread::sleep_for(500ms);
  for (const auto& [id, n] : recorded("side.log")) EXPECT_EQ(n, 1) << id;
  for (const auto& [id, n] : recorded("page.log")) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(recorded("page.log").size(), 3u);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadEdgesE2e, SigtermWhileAReloadWaitsStopsCleanlyAndLosesNothing) {
  // The reload changes `page`, whose delivery in flight takes 4 s: the
  // reload waits for it, and SIGTERM arrives meanwhile. The daemon stops
  // within its shutdown bounds; a restart delivers what is left, once each.
  configure(", delay: 4s", std::nullopt);
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return calls() == 1; })) << log();
  configure(", delay: 50ms", std::nullopt);
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] {
    return log().find("reload: stopping changed parts") != std::string::npos;
  })) << log();
  daemon->signal(SIGTERM);
  const auto stopped_at = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon->wait(), 0) << log();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 20s) << log();
  EXPECT_EQ(reloads(), 0u) << "the reload ended before the SIGTERM\n" << log();

  auto again = start();
  ASSERT_TRUE(eventually([&] { return recorded("page.log").size() == 3; }, 60s)) << log();
  std::this_thread::sleep_for(500ms);
  for (const auto& [id, n] : recorded("page.log")) EXPECT_EQ(n, 1) << id;
  again->signal(SIGTERM);
  EXPECT_EQ(again->wait(), 0) << log();
}

}  // namespace
