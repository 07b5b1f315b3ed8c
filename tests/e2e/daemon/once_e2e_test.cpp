// SPDX-License-Identifier: Apache-2.0
// `syndicd once` end to end: the real binary, the real rss source plugin
// reading a feed from the loopback fixture server, a real SQLite state file
// and recording sinks. Delivered once, never twice; edits update the feed
// sink without a social re-post; a failing source does not stop the others.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "fixture_server.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using syndicd::testing::FixtureServer;
using syndicd::testing::run_process;

namespace {

const std::string kBinary = SYNDICD_BINARY;
const fs::path kTestPlugins = SYNDICD_TEST_PLUGIN_DIR;

struct Item {
  std::string guid, title, body;
};

// A news site whose feed the test edits between runs. Answers 304 to a
// matching If-None-Match, as a well-behaved CMS does.
class Site {
 public:
  explicit Site(FixtureServer& server) {
    server.handle("/feed.xml", [this](const syndicd::testing::Request& req) {
      std::lock_guard lock(mutex_);
      const std::string body = render();
      const std::string etag = "\"" + std::to_string(std::hash<std::string>{}(body)) + "\"";
      ++requests_;
      if (req.header("if-none-match") == etag) {
        ++not_modified_;
        return syndicd::testing::Reply{304, {{"ETag", etag}}, ""};
      }
      return syndicd::testing::Reply{
          200, {{"Content-Type", "application/rss+xml; charset=utf-8"}, {"ETag", etag}}, body};
    });
  }
  void add(Item item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
  }
  void edit(size_t i, std::string title) {
    std::lock_guard lock(mutex_);
    items_.at(i).title = std::move(title);
  }
  int not_modified() {
    std::lock_guard lock(mutex_);
    return not_modified_;
  }

 private:
  std::string render() const {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Báo Thái "
        "Nguyên</title>"
        "<link>https://baothainguyen.example/</link>";
    int day = 1;
    for (const auto& i : items_)
      xml += "<item><guid>" + i.guid + "</guid><title>" + i.title +
             "</title><link>https://baothainguyen.example/" + i.guid + ".html</link><description>" +
             i.body + "</description><pubDate>Fri, 0" + std::to_string(day++) +
             " Jan 2038 05:58:00 +0700</pubDate></item>";
    return xml + "</channel></rss>\n";
  }
  std::mutex mutex_;
  std::vector<Item> items_;
  int requests_ = 0, not_modified_ = 0;
};

class OnceE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-once-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    site_.add({"tn-1", "Tổng kết công tác dân vận 2019", "Ngày 9/1, Ban Dân vận Trung ương ..."});
    site_.add({"tn-2", "Đại Từ: thu hoạch chè xuân", "Những ngày đầu tháng Tư ..."});
    site_.add({"tn-3", "Thu ngân sách vượt dự toán", "Năm 2019, tổng thu ngân sách ..."});
    server_.set("/broken.xml", FixtureServer::text("oops", "text/plain"));
    server_.set("/down.xml", [] {
      syndicd::testing::Behaviour b;
      b.status = 500;
      b.body = "internal error";
      return b;
    }());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path config(const std::string& sources, const std::string& sinks,
                  const std::string& pipelines) {
    const fs::path p = dir_ / "syndicd.yaml";
    std::ofstream(p) << "daemon:\n"
                        "  state: "
                     << (dir_ / "state.db").string()
                     << "\n"
                        "  http: { listen: \"\" }\n"
                        "  plugin_path: ["
                     << SYNDICD_PLUGIN_DIR << ", " << (kTestPlugins / "record_sink").string()
                     << ", " << (kTestPlugins / "record_sink_idem").string()
                     << "]\n"
                        "  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                        "sources:\n"
                     << sources << "sinks:\n"
                     << sinks << "pipelines:\n"
                     << pipelines;
    return p;
  }
  fs::path standard_config() {
    return config("  tin: { plugin: rss, url: \"" + server_.url("/feed.xml") + "\" }\n",
                  "  feed: { plugin: record_idem, path: " + (dir_ / "feed.log").string() +
                      " }\n"
                      "  page: { plugin: record, path: " +
                      (dir_ / "page.log").string() + " }\n",
                  "  thainguyen: { from: [tin], to: [feed, page] }\n");
  }
  // The recorded deliveries of a sink: one vector of fields per line.
  std::vector<std::vector<std::string>> lines(const std::string& name) {
    std::vector<std::vector<std::string>> out;
    std::ifstream in(dir_ / name);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> fields;
      std::stringstream ss(line);
      for (std::string f; std::getline(ss, f, '\t');) fields.push_back(f);
      out.push_back(fields);
    }
    return out;
  }
  // Sink → "<state> <attempts>" of each delivery, read from the state file.
  std::map<std::string, std::string> deliveries() {
    std::map<std::string, std::string> out;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2((dir_ / "state.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, "SELECT sink, state || ' ' || attempts FROM deliveries ORDER BY row",
                         -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW)
        out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] =
            reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }
  syndicd::testing::Outcome once(const fs::path& cfg, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{kBinary, "once", "-c", cfg.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv);
  }

  fs::path dir_;
  FixtureServer server_;
  Site site_{server_};
};

