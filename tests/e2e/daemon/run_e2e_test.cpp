// SPDX-License-Identifier: Apache-2.0
// `syndicd run` end to end with real signals: graceful SIGTERM during a
// delivery, SIGHUP with a broken and a valid config, and kill -9 at random
// moments over many rounds without losing or doubling a delivery.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "fixture_server.hpp"
#include "loopback.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::testing::Child;
using syndicd::testing::FixtureServer;
using syndicd::testing::http_get;
using syndicd::testing::rss_feed;

namespace {

const std::string kBinary = SYNDICD_BINARY;
const fs::path kTestPlugins = SYNDICD_TEST_PLUGIN_DIR;

class RunE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-run-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 3), "application/rss+xml"));
    server_.set("/b.xml", FixtureServer::text(rss_feed(100, 2), "application/rss+xml"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_config(const std::string& feed_path, const std::string& sinks,
                        const std::string& to, const std::string& extra_source_keys = "") {
    const fs::path p = dir_ / "syndicd.yaml";
    std::ofstream(p) << "daemon:\n  state: " << (dir_ / "state.db").string()
                     << "\n  http: { listen: \"\" }\n  shutdown_timeout: 20s\n  plugin_path: ["
                     << SYNDICD_PLUGIN_DIR << ", " << (kTestPlugins / "record_sink").string()
                     << ", " << (kTestPlugins / "record_sink_idem").string()
                     << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                        "sources:\n  tin: { plugin: rss, url: \""
                     << server_.url(feed_path) << "\"" << extra_source_keys << " }\nsinks:\n"
                     << sinks << "pipelines:\n  p: { from: [tin], to: [" << to << "] }\n";
    return p;
  }
  std::string record(const std::string& name, const std::string& plugin,
                     const std::string& more = "") {
    return "  " + name + ": { plugin: " + plugin + ", path: " + (dir_ / (name + ".log")).string() +
           more + " }\n";
  }
  // Article id → how many times the sink recorded it.
  std::map<std::string, int> recorded(const std::string& name) {
    std::map<std::string, int> out;
    std::ifstream in(dir_ / (name + ".log"));
    for (std::string line; std::getline(in, line);) ++out[line.substr(0, line.find('\t'))];
    return out;
  }
  std::string log() {
    std::ifstream in(dir_ / "daemon.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::unique_ptr<Child> start(const fs::path& cfg) {
    return std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", cfg.string()},
                                   (dir_ / "daemon.log").string());
  }
  // Waits (bounded) until `done` holds; false on timeout.
  template <class F>
  bool eventually(F done, std::chrono::seconds limit = 30s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return done();
  }

  // /down.xml answers 503: a site that is down.
  void serve_down() {
    syndicd::testing::Behaviour b;
    b.status = 503;
    server_.set("/down.xml", b);
  }

  fs::path dir_;
  FixtureServer server_;
};

TEST_F(RunE2e, DeliversAndStopsGracefullyDuringADelivery) {
  // Each delivery takes 1.5 s: SIGTERM arrives while one is in flight, and
  // the daemon lets it finish (within shutdown_timeout) before exiting 0.
  const auto cfg = write_config("/a.xml", record("page", "record", ", delay: 1500ms"), "page");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() >= 1; })) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  EXPECT_NE(log().find("stopping on SIGTERM"), std::string::npos) << log();
  EXPECT_NE(log().find("syndicd stopped"), std::string::npos) << log();
  const auto before = recorded("page");
  for (const auto& [id, n] : before) EXPECT_EQ(n, 1) << id;

  // Restarted, it delivers the rest and nothing twice.
  daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 3; })) << log();
  daemon->signal(SIGINT);
  EXPECT_EQ(daemon->wait(), 0) << log();
  for (const auto& [id, n] : recorded("page")) EXPECT_EQ(n, 1) << id;
}

