// SPDX-License-Identifier: Apache-2.0
// The youtube sink's error classes: what each answer of Google's token
// endpoint and of the YouTube Data API ends in (auth, transient, a pause
// until Pacific midnight, permanent), and a stop with a request in flight.
#include "youtube_harness.hpp"

namespace {

using namespace yt_test;
using namespace std::chrono_literals;

TEST_F(YoutubeSinkTest, RevokedRefreshTokenIsAuth) {
  make();
  // Google's answer echoes nothing secret; a hostile one might: still scrubbed.
  google_.fail(FakeGoogle::token,
               FakeGoogle::oauth_error(401, "invalid_grant",
                                       std::string("Token has been expired or revoked: ") +
                                           kRefresh + " / " + kSecret));
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_NE(r.message.find("invalid_grant"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[redacted]"), std::string::npos) << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::list), 0);
}

TEST_F(YoutubeSinkTest, WrongClientSecretIsAuth) {
  ::setenv("SYNDICD_YT_TEST_SECRET", "GOCSPX-a-wrong-secret-000", 1);
  make();
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_NE(r.message.find("invalid_client"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("GOCSPX-a-wrong-secret-000"), std::string::npos) << r.message;
}

TEST_F(YoutubeSinkTest, TokenEndpointOutageIsTransient) {
  make();
  google_.fail(FakeGoogle::token, Canned{503, "<html>busy</html>", {}});
  Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT) << r.message;
  // The next attempt refreshes again and goes through.
  r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::token), 2);
}

TEST_F(YoutubeSinkTest, TheLedgerPausesBeforeACallWouldPassTheDailyQuota) {
  // 100 units: one delivery (list 1 + update 50) fits, the second's update
  // would make 102.
  Harness& h = make("    daily_quota: 100\n    quota_project: newsroom-a\n");
  google_.add_video("BBBBBBBBBBB", "b", "b");
  ASSERT_EQ(deliver(article(1)).status, SYNDICD_OK);
  Article second = article(2);
  second.videos = {"https://www.youtube.com/embed/BBBBBBBBBBB"};
  const Result r = deliver(second);
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED) << r.message;
  EXPECT_EQ(r.pause_until, kNextPacificMidnight);
  EXPECT_NE(r.message.find("videos.update (50 units) would pass daily_quota (100 units, 52 spent "
                           "today)"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::update), 1) << "the call that would pass was not made";
  EXPECT_EQ(google_.requests(FakeGoogle::list), 2);
  // After midnight Pacific the day is new.
  h.now = kNextPacificMidnight + 1000;
  EXPECT_EQ(deliver(second).status, SYNDICD_OK);
}

TEST_F(YoutubeSinkTest, QuotaExceededPausesUntilPacificMidnight) {
  make();
  google_.fail(FakeGoogle::update,
               FakeGoogle::api_error(403, "quotaExceeded",
                                     "The request cannot be completed because you have exceeded "
                                     "your quota."));
  Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.pause_until, kNextPacificMidnight);
  EXPECT_NE(r.message.find("quotaExceeded"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("2024-03-11T07:00:00"), std::string::npos) << r.message;
  // On the list call too, and in summer time (PDT, UTC-7): 2024-07-01 12:00 UTC
  // is 05:00 PDT; midnight is 2024-07-02 07:00 UTC.
  harness_->now = 1719835200000;
  google_.fail(FakeGoogle::list, FakeGoogle::api_error(403, "quotaExceeded", "quota"));
  r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.pause_until, 1719903600000);
  EXPECT_EQ(google_.updates_accepted(), 0);
}

TEST_F(YoutubeSinkTest, RateLimitHonoursRetryAfter) {
  make();
  Canned limited = FakeGoogle::api_error(403, "rateLimitExceeded", "slow down");
  limited.headers = {{"Retry-After", "2"}};
  google_.fail(FakeGoogle::update, limited);
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_RATE_LIMITED);
  EXPECT_EQ(r.retry_after_ms, 2000);
  EXPECT_EQ(r.pause_until, 0);
}

