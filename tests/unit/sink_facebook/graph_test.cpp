// SPDX-License-Identifier: Apache-2.0
// The facebook sink's request building and answer reading (graph.*), on
// Graph API answers as the real service writes them (tests/fixtures/facebook).
#include "graph.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fb = syndicd::facebook;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/facebook/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

syndicd::FetchResponse answer(int status, const std::string& body,
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
  syndicd::FetchResponse r;
  r.status = status;
  r.body = body;
  r.headers = std::move(headers);
  return r;
}

TEST(Form, EncodesUtf8AndReservedCharacters) {
  EXPECT_EQ(
      fb::form_encode({{"message", "Tin & tức = 100%\nmới"}, {"link", "https://a.vn/?x=1"}}),
      "message=Tin+%26+t%E1%BB%A9c+%3D+100%25%0Am%E1%BB%9Bi&link=https%3A%2F%2Fa.vn%2F%3Fx%3D1");
}

TEST(Form, RoundTrips) {
  const fb::Params p{{"message", "Thời sự: \"a+b\" & c"}, {"empty", ""}, {"k y", "v"}};
  EXPECT_EQ(fb::parse_form(fb::form_encode(p)), p);
  EXPECT_EQ(fb::form_decode("%zz%4"), "%zz%4");  // broken escapes stay as they are
}

TEST(StripQueryParam, RemovesTheTokenOnly) {
  EXPECT_EQ(
      fb::strip_query_param("https://g/v1/p/feed?access_token=S&fields=id&after=X", "access_token"),
      "https://g/v1/p/feed?fields=id&after=X");
  EXPECT_EQ(fb::strip_query_param("https://g/feed?a=1&access_token=S", "access_token"),
            "https://g/feed?a=1");
  EXPECT_EQ(fb::strip_query_param("https://g/feed?access_token=S", "access_token"),
            "https://g/feed");
  EXPECT_EQ(fb::strip_query_param("https://g/feed?access%5Ftoken=S#f", "access_token"),
            "https://g/feed#f");
  EXPECT_EQ(fb::strip_query_param("https://g/feed", "access_token"), "https://g/feed");
}

TEST(Redact, PlainAndPercentEncoded) {
  EXPECT_EQ(fb::redact("token EAA+b/c= and EAA%2Bb%2Fc%3D", "EAA+b/c="),
            "token [redacted] and [redacted]");
  EXPECT_EQ(fb::redact("nothing", ""), "nothing");
}

TEST(Usage, ReadsAllThreeHeaders) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::istringstream lines(fixture("usage_headers.txt"));
  for (std::string line; std::getline(lines, line);) {
    const auto colon = line.find(": ");
    if (colon != std::string::npos)
      headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  ASSERT_EQ(headers.size(), 3u);
  const fb::Usage u = fb::read_usage(headers);
  EXPECT_TRUE(u.known);
  EXPECT_EQ(u.percent, 95);
  EXPECT_EQ(u.regain_ms, 12 * 60000);
  EXPECT_FALSE(fb::read_usage({{"x-app-usage", "not json"}}).known);
  EXPECT_FALSE(fb::read_usage({{"content-type", "application/json"}}).known);
}

TEST(Classify, Success) {
  const auto r = fb::classify_post(answer(200, R"({"id":"1234567890_1000"})"));
  EXPECT_EQ(r.outcome, fb::Outcome::posted);
  EXPECT_EQ(r.post_id, "1234567890_1000");
  EXPECT_FALSE(r.ambiguous);
}