TEST_F(OnceE2e, DeliversEachArticleOnceAcrossRuns) {
  const auto cfg = standard_config();
  auto r = once(cfg);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines("feed.log").size(), 3u) << r.err;
  ASSERT_EQ(lines("page.log").size(), 3u);
  EXPECT_EQ(lines("page.log")[0][0], "tn-1");
  EXPECT_EQ(lines("page.log")[0][3], "Tổng kết công tác dân vận 2019");
  EXPECT_NE(r.err.find("3 new"), std::string::npos) << r.err;

  // Nothing new: nothing delivered, and the feed was fetched conditionally.
  r = once(cfg);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines("feed.log").size(), 3u);
  EXPECT_EQ(lines("page.log").size(), 3u);
  EXPECT_EQ(site_.not_modified(), 1);

  // A new article is delivered once, to both sinks.
  site_.add({"tn-4", "Sông Công ra quân làm thủy lợi", "Sáng 7/1 ..."});
  r = once(cfg);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines("feed.log").size(), 4u);
  ASSERT_EQ(lines("page.log").size(), 4u);
  EXPECT_EQ(lines("page.log")[3][0], "tn-4");

  // An edit at the source updates the feed item (idempotent sink, with the
  // previous external id) and is not re-posted to the page.
  site_.edit(0, "Tổng kết công tác dân vận năm 2019 (cập nhật)");
  r = once(cfg);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines("feed.log").size(), 5u);
  EXPECT_EQ(lines("feed.log")[4],
            (std::vector<std::string>{"tn-1", "1", "rec-tn-1",
                                      "Tổng kết công tác dân vận năm 2019 (cập nhật)"}));
  EXPECT_EQ(lines("page.log").size(), 4u);
  EXPECT_NE(r.err.find("1 updated"), std::string::npos) << r.err;
}

TEST_F(OnceE2e, DryRunStoresNothing) {
  const auto cfg = standard_config();
  auto r = once(cfg, {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("would deliver to page: Đại Từ: thu hoạch chè xuân "
                       "<https://baothainguyen.example/tn-2.html>"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "page.log"));
  r = once(cfg);  // the real run still finds all three new
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines("page.log").size(), 3u);
}

