// SPDX-License-Identifier: Apache-2.0
// The rss sink's feeds through the real binary: `check` refuses bad
// `formats`, `hub` and `path` values with their file:line:col, and a running
// daemon serves RSS 2.0, Atom 1.0 and JSON Feed 1.1 under /feeds/ with each
// format's Content-Type, ETag and 304, Vietnamese text in NFC, the default
// description and the self and hub links, read back by Python feedparser,
// compressed (gzip, br) for the readers that ask.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "client.hpp"
#include "fixture_server.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::testing::Child;
using syndicd::testing::fetch;
using syndicd::testing::FixtureServer;
using syndicd::testing::read_text;
using syndicd::testing::run_process;
using syndicd::testing::wait_for_http_port;

namespace {

const std::string kBinary = SYNDICD_BINARY;

// Two articles, one titled in NFD: every format must say it in NFC.
std::string source_feed() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Tin"
         "</title><item><guid>tin-1</guid><title>Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t"
         "</title><link>https://tin.example/1.html</link>"
         "<pubDate>Fri, 01 Jan 2038 05:58:00 +0700</pubDate></item>"
         "<item><guid>tin-2</guid><title>Bài số 2</title><link>https://tin.example/2.html"
         "</link><pubDate>Fri, 01 Jan 2038 06:58:00 +0700</pubDate></item></channel></rss>\n";
}

