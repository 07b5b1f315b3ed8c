// SPDX-License-Identifier: Apache-2.0
// The built `rss` sink's `formats` and `hub` keys through the daemon's
// loader and plugin host: each format lands in its own file beside `path`,
// every file of one write says the same, the default stays RSS only, and a
// bad value is refused naming its key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.hpp"

namespace fs = std::filesystem;
using namespace sink_rss_test;

namespace {

constexpr int64_t kNow = 1578614400000;  // 2020-01-10T00:00:00Z

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class FeedFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-sink-rss-formats-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string body(const std::string& extra, const std::string& file = "tn.xml") const {
    return "    title: \"Tin Thái Nguyên\"\n"
           "    link: https://example.org/\n"
           "    path: " +
           (dir_ / file).string() + "\n" + extra;
  }
  static syndicd::Article article() {
    syndicd::Article a;
    a.id = a.url = "https://example.org/tin/1.html";
    a.title = "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t";  // NFD
    a.body_html = "<p>Bài 1</p>";
    a.published = kNow - 60000;
    return a;
  }

  fs::path dir_;
  ph::MemoryStateStore store_;
};

TEST_F(FeedFormatsTest, EachFormatGoesToItsOwnFile) {
  Sink sink(body("    formats: [rss, atom, json]\n"
                 "    self_url: https://example.org/feeds/tn.xml\n"
                 "    hub: https://hub.example.org/\n"),
            store_, [] { return kNow; });
  ASSERT_TRUE(sink.created()) << sink.problems();
  ASSERT_EQ(sink.deliver(article()).status, SYNDICD_OK);
  const std::string rss = slurp(dir_ / "tn.xml");
  const std::string atom = slurp(dir_ / "tn.atom");
  const auto json = nlohmann::json::parse(slurp(dir_ / "tn.json"));
  // NFC in every format, and the same default description in each.
  for (const std::string* doc : {&rss, &atom}) {
    EXPECT_NE(doc->find("Tiếng Việt"), std::string::npos) << *doc;
    EXPECT_NE(doc->find("Articles from Tin Thái Nguyên"), std::string::npos) << *doc;
    EXPECT_NE(doc->find("href=\"https://hub.example.org/\""), std::string::npos) << *doc;
  }
  EXPECT_NE(atom.find("<link rel=\"self\" type=\"application/atom+xml\" "
                      "href=\"https://example.org/feeds/tn.atom\"/>"),
            std::string::npos)
      << atom;
  EXPECT_EQ(json.at("items").at(0).at("title"), "Tiếng Việt");
  EXPECT_EQ(json.at("description"), "Articles from Tin Thái Nguyên");
  EXPECT_EQ(json.at("feed_url"), "https://example.org/feeds/tn.json");
  EXPECT_EQ(json.at("hubs").at(0).at("url"), "https://hub.example.org/");
}

TEST_F(FeedFormatsTest, TheDefaultIsRssOnly) {
  Sink sink(body(""), store_, [] { return kNow; });
  ASSERT_TRUE(sink.created()) << sink.problems();
  ASSERT_EQ(sink.deliver(article()).status, SYNDICD_OK);
  EXPECT_TRUE(fs::exists(dir_ / "tn.xml"));
  EXPECT_FALSE(fs::exists(dir_ / "tn.atom"));
  EXPECT_FALSE(fs::exists(dir_ / "tn.json"));
}

TEST_F(FeedFormatsTest, OnlyAtomWritesNoRssFile) {
  Sink sink(body("    formats: atom\n"), store_, [] { return kNow; });
  ASSERT_TRUE(sink.created()) << sink.problems();
  ASSERT_EQ(sink.deliver(article()).status, SYNDICD_OK);
  EXPECT_FALSE(fs::exists(dir_ / "tn.xml"));
  EXPECT_TRUE(fs::exists(dir_ / "tn.atom"));
}

// A reload that drops a format takes its file away with the next write,
// else /feeds/<sink>.atom would go on serving a frozen feed; a file the
// sink writes now is never taken for a stale one.
TEST_F(FeedFormatsTest, AFormatNoLongerListedLosesItsFile) {
  {
    Sink sink(body("    formats: [rss, atom, json]\n"), store_, [] { return kNow; });
    ASSERT_TRUE(sink.created()) << sink.problems();
    ASSERT_EQ(sink.deliver(article()).status, SYNDICD_OK);
  }
  ASSERT_TRUE(fs::exists(dir_ / "tn.atom"));
  Sink sink(body("    formats: [rss, json]\n"), store_, [] { return kNow; });
  ASSERT_TRUE(sink.created()) << sink.problems();
  ASSERT_EQ(sink.deliver(article()).status, SYNDICD_OK);
  EXPECT_TRUE(fs::exists(dir_ / "tn.xml"));
  EXPECT_TRUE(fs::exists(dir_ / "tn.json"));
  EXPECT_FALSE(fs::exists(dir_ / "tn.atom"));

  // `path: tn.atom` with RSS only: tn.atom is the RSS file, and stays.
  Sink rss_in_atom(body("", "tn.atom"), store_, [] { return kNow; });
  ASSERT_TRUE(rss_in_atom.created()) << rss_in_atom.problems();
  ASSERT_EQ(rss_in_atom.deliver(article()).status, SYNDICD_OK);
  EXPECT_NE(slurp(dir_ / "tn.atom").find("<rss"), std::string::npos);
}

TEST_F(FeedFormatsTest, BadValuesAreRefusedNamingTheirKey) {
  const std::pair<std::string, std::string> cases[] = {
      {body("    formats: [rss, yaml]\n"),
       "sinks.feed.formats[1]: \"yaml\" is not a feed format (rss, atom or json)"},
      {body("    formats: [atom, atom]\n"), "sinks.feed.formats[1]: atom is listed twice"},
      {body("    formats: []\n"), "sinks.feed.formats: lists no format"},
      {body("    formats: [rss, json]\n", "tn.json"), "sinks.feed.path: ends in .json"},
      {body("    hub: [https://hub.example/, \"ftp://hub.example/\"]\n"),
       "sinks.feed.hub[1]: \"ftp://hub.example/\" is not an http:// or https:// URL"},
  };
  for (const auto& [config, message] : cases) {
    Sink sink(config, store_, [] { return kNow; });
    EXPECT_FALSE(sink.created()) << config;
    EXPECT_NE(sink.problems().find(message), std::string::npos) << sink.problems();
  }
}

}  // namespace