TEST_F(RunE2e, ReloadRefusesABrokenConfigAndAppliesAValidOne) {
  auto cfg = write_config("/a.xml", record("page", "record"), "page");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 3; })) << log();

  std::ofstream(cfg, std::ios::app) << "  bad: { from: [nope], to: [page] }\n";
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log().find("reload refused") != std::string::npos; }))
      << log();
  EXPECT_NE(log().find("pipelines.bad.from[0]: no source named \"nope\""), std::string::npos)
      << log();
  int code = 0;
  EXPECT_FALSE(daemon->exited(code)) << "the daemon died on a broken reload:\n" << log();

  // A valid config that points the source at another feed: applied, and
  // its articles are delivered.
  cfg = write_config("/b.xml", record("page", "record"), "page");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log().find("configuration reloaded") != std::string::npos; }))
      << log();
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 5; }, 40s)) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(RunE2e, AReloadChangingOneSourceLeavesTheOthersSchedule) {
  // DESIGN.md §3: the changed source polls at once after the reload; the
  // unchanged one keeps its schedule (an hour away), not polled again.
  server_.set("/c.xml", FixtureServer::text(rss_feed(200, 1), "application/rss+xml"));
  const fs::path p = dir_ / "two.yaml";
  auto write = [&](const std::string& other_feed) {
    std::ofstream(p) << "daemon:\n  state: " << (dir_ / "state.db").string()
                     << "\n  http: { listen: \"\" }\n  plugin_path: [" << SYNDICD_PLUGIN_DIR << ", "
                     << (kTestPlugins / "record_sink").string()
                     << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                        "sources:\n  tin: { plugin: rss, every: 1h, url: \""
                     << server_.url("/a.xml") << "\" }\n  other: { plugin: rss, every: 1h, url: \""
                     << server_.url(other_feed) << "\" }\nsinks:\n"
                     << record("page", "record")
                     << "pipelines:\n  p: { from: [tin, other], to: [page] }\n";
  };
  write("/b.xml");
  auto daemon = start(p);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 5; })) << log();
  EXPECT_EQ(server_.hits("/a.xml"), 1);
  EXPECT_EQ(server_.hits("/b.xml"), 1);

  write("/c.xml");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log().find("configuration reloaded") != std::string::npos; }))
      << log();
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 6; })) << log();
  EXPECT_EQ(server_.hits("/c.xml"), 1);
  std::this_thread::sleep_for(1500ms);  // ample for a first poll spread over a second
  EXPECT_EQ(server_.hits("/a.xml"), 1) << "the unchanged source was polled again:\n" << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(RunE2e, ReloadResumesASinkPausedByARefusedToken) {
  // The Page token expired: the first delivery is refused and the sink
  // pauses (an hour). The operator replaces the token file and reloads:
  // everything goes out right away, each as its first attempt.
  std::ofstream(dir_ / "token") << "expired\n";
  fs::permissions(dir_ / "token", fs::perms::owner_read | fs::perms::owner_write);
  const auto cfg = write_config(
      "/a.xml", record("page", "record", ", token: \"${file:" + (dir_ / "token").string() + "}\""),
      "page");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] {
    return log().find("sink cannot deliver (auth)") != std::string::npos;
  })) << log();
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(recorded("page").empty()) << log();

  std::ofstream(dir_ / "token") << "valid\n";
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return log().find("configuration reloaded") != std::string::npos; }))
      << log();
  EXPECT_TRUE(eventually([&] { return recorded("page").size() == 3; }, 10s))
      << recorded("page").size() << " of 3 delivered\n"
      << log();
  EXPECT_NE(log().find("resuming deliveries held by the sink's last pause sink=page deliveries=1"),
            std::string::npos)
      << log();
  std::ifstream in(dir_ / "page.log");
  for (std::string line; std::getline(in, line);)
    EXPECT_EQ(line.substr(line.find('\t') + 1, 2), "1\t") << line;  // the first attempt
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(RunE2e, RestartResumesASinkPausedByARefusedToken) {
  // The same, with `systemctl restart`: a new engine has no sink paused,
  // and the delivery held by the old pause does not wait it out either.
  std::ofstream(dir_ / "token") << "expired\n";
  fs::permissions(dir_ / "token", fs::perms::owner_read | fs::perms::owner_write);
  const auto cfg = write_config(
      "/a.xml", record("page", "record", ", token: \"${file:" + (dir_ / "token").string() + "}\""),
      "page");
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] {
    return log().find("sink cannot deliver (auth)") != std::string::npos;
  })) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();

  std::ofstream(dir_ / "token") << "valid\n";
  daemon = start(cfg);
  EXPECT_TRUE(eventually([&] { return recorded("page").size() == 3; }, 10s))
      << recorded("page").size() << " of 3 delivered\n"
      << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(RunE2e, TheLongestPauseOfDeliveriesInFlightTogetherHolds) {
  // Two deliveries in flight together both find the quota spent: the first
  // back says to wait an hour (a daily quota), the second, a moment later,
  // a second (a throttled call). The hour holds: when the second is over
  // the sink does not go back to the service. Were the last pause to win,
  // the held delivery would be tried again a second later.
  server_.set("/two.xml", FixtureServer::text(rss_feed(1, 2), "application/rss+xml"));
  const fs::path calls = dir_ / "quota.calls";
  const auto cfg = write_config(
      "/two.xml",
      record("quota", "record",
             ", fail: rate_limited, concurrency: 2, pauses: [1h, 1s], delays: [100ms, 600ms], "
             "calls: " +
                 calls.string()),
      "quota");
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  auto call_lines = [&] {
    std::ifstream in(calls);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return count(log(), "delivery waits for the sink's pause") >= 2; }))
      << log();
  // The hour came back first, the second last (`delays`).
  const auto hour = log().find("told to pause 3600000ms");
  const auto second = log().find("told to pause 1000ms");
  ASSERT_NE(hour, std::string::npos) << log();
  ASSERT_NE(second, std::string::npos) << log();
  ASSERT_LT(hour, second) << log();
  // Three times the short pause: ample for a retry, were one scheduled.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(call_lines(), (std::vector<std::string>{"tin-1\t1", "tin-2\t1"})) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(RunE2e, ABrokenSourceDoesNotStopDelivery) {
  serve_down();
  const fs::path p = dir_ / "two.yaml";
  std::ofstream(p) << "daemon:\n  state: " << (dir_ / "state.db").string()
                   << "\n  http: { listen: \"\" }\n  plugin_path: [" << SYNDICD_PLUGIN_DIR << ", "
                   << (kTestPlugins / "record_sink").string()
                   << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                      "sources:\n  tin: { plugin: rss, url: \""
                   << server_.url("/a.xml") << "\" }\n  down: { plugin: rss, url: \""
                   << server_.url("/down.xml") << "\" }\nsinks:\n"
                   << record("page", "record")
                   << "pipelines:\n  p: { from: [tin, down], to: [page] }\n";
  auto daemon = start(p);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 3; })) << log();
  ASSERT_TRUE(eventually([&] { return log().find("poll failed") != std::string::npos; })) << log();
  EXPECT_NE(log().find("source=down"), std::string::npos) << log();
  EXPECT_NE(log().find("next_poll_in="), std::string::npos) << log();  // the backoff is visible
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