class FeedsE2e : public syndicd::testing::ScratchTest {
 protected:
  void TearDown() override {
    daemon_.reset();  // before its files are removed
    ScratchTest::TearDown();
  }
  void SetUp() override {
    ScratchTest::SetUp();
    server_.set("/source.xml", FixtureServer::text(source_feed(), "application/rss+xml"));
    // A hub that takes every ping: never a hub off this machine.
    server_.handle("/hub", [](const syndicd::testing::Request&) {
      syndicd::testing::Reply reply;
      reply.status = 202;
      return reply;
    });
  }
  // `http` and `sink` are the bodies of daemon.http and sinks.feed (indented
  // by 4); the sink gets plugin, title, link and path unless `sink` says.
  fs::path config(const std::string& http, const std::string& sink) {
    return write("syndicd.yaml",
                 "daemon:\n  state: " + (dir_ / "state.db").string() +
                     "\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                     "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n  http:\n" +
                     http + "sources:\n  tin: { plugin: rss, url: \"" + server_.url("/source.xml") +
                     "\" }\nsinks:\n  feed:\n    plugin: rss\n    title: Tin Thái Nguyên\n"
                     "    link: https://tin.example/\n    path: " +
                     (dir_ / "out" / "feed.xml").string() + "\n" + sink +
                     "pipelines:\n  p: { from: [tin], to: [feed] }\n");
  }
  std::string log() const { return read_text((dir_ / "daemon.log").string()); }
  uint16_t start(const fs::path& cfg) {
    daemon_ = std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", cfg.string()},
                                      (dir_ / "daemon.log").string());
    const uint16_t port = wait_for_http_port((dir_ / "daemon.log").string());
    if (port == 0) ADD_FAILURE() << "the daemon did not start serving\n" << log();
    return port;
  }
  // Waits (bounded) until every file exists.
  bool wait_for(const std::vector<fs::path>& files) {
    const auto end = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < end) {
      bool all = true;
      for (const auto& f : files) all = all && fs::exists(f);
      if (all) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // Waits (bounded) until the last write holds both articles: the files do
  // not change after that, so validators stay put.
  bool wait_for_both(const std::string& base) {
    for (int i = 0; i < 300; ++i) {
      const auto j = nlohmann::json::parse(fetch(base + ".json").body, nullptr, false);
      if (j.is_object() && j.value("items", nlohmann::json::array()).size() == 2) {
        std::this_thread::sleep_for(200ms);  // the RSS and Atom files of that write
        return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  // feedparser's verdict on `doc`: "<version> <title of the first entry>",
  // or what went wrong (bozo).
  std::string feedparser(const std::string& doc) {
    const fs::path file = write("read.feed", doc);
    const auto r =
        run_process({"/usr/bin/python3", "-c",
                     "import sys, feedparser\n"
                     "f = feedparser.parse(open(sys.argv[1], 'rb').read())\n"
                     "if f.bozo: sys.exit('bozo: %r' % f.bozo_exception)\n"
                     "links = sorted((l.rel, l.href) for l in f.feed.get('links', []))\n"
                     "print(f.version, f.feed.get('subtitle'), f.entries[0].title, links)\n",
                     file.string()});
    return r.exit_code == 0 ? r.out : "failed: " + r.err;
  }

  FixtureServer server_;
  std::unique_ptr<Child> daemon_;
};

TEST_F(FeedsE2e, CheckRefusesBadFeedKeysWithTheirPlace) {
  const auto cfg = config("    listen: \"\"\n",
                          "    formats: [rss, yaml]\n"
                          "    hub: [\"ftp://hub.example/\"]\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(cfg.string() +
                       ":15:20: error: sinks.feed.formats[1]: \"yaml\" is not a feed format (rss, "
                       "atom or json)"),
            std::string::npos)
      << r.err;

  const auto hub = config("    listen: \"\"\n", "    hub: [\"ftp://hub.example/\"]\n");
  r = run_process({kBinary, "check", "-c", hub.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(hub.string() +
                       ":15:11: error: sinks.feed.hub[0]: \"ftp://hub.example/\" is not an "
                       "http:// or https:// URL"),
            std::string::npos)
      << r.err;

  const auto twice = config("    listen: \"\"\n", "    formats: [json, atom, json]\n");
  r = run_process({kBinary, "check", "-c", twice.string()});
  EXPECT_NE(
      r.err.find(twice.string() + ":15:27: error: sinks.feed.formats[2]: json is listed twice"),
      std::string::npos)
      << r.err;

  const auto file_url = config("    listen: \"\"\n    public_url: file:///srv/feeds\n", "");
  r = run_process({kBinary, "check", "-c", file_url.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(file_url.string() +
                       ":7:17: error: daemon.http.public_url: \"file:///srv/feeds\" is not an "
                       "http:// or https:// URL"),
            std::string::npos)
      << r.err;

  const auto good = config("    listen: \"\"\n",
                           "    formats: [rss, atom, json]\n"
                           "    self_url: https://tin.example/feeds/feed.xml\n"
                           "    hub: https://hub.example/\n");
  r = run_process({kBinary, "check", "-c", good.string()});
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
}

TEST_F(FeedsE2e, ServesEveryFormatWithItsTypeAndValidators) {
  const uint16_t port = start(config("    listen: \"127.0.0.1:0\"\n",
                                     "    formats: [rss, atom, json]\n"
                                     "    self_url: https://tin.example/feeds/feed.xml\n"
                                     "    hub: " +
                                         server_.url("/hub") + "\n"));
  ASSERT_NE(port, 0);
  ASSERT_TRUE(
      wait_for({dir_ / "out" / "feed.xml", dir_ / "out" / "feed.atom", dir_ / "out" / "feed.json"}))
      << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/feeds/feed";
  ASSERT_TRUE(wait_for_both(base)) << log();
  const std::pair<std::string, std::string> formats[] = {
      {".xml", "application/rss+xml; charset=utf-8"},
      {".atom", "application/atom+xml; charset=utf-8"},
      {".json", "application/feed+json; charset=utf-8"},
  };
  std::set<std::string> etags;
  for (const auto& [suffix, type] : formats) {
    const auto got = fetch(base + suffix);
    EXPECT_EQ(got.status, 200) << suffix;
    EXPECT_EQ(got.header("content-type"), type) << suffix;
    EXPECT_EQ(got.header("cache-control"), "no-cache") << suffix;
    const std::string etag = got.header("etag");
    ASSERT_FALSE(etag.empty()) << suffix;
    etags.insert(etag);
    EXPECT_NE(got.body.find("Tiếng Việt"), std::string::npos) << got.body;
    EXPECT_NE(got.body.find("Articles from Tin Thái Nguyên"), std::string::npos) << got.body;
    const auto again = fetch(base + suffix, {"If-None-Match: " + etag});
    EXPECT_EQ(again.status, 304) << suffix;
    EXPECT_EQ(again.body, "");
  }
  EXPECT_EQ(etags.size(), 3u);

  // Real readers: feedparser sees Atom 1.0 and RSS 2.0, not bozo, with the
  // self and hub links; the JSON Feed has the 1.1 shape.
  const std::string hub = server_.url("/hub");
  EXPECT_EQ(feedparser(fetch(base + ".atom").body),
            "atom10 Articles from Tin Thái Nguyên Bài số 2 [('alternate', "
            "'https://tin.example/'), ('hub', '" +
                hub +
                "'), ('self', "
                "'https://tin.example/feeds/feed.atom')]\n");
  EXPECT_EQ(feedparser(fetch(base + ".xml").body),
            "rss20 Articles from Tin Thái Nguyên Bài số 2 [('alternate', "
            "'https://tin.example/'), ('hub', '" +
                hub +
                "'), ('self', "
                "'https://tin.example/feeds/feed.xml')]\n");
  const auto json = nlohmann::json::parse(fetch(base + ".json").body);
  EXPECT_EQ(json.at("version"), "https://jsonfeed.org/version/1.1");
  EXPECT_EQ(json.at("feed_url"), "https://tin.example/feeds/feed.json");
  EXPECT_EQ(json.at("hubs"), nlohmann::json::array({{{"type", "WebSub"}, {"url", hub}}}));
  ASSERT_EQ(json.at("items").size(), 2u);
  EXPECT_EQ(json.at("items").at(1).at("title"), "Tiếng Việt");
  EXPECT_TRUE(json.at("items").at(1).contains("content_text") ||
              json.at("items").at(1).contains("content_html"));
}

TEST_F(FeedsE2e, TheDefaultIsRssOnlyAndTheOthersAreNotFound) {
  const uint16_t port = start(config("    listen: \"127.0.0.1:0\"\n", ""));
  ASSERT_NE(port, 0);
  ASSERT_TRUE(wait_for({dir_ / "out" / "feed.xml"})) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/feeds/feed";
  EXPECT_EQ(fetch(base + ".xml").status, 200);
  const auto atom = fetch(base + ".atom");
  EXPECT_EQ(atom.status, 404);
  EXPECT_NE(atom.body.find("is atom in the sink's formats?"), std::string::npos) << atom.body;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "feed.json"));
}

TEST_F(FeedsE2e, PublicUrlGivesTheSelfLinksAndSelfUrlOverridesIt) {
  const uint16_t port =
      start(config("    listen: \"127.0.0.1:0\"\n"
                   "    public_url: https://pub.example/\n",
                   "    formats: [rss, atom, json]\n"));
  ASSERT_NE(port, 0);
  ASSERT_TRUE(wait_for({dir_ / "out" / "feed.json"})) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/feeds/feed";
  EXPECT_NE(fetch(base + ".xml")
                .body.find("<atom:link href=\"https://pub.example/feeds/feed.xml\" "
                           "rel=\"self\""),
            std::string::npos);
  EXPECT_NE(fetch(base + ".atom")
                .body.find("<link rel=\"self\" type=\"application/atom+xml\" "
                           "href=\"https://pub.example/feeds/feed.atom\"/>"),
            std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(fetch(base + ".json").body).at("feed_url"),
            "https://pub.example/feeds/feed.json");
  daemon_.reset();

  // A sink's own self_url wins over public_url.
  fs::remove_all(dir_ / "out");
  fs::remove(dir_ / "daemon.log");
  // A fresh state: the sink delivers both articles again, to a new file.
  for (const auto& e : fs::directory_iterator(dir_))
    if (e.path().filename().string().starts_with("state.db")) fs::remove(e.path());
  const uint16_t again =
      start(config("    listen: \"127.0.0.1:0\"\n"
                   "    public_url: https://pub.example\n",
                   "    formats: [json]\n"
                   "    self_url: https://mine.example/tin.xml\n"));
  ASSERT_NE(again, 0);
  ASSERT_TRUE(wait_for({dir_ / "out" / "feed.json"})) << log();
  EXPECT_EQ(nlohmann::json::parse(read_text((dir_ / "out" / "feed.json").string())).at("feed_url"),
            "https://mine.example/tin.json");
}

TEST_F(FeedsE2e, ReloadWithANewPublicUrlRecreatesTheSink) {
  const auto cfg = config("    listen: \"127.0.0.1:0\"\n    public_url: https://old.example\n",
                          "    formats: [rss, json]\n");
  ASSERT_NE(start(cfg), 0);
  ASSERT_TRUE(wait_for({dir_ / "out" / "feed.json"})) << log();
  const std::string same_sink = read_text(cfg.string());
  std::string moved = same_sink;
  moved.replace(moved.find("https://old.example"), 19, "https://new.example");
  std::ofstream(cfg) << moved;
  daemon_->signal(SIGHUP);
  const auto end = std::chrono::steady_clock::now() + 20s;
  while (log().find("configuration reloaded") == std::string::npos &&
         std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(50ms);
  // The sink section is unchanged, yet its self_url is not.
  EXPECT_NE(log().find("reload: creating a plugin instance section=sinks.feed"), std::string::npos)
      << log();

  // An unchanged public_url keeps the running instance.
  const size_t before = log().size();
  daemon_->signal(SIGHUP);
  const auto end2 = std::chrono::steady_clock::now() + 20s;
  while (log().find("configuration reloaded", before) == std::string::npos &&
         std::chrono::steady_clock::now() < end2)
    std::this_thread::sleep_for(50ms);
  EXPECT_NE(log().find("reload: keeping the running plugin instance section=sinks.feed", before),
            std::string::npos)
      << log().substr(before);
}

TEST_F(FeedsE2e, CompressesForReadersThatTakeIt) {
  const uint16_t port =
      start(config("    listen: \"127.0.0.1:0\"\n", "    formats: [rss, atom, json]\n"));
  ASSERT_NE(port, 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/feeds/feed";
  ASSERT_TRUE(wait_for_both(base)) << log();
  for (const std::string suffix : {".xml", ".atom", ".json"}) {
    const auto plain = fetch(base + suffix);
    EXPECT_EQ(plain.header("content-encoding"), "") << suffix;
    EXPECT_EQ(plain.header("vary"), "Accept-Encoding") << suffix;
    std::set<std::string> etags = {plain.header("etag")};
    for (const std::string coding : {"gzip", "br"}) {
      const auto coded = fetch(base + suffix, {"Accept-Encoding: " + coding});
      EXPECT_EQ(coded.status, 200) << suffix << " " << coding;
      EXPECT_EQ(coded.header("content-encoding"), coding) << suffix;
      EXPECT_EQ(coded.header("vary"), "Accept-Encoding") << suffix;
      EXPECT_LT(coded.body.size(), plain.body.size()) << suffix << " " << coding;
      etags.insert(coded.header("etag"));
      // The coded representation's own tag gives 304 for that coding.
      const auto again = fetch(
          base + suffix, {"Accept-Encoding: " + coding, "If-None-Match: " + coded.header("etag")});
      EXPECT_EQ(again.status, 304) << suffix << " " << coding;
      EXPECT_EQ(again.header("vary"), "Accept-Encoding") << suffix;
    }
    EXPECT_EQ(etags.size(), 3u) << suffix;
    // q-values: br refused, gzip taken; everything refused, identity.
    EXPECT_EQ(
        fetch(base + suffix, {"Accept-Encoding: br;q=0, gzip;q=0.5"}).header("content-encoding"),
        "gzip");
    EXPECT_EQ(fetch(base + suffix, {"Accept-Encoding: *;q=0"}).header("content-encoding"), "");
    // libcurl as a reader uses it: what it decodes is the plain file.
    const auto decoded = fetch(base + suffix, {}, /*decode=*/true);
    EXPECT_FALSE(decoded.header("content-encoding").empty()) << suffix;
    EXPECT_EQ(decoded.body, plain.body) << suffix;
  }
}

}  // namespace
