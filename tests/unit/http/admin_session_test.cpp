// SPDX-License-Identifier: Apache-2.0
// Who may press the status page's buttons: the token compared, sessions
// opened, found, expired and ended, failed logins throttled, and the
// parsers of what a browser sends (Cookie, forms, Origin).
#include "http/admin_session.hpp"

#include <gtest/gtest.h>

#include <set>

namespace syndicd::http {
namespace {

using namespace std::chrono_literals;
using Clock = AdminSessions::Clock;
const std::string kToken = "s3cret-token-of-sixteen";

TEST(AdminSession, ComparesInConstantTimeAndExactly) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(AdminSession, RandomHexIsFreshEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string h = random_hex(32);
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
    seen.insert(h);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(AdminSession, ReadsCookiesFormsAndOrigins) {
  EXPECT_EQ(cookie_value("a=1; syndicd_admin=xyz; b=2", "syndicd_admin"), "xyz");
  EXPECT_EQ(cookie_value("syndicd_admin=\"q\"", "syndicd_admin"), "q");
  EXPECT_EQ(cookie_value("xsyndicd_admin=1; a=2", "syndicd_admin"), std::nullopt);
  EXPECT_EQ(cookie_value("", "syndicd_admin"), std::nullopt);
  EXPECT_EQ(cookie_value("broken; ;=;", "syndicd_admin"), std::nullopt);

  using Form = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parse_form("id=12&id=13&csrf=a%2Bb+c"),
            (Form{{"id", "12"}, {"id", "13"}, {"csrf", "a+b c"}}));
  EXPECT_EQ(parse_form("&&token&x=%zz%4"), (Form{{"token", ""}, {"x", "%zz%4"}}));
  EXPECT_EQ(parse_form("t=%C4%91%E1%BB%8Bnh"), (Form{{"t", "định"}}));
  EXPECT_TRUE(parse_form("").empty());

  EXPECT_EQ(origin_of("http://127.0.0.1:8088/"), "http://127.0.0.1:8088");
  EXPECT_EQ(origin_of("HTTPS://News.Example/review?x=1"), "https://news.example");
  EXPECT_EQ(origin_of("null"), "");
  EXPECT_EQ(origin_of("/relative"), "");
  EXPECT_EQ(origin_of("http://"), "");
  EXPECT_EQ(origin_of("http://a b/"), "");
}

TEST(AdminSession, NoTokenNoAdmin) {
  AdminSessions sessions;
  EXPECT_FALSE(sessions.enabled());
  EXPECT_FALSE(sessions.token_matches(""));
  const AdminSessions::Session* s = nullptr;
  EXPECT_EQ(sessions.login("", Clock::now(), &s), AdminSessions::Login::wrong);
  EXPECT_EQ(sessions.find("syndicd_admin=", Clock::now()), nullptr);
}

TEST(AdminSession, ALoginOpensASessionTheCookieFinds) {
  AdminSessions sessions(kToken);
  const auto now = Clock::now();
  const AdminSessions::Session* s = nullptr;
  ASSERT_EQ(sessions.login(kToken, now, &s), AdminSessions::Login::ok);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->id, s->csrf);
  const std::string cookie = AdminSessions::set_cookie(*s, false);
  EXPECT_EQ(cookie.rfind("syndicd_admin=" + s->id + "; Path=/; HttpOnly; SameSite=Strict", 0), 0u)
      << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  EXPECT_NE(AdminSessions::set_cookie(*s, true).find("; Secure"), std::string::npos);

  auto* found = sessions.find("x=1; syndicd_admin=" + s->id, now + 1h);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->csrf, s->csrf);
  EXPECT_EQ(sessions.find("syndicd_admin=" + s->id + "0", now), nullptr);
  EXPECT_EQ(sessions.find("syndicd_admin=" + s->id, now + AdminSessions::kLifetime), nullptr)
      << "expired";
}

TEST(AdminSession, LogoutAndANewTokenEndSessions) {
  AdminSessions sessions(kToken);
  const auto now = Clock::now();
  const AdminSessions::Session* a = nullptr;
  const AdminSessions::Session* b = nullptr;
  ASSERT_EQ(sessions.login(kToken, now, &a), AdminSessions::Login::ok);
  const std::string a_id = a->id;
  ASSERT_EQ(sessions.login(kToken, now, &b), AdminSessions::Login::ok);
  const std::string b_id = b->id;
  sessions.end(*sessions.find("syndicd_admin=" + a_id, now));
  EXPECT_EQ(sessions.find("syndicd_admin=" + a_id, now), nullptr);
  EXPECT_NE(sessions.find("syndicd_admin=" + b_id, now), nullptr);
  sessions.set_token(kToken);  // unchanged on reload: still logged in
  EXPECT_NE(sessions.find("syndicd_admin=" + b_id, now), nullptr);
  sessions.set_token("another-token-sixteen");
  EXPECT_EQ(sessions.find("syndicd_admin=" + b_id, now), nullptr);
}

TEST(AdminSession, WrongTokensAreThrottled) {
  AdminSessions sessions(kToken);
  const auto now = Clock::now();
  const AdminSessions::Session* s = nullptr;
  for (int i = 0; i < AdminSessions::kMaxFailures; ++i)
    EXPECT_EQ(sessions.login("guess", now, &s), AdminSessions::Login::wrong);
  // Even the right token waits out the window.
  EXPECT_EQ(sessions.login(kToken, now + 1s, &s), AdminSessions::Login::throttled);
  EXPECT_EQ(sessions.login(kToken, now + AdminSessions::kFailureWindow, &s),
            AdminSessions::Login::ok);
}

TEST(AdminSession, KeepsAtMostSoManySessions) {
  AdminSessions sessions(kToken);
  const auto start = Clock::now();
  std::string first;
  for (size_t i = 0; i <= AdminSessions::kMaxSessions; ++i) {
    const AdminSessions::Session* s = nullptr;
    ASSERT_EQ(sessions.login(kToken, start + std::chrono::seconds(i), &s),
              AdminSessions::Login::ok);
    if (i == 0) first = s->id;
  }
  EXPECT_EQ(sessions.find("syndicd_admin=" + first, start + 1h), nullptr) << "the oldest went";
}

}  // namespace
}  // namespace syndicd::http
