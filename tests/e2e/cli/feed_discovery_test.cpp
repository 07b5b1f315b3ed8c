// SPDX-License-Identifier: Apache-2.0
// Feed discovery through the real binary: an `rss` source given a site's
// page follows the feed the page announces, `feed_title` chooses among
// several, and a page that announces none is an error naming the URL.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "process.hpp"
#include "scratch.hpp"

namespace {

namespace fs = std::filesystem;
using syndicd::testing::run_process;

const std::string kBinary = SYNDICD_BINARY;
const std::string kPlugins = SYNDICD_PLUGIN_DIR;

std::string feed(const std::string& title) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>" +
         title + "</title><link>http://example.vn/</link>" + "<item><title>" + title +
         ": bài một</title><link>http://example.vn/" + title +
         "/1.html</link><description>Một</description></item>" + "<item><title>" + title +
         ": bài hai</title><link>http://example.vn/" + title +
         "/2.html</link><description>Hai</description></item>" + "</channel></rss>\n";
}

class FeedDiscovery : public syndicd::testing::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    fs::create_directories(dir_ / "site" / "rss");
    write("site/rss/thoi-su.rss", feed("thoisu"));
    write("site/rss/kinh-te.rss", feed("kinhte"));
    write("site/index.html",
          "<!DOCTYPE html><html lang=\"vi\"><head><title>Báo</title>\n"
          "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Thời sự\" "
          "href=\"rss/thoi-su.rss\">\n"
          "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Kinh tế\" "
          "href=\"rss/kinh-te.rss\">\n"
          "</head><body><h1>Trang chủ</h1></body></html>\n");
    write("site/plain.html", "<!DOCTYPE html><html><head><title>x</title></head></html>\n");
  }
  std::string page(const std::string& name) { return "file://" + (dir_ / "site" / name).string(); }
  static size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }
};

TEST_F(FeedDiscovery, APageLeadsToTheFirstFeedItAnnounces) {
  const auto r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "rss",
                              "--json", page("index.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out), 2u) << r.out;
  EXPECT_NE(r.out.find("thoisu: bài một"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("is an HTML page; following the feed it announces: " +
                       page("rss/thoi-su.rss") + " (\"Thời sự\"); it announces 2"),
            std::string::npos)
      << r.err;
}

TEST_F(FeedDiscovery, FeedTitleChoosesAmongThem) {
  const auto r = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "rss",
                              "--json", "--set", "feed_title=kinh tế", page("index.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kinhte: bài hai"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("thoisu"), std::string::npos) << r.out;

  const auto none = run_process({kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "rss",
                                 "--set", "feed_title=Thể thao", page("index.html")});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("feed " + page("index.html") +
                          " is an HTML page that announces no feed titled \"Thể thao\" "
                          "(feed_title); it announces: \"Thời sự\" " +
                          page("rss/thoi-su.rss")),
            std::string::npos)
      << none.err;
}

TEST_F(FeedDiscovery, APageWithoutFeedsIsAnErrorNamingIt) {
  const auto r = run_process(
      {kBinary, "preview", "--plugin-path", kPlugins, "--plugin", "rss", page("plain.html")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("feed " + page("plain.html") +
                       " is an HTML page that announces no feed (<link rel=\"alternate\" "
                       "type=\"application/rss+xml\">); give the feed's own URL"),
            std::string::npos)
      << r.err;
}

}  // namespace
