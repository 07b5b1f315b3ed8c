// SPDX-License-Identifier: Apache-2.0
// The work one feed document may cause (FeedLimits, and the bounds kept
// inside the reader): past a limit the document is refused with an error
// saying which, or the excess dropped with a warning; within them what is
// read is the same as before. No timing here: each test checks the bound
// that keeps the work linear (the attributes tinyxml2 is given, the items
// read, the warnings kept), which bench/ and the fuzz targets measure.
#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"
#include "xml_repair.hpp"

namespace {

using namespace rss_test;
using syndicd::rss::FeedLimits;
using syndicd::rss::parse_feed;
using syndicd::rss::ParseOptions;
using syndicd::rss::ParseResult;

ParseOptions with_limits(FeedLimits limits) {
  ParseOptions o = options();
  o.limits = limits;
  return o;
}

std::string items(size_t n, const std::string& extra = "") {
  std::string s = "<rss version=\"2.0\"><channel><title>Kênh</title>" + extra;
  for (size_t i = 0; i < n; ++i)
    s += "<item><title>Tin " + std::to_string(i) + "</title><link>https://a.example/" +
         std::to_string(i) + "</link></item>";
  return s + "</channel></rss>";
}

// 26,214 attributes on one <item> (fuzz-crashes/feed-slow-1): tinyxml2's
// duplicate check is quadratic in them. Only the first 64 reach it.
TEST(FuzzRegression, FeedSlow1ManyAttributesOnOneElement) {
  const std::string bytes = read_file(std::string(SYNDICD_TEST_FIXTURES) + "/fuzz/feed-slow-1");
  ASSERT_GT(bytes.size(), 256000u);
  auto r = parse_bytes(bytes);
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "x");
  EXPECT_TRUE(has_warning(r, "dropped 26150 attributes of 1 elements past the first 64 of each"))
      << warnings(r);
}

TEST(Limits, AttributesPastTheLimitAreDropped) {
  const FeedLimits limits{.max_attributes = 2};
  const syndicd::rss::RepairedXml repaired = syndicd::rss::repair_xml(
      "<r><a x=\"1\" y='2' z=\"3>\" w=\"4\"/><b p=\"1\" q=\"2\">t</b><c k=\"&\">u</c></r>", limits);
  EXPECT_EQ(repaired.xml, "<r><a x=\"1\" y='2'/><b p=\"1\" q=\"2\">t</b><c k=\"&amp;\">u</c></r>");
  EXPECT_TRUE(repaired.over_limit == syndicd::rss::RepairedXml::Limit::None);

  // Through parse_feed, small and large documents alike, well-formed or not.
  for (const std::string& padding : {std::string(), std::string(8000, ' ')}) {
    for (const std::string& amp : {std::string("&amp;"), std::string("&")}) {
      SCOPED_TRACE(std::to_string(padding.size()) + amp);
      auto r = parse_feed("<rss version=\"2.0\"><channel>" + padding +
                              "<item a=\"1\" b=\"2\" c=\"3\"><title>A " + amp +
                              " B</title><enclosure url=\"https://a.example/1.jpg\" "
                              "type=\"image/jpeg\" length=\"9\"/></item></channel></rss>",
                          with_limits(limits));
      ASSERT_FALSE(r.error) << *r.error;
      ASSERT_EQ(r.articles.size(), 1u);
      EXPECT_EQ(r.articles[0].title, "A & B");
      ASSERT_EQ(r.articles[0].images.size(), 1u);  // its first two attributes kept
      EXPECT_TRUE(has_warning(r, "dropped 2 attributes of 2 elements past the first 2 of each"))
          << warnings(r);
    }
  }
}

TEST(Limits, TooManyNodesIsAnError) {
  const FeedLimits limits{.max_nodes = 30};
  // Each item is three elements, the channel and its title three more: 9
  // items are 30 nodes; a comment more is one too many, read as it is or
  // repaired (the &nbsp;).
  EXPECT_FALSE(parse_feed(items(9), with_limits(limits)).error);
  for (const std::string& extra : {std::string("<!-- c -->"), std::string("<!-- & -->&nbsp;")}) {
    SCOPED_TRACE(extra);
    auto r = parse_feed(items(9, extra), with_limits(limits));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(*r.error,
              "the document has more than 30 elements, comments and sections, the limit for one "
              "feed");
    EXPECT_TRUE(r.articles.empty());
  }
}

TEST(Limits, TooDeepIsAnError) {
  auto nested = [](size_t depth, const std::string& text) {
    std::string open, close;
    for (size_t i = 0; i < depth; ++i) {
      open += "<b>";
      close = "</b>" + close;
    }
    return "<rss version=\"2.0\"><channel><item><title>T</title><description>" + open + text +
           close + "</description></item></channel></rss>";
  };
  const FeedLimits limits{.max_depth = 10};
  // rss, channel, item, description: 6 more fit.
  EXPECT_FALSE(parse_feed(nested(6, "x"), with_limits(limits)).error);
  for (const std::string& text : {std::string("x"), std::string("a & b")}) {
    auto r = parse_feed(nested(7, text), with_limits(limits));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(*r.error, "the document nests elements deeper than 10, the limit for one feed");
  }
  // Unclosed elements count as nested in the repair pass.
  std::string unclosed = "<rss><channel><item><title>T</title>";
  for (int i = 0; i < 20; ++i) unclosed += "<p>";
  auto r = parse_feed(unclosed + "</item></channel></rss>", with_limits(limits));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "the document nests elements deeper than 10, the limit for one feed");
  // tinyxml2's own bound holds whatever the limit says.
  r = parse_feed(nested(120, "x"), with_limits({.max_depth = 1000}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "the document nests elements deeper than 100, the limit for one feed");
}