// HTTP 401 is an authentication failure whatever code the body carries.
TEST(Classify, Http401IsAuthWithAnyCode) {
  for (const std::string& body :
       {std::string(R"({"error":{"code":2500,"message":"An active access token must be used"}})"),
        std::string(R"({"error":{"code":10,"message":"(#10) Permission denied"}})"),
        std::string(R"({"error":{"code":1,"message":"An unknown error occurred"}})"),
        std::string("<html>Unauthorized</html>")}) {
    const auto r = fb::classify_post(answer(401, body));
    EXPECT_EQ(r.outcome, fb::Outcome::auth) << body;
    EXPECT_FALSE(r.ambiguous) << body;
  }
  // A code that says more than "unauthorized" still wins.
  EXPECT_EQ(fb::classify_post(answer(401, R"({"error":{"code":4}})")).outcome,
            fb::Outcome::rate_limited);
}

TEST(Classify, SuccessWithoutIdIsAmbiguous) {
  const auto r = fb::classify_post(answer(200, "<html>proxy</html>"));
  EXPECT_EQ(r.outcome, fb::Outcome::transient);
  EXPECT_TRUE(r.ambiguous);
}

TEST(Classify, ErrorClasses) {
  auto auth = fb::classify_post(answer(400, fixture("error_190.json")));
  EXPECT_EQ(auth.outcome, fb::Outcome::auth);
  EXPECT_NE(auth.message.find("code 190, subcode 463"), std::string::npos) << auth.message;
  EXPECT_FALSE(auth.ambiguous);

  EXPECT_EQ(fb::classify_post(answer(400, fixture("error_368.json"))).outcome,
            fb::Outcome::blocked);
  EXPECT_EQ(fb::classify_post(answer(400, fixture("error_32.json"))).outcome,
            fb::Outcome::rate_limited);
  for (int code : {4, 17, 32, 341, 613, 80001})
    EXPECT_EQ(fb::classify_post(answer(400, R"({"error":{"code":)" + std::to_string(code) + "}}"))
                  .outcome,
              fb::Outcome::rate_limited)
        << code;

  const auto permanent = fb::classify_post(answer(400, fixture("error_100.json")));
  EXPECT_EQ(permanent.outcome, fb::Outcome::permanent);
  EXPECT_NE(permanent.message.find("(#100) The parameter link must be a valid URL"),
            std::string::npos);

  const auto flagged = fb::classify_post(answer(400, fixture("error_transient.json")));
  EXPECT_EQ(flagged.outcome, fb::Outcome::transient);
  EXPECT_FALSE(flagged.ambiguous);

  // Codes newsrooms meet (#15): unknown (maybe stored), link not read yet,
  // duplicate, a permission named.
  const auto unknown = fb::classify_post(answer(400, R"({"error":{"code":1,"message":"x"}})"));
  EXPECT_EQ(unknown.outcome, fb::Outcome::transient);
  EXPECT_TRUE(unknown.ambiguous);
  const auto scrape = fb::classify_post(answer(400, R"({"error":{"code":1609005}})"));
  EXPECT_EQ(scrape.outcome, fb::Outcome::transient);
  EXPECT_FALSE(scrape.ambiguous);
  EXPECT_EQ(fb::classify_post(answer(400, R"({"error":{"code":506}})")).outcome,
            fb::Outcome::duplicate);
  const std::string lacks =
      R"({"error":{"code":200,"message":"(#200) requires pages_read_engagement and more"}})";
  const auto permission = fb::classify_post(answer(403, lacks));
  EXPECT_EQ(permission.outcome, fb::Outcome::permanent);
  EXPECT_NE(permission.message.find("lacks a permission (pages_read_engagement)"),
            std::string::npos)
      << permission.message;

  const auto server = fb::classify_post(answer(503, "Service Unavailable"));
  EXPECT_EQ(server.outcome, fb::Outcome::transient);
  EXPECT_TRUE(server.ambiguous);

  EXPECT_EQ(fb::classify_post(answer(429, "")).outcome, fb::Outcome::rate_limited);
  EXPECT_EQ(fb::classify_post(answer(401, "")).outcome, fb::Outcome::auth);
  EXPECT_EQ(fb::classify_post(answer(404, "")).outcome, fb::Outcome::permanent);
}

TEST(Classify, NetworkFailures) {
  syndicd::FetchResponse refused;
  refused.error = SYNDICD_FETCH_E_CONNECT;
  refused.error_message = "cannot connect to http://127.0.0.1:1/v21.0/1/feed";
  auto r = fb::classify_post(refused);
  EXPECT_EQ(r.outcome, fb::Outcome::transient);
  EXPECT_FALSE(r.ambiguous);  // nothing was sent
  EXPECT_EQ(r.message, refused.error_message);

  syndicd::FetchResponse timeout;
  timeout.error = SYNDICD_FETCH_E_TIMEOUT;
  r = fb::classify_post(timeout);
  EXPECT_EQ(r.outcome, fb::Outcome::transient);
  EXPECT_TRUE(r.ambiguous);  // the post may have been made
}

TEST(Feed, ParsesPostsAndPaging) {
  const auto page = fb::parse_feed(fixture("feed_page.json"));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->posts.size(), 3u);
  EXPECT_EQ(page->posts[0].id, "1234567890_1002");
  EXPECT_EQ(page->posts[0].link, "https://baothainguyen.vn/tin/2.html");
  EXPECT_EQ(page->posts[0].created, 1578618000000);
  EXPECT_EQ(page->posts[1].link, "");
  EXPECT_NE(page->next.find("after=QVFIUkZA"), std::string::npos);
  EXPECT_FALSE(fb::parse_feed(fixture("error_190.json")));
  EXPECT_FALSE(fb::parse_feed("not json"));
}

TEST(Links, SameLink) {
  EXPECT_TRUE(fb::same_link("https://a.vn/x.html", "https://a.vn/x.html"));
  EXPECT_TRUE(fb::same_link("HTTPS://A.vn/x.html/", "https://a.vn/x.html#top"));
  EXPECT_FALSE(
      fb::same_link("https://a.vn/X.html", "https://a.vn/x.html"));  // paths are case-sensitive
  EXPECT_FALSE(fb::same_link("https://a.vn/x.html?p=2", "https://a.vn/x.html"));
  EXPECT_FALSE(fb::same_link("", ""));
}

TEST(Links, SameOrigin) {
  EXPECT_TRUE(fb::same_origin("https://graph.facebook.com/v21.0/1/feed?after=x",
                              "https://graph.facebook.com"));
  EXPECT_FALSE(fb::same_origin("https://evil.example/v21.0/1/feed", "https://graph.facebook.com"));
  EXPECT_FALSE(fb::same_origin("http://graph.facebook.com/x", "https://graph.facebook.com"));
  EXPECT_FALSE(
      fb::same_origin("https://graph.facebook.com.evil.example/x", "https://graph.facebook.com"));
}

// mode: directory names. Whatever is in the directory that is not the
// article's own is never chosen, whether or not it has its .json.
TEST(PostStem, OwnFilesElseTheFirstFreeName) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("syndicd-fb-stem-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto put = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  const std::string base = "20200110-0559-tong-ket";
  EXPECT_EQ(fb::choose_post_stem(dir, base, "a"), base);
  EXPECT_EQ(fb::find_post_stem(dir, base, "a"), std::nullopt);
  put(base + ".json", R"({"id": "a"})");
  put(base + ".txt", "A");
  EXPECT_EQ(fb::choose_post_stem(dir, base, "a"), base);
  EXPECT_EQ(fb::find_post_stem(dir, base, "a"), base);
  EXPECT_EQ(fb::choose_post_stem(dir, base, "b"), base + "-2");
  // A .txt whose .json a reviewer removed, an unreadable sidecar: taken.
  put(base + "-2.txt", "someone's");
  put(base + "-3.json", "not json");
  EXPECT_EQ(fb::choose_post_stem(dir, base, "b"), base + "-4");
  // Its own files behind a freed name are still its own.
  put(base + "-5.json", R"({"id": "b"})");
  put(base + "-5.txt", "B");
  EXPECT_EQ(fb::choose_post_stem(dir, base, "b"), base + "-5");
  EXPECT_EQ(fb::find_post_stem(dir, base, "b"), base + "-5");
  EXPECT_EQ(fb::sidecar_article_id(dir / (base + "-3.json")), "");
  EXPECT_EQ(fb::sidecar_article_id(dir / "missing.json"), "");
  fs::remove_all(dir);
}

}  // namespace
