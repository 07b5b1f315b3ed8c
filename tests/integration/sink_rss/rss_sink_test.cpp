// SPDX-License-Identifier: Apache-2.0
// The built `rss` sink through the daemon's own loader, config validation
// and plugin host: the file on disk, updates, trimming, a restart over the
// same state, and a directory it cannot write.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <tinyxml2.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace fs = std::filesystem;
using namespace sink_rss_test;
using syndicd::Article;

namespace {

// 2020-01-10T00:00:00Z
constexpr int64_t kNow = 1578614400000;

Article article(int n, int64_t published, std::string title = {}) {
  Article a;
  a.id = "https://example.org/tin/" + std::to_string(n) + ".html";
  a.url = a.id;
  a.title = title.empty() ? "Tin số " + std::to_string(n) : std::move(title);
  a.lead = "Sapo " + std::to_string(n);
  a.body_html = "<p>Bài " + std::to_string(n) + "</p>";
  a.published = published;
  return a;
}

struct Feed {
  std::vector<std::string> titles;
  std::vector<std::string> guids;
  std::string last_build_date;
  std::string self;
};

class RssSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-sink-rss-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    path_ = dir_ / "feeds" / "tn.xml";
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }

  std::string body(int max_items = 50) const {
    return "    title: \"Tin Thái Nguyên\"\n"
           "    link: https://example.org/\n"
           "    self_url: https://example.org/feeds/tn.xml\n"
           "    path: " +
           path_.string() +
           "\n"
           "    max_items: " +
           std::to_string(max_items) + "\n";
  }

  std::unique_ptr<Sink> make(int max_items = 50, bool workers = true) {
    auto sink = std::make_unique<Sink>(
        body(max_items), store_, [] { return kNow; }, workers);
    EXPECT_TRUE(sink->created()) << sink->problems();
    return sink;
  }

  Feed read_feed() const {
    Feed f;
    std::ifstream in(path_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string xml = s.str();
    tinyxml2::XMLDocument doc;
    EXPECT_EQ(doc.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS) << doc.ErrorStr();
    const auto* channel = doc.FirstChildElement("rss")->FirstChildElement("channel");
    f.last_build_date = channel->FirstChildElement("lastBuildDate")->GetText();
    f.self = channel->FirstChildElement("atom:link")->Attribute("href");
    for (const auto* item = channel->FirstChildElement("item"); item != nullptr;
         item = item->NextSiblingElement("item")) {
      f.titles.push_back(item->FirstChildElement("title")->GetText());
      f.guids.push_back(item->FirstChildElement("guid")->GetText());
    }
    return f;
  }

  fs::path dir_;
  fs::path path_;
  ph::MemoryStateStore store_;
};

using Strings = std::vector<std::string>;

TEST_F(RssSinkTest, DescriptorIsAnIdempotentCompleteSink) {
  const ph::Plugin& p = rss_plugin();
  EXPECT_EQ(p.kind(), SYNDICD_KIND_SINK);
  EXPECT_FALSE(p.incomplete());
  EXPECT_NE(p.descriptor.flags & SYNDICD_PLUGIN_IDEMPOTENT, 0u);
  EXPECT_EQ(std::string(p.descriptor.description).find("NOT IMPLEMENTED"), std::string::npos);
}

TEST_F(RssSinkTest, ConfigNeedsTitleLinkAndPath) {
  Sink sink("    link: https://example.org/\n", store_, [] { return kNow; });
  EXPECT_FALSE(sink.created());
  for (const char* key : {"title", "path"})
    EXPECT_NE(sink.problems().find("error: sinks.feed: missing required key \"" + std::string(key) +
                                   "\""),
              std::string::npos)
        << sink.problems();
}

TEST_F(RssSinkTest, WritesTheFeedFile) {
  auto sink = make();
  const Result r = sink->deliver(article(1, kNow - 60000));
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.external_id, "https://example.org/tin/1.html");
  ASSERT_TRUE(fs::exists(path_));
  const Feed f = read_feed();
  EXPECT_EQ(f.titles, Strings{"Tin số 1"});
  EXPECT_EQ(f.last_build_date, "Fri, 10 Jan 2020 00:00:00 GMT");
  EXPECT_EQ(f.self, "https://example.org/feeds/tn.xml");
  // Served files must be world-readable; no temp file is left behind.
  EXPECT_EQ(fs::status(path_).permissions() & fs::perms::others_read, fs::perms::others_read);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(path_.parent_path())) entries += e.exists() ? 1 : 0;
  EXPECT_EQ(entries, 1u);
}

TEST_F(RssSinkTest, RendersTheItemItWouldAddWritingNothing) {
  auto sink = make();
  const auto rendered = sink->render(article(1, kNow - 60000));
  ASSERT_TRUE(rendered.has_value());
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_EQ(rendered->rfind("(" + path_.string() + ", as the one item)\n<?xml", 0), 0u)
      << *rendered;
  EXPECT_NE(rendered->find("<title>Tin số 1</title>"), std::string::npos) << *rendered;
  ASSERT_EQ(sink->deliver(article(1, kNow - 60000)).status, SYNDICD_OK);
  EXPECT_EQ(read_feed().titles, Strings{"Tin số 1"});
}

