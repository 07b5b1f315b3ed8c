// SPDX-License-Identifier: Apache-2.0
// A reload restarts only what changed (DESIGN.md §3, issue #13), through
// the real binary and real SIGHUPs: the other sources are not polled again
// and keep their plugin instances (and a poll in flight), a sink whose
// section is the same keeps delivering with a delivery in flight across the
// reload, exactly once, a changed sink whose delivery outlasts the
// reload's deadline loses and doubles nothing, and a changed host key
// (`every`) is a change. And
// the counters on /metrics go on across reloads (issue #14).
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

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

// How often `needle` occurs in `text`.
size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class ReloadE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-reload-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = dir_ / "syndicd.yaml";
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 3), "application/rss+xml"));
    server_.set("/b.xml", FixtureServer::text(rss_feed(100, 2), "application/rss+xml"));
    server_.set("/c.xml", FixtureServer::text(rss_feed(200, 1), "application/rss+xml"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Two sources into one record sink; `tin_keys`, `other_keys` and
  // `sink_keys` are written into their sections.
  void write(const std::string& tin_keys, const std::string& other_keys,
             const std::string& sink_keys = "", const std::string& listen = "") {
    std::ofstream(config_) << "daemon:\n  state: " << (dir_ / "state.db").string()
                           << "\n  http: { listen: \"" << listen
                           << "\" }\n  shutdown_timeout: " << shutdown_timeout_
                           << "\n  plugin_path: [" << SYNDICD_PLUGIN_DIR << ", "
                           << (kTestPlugins / "record_sink").string()
                           << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                              "sources:\n  tin: { plugin: rss, "
                           << tin_keys << " }\n  other: { plugin: rss, " << other_keys
                           << " }\nsinks:\n  page: { plugin: record, path: "
                           << (dir_ / "page.log").string()
                           << ", calls: " << (dir_ / "calls.log").string() << sink_keys
                           << " }\npipelines:\n  p: { from: [tin, other], to: [page] }\n";
  }
  std::string url_key(const std::string& path) { return "url: \"" + server_.url(path) + "\""; }

  // Article id → how many times the sink recorded it; calls: every call.
  std::map<std::string, int> recorded(const std::string& file = "page.log") {
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
  // The log from the last "reloading the configuration" on.
  std::string last_reload() {
    const auto text = log();
    const auto at = text.rfind("reloading the configuration");
    return at == std::string::npos ? "" : text.substr(at);
  }
  std::unique_ptr<Child> start() {
    return std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", config_.string()},
                                   (dir_ / "daemon.log").string());
  }
  // SIGHUP, then wait for the reload's n-th "configuration reloaded".
  void reload(Child& daemon) {
    const size_t before = occurrences(log(), "configuration reloaded");
    daemon.signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return occurrences(log(), "configuration reloaded") > before; }))
        << log();
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

  fs::path dir_;
  fs::path config_;
  std::string shutdown_timeout_ = "20s";
  FixtureServer server_;
};