TEST_F(OnceE2e, FailingSourceDoesNotStopTheOthers) {
  const auto cfg =
      config("  tin: { plugin: rss, url: \"" + server_.url("/feed.xml") +
                 "\" }\n"
                 "  down: { plugin: rss, url: \"" +
                 server_.url("/down.xml") +
                 "\" }\n"
                 "  junk: { plugin: rss, url: \"" +
                 server_.url("/broken.xml") + "\" }\n",
             "  page: { plugin: record, path: " + (dir_ / "page.log").string() + " }\n",
             "  a: { from: [tin, down], to: [page] }\n  b: { from: [junk], to: [page] }\n");
  auto r = once(cfg);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(lines("page.log").size(), 3u) << r.err;
  EXPECT_NE(r.err.find(server_.url("/down.xml")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("source=down"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("source=junk"), std::string::npos) << r.err;
}

// Issue 12: a feed past its CPU-time budget fails its source with an error
// naming the URL and the key; the other source's articles are delivered.
TEST_F(OnceE2e, FeedPastItsCpuTimeFailsOnlyItsSource) {
  std::string slow = "<rss version=\"2.0\"><channel>";
  std::string text;
  for (int k = 0; k < 200; ++k) text += "A & B &nbsp; ";
  for (int i = 0; i < 1600; ++i)
    slow += "<item><title>Tin " + std::to_string(i) + "</title><description>" + text +
            "</description></item>";
  server_.set("/slow.xml", FixtureServer::text(slow + "</channel></rss>", "application/rss+xml"));
  const auto cfg =
      config("  tin: { plugin: rss, url: \"" + server_.url("/feed.xml") +
                 "\" }\n"
                 "  slow: { plugin: rss, url: \"" +
                 server_.url("/slow.xml") + "\", limits: { parse_time: 1ms } }\n",
             "  page: { plugin: record, path: " + (dir_ / "page.log").string() + " }\n",
             "  a: { from: [tin, slow], to: [page] }\n");
  auto r = once(cfg);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(lines("page.log").size(), 3u) << r.err;
  EXPECT_NE(r.err.find("feed " + server_.url("/slow.xml") +
                       ": parse abandoned after 1 ms of CPU (limits.parse_time)"),
            std::string::npos)
      << r.err;
}

TEST_F(OnceE2e, FailedDeliveriesStayQueued) {
  const auto cfg = config(
      "  tin: { plugin: rss, url: \"" + server_.url("/feed.xml") + "\" }\n",
      "  page: { plugin: record, fail: transient, path: " + (dir_ / "page.log").string() + " }\n",
      "  p: { from: [tin], to: [page] }\n");
  auto r = once(cfg);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("delivery failed (transient): told to fail (transient)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("retrying 3"), std::string::npos) << r.err;
  // Fixed, the next run finds nothing new but the queue is still there:
  // retries are due only after their backoff, so nothing is lost or doubled.
  const auto fixed =
      config("  tin: { plugin: rss, url: \"" + server_.url("/feed.xml") + "\" }\n",
             "  page: { plugin: record, path: " + (dir_ / "page.log").string() + " }\n",
             "  p: { from: [tin], to: [page] }\n");
  r = once(fixed);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("0 new"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "page.log"));
}

TEST_F(OnceE2e, PausedSinkKeepsItsAttemptsRealFailuresCountThem) {
  // One article, two sinks that may try twice. `quota` pauses (a spent
  // daily quota, as youtube reports it): that is no attempt, so however
  // many days it lasts the delivery stays pending. `flaky` fails for real
  // and is dead after its second attempt.
  server_.set("/one.xml", FixtureServer::text("<rss version=\"2.0\"><channel><title>T</title>"
                                              "<item><guid>tn-1</guid><title>Tin 1</title>"
                                              "<link>https://baothainguyen.example/tn-1.html</link>"
                                              "<pubDate>Fri, 01 Jan 2038 05:58:00 +0700</pubDate>"
                                              "</item></channel></rss>",
                                              "application/rss+xml"));
  const std::string source = "  tin: { plugin: rss, url: \"" + server_.url("/one.xml") + "\" }\n";
  const std::string limits = ", max_attempts: 2, retry: 1s, path: ";
  const std::string flaky = "  flaky: { plugin: record, fail: transient" + limits +
                            (dir_ / "flaky.log").string() + " }\n";
  const std::string pipeline = "  p: { from: [tin], to: [quota, flaky] }\n";
  const auto cfg = config(source,
                          "  quota: { plugin: record, fail: rate_limited, pause: 50ms" + limits +
                              (dir_ / "quota.log").string() + " }\n" + flaky,
                          pipeline);
  auto r = once(cfg);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("sink paused until"), std::string::npos) << r.err;
  EXPECT_EQ(deliveries(),
            (std::map<std::string, std::string>{{"flaky", "pending 1"}, {"quota", "pending 0"}}))
      << r.err;
  // The pause is over and flaky's retry (1 s ± 20%) is due.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  r = once(cfg);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(deliveries(),
            (std::map<std::string, std::string>{{"flaky", "dead 2"}, {"quota", "pending 0"}}))
      << r.err;
  EXPECT_EQ(r.err.find("parked as dead: told to pause"), std::string::npos) << r.err;

  // The quota is back (and the 50 ms pause over): delivered, as its first attempt.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  r = once(config(
      source, "  quota: { plugin: record" + limits + (dir_ / "quota.log").string() + " }\n" + flaky,
      pipeline));
  EXPECT_EQ(deliveries().at("quota"), "done 1") << r.err;
  ASSERT_EQ(lines("quota.log").size(), 1u) << r.err;
  EXPECT_EQ(lines("quota.log")[0][0], "tn-1");
  EXPECT_EQ(lines("quota.log")[0][1], "1");  // the attempt number the sink saw
}

TEST_F(OnceE2e, UnknownPipelineIsAUsageError) {
  auto r = once(standard_config(), {"--pipeline", "thainguyn"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no pipeline named \"thainguyn\"; did you mean \"thainguyen\"?"),
            std::string::npos)
      << r.err;
}

}  // namespace
