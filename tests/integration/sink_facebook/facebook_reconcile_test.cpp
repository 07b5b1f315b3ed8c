// SPDX-License-Identifier: Apache-2.0
// The facebook sink never posts twice: a retry after a lost answer and
// reconcile after a crash find the post already on the Page by its link.
#include "facebook_harness.hpp"

namespace {

using namespace fb_test;

TEST_F(FacebookSinkTest, RetryAfterALostAnswerAdoptsThePostInsteadOfPostingTwice) {
  auto h = make();
  // Graph stored the post, then the answer was a 500.
  graph().fail_next_post(
      {.status = 500, .code = 1, .message = "An unknown error occurred", .store_anyway = true});
  const Result first = deliver(*h, article(1));
  EXPECT_EQ(first.status, SYNDICD_ERR_TRANSIENT);
  ASSERT_EQ(graph().made().size(), 1u);
  const Result retry = deliver(*h, article(1));
  EXPECT_EQ(retry.status, SYNDICD_OK) << retry.message;
  EXPECT_EQ(retry.external_id, graph().made().at(0).id);
  EXPECT_EQ(graph().made().size(), 1u);
  EXPECT_EQ(graph().feed_reads(), 1);
}

TEST_F(FacebookSinkTest, RetryAfterALostAnswerWaitsWhenTheFeedCannotBeRead) {
  auto h = make();
  graph().fail_next_post({.status = 502, .code = 1, .message = "Bad gateway"});
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_ERR_TRANSIENT);
  graph().fail_next_get({.status = 500, .code = 1, .message = "feed down"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("not posting again"), std::string::npos) << r.message;
  EXPECT_EQ(graph().post_requests(), 1);
  // The feed is back and holds no such post: now it is posted.
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, ReconcileAdoptsAPostMadeBeforeACrash) {
  std::string id;
  {
    auto h = make();
    const Result r = deliver(*h, article(1));
    ASSERT_EQ(r.status, SYNDICD_OK);
    id = r.external_id;
    // "Crash": the daemon never recorded the outcome; the row stays in_flight.
  }
  // Newer posts push it to the third page of two.
  for (int i = 0; i < 4; ++i)
    graph().add_existing("https://example.org/other/" + std::to_string(i), wall_now() / 1000);
  graph().set_max_page(2);
  auto h = make();
  const auto [found, external_id] = h->reconcile(article(1));
  EXPECT_TRUE(found);
  EXPECT_EQ(external_id, id);
  EXPECT_EQ(graph().feed_reads(), 3);  // paging.next followed, token stripped from it
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, ReconcileMatchesLinksLoosely) {
  const std::string id =
      graph().add_existing("https://BaoThaiNguyen.vn/tin/1.html/", wall_now() / 1000);
  auto h = make();
  const auto [found, external_id] = h->reconcile(article(1));
  EXPECT_TRUE(found);
  EXPECT_EQ(external_id, id);
}

TEST_F(FacebookSinkTest, ReconcileReadsAFewPagesAtMost) {
  for (int i = 0; i < 20; ++i)
    graph().add_existing("https://example.org/other/" + std::to_string(i), wall_now() / 1000);
  graph().set_max_page(2);
  auto h = make("    reconcile_pages: 4\n");
  const auto [found, external_id] = h->reconcile(article(1));
  EXPECT_FALSE(found);
  EXPECT_EQ(graph().feed_reads(), 4);
  // Not found after a complete look: delivering posts at once.
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().feed_reads(), 4);
}

TEST_F(FacebookSinkTest, ReconcileStopsAtPostsOlderThanTheArticle) {
  // 2019: long before the article of 2020-01-10.
  for (int i = 0; i < 10; ++i)
    graph().add_existing("https://example.org/old/" + std::to_string(i), 1546300800 + i);
  graph().set_max_page(2);
  auto h = make();
  EXPECT_FALSE(h->reconcile(article(1)).first);
  EXPECT_EQ(graph().feed_reads(), 1);
}

TEST_F(FacebookSinkTest, ReconcileThatCannotReadTheFeedMakesTheRetryLookFirst) {
  std::string id;
  {
    auto h = make();
    const Result r = deliver(*h, article(1));
    ASSERT_EQ(r.status, SYNDICD_OK);
    id = r.external_id;
  }
  auto h = make();
  graph().fail_next_get({.status = 500, .code = 1, .message = "feed down"});
  EXPECT_FALSE(h->reconcile(article(1)).first);
  // The host delivers again; the sink looks first and adopts the post.
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_EQ(r.external_id, id);
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, AnUpdatedArticleIsNotPostedTwice) {
  auto h = make();
  const Result r = h->deliver(article(1), "1234567890_77");
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_EQ(r.external_id, "1234567890_77");
  EXPECT_EQ(graph().post_requests(), 0);
}

}  // namespace
