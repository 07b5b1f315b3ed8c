// SPDX-License-Identifier: Apache-2.0
// The HTTP server's /feeds/<name>.atom and .json: the files beside the
// published RSS file, each with its media type and its own validators.
#include <gtest/gtest.h>

#include <set>

#include "harness.hpp"

namespace syndicd::http::testing {
namespace {

class FeedFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.path() / "news.xml", "<rss/>");
    write_file(dir_.path() / "news.atom", "<feed/>");
    write_file(dir_.path() / "news.json", "{}");
    // A sink name may hold dots; the suffix is only the last part.
    write_file(dir_.path() / "a.b.atom", "<feed>ab</feed>");
    harness_.set_feeds({{"news", dir_.path() / "news.xml"}, {"a.b", dir_.path() / "a.b.xml"}});
  }

  TempDir dir_;
  Harness harness_;
};

TEST_F(FeedFormatsTest, EachFormatHasItsTypeAndValidators) {
  const std::pair<const char*, const char*> cases[] = {
      {"/feeds/news.xml", "application/rss+xml; charset=utf-8"},
      {"/feeds/news.atom", "application/atom+xml; charset=utf-8"},
      {"/feeds/news.json", "application/feed+json; charset=utf-8"},
  };
  std::set<std::string> etags;
  for (const auto& [path, type] : cases) {
    const Response r = get(harness_.url(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.header("content-type"), type) << path;
    etags.insert(r.header("etag"));
    EXPECT_EQ(get(harness_.url(path), {"If-None-Match: " + r.header("etag")}).status, 304) << path;
  }
  EXPECT_EQ(etags.size(), 3u);
  EXPECT_EQ(get(harness_.url("/feeds/a.b.atom")).body, "<feed>ab</feed>");
}

TEST_F(FeedFormatsTest, AFormatNotWrittenIsNotFound) {
  const Response r = get(harness_.url("/feeds/a.b.json"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("is json in the sink's formats?"), std::string::npos) << r.body;
  EXPECT_EQ(get(harness_.url("/feeds/news.rss")).status, 404);
  EXPECT_EQ(get(harness_.url("/feeds/.atom")).status, 404);
}

}  // namespace
}  // namespace syndicd::http::testing
