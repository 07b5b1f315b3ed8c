// SPDX-License-Identifier: Apache-2.0
// /metrics through the real binary (issue #14): the counters labelled by
// source, pipeline and sink only go up across three SIGHUP reloads, each
// rebuilding part of the engine (a source's runner, a sink's worker); and
// the page passes `promtool check metrics` (Debian's prometheus package,
// which scripts/deps.sh installs), with a failing source on it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// A page read back: each series (name with its labels, as written) and
// its value, and each family's type.
struct Page {
  std::map<std::string, double> series;
  std::map<std::string, std::string> types;
  double operator[](const std::string& s) const {
    auto it = series.find(s);
    return it == series.end() ? -1 : it->second;
  }
  // The family a series belongs to: its name before the labels.
  static std::string family(const std::string& series) {
    return series.substr(0, series.find('{'));
  }
};

Page parse(const std::string& text) {
  Page page;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      page.types[name] = type;
    } else if (!line.empty() && line[0] != '#') {
      const auto space = line.rfind(' ');
      page.series[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
  }
  return page;
}

// promtool on PATH, or empty.
std::string find_promtool() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "promtool";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

class MetricsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-metrics-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = dir_ / "syndicd.yaml";
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 3), "application/rss+xml"));
    server_.set("/b.xml", FixtureServer::text(rss_feed(100, 2), "application/rss+xml"));
    server_.set("/c.xml", FixtureServer::text(rss_feed(200, 1), "application/rss+xml"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Sources `tin` and `other` into pipeline `p` (to the record sink
  // `page`); `tin` also into `q`, whose filter drops every article.
  // `extra_sources` are more lines under `sources:`, read by `p` when
  // they name `broken`.
  void write(const std::string& tin_keys, const std::string& other_keys,
             const std::string& sink_keys = "", const std::string& extra_sources = "") {
    std::ofstream(config_) << "daemon:\n  state: " << (dir_ / "state.db").string()
                           << "\n  http: { listen: \"127.0.0.1:0\" }\n  plugin_path: ["
                           << SYNDICD_PLUGIN_DIR << ", " << (kTestPlugins / "record_sink").string()
                           << "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                              "sources:\n  tin: { plugin: rss, "
                           << tin_keys << " }\n  other: { plugin: rss, " << other_keys << " }\n"
                           << extra_sources << "sinks:\n  page: { plugin: record, path: "
                           << (dir_ / "page.log").string()
                           << ", calls: " << (dir_ / "calls.log").string() << sink_keys
                           << " }\npipelines:\n  p: { from: [tin, other"
                           << (extra_sources.empty() ? "" : ", broken")
                           << "], to: [page] }\n"
                              "  q:\n    from: [tin]\n    filters:\n"
                              "      - exclude: { title: [\"Bài\"] }\n    to: [page]\n";
  }
  std::string url_key(const std::string& path) { return "url: \"" + server_.url(path) + "\""; }

  size_t recorded() {
    std::ifstream in(dir_ / "page.log");
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
  std::string log() { return syndicd::testing::read_text((dir_ / "daemon.log").string()); }
  std::unique_ptr<Child> start() {
    return std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", config_.string()},
                                   (dir_ / "daemon.log").string());
  }
  // Starts the daemon and finds its HTTP port.
  std::unique_ptr<Child> start_serving() {
    auto daemon = start();
    const uint16_t port = syndicd::testing::wait_for_http_port((dir_ / "daemon.log").string());
    EXPECT_NE(port, 0) << log();
    base_ = "http://127.0.0.1:" + std::to_string(port);
    return daemon;
  }
  std::string metrics_text() { return http_get(base_ + "/metrics").second; }
  Page metrics() { return parse(metrics_text()); }
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
  std::string base_;
  FixtureServer server_;
};

const std::string kTinPolls = "syndicd_source_polls_total{source=\"tin\"}";
const std::string kOtherPolls = "syndicd_source_polls_total{source=\"other\"}";
const std::string kDelivered = "syndicd_sink_delivered_total{sink=\"page\"}";

TEST_F(MetricsE2e, CountersPerSourceAndSinkAreMonotonicAcrossThreeReloads) {
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"));
  auto daemon = start_serving();
  ASSERT_TRUE(eventually([&] { return metrics()[kDelivered] == 5; })) << log();
  Page last = metrics();
  EXPECT_EQ(last[kTinPolls], 1);
  EXPECT_EQ(last[kOtherPolls], 1);
  EXPECT_GT(last["syndicd_source_fetch_bytes_total{source=\"tin\"}"], 0);
  EXPECT_EQ(last["syndicd_source_articles_total{source=\"tin\",pipeline=\"p\",outcome=\"new\"}"],
            3);
  EXPECT_EQ(
      last["syndicd_source_articles_total{source=\"tin\",pipeline=\"q\",outcome=\"filtered\"}"], 3);
  EXPECT_EQ(last["syndicd_source_articles_total{source=\"other\",pipeline=\"p\",outcome=\"new\"}"],
            2);

  // Each reload changes `tin` (its runner is rebuilt and polls at once);
  // the second also changes the sink (a new worker), the third `other`.
  struct Round {
    const char* tin_feed;
    const char* sink_keys;
    const char* other_every;
  };
  const Round rounds[] = {
      {"/c.xml", "", "1h"}, {"/a.xml", ", delay: 10ms", "1h"}, {"/c.xml", ", delay: 10ms", "2h"}};
  for (int round = 0; round < 3; ++round) {
    const auto& r = rounds[round];
    write("every: 1h, " + url_key(r.tin_feed),
          std::string("every: ") + r.other_every + ", " + url_key("/b.xml"), r.sink_keys);
    reload(*daemon);
    const double tin_polls = last[kTinPolls];
    ASSERT_TRUE(eventually([&] { return metrics()[kTinPolls] > tin_polls; })) << log();
    const Page now = metrics();
    size_t compared = 0;
    for (const auto& [series, value] : last.series) {
      if (last.types[Page::family(series)] != "counter") continue;
      ASSERT_TRUE(now.series.count(series)) << series << " gone at reload " << round + 1;
      EXPECT_GE(now.series.at(series), value) << series << " went back at reload " << round + 1;
      ++compared;
    }
    EXPECT_GT(compared, 20u) << "the page has too few counters to mean anything";
    last = now;
  }
  // Every poll of each source counted once, whatever runner made it.
  EXPECT_EQ(last[kTinPolls], 4);
  ASSERT_TRUE(eventually([&] { return metrics()[kOtherPolls] == 2; })) << log();
  // tin-200 is the one article new since the start.
  ASSERT_TRUE(eventually([&] { return metrics()[kDelivered] == 6; })) << log();
  last = metrics();
  EXPECT_EQ(last["syndicd_source_articles_total{source=\"tin\",pipeline=\"p\",outcome=\"new\"}"],
            4);
  EXPECT_EQ(last[kDelivered], static_cast<double>(recorded()));
  EXPECT_EQ(last["syndicd_delivered_total"], last[kDelivered]);
  EXPECT_EQ(last["syndicd_polls_total"], last[kTinPolls] + last[kOtherPolls]);
  EXPECT_GT(last["syndicd_sink_last_delivery_timestamp_seconds{sink=\"page\"}"], 1.7e9);
  EXPECT_GT(last["syndicd_source_last_success_timestamp_seconds{source=\"tin\"}"], 1.7e9);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

TEST_F(MetricsE2e, PromtoolAcceptsThePage) {
  const std::string promtool = find_promtool();
  if (promtool.empty())
    GTEST_SKIP() << "promtool is not installed (Debian package `prometheus`; scripts/deps.sh "
                    "installs it): /metrics not checked";
  // A source that fails (404), so failure series and a last_error exist too.
  write("every: 1h, " + url_key("/a.xml"), "every: 1h, " + url_key("/b.xml"), "",
        "  broken: { plugin: rss, every: 1h, url: \"" + server_.url("/missing.xml") + "\" }\n");
  auto daemon = start_serving();
  ASSERT_TRUE(eventually([&] {
    const Page page = metrics();
    return page[kDelivered] == 5 &&
           page["syndicd_source_poll_failures_total{source=\"broken\"}"] == 1;
  })) << log();
  const std::string text = metrics_text();
  const fs::path file = dir_ / "metrics.txt";
  std::ofstream(file) << text;
  const auto outcome = syndicd::testing::run_process(
      {"/bin/sh", "-c", "exec '" + promtool + "' check metrics < '" + file.string() + "'"});
  EXPECT_EQ(outcome.exit_code, 0) << "promtool:\n"
                                  << outcome.out << outcome.err << "\nthe page:\n"
                                  << text;
  // What the conventions ask for, beyond what promtool lints.
  const Page page = parse(text);
  for (const char* family :
       {"process_start_time_seconds", "process_cpu_seconds_total", "process_resident_memory_bytes",
        "process_open_fds", "syndicd_build_info", "syndicd_source_polls_total",
        "syndicd_source_articles_total", "syndicd_sink_delivered_total", "syndicd_deliveries",
        "syndicd_http_responses_total"})
    EXPECT_TRUE(page.types.count(family)) << family << " missing:\n" << text;
  EXPECT_EQ(page["syndicd_build_info{version=\"" SYNDICD_VERSION "\"}"], 1) << text;
  for (const auto& [family, type] : page.types)
    EXPECT_EQ(occurrences(text, "# TYPE " + family + " "), 1u) << family;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << log();
}

}  // namespace