TEST_F(RssSinkTest, SecondDeliveryOfAnArticleReplacesItsItem) {
  auto sink = make();
  ASSERT_EQ(sink->deliver(article(1, kNow - 120000)).status, SYNDICD_OK);
  ASSERT_EQ(sink->deliver(article(2, kNow - 60000)).status, SYNDICD_OK);
  const Result r = sink->deliver(article(1, kNow - 120000, "Tin số 1 (cập nhật)"));
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.external_id, "https://example.org/tin/1.html");
  const Feed f = read_feed();
  EXPECT_EQ(f.titles, (Strings{"Tin số 2", "Tin số 1 (cập nhật)"}));
}

TEST_F(RssSinkTest, KeepsTheNewestMaxItems) {
  auto sink = make(3);
  for (int n : {1, 4, 2, 5, 3}) ASSERT_EQ(sink->deliver(article(n, kNow + n * 1000)).status, 0);
  EXPECT_EQ(read_feed().titles, (Strings{"Tin số 5", "Tin số 4", "Tin số 3"}));
}

TEST_F(RssSinkTest, DeliveriesDuringAWriteShareTheNextOne) {
  auto sink = make();
  // Started back to back without running the loop: the first write is on
  // the worker pool while the other two wait for the next one.
  std::vector<std::shared_ptr<std::optional<Result>>> slots;
  for (int n = 1; n <= 3; ++n) slots.push_back(sink->start(article(n, kNow + n)));
  sink->wait(slots);
  for (const auto& s : slots) EXPECT_EQ((*s)->status, SYNDICD_OK) << (*s)->message;
  EXPECT_EQ(read_feed().titles, (Strings{"Tin số 3", "Tin số 2", "Tin số 1"}));
}

TEST_F(RssSinkTest, RestartOverTheSameStateKeepsTheItems) {
  {
    auto sink = make();
    ASSERT_EQ(sink->deliver(article(1, kNow - 2000)).status, SYNDICD_OK);
    ASSERT_EQ(sink->deliver(article(2, kNow - 1000)).status, SYNDICD_OK);
  }
  // The list lives in the host's state, not in the plugin object.
  EXPECT_TRUE(store_.get("feed", "items").has_value());
  fs::remove(path_);
  auto sink = make();
  ASSERT_EQ(sink->deliver(article(3, kNow)).status, SYNDICD_OK);
  EXPECT_EQ(read_feed().titles, (Strings{"Tin số 3", "Tin số 2", "Tin số 1"}));
}

// A state store that cannot save (disk full under SQLite, say).
class FailingStore final : public ph::StateStore {
 public:
  std::optional<std::string> get(const std::string&, const std::string&) override { return {}; }
  bool put(const std::string&, const std::string&, const std::string&) override { return false; }
  bool erase(const std::string&, const std::string&) override { return false; }
};

TEST_F(RssSinkTest, UnsavableItemListIsTransientAndWritesNothing) {
  FailingStore failing;
  Sink sink(body(), failing, [] { return kNow; });
  ASSERT_TRUE(sink.created()) << sink.problems();
  const Result r = sink.deliver(article(1, kNow));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find(path_.string()), std::string::npos) << r.message;
  // The file only ever shows items the state holds.
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(RssSinkTest, UnreadableStoredListStartsANewOne) {
  store_.put("feed", "items", "{not json");
  auto sink = make();
  ASSERT_EQ(sink->deliver(article(1, kNow)).status, SYNDICD_OK);
  EXPECT_EQ(read_feed().titles, Strings{"Tin số 1"});
}

TEST_F(RssSinkTest, HostileArticlesGiveAWellFormedFeed) {
  auto sink = make();
  Strings expected;
  for (const auto& h : hostile_articles()) {
    const Result r = sink->deliver(h.article);
    ASSERT_EQ(r.status, SYNDICD_OK) << r.message;
    expected.insert(expected.begin(), h.expected_title);  // newest first
  }
  EXPECT_EQ(read_feed().titles, expected);
}

TEST_F(RssSinkTest, UnwritableDirectoryIsATransientErrorNamingThePath) {
  const fs::path ro = dir_ / "ro";
  fs::create_directories(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                          fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  path_ = ro / "tn.xml";
  rss_plugin();  // loaded before privileges are dropped
  // Root writes to read-only directories anyway, so the delivery runs in a
  // child that drops to nobody first. Inline work: no threads across fork.
  EXPECT_EXIT(
      {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
          std::fprintf(stderr, "cannot drop privileges\n");
          std::_Exit(3);
        }
        int code = 1;
        {
          auto sink = make(50, /*workers=*/false);
          const Result r = sink->deliver(article(1, kNow));
          std::fprintf(stderr, "status=%d message=%s\n", static_cast<int>(r.status),
                       r.message.c_str());
          code = r.status == SYNDICD_ERR_TRANSIENT &&
                         r.message.find(path_.string()) != std::string::npos
                     ? 0
                     : 1;
        }
        // _Exit: the leak checker must not judge a forked child's heap.
        std::_Exit(code);
      },
      ::testing::ExitedWithCode(0),
      "status=2 message=cannot write feed .*tn.xml.*Permission denied");
  EXPECT_FALSE(fs::exists(path_));
}

}  // namespace
