// SPDX-License-Identifier: Apache-2.0
// The facebook sink against Graph API errors: rate limits and usage pause
// it, an abuse block backs off, a rejected token pauses it with the
// delivery kept, client errors are dead, server and network errors retried.
#include "facebook_harness.hpp"

namespace {

using namespace fb_test;

TEST_F(FacebookSinkTest, RateLimitCodesPauseTheSinkWhenUsageIsHigh) {
  for (const int code : {4, 17, 32, 613, 341}) {
    SCOPED_TRACE("code " + std::to_string(code));
    ph::MemoryStateStore store;
    auto h = make({}, &store);
    const int before = graph().post_requests();
    graph().fail_next_post(
        {.status = 400,
         .code = code,
         .message = "(#" + std::to_string(code) + ") Rate limit reached",
         .headers = {{"X-App-Usage", R"({"call_count":96,"total_cputime":20,"total_time":30})"}}});
    const int64_t t0 = wall_now();
    const Result r = deliver(*h, article(1));
    EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
    EXPECT_NE(r.message.find("code " + std::to_string(code)), std::string::npos) << r.message;
    // The default rate_limit_pause: 15 minutes.
    EXPECT_NEAR(static_cast<double>(r.pause_until - t0), 15 * 60000.0, 5000.0);
    EXPECT_EQ(r.retry_after_ms, 15 * 60000);
    // Paused: the next delivery does not even call the API.
    const Result again = deliver(*h, article(2));
    EXPECT_EQ(again.status, SYNDICD_ERR_RATE_LIMITED);
    EXPECT_EQ(again.pause_until, r.pause_until);
    EXPECT_EQ(graph().post_requests(), before + 1);
  }
  EXPECT_TRUE(graph().made().empty());
}

TEST_F(FacebookSinkTest, BusinessUseCaseUsageSaysWhenAccessComesBack) {
  auto h = make();
  graph().fail_next_post(
      {.status = 400,
       .code = 32,
       .message = "(#32) Page request limit reached",
       .headers = {{"X-Business-Use-Case-Usage",
                    R"({"1234567890":[{"type":"pages","call_count":100,"total_cputime":5,)"
                    R"("total_time":5,"estimated_time_to_regain_access":7}]})"}}});
  const int64_t t0 = wall_now();
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_NEAR(static_cast<double>(r.pause_until - t0), 7 * 60000.0, 5000.0);
  EXPECT_EQ(r.retry_after_ms, 7 * 60000);
}

TEST_F(FacebookSinkTest, RateLimitWithLowUsageBacksOffWithoutPausing) {
  auto h = make("    rate_limit_pause: 2m\n");
  graph().fail_next_post(
      {.status = 400,
       .code = 613,
       .message = "(#613) Calls to this api have exceeded the rate limit.",
       .headers = {{"X-Page-Usage", R"({"call_count":12,"total_cputime":3,"total_time":4})"}}});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.pause_until, 0);
  EXPECT_EQ(r.retry_after_ms, 2 * 60000);
  // Not paused: the next one is posted.
  EXPECT_EQ(deliver(*h, article(2)).status, SYNDICD_OK);
}

TEST_F(FacebookSinkTest, HighUsageOnSuccessPausesTheSink) {
  auto h = make();
  graph().set_headers({{"X-App-Usage", R"({"call_count":93,"total_cputime":10,"total_time":10})"}});
  const int64_t t0 = wall_now();
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_OK);
  EXPECT_FALSE(r.external_id.empty());
  EXPECT_NEAR(static_cast<double>(r.pause_until - t0), 15 * 60000.0, 5000.0);
  EXPECT_TRUE(logged("usage at 93%"));
}

TEST_F(FacebookSinkTest, PausePersistsAcrossARestart) {
  {
    auto h = make();
    graph().fail_next_post(
        {.status = 400, .code = 4, .message = "(#4) Application request limit reached"});
    EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_ERR_RATE_LIMITED);
  }
  auto h = make();
  const int before = graph().post_requests();
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(graph().post_requests(), before);
}

TEST_F(FacebookSinkTest, AbuseBlockPausesTheWholeSinkLong) {
  auto h = make();
  graph().fail_next_post(
      {.status = 400,
       .code = 368,
       .message = "The action attempted has been deemed abusive or is otherwise disallowed"});
  const int64_t before = wall_now();
  const Result r = deliver(*h, article(1));
  // The block is the Page's: a pause (no attempt counted), 6 h by default.
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.retry_after_ms, 6 * 3600 * 1000);
  EXPECT_GE(r.pause_until, before + 6 * 3600 * 1000);
  EXPECT_NE(r.message.find("deemed abusive"), std::string::npos);
  EXPECT_TRUE(logged("pausing posts for"));
  // Another post meanwhile is not even tried.
  const int posts = graph().post_requests();
  EXPECT_EQ(deliver(*h, article(2)).status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(graph().post_requests(), posts);
}