// /healthz turns 503 naming a source after its third failed poll in a row,
// and back to 200 once a poll succeeds; SIGUSR1 logs the same view. The
// three failures come from `syndicd once` runs on the same state file
// (`every` is at least 10 s, so three failed polls of a running daemon
// would take over a minute).
TEST_F(RunE2e, HealthzNamesAFailingSourceUntilItRecovers) {
  serve_down();
  const fs::path p = dir_ / "health.yaml";
  std::ofstream(p) << "daemon:\n  state: " << (dir_ / "state.db").string()
                   << "\n  http: { listen: \"127.0.0.1:0\" }\n  plugin_path: ["
                   << SYNDICD_PLUGIN_DIR
                   << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                      "sources:\n  tin: { plugin: rss, url: \""
                   << server_.url("/a.xml") << "\" }\n  down: { plugin: rss, every: 10s, url: \""
                   << server_.url("/down.xml")
                   << "\" }\nsinks:\n  feed: { plugin: rss, title: Tin, link: "
                      "\"https://tin.example/\", path: "
                   << (dir_ / "tin.xml").string()
                   << " }\npipelines:\n  p: { from: [tin, down], to: [feed] }\n";
  for (int i = 0; i < 3; ++i) {
    const auto r = syndicd::testing::run_process({kBinary, "once", "-c", p.string()});
    ASSERT_EQ(r.exit_code, 1) << r.err;  // a source failed
  }
  auto daemon = start(p);
  const uint16_t port = syndicd::testing::wait_for_http_port((dir_ / "daemon.log").string());
  ASSERT_NE(port, 0) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const auto [code, body] = http_get(base + "/healthz");
  EXPECT_EQ(code, 503) << body;
  EXPECT_NE(body.find("\"kind\":\"source\",\"name\":\"down\""), std::string::npos) << body;
  EXPECT_NE(body.find("3 polls failed in a row, none succeeded yet"), std::string::npos) << body;
  EXPECT_EQ(body.find("\"name\":\"tin\""), std::string::npos) << body;
  EXPECT_NE(http_get(base + "/").second.find("source down</td>"), std::string::npos);
  EXPECT_EQ(http_get(base + "/readyz").first, 200) << "failing is not unready";
  // SIGUSR1 writes the same view to the log, and the daemon goes on.
  daemon->signal(SIGUSR1);
  ASSERT_TRUE(eventually([&] {
    return log().find("status: failing: 3 polls failed in a row") != std::string::npos;
  })) << log();
  EXPECT_NE(log().find("status: source source=down failures=3"), std::string::npos) << log();
  EXPECT_NE(log().find("status: sink sink=feed pending="), std::string::npos) << log();
  EXPECT_EQ(http_get(base + "/livez").first, 200) << "SIGUSR1 must not kill";
  // The site comes back; the next poll (within `every`) succeeds.
  server_.set("/down.xml", FixtureServer::text(rss_feed(200, 1), "application/rss+xml"));
  ASSERT_TRUE(eventually([&] { return http_get(base + "/healthz").first == 200; }, 40s)) << log();
  EXPECT_NE(log().find("poll ok source=down"), std::string::npos) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(RunE2e, KillNineAtRandomMomentsLosesNothingAndDoublesNothing) {
  // 40 articles, two slow sinks: `feed` is idempotent (re-delivery after a
  // crash is allowed), `page` is not but can look up what it posted.
  server_.set("/many.xml", FixtureServer::text(rss_feed(1, 40), "application/rss+xml"));
  const auto cfg = write_config("/many.xml",
                                record("feed", "record_idem", ", delay: 30ms") +
                                    record("page", "record", ", delay: 30ms, concurrency: 2"),
                                "feed, page");
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> wait_ms(150, 1200);
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    auto daemon = start(cfg);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(random)));
    daemon->signal(SIGKILL);
    EXPECT_EQ(daemon->wait(), -SIGKILL) << "round " << round << "\n" << log();
  }
  // A last run to completion (signals are handled once it has started).
  auto starts = [&] {
    size_t n = 0;
    const std::string text = log();
    for (size_t at = text.find("syndicd started"); at != std::string::npos;
         at = text.find("syndicd started", at + 1))
      ++n;
    return n;
  };
  const size_t started_before = starts();
  auto daemon = start(cfg);
  ASSERT_TRUE(eventually([&] { return starts() > started_before; })) << log();
  ASSERT_TRUE(eventually(
      [&] { return recorded("feed").size() == 40 && recorded("page").size() == 40; }, 60s))
      << "feed " << recorded("feed").size() << ", page " << recorded("page").size() << "\n"
      << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  const auto page = recorded("page");
  for (int i = 1; i <= 40; ++i) {
    const std::string id = "tin-" + std::to_string(i);
    EXPECT_GE(recorded("feed").count(id), 1u)
        << id;  // delivered (idempotent: repeats are harmless)
    EXPECT_EQ(page.count(id) ? page.at(id) : 0, 1) << id << " posted to the page not exactly once";
  }
}