TEST_F(ReloadE2e, EditingOneSourceRestartsThatSourceOnly) {
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"));
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 5; })) << log();

  write("every: 1h, " + url_key("/c.xml"), "every: 1h, " + url_key("/b.xml"));
  reload(*daemon);
  ASSERT_TRUE(eventually([&] { return recorded().size() == 6; })) << log();
  EXPECT_EQ(server_.hits("/c.xml"), 1);
  const auto text = last_reload();
  EXPECT_NE(text.find("reload: creating a plugin instance section=sources.tin"), std::string::npos)
      << text;
  EXPECT_NE(text.find("reload: keeping the running plugin instance section=sources.other"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("creating a plugin instance section=sources.other"), std::string::npos)
      << text;
  EXPECT_NE(text.find("stopping_sources=tin stopping_sinks=- kept_sources=other kept_sinks=page"),
            std::string::npos)
      << text;
  std::this_thread::sleep_for(1500ms);  // ample for a first poll spread over a second
  EXPECT_EQ(server_.hits("/b.xml"), 1) << "the unchanged source was polled again:\n" << log();
  EXPECT_EQ(server_.hits("/a.xml"), 1);
  for (const auto& [id, n] : recorded()) EXPECT_EQ(n, 1) << id;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadE2e, AnUnchangedSourceKeepsItsPollInFlight) {
  // `other` answers slowly; the reload (a change to `tin`) lands while its
  // first poll waits. The poll goes on and its articles arrive, once.
  auto slow = FixtureServer::text(rss_feed(100, 2), "application/rss+xml");
  slow.delay = 3s;
  server_.set("/b.xml", slow);
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"));
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 3 && server_.hits("/b.xml") == 1; }))
      << log();
  write("every: 1h, " + url_key("/c.xml"), "every: 1h, " + url_key("/b.xml"));
  reload(*daemon);
  ASSERT_TRUE(eventually([&] { return recorded().size() == 6; })) << log();
  EXPECT_EQ(server_.hits("/b.xml"), 1) << log();
  EXPECT_EQ(log().find("poll failed"), std::string::npos) << log();
  for (const auto& [id, n] : recorded()) EXPECT_EQ(n, 1) << id;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadE2e, AnUnchangedSinkDeliversAcrossTheReloadExactlyOnce) {
  // Each delivery takes 3 s; the reload (a change to a source) lands while
  // the first is in flight. The sink is not waited for nor restarted: the
  // reload ends before that delivery does, and every article is delivered
  // once, at its first attempt.
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), ", delay: 3s");
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return calls() == 1; })) << log();
  write("every: 1h, " + url_key("/a.xml"), "every: 2h, " + url_key("/b.xml"), ", delay: 3s");
  reload(*daemon);
  EXPECT_TRUE(recorded().empty()) << "the reload waited for the sink's delivery in flight\n"
                                  << log();
  EXPECT_NE(last_reload().find("kept_sinks=page"), std::string::npos) << last_reload();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 5; }, 60s)) << log();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(recorded().size(), 5u);
  for (const auto& [id, n] : recorded()) EXPECT_EQ(n, 1) << id;
  for (const auto& [id, n] : recorded("calls.log")) EXPECT_EQ(n, 1) << id << " called again";
  EXPECT_EQ(log().find("reconciled"), std::string::npos) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadE2e, AChangedSinkFinishesItsDeliveryInFlightFirst) {
  // The sink's own section changes while a delivery is in flight: the old
  // worker finishes it, the new instance delivers the rest; once each.
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), ", delay: 2s");
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return calls() == 1; })) << log();
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), ", delay: 100ms");
  reload(*daemon);
  EXPECT_GE(recorded().size(), 1u) << "the delivery in flight did not end before the new sink\n"
                                   << log();
  EXPECT_NE(last_reload().find("reload: creating a plugin instance section=sinks.page"),
            std::string::npos)
      << last_reload();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 5; }, 60s)) << log();
  std::this_thread::sleep_for(500ms);
  for (const auto& [id, n] : recorded()) EXPECT_EQ(n, 1) << id;
  for (const auto& [id, n] : recorded("calls.log")) EXPECT_EQ(n, 1) << id << " called again";
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadE2e, AChangedSinkPastTheDeadlineLosesAndDoublesNothing) {
  // The delivery in flight outlasts daemon.shutdown_timeout: the reload
  // goes on without it, the old instance is dropped mid-delivery, and the
  // new one settles the row left in flight (the record sink reconciles by
  // reading its file) before delivering it once.
  shutdown_timeout_ = "1s";
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), ", delay: 5s");
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return calls() == 1; })) << log();
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), ", delay: 50ms");
  reload(*daemon);
  EXPECT_NE(log().find("reload: deadline passed"), std::string::npos) << log();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 5; }, 60s)) << log();
  std::this_thread::sleep_for(6s);  // past the old delivery's own delay
  EXPECT_EQ(recorded().size(), 5u) << log();
  for (const auto& [id, n] : recorded()) EXPECT_EQ(n, 1) << id;
  EXPECT_NE(log().find("reconciled: not delivered before the stop"), std::string::npos) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadE2e, AChangedEveryIsAChange) {
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"));
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 5; })) << log();
  write("every: 1h, " + url_key("/a.xml"), "every: 2h, " + url_key("/b.xml"));
  reload(*daemon);
  EXPECT_NE(last_reload().find("reload: creating a plugin instance section=sources.other"),
            std::string::npos)
      << last_reload();
  EXPECT_NE(last_reload().find("stopping_sources=other"), std::string::npos) << last_reload();
  // Changed, so polled at once; the unchanged one keeps its schedule.
  ASSERT_TRUE(eventually([&] { return server_.hits("/b.xml") == 2; })) << log();
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(server_.hits("/a.xml"), 1) << log();
  for (const auto& [id, n] : recorded()) EXPECT_EQ(n, 1) << id;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(ReloadE2e, ALogFormatChangeTakesEffectOnReload) {
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"));
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return recorded().size() == 5; })) << log();
  EXPECT_EQ(log().find("level=info msg="), std::string::npos) << log();
  // The same file with daemon.log_format: logfmt.
  std::string text;
  {
    std::ifstream in(config_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string anchor = "  shutdown_timeout: ";
  ASSERT_NE(text.find(anchor), std::string::npos);
  text.insert(text.find(anchor), "  log_format: logfmt\n");
  std::ofstream(config_) << text;
  reload(*daemon);
  EXPECT_NE(last_reload().find(" level=notice msg=\"configuration reloaded\" "), std::string::npos)
      << last_reload();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
  EXPECT_NE(log().find("level=notice msg=\"syndicd stopped\""), std::string::npos) << log();
}

TEST_F(ReloadE2e, MetricsCountersAreMonotonicAcrossThreeReloads) {
  // Issue #14: the counters belong to the daemon's run, not to what a
  // reload restarts.
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), "", "127.0.0.1:0");
  auto daemon = start();
  const uint16_t port = syndicd::testing::wait_for_http_port((dir_ / "daemon.log").string());
  ASSERT_NE(port, 0) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto counters = [&] {
    std::map<std::string, uint64_t> out;
    const std::string text = http_get(base + "/metrics").second;
    static const std::regex line("^(syndicd_[a-z_]+_total) ([0-9]+)$");
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
      std::smatch m;
      if (std::regex_match(l, m, line)) out[m[1]] = std::stoull(m[2]);
    }
    return out;
  };
  ASSERT_TRUE(eventually([&] { return counters()["syndicd_delivered_total"] == 5; })) << log();
  auto last = counters();
  const char* feeds[] = {"/c.xml", "/a.xml", "/c.xml"};
  for (int round = 0; round < 3; ++round) {
    // Each reload changes `tin`, which polls again at once.
    write("every: 1h, " + url_key(feeds[round]), "every: 1h, " + url_key("/b.xml"), "",
          "127.0.0.1:0");
    reload(*daemon);
    const uint64_t polls = last["syndicd_polls_total"];
    ASSERT_TRUE(eventually([&] { return counters()["syndicd_polls_total"] > polls; })) << log();
    const auto now = counters();
    for (const auto& [name, value] : last)
      EXPECT_GE(now.at(name), value) << name << " went back at reload " << round + 1;
    last = now;
  }
  EXPECT_EQ(last["syndicd_delivered_total"], recorded().size()) << log();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

}  // namespace
