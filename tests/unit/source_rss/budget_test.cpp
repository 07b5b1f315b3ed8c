// SPDX-License-Identifier: Apache-2.0
// read_feed's budget (issue 12): a document past limits.cpu_time is
// abandoned with an error saying so and nothing of it kept; one past
// max_bytes is not read at all; within them read_feed is decoding and
// parse_feed, and the thread's next document reads as if nothing happened.
#include <gtest/gtest.h>

#include <syndicd/common/budget.hpp>

#include <chrono>
#include <string>

#include "test_util.hpp"

namespace {

using namespace rss_test;
using syndicd::rss::ParseOptions;
using syndicd::rss::ParseResult;
using syndicd::rss::read_feed;
using Limit = syndicd::rss::ParseResult::Limit;

// Some 4 MiB that send the parser down its slowest path: every item's text
// full of bare '&' and HTML entities, which the repair pass rewrites one by
// one (tens of milliseconds at the least, on any machine).
std::string pathological_feed() {
  std::string s = "<rss version=\"2.0\"><channel><title>Kênh & tin</title>";
  std::string text;
  for (int k = 0; k < 200; ++k) text += "A & B &nbsp; ";
  for (int i = 0; i < 1600; ++i)
    s += "<item><title>Tin " + std::to_string(i) + " & x</title><link>https://a.example/" +
         std::to_string(i) + "</link><description>" + text + "</description></item>";
  return s + "</channel></rss>";
}

ParseOptions with_cpu_time(std::chrono::milliseconds cpu) {
  ParseOptions o = options();
  o.limits.cpu_time = cpu;
  return o;
}

const std::string kSmallFeed =
    "<rss version=\"2.0\"><channel><item><title>Khai mạc Hội báo Xuân</title>"
    "<link>https://a.example/1</link><description>Mô tả &amp; ảnh</description>"
    "</item></channel></rss>";

TEST(ReadFeedBudget, PathologicalDocumentTripsASmallBudget) {
  const std::string feed = pathological_feed();
  ASSERT_GT(feed.size(), size_t{4} << 20);
  const ParseResult r = read_feed(feed, "", with_cpu_time(std::chrono::milliseconds(1)));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "parse abandoned after 1 ms of CPU");
  EXPECT_EQ(r.over_limit, Limit::CpuTime);
  EXPECT_TRUE(r.articles.empty());
  EXPECT_TRUE(r.warnings.empty());
  // Nothing installed outlives the document.
  EXPECT_EQ(syndicd::common::current_budget(), nullptr);

  // The default budget reads it whole.
  const ParseResult whole = read_feed(feed, "", options());
  ASSERT_FALSE(whole.error) << *whole.error;
  EXPECT_EQ(whole.articles.size(), 100u);
  EXPECT_EQ(whole.over_limit, Limit::None);
}

TEST(ReadFeedBudget, NextDocumentOnTheThreadIsUnaffected) {
  ASSERT_TRUE(
      read_feed(pathological_feed(), "", with_cpu_time(std::chrono::milliseconds(1))).error);
  const ParseResult r = read_feed(kSmallFeed, "", options());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Khai mạc Hội báo Xuân");
  EXPECT_EQ(r.articles[0].lead, "Mô tả & ảnh");
}

TEST(ReadFeedBudget, ZeroIsUnlimited) {
  EXPECT_FALSE(read_feed(pathological_feed(), "", with_cpu_time(std::chrono::seconds(0))).error);
}

TEST(ReadFeedBudget, TooLargeIsNotRead) {
  ParseOptions o = options();
  o.limits.max_bytes = kSmallFeed.size() - 1;
  const ParseResult r = read_feed(kSmallFeed, "", o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "the document is " + std::to_string(kSmallFeed.size()) +
                          " bytes, over the limit of " + std::to_string(kSmallFeed.size() - 1) +
                          " for one feed");
  EXPECT_EQ(r.over_limit, Limit::Bytes);
  o.limits.max_bytes = kSmallFeed.size();
  EXPECT_FALSE(read_feed(kSmallFeed, "", o).error);
}

TEST(ReadFeedBudget, NodeAndDepthLimitsSayWhich) {
  ParseOptions o = options();
  o.limits.max_nodes = 3;
  EXPECT_EQ(read_feed(kSmallFeed, "", o).over_limit, Limit::Nodes);
  o = options();
  o.limits.max_depth = 3;
  EXPECT_EQ(read_feed(kSmallFeed, "", o).over_limit, Limit::Depth);
}

TEST(ReadFeedBudget, WithinBudgetIsDecodingThenParsing) {
  const std::string bytes = read_file(feed_path("rss20.xml"));
  const ParseResult a = read_feed(bytes, "", options());
  const ParseResult b = parse_bytes(bytes);
  ASSERT_FALSE(a.error) << *a.error;
  EXPECT_EQ(a.warnings, b.warnings);
  ASSERT_EQ(a.articles.size(), b.articles.size());
  for (size_t i = 0; i < a.articles.size(); ++i) {
    EXPECT_EQ(a.articles[i].id, b.articles[i].id);
    EXPECT_EQ(a.articles[i].title, b.articles[i].title);
    EXPECT_EQ(a.articles[i].body_html, b.articles[i].body_html);
  }
}

}  // namespace