TEST_F(FacebookSinkTest, GraphErrorClassesByCode) {
  struct Case {
    int status;
    int code;
    const char* message;
    syndicd_status want;
    const char* says;
  };
  const Case cases[] = {
      {500, 1, "An unknown error occurred", SYNDICD_ERR_TRANSIENT, "code 1"},
      {503, 2, "Service temporarily unavailable", SYNDICD_ERR_TRANSIENT, "code 2"},
      {400, 1609005, "Error posting link", SYNDICD_ERR_TRANSIENT, "could not read the article"},
      {403, 200,
       "(#200) The user hasn't authorized the application to perform this action: "
       "requires the pages_manage_posts permission",
       SYNDICD_ERR_PERMANENT, "lacks a permission (pages_manage_posts)"},
      {400, 299, "Requires publish_to_groups", SYNDICD_ERR_PERMANENT, "(publish_to_groups)"},
  };
  for (const auto& c : cases) {
    auto h = make();
    graph().fail_next_post({.status = c.status, .code = c.code, .message = c.message});
    const Result r = deliver(*h, article(1));
    EXPECT_EQ(r.status, c.want) << c.code << ": " << r.message;
    EXPECT_NE(r.message.find(c.says), std::string::npos) << c.code << ": " << r.message;
    EXPECT_EQ(r.pause_until, 0) << c.code;
  }
}

TEST_F(FacebookSinkTest, ADuplicateIsAdoptedOrDone) {
  // Facebook has it (a post made by an earlier attempt): adopted.
  const std::string existing = graph().add_existing(article(1).url, wall_now() / 1000, "the post");
  auto h = make();
  graph().fail_next_post({.status = 400, .code = 506, .message = "Duplicate status message"});
  Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.external_id, existing);
  // Not among the recent posts: done all the same, never posted twice.
  graph().fail_next_post({.status = 400, .code = 506, .message = "Duplicate status message"});
  r = deliver(*h, article(2));
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(r.external_id, "duplicate");
  EXPECT_TRUE(logged("not posted again"));
  EXPECT_EQ(graph().made().size(), 0u);
}

TEST_F(FacebookSinkTest, RejectedTokenPausesAndKeepsTheDelivery) {
  auto h = make();
  // Graph sometimes quotes the token back: it must not get through.
  graph().fail_next_post(
      {.status = 400,
       .code = 190,
       .subcode = 463,
       .message = "Error validating access token: Session has expired (token " + kToken + ")"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);  // the host pauses the sink, keeps it pending
  EXPECT_NE(r.message.find("code 190, subcode 463"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[redacted]"), std::string::npos) << r.message;
  EXPECT_TRUE(logged("Page access token rejected"));
  EXPECT_TRUE(logged("posts stay queued"));
  EXPECT_TRUE(graph().made().empty());
}

TEST_F(FacebookSinkTest, WrongTokenIsAnAuthFailure) {
  ::setenv("SYNDICD_TEST_FB_TOKEN", "EAAGwrongTokenForThisPage", 1);
  auto h = make();
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_NE(r.message.find("Invalid OAuth access token"), std::string::npos);
}

// A 401 means authentication failed whatever Graph code the body carries:
// the post must stay queued for a new token, not be parked as dead.
TEST_F(FacebookSinkTest, Http401WithAnyGraphCodeIsAnAuthFailure) {
  auto h = make();
  graph().fail_next_post(
      {.status = 401,
       .code = 2500,
       .message = "An active access token must be used to query information about the current "
                  "user."});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH) << r.message;
  EXPECT_NE(r.message.find("HTTP 401, code 2500"), std::string::npos) << r.message;
  EXPECT_TRUE(logged("posts stay queued"));
  EXPECT_TRUE(graph().made().empty());

  // The same while reading the Page feed before a retry.
  graph().fail_next_post({.status = 503, .code = 2, .store_anyway = true});
  EXPECT_EQ(deliver(*h, article(2)).status, SYNDICD_ERR_TRANSIENT);
  graph().fail_next_get({.status = 401, .code = 10, .message = "(#10) Permission denied"});
  const Result lookup = deliver(*h, article(2));
  EXPECT_EQ(lookup.status, SYNDICD_ERR_AUTH) << lookup.message;
  EXPECT_EQ(graph().made().size(), 1u);
}

TEST_F(FacebookSinkTest, OtherClientErrorsAreDeadWithTheGraphMessage) {
  auto h = make();
  graph().fail_next_post(
      {.status = 400, .code = 100, .message = "(#100) The link could not be fetched"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("(#100) The link could not be fetched"), std::string::npos);
  EXPECT_NE(r.message.find("HTTP 400, code 100"), std::string::npos);
  // A definite answer: the next attempt posts without reading the feed.
  EXPECT_EQ(deliver(*h, article(1)).status, SYNDICD_OK);
  EXPECT_EQ(graph().feed_reads(), 0);
}

TEST_F(FacebookSinkTest, ServerErrorsAndNetworkFailuresAreRetried) {
  auto h = make();
  graph().fail_next_post({.status = 503, .code = 2, .message = "Service temporarily unavailable"});
  const Result r = deliver(*h, article(1));
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("Service temporarily unavailable"), std::string::npos);

  // Nothing listens on the port of a server that just went away.
  std::string closed;
  {
    syndicd::testing::FixtureServer gone;
    closed = gone.base_url();
  }
  Harness h2(store_);
  ASSERT_EQ(h2.create("    page_id: \"1234567890\"\n"
                      "    access_token: ${env:SYNDICD_TEST_FB_TOKEN}\n"
                      "    graph_base: " +
                      closed + "\n"),
            "");
  const Result net = h2.deliver(article(5));
  messages_.push_back(net.message);
  EXPECT_EQ(net.status, SYNDICD_ERR_TRANSIENT);
}

}  // namespace