TEST_F(RunE2e, ServesFeedsHealthMetricsAndStatus) {
  const fs::path p = dir_ / "http.yaml";
  std::ofstream(p)
      << "daemon:\n  state: " << (dir_ / "state.db").string()
      << "\n  http: { listen: \"127.0.0.1:0\" }\n  plugin_path: [" << SYNDICD_PLUGIN_DIR
      << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
         "sources:\n  tin: { plugin: rss, url: \""
      << server_.url("/a.xml")
      << "\" }\nsinks:\n  feed: { plugin: rss, title: Tin, link: \"https://tin.example/\", path: "
      << (dir_ / "feeds" / "tin.xml").string()
      << " }\npipelines:\n  p: { from: [tin], to: [feed] }\n";
  auto daemon = start(p);
  const uint16_t port = syndicd::testing::wait_for_http_port((dir_ / "daemon.log").string());
  ASSERT_NE(port, 0) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(eventually([&] {
    return http_get(base + "/metrics").second.find("syndicd_delivered_total 3") !=
           std::string::npos;
  })) << log();
  auto [code, feed] = http_get(base + "/feeds/feed.xml");
  EXPECT_EQ(code, 200);
  EXPECT_NE(feed.find("<title>Bài số 2</title>"), std::string::npos) << feed;
  EXPECT_EQ(http_get(base + "/healthz"),
            (std::pair<long, std::string>{200, "{\"status\":\"ok\",\"failing\":[]}\n"}));
  const auto status = http_get(base + "/api/status").second;
  EXPECT_NE(status.find("\"name\": \"feed\""), std::string::npos) << status;
  EXPECT_NE(status.find("\"done\": 3"), std::string::npos) << status;
  EXPECT_EQ(http_get(base + "/feeds/nope.xml").first, 404);
  // Extraction fallbacks are counted for operators (article flags, abi.h).
  EXPECT_NE(
      http_get(base + "/metrics").second.find("# TYPE syndicd_articles_guessed_total counter"),
      std::string::npos);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

}  // namespace