// A feed of more items than are kept: the newest are found by their dates
// and only they are read (items not kept give no warnings); an item that
// turns out empty gives its place to the next newest.
TEST(Limits, OnlyTheNewestItemsAreRead) {
  std::string xml = "<rss version=\"2.0\"><channel>";
  for (int i = 0; i < 300; ++i) {
    const int day = 1 + i % 28;
    if (i % 10 == 5)  // old and empty: a warning if it were read
      xml += "<item><pubDate>2000-01-01T00:00:00Z</pubDate></item>";
    else
      xml += "<item><title>Tin " + std::to_string(i) + "</title><pubDate>2020-02-" +
             (day < 10 ? "0" : "") + std::to_string(day) + "T00:00:00Z</pubDate></item>";
  }
  xml += "<item><pubDate>2030-01-01T00:00:00Z</pubDate></item>";  // newest, and empty
  xml += "<item><title>Mới nhất</title><pubDate>2021-01-01T00:00:00Z</pubDate></item>";
  xml += "<item><title>Ngày hỏng</title><pubDate>hôm qua</pubDate></item>";  // counts as now
  xml += "</channel></rss>";
  auto r = parse_feed(xml, options(3));
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 3u);
  // In document order: day 28 first seen at i = 27, then the two last.
  EXPECT_EQ(r.articles[0].title, "Tin 27");
  EXPECT_EQ(r.articles[1].title, "Mới nhất");
  EXPECT_EQ(r.articles[2].title, "Ngày hỏng");
  EXPECT_EQ(r.articles[2].flags, SYNDICD_ARTICLE_DATE_GUESSED);
  EXPECT_EQ(r.warnings.size(), 2u) << warnings(r);
  EXPECT_TRUE(has_warning(r, "item 301: no title, link or description; skipped"));
  EXPECT_TRUE(has_warning(r, "item 303: unreadable date \"hôm qua\""));
}

TEST(Limits, ItemWarningsAreCounted) {
  std::string xml = "<rss version=\"2.0\"><channel>";
  for (int i = 0; i < 50; ++i) xml += "<item><category>x</category></item>";
  auto r = parse_feed(xml + "</channel></rss>", options(1000));
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(r.articles.empty());
  ASSERT_EQ(r.warnings.size(), 21u) << warnings(r);
  EXPECT_EQ(r.warnings[0], "item 1: no title, link or description; skipped");
  EXPECT_EQ(r.warnings[19], "item 20: no title, link or description; skipped");
  EXPECT_EQ(r.warnings[20], "30 more item warnings like these");
}

TEST(Limits, ListsOfOneArticleAreBounded) {
  std::string inner;
  for (int i = 0; i < 100; ++i)
    inner += "<category>Chủ đề " + std::to_string(i) + "</category><dc:creator>Tác giả " +
             std::to_string(i) + "</dc:creator><enclosure url=\"https://a.example/" +
             std::to_string(i) + ".jpg\" type=\"image/jpeg\"/>";
  auto r = parse_feed(
      "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><item>"
      "<title>T</title>" +
          inner + "</item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  const auto& a = r.articles[0];
  ASSERT_EQ(a.tags.size(), 64u);
  EXPECT_EQ(a.tags[63], "Chủ đề 63");
  ASSERT_EQ(a.images.size(), 64u);
  EXPECT_EQ(a.author.rfind("Tác giả 0, Tác giả 1, ", 0), 0u);
  EXPECT_NE(a.author.find(", Tác giả 63"), std::string::npos);
  EXPECT_EQ(a.author.find("Tác giả 64"), std::string::npos);
}

TEST(Limits, LongDateTextIsNotADate) {
  auto r = parse_feed("<rss><channel><item><title>T</title><pubDate>Mon, 06 Jan 2020 " +
                          std::string(5000, '9') + "</pubDate></item></channel></rss>",
                      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].flags, SYNDICD_ARTICLE_DATE_GUESSED);
  EXPECT_TRUE(has_warning(r, "item 1: unreadable date of 5017 bytes")) << warnings(r);
}

// Namespaces past the few kept in a list (a hash table then) and children
// with more prefixes than are remembered at their parent still resolve.
TEST(Limits, ManyNamespacesStillResolve) {
  std::string decls, below;
  for (int i = 0; i < 40; ++i) {
    decls += " xmlns:p" + std::to_string(i) + "=\"urn:p:" + std::to_string(i) + "\"";
    below += "<q" + std::to_string(i) + ":x xmlns:q" + std::to_string(i) +
             "=\"urn:q:" + std::to_string(i) + "\">" + std::to_string(i) + "</q" +
             std::to_string(i) + ":x>";
  }
  for (const std::string& where : {std::string("root"), std::string("item")}) {
    SCOPED_TRACE(where);
    const std::string dc = " xmlns:d=\"http://purl.org/dc/elements/1.1/\"";
    auto r = parse_feed("<rss version=\"2.0\"" + decls + (where == "root" ? dc : "") +
                            "><channel><item" + (where == "item" ? dc : "") + ">" + below +
                            "<title>T</title><d:creator>Tác giả</d:creator></item></channel></rss>",
                        options());
    ASSERT_EQ(r.articles.size(), 1u);
    EXPECT_EQ(r.articles[0].author, "Tác giả");
  }
}

}  // namespace
