// SPDX-License-Identifier: Apache-2.0
// What the fetcher may fetch: redirects (how many, to which schemes),
// file:// only when allowed, private addresses only when allowed.
#include "fetch_fixture.hpp"

namespace {

using namespace syndicd::fetch_test;

TEST_F(FetchTest, RedirectLoop) {
  server_.set("/a", FixtureServer::redirect("/b"));
  server_.set("/b", FixtureServer::redirect("/a"));
  fetch::Response r = get(server_.url("/a"));
  EXPECT_EQ(r.error, Error::too_many_redirects) << r.error_message;
  EXPECT_EQ(server_.hits("/a") + server_.hits("/b"), 6);  // the first + 5 redirects
  EXPECT_EQ(r.attempts, 1);
}

TEST_F(FetchTest, RedirectToFileIsRefused) {
  server_.set("/sneaky", FixtureServer::redirect("file:///etc/passwd"));
  fetch::Settings s = test_settings();
  s.allow_file = true;  // even then: never on a redirect
  make(s);
  fetch::Response r = get(server_.url("/sneaky"));
  EXPECT_EQ(r.error, Error::forbidden_scheme) << r.error_message;
  EXPECT_TRUE(r.body.empty());
}

TEST_F(FetchTest, FileSchemeOnlyWhenAllowed) {
  const std::string url = "file://" + kFixtures + "/hello.html";
  fetch::Response r = get(url);
  EXPECT_EQ(r.error, Error::forbidden_scheme);
  EXPECT_NE(r.error_message.find(url), std::string::npos);
  EXPECT_EQ(r.attempts, 0);

  fetch::Settings s = test_settings();
  s.allow_file = true;
  make(s);
  r = get(url);
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html");
  EXPECT_NE(r.body.find("Xin chào Thái Nguyên"), std::string::npos);
  r = get("file://" + kFixtures + "/no-such-file.html");
  EXPECT_EQ(r.error, Error::io) << r.error_message;
}

TEST_F(FetchTest, OtherSchemesAndBadUrlsRefused) {
  for (const char* url : {"ftp://127.0.0.1/pub/file", "gopher://127.0.0.1/", "dict://127.0.0.1/"}) {
    fetch::Response r = get(url);
    EXPECT_EQ(r.error, Error::forbidden_scheme) << url;
    EXPECT_NE(r.error_message.find(url), std::string::npos) << r.error_message;
  }
  EXPECT_EQ(get("not a url").error, Error::bad_url);
  EXPECT_EQ(get("http://").error, Error::bad_url);
  EXPECT_EQ(server_.total_hits(), 0);
}

TEST_F(FetchTest, PrivateAddressesBlockedUnlessAllowed) {
  fetch::Settings s = test_settings();
  s.allow_private = false;
  make(s);
  server_.set("/secret", FixtureServer::text("internal"));
  fetch::Response r = get(server_.url("/secret"));
  EXPECT_EQ(r.error, Error::forbidden_address) << r.error_message;
  EXPECT_NE(r.error_message.find(server_.url("/secret")), std::string::npos);
  EXPECT_NE(r.error_message.find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(r.attempts, 1);  // never retried
  r = get("http://localhost:" + std::to_string(server_.port()) + "/secret");
  EXPECT_EQ(r.error, Error::forbidden_address) << r.error_message;
  EXPECT_EQ(server_.hits("/secret"), 0);

  // A source allowed private addresses may not lend its connection to one that is not.
  fetch::Request allowed;
  allowed.url = server_.url("/secret");
  auto open = std::make_shared<fetch::Settings>(test_settings());
  allowed.settings = open;
  EXPECT_EQ(get(allowed).status, 200);
  r = get(server_.url("/secret"));
  EXPECT_EQ(r.error, Error::forbidden_address) << r.error_message;
  EXPECT_EQ(server_.hits("/secret"), 1);
}

TEST_F(FetchTest, AtMostFiveRedirects) {
  // /r6 -> /r5 -> ... -> /r1 -> /final: /r5 needs five redirects, /r6 six.
  server_.set("/final", FixtureServer::text("arrived"));
  server_.set("/r1", FixtureServer::redirect("/final"));
  for (int i = 2; i <= 6; ++i) {
    server_.set("/r" + std::to_string(i), FixtureServer::redirect("/r" + std::to_string(i - 1)));
  }
  fetch::Settings defaults;  // max_redirects comes from the defaults, not the test
  ASSERT_EQ(defaults.max_redirects, 5);
  fetch::Response r = get(server_.url("/r5"));
  EXPECT_EQ(r.error, Error::none) << r.error_message;
  EXPECT_EQ(r.body, "arrived");
  EXPECT_EQ(r.url, server_.url("/final"));
  r = get(server_.url("/r6"));
  EXPECT_EQ(r.error, Error::too_many_redirects) << r.error_message;
  EXPECT_NE(r.error_message.find(server_.url("/r6")), std::string::npos) << r.error_message;
  EXPECT_EQ(server_.hits("/final"), 1);
}

TEST_F(FetchTest, RedirectsOnlyToHttpOrHttps) {
  for (const char* target : {"ftp://127.0.0.1/pub/x", "gopher://127.0.0.1/", "dict://127.0.0.1/d",
                             "file:///etc/hostname"}) {
    server_.set("/away", FixtureServer::redirect(target));
    fetch::Response r = get(server_.url("/away"));
    EXPECT_EQ(r.error, Error::forbidden_scheme) << target << ": " << r.error_message;
    EXPECT_TRUE(r.body.empty());
  }
  // http -> http on another port is fine.
  FixtureServer other;
  other.set("/there", FixtureServer::text("there"));
  server_.set("/away", FixtureServer::redirect(other.url("/there")));
  EXPECT_EQ(get(server_.url("/away")).body, "there");
}

}  // namespace