TEST_F(YoutubeSinkTest, UnknownVideoIsPermanent) {
  make();
  Article a = article();
  a.videos = {"ZZZZZZZZZZZ"};
  Result r = deliver(a);  // videos.list answers with no item
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("ZZZZZZZZZZZ"), std::string::npos) << r.message;
  // Deleted between list and update: 404 videoNotFound.
  google_.fail(FakeGoogle::update, FakeGoogle::api_error(404, "videoNotFound", "Video not found."));
  r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_PERMANENT);
  EXPECT_NE(r.message.find("videoNotFound"), std::string::npos) << r.message;
}

TEST_F(YoutubeSinkTest, ServerErrorsAreTransient) {
  make();
  google_.fail(FakeGoogle::list, Canned{503, "<html>Service Unavailable</html>", {}});
  EXPECT_EQ(deliver(article()).status, SYNDICD_ERR_TRANSIENT);
  google_.fail(FakeGoogle::update, FakeGoogle::api_error(500, "backendError", "Backend Error"));
  const Result r = deliver(article());
  EXPECT_EQ(r.status, SYNDICD_ERR_TRANSIENT);
  EXPECT_NE(r.message.find("backendError"), std::string::npos) << r.message;
  EXPECT_EQ(deliver(article()).status, SYNDICD_OK);
  EXPECT_EQ(google_.updates_accepted(), 1);
}

TEST_F(YoutubeSinkTest, RevokedAccessTokenIsRefreshedOnce) {
  Harness& h = make();
  ASSERT_EQ(deliver(article(1)).status, SYNDICD_OK);
  google_.revoke_access_tokens();
  h.now += 60000;
  Result r = deliver(article(2));
  EXPECT_EQ(r.status, SYNDICD_OK) << r.message;
  EXPECT_EQ(google_.requests(FakeGoogle::token), 2);
  EXPECT_EQ(google_.updates_accepted(), 2);
  // A token that is refused even fresh: AUTH, after exactly one refresh.
  google_.fail(FakeGoogle::list, FakeGoogle::api_error(401, "authError", "Invalid Credentials"), 2);
  r = deliver(article(3));
  EXPECT_EQ(r.status, SYNDICD_ERR_AUTH);
  EXPECT_EQ(google_.requests(FakeGoogle::token), 3);
}

TEST_F(YoutubeSinkTest, NotOurVideoIsPermanentMissingScopeIsAuth) {
  make();
  google_.fail(FakeGoogle::update, FakeGoogle::api_error(403, "forbidden", "Forbidden"));
  EXPECT_EQ(deliver(article()).status, SYNDICD_ERR_PERMANENT);
  google_.fail(FakeGoogle::list,
               FakeGoogle::api_error(403, "insufficientPermissions", "Insufficient Permission"));
  EXPECT_EQ(deliver(article()).status, SYNDICD_ERR_AUTH);
}

TEST_F(YoutubeSinkTest, StoppingWithARequestInFlightEndsTheDelivery) {
  syndicd::testing::Behaviour slow;
  slow.delay = 2s;
  slow.handler = [](const syndicd::testing::Request&) {
    return syndicd::testing::Reply{200,
                                   {{"Content-Type", "application/json"}},
                                   R"({"access_token":"ya29.never-seen","expires_in":3600})"};
  };
  server_.set_prefix("/token", slow);
  make();
  auto first = harness_->start(article(1));
  auto second = harness_->start(article(2));  // waits for the same refresh
  harness_->run_for(200ms);
  EXPECT_FALSE(first->has_value());
  harness_.reset();  // the daemon stopping or reloading
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*first)->status, SYNDICD_ERR_TRANSIENT);
  EXPECT_EQ((*second)->status, SYNDICD_ERR_TRANSIENT);
  EXPECT_EQ(google_.updates_accepted(), 0);
}
}  // namespace
