// SPDX-License-Identifier: Apache-2.0
// Feed discovery (discover.hpp): which documents are pages, and which
// feeds a page announces.
#include "discover.hpp"

#include <gtest/gtest.h>

namespace {

using syndicd::rss::choose_feed;
using syndicd::rss::feed_links;
using syndicd::rss::looks_like_html;

TEST(Discover, PagesAndFeedsTellThemselvesApart) {
  // A feed served as text/html is a feed; the markup decides.
  EXPECT_FALSE(looks_like_html("<rss version=\"2.0\"></rss>", "text/html; charset=utf-8"));
  EXPECT_TRUE(looks_like_html("<head><title>x</title>", "text/html"));
  EXPECT_FALSE(looks_like_html("<head><title>x</title>", "text/plain"));
  EXPECT_TRUE(looks_like_html("<!DOCTYPE html>\n<title>x</title>", ""));
  EXPECT_TRUE(looks_like_html("\xEF\xBB\xBF<html lang=vi><head>", "text/plain"));
  EXPECT_FALSE(looks_like_html("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>", ""));
  EXPECT_FALSE(looks_like_html("<feed xmlns=\"http://www.w3.org/2005/Atom\">", "text/xml"));
  // An item whose description holds escaped or CDATA <html> is still a feed.
  EXPECT_FALSE(looks_like_html(
      "<rss><channel><item><description><![CDATA[<html><body>x]]></description>", ""));
  EXPECT_FALSE(looks_like_html("", "application/rss+xml"));
}

TEST(Discover, FindsAlternateFeedsResolvedAgainstThePage) {
  const auto links = feed_links(
      "<html><head>\n"
      "<link rel=\"stylesheet\" href=\"/s.css\">\n"
      "<LINK REL=\"Alternate\" TYPE=\"application/rss+xml\" TITLE=\"Th&#7901;i s&#7921;\" "
      "HREF=\"/rss/thoi-su.rss\">\n"
      "<link rel='alternate home' type='application/atom+xml' href='atom.xml' title='Atom'/>\n"
      "<link rel=alternate type=application/rss+xml href=/rss/thoi-su.rss>\n"
      "<link rel=\"alternate\" hreflang=\"en\" href=\"/en/\">\n"
      "<link rel=\"alternate-x\" type=\"application/rss+xml\" href=\"/no.rss\">\n"
      "<!-- <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/old.rss\"> -->\n"
      "<linkage rel=\"alternate\" type=\"application/rss+xml\" href=\"/no2.rss\">\n"
      "</head></html>",
      "https://baothainguyen.vn/tin-tuc/index.html");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].url, "https://baothainguyen.vn/rss/thoi-su.rss");
  EXPECT_EQ(links[0].type, "application/rss+xml");
  EXPECT_EQ(links[0].title, "Thời sự");
  EXPECT_EQ(links[1].url, "https://baothainguyen.vn/tin-tuc/atom.xml");
  EXPECT_EQ(links[1].type, "application/atom+xml");
}

TEST(Discover, NoLinksAndBrokenMarkup) {
  EXPECT_TRUE(feed_links("<html><head><title>x</title></head></html>", "http://a/").empty());
  EXPECT_TRUE(
      feed_links("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"", "http://a/")
          .empty());
  EXPECT_TRUE(feed_links("<!-- <link", "http://a/").empty());
  EXPECT_TRUE(feed_links("<lin", "http://a/").empty());
  // A '>' inside a quoted value does not end the tag.
  const auto quoted = feed_links(
      "<link title=\"a > b\" rel=\"alternate\" type=\"application/rss+xml\" href=\"f.xml\">",
      "http://a/dir/");
  ASSERT_EQ(quoted.size(), 1u);
  EXPECT_EQ(quoted[0].title, "a > b");
  EXPECT_EQ(quoted[0].url, "http://a/dir/f.xml");
}

TEST(Discover, ChoosesByTitleOrTheFirst) {
  const std::vector<syndicd::rss::FeedLink> links = {
      {"http://a/1.rss", "application/rss+xml", "Thời sự"},
      {"http://a/2.rss", "application/rss+xml", "Kinh tế - Xã hội"},
  };
  EXPECT_EQ(choose_feed(links, "")->url, "http://a/1.rss");
  EXPECT_EQ(choose_feed(links, "KINH TẾ")->url, "http://a/2.rss");
  EXPECT_FALSE(choose_feed(links, "Thể thao").has_value());
  EXPECT_FALSE(choose_feed({}, "").has_value());
}

}  // namespace
