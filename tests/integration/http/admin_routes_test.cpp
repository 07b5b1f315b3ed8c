// SPDX-License-Identifier: Apache-2.0
// The admin routes in-process (the binary's are in tests/e2e/http): a
// login opens a session, the page then shows buttons carrying its CSRF
// token, and a button's POST does the review; a forged POST (no token,
// another site's Origin, no session) does nothing. And the reader takes a
// form's body there, and nowhere else.
#include <gtest/gtest.h>

#include <string>

#include "http/request_reader.hpp"
#include "http/router.hpp"

namespace syndicd::http {
namespace {

namespace bhttp = boost::beast::http;
const std::string kToken = "s3cret-token-of-sixteen";

class AdminRoutes : public ::testing::Test {
 protected:
  AdminRoutes() : router_(status(), [] { return std::string(); }) {
    router_.set_admin({kToken, ""});
  }

  StatusSource status() {
    StatusSource s;
    s.operator_view = [] {
      return nlohmann::ordered_json::parse(
          R"({"sources":[],"sinks":[],"latest":[],"dead":[],"review":[
               {"id":7,"sink":"page","state":"held","attempts":0,"title":"Đảng bộ tỉnh","url":"https://baothainguyen.vn/a.html"},
               {"id":8,"sink":"page","state":"rejected","attempts":0,"title":"Bài 8"}]})");
    };
    s.review = [this](bool approve, const std::vector<int64_t>& ids) {
      std::string line = approve ? "approve" : "reject";
      for (auto id : ids) line += " " + std::to_string(id);
      calls_.push_back(line);
      return line + "\n";
    };
    return s;
  }

  Reply post(const std::string& target, const std::string& form,
             std::vector<std::pair<bhttp::field, std::string>> headers = {}) {
    Request r{bhttp::verb::post, target, 11};
    r.set(bhttp::field::host, "127.0.0.1:8088");
    for (auto& [f, v] : headers) r.set(f, v);
    return router_.respond(r, form);
  }
  Reply get(const std::string& target, const std::string& cookie = "") {
    Request r{bhttp::verb::get, target, 11};
    r.set(bhttp::field::host, "127.0.0.1:8088");
    if (!cookie.empty()) r.set(bhttp::field::cookie, cookie);
    return router_.respond(r);
  }
  static std::string header(const Reply& reply, std::string_view name) {
    for (const auto& [k, v] : reply.headers)
      if (k == name) return v;
    return "";
  }
  // Logged in: the cookie to send, and the CSRF token the page's forms carry.
  std::pair<std::string, std::string> login() {
    const Reply r =
        post("/admin/login", "token=" + kToken, {{bhttp::field::origin, "http://127.0.0.1:8088"}});
    EXPECT_EQ(r.status, bhttp::status::see_other) << r.body;
    std::string cookie = header(r, "Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    const std::string page = get("/", cookie).body;
    const std::string marker = "name=\"csrf\" value=\"";
    const size_t at = page.find(marker);
    EXPECT_NE(at, std::string::npos) << page;
    if (at == std::string::npos) return {cookie, ""};
    return {cookie, page.substr(at + marker.size(), 64)};
  }

  std::vector<std::string> calls_;
  Router router_;
};

TEST_F(AdminRoutes, WithoutATokenThereAreNoAdminPages) {
  router_.set_admin({});
  EXPECT_EQ(get("/admin/login").status, bhttp::status::not_found);
  EXPECT_EQ(post("/admin/review/approve", "id=7").status, bhttp::status::not_found);
  const std::string page = get("/").body;
  EXPECT_EQ(page.find("/admin/"), std::string::npos) << page;
  EXPECT_TRUE(calls_.empty());
}

TEST_F(AdminRoutes, ALoggedOutPageLinksToTheLogin) {
  const std::string page = get("/").body;
  EXPECT_NE(page.find("<a href=\"/admin/login\">Log in</a>"), std::string::npos) << page;
  EXPECT_EQ(page.find("<form"), std::string::npos) << page;
  const Reply form = get("/admin/login");
  EXPECT_EQ(form.status, bhttp::status::ok);
  EXPECT_NE(form.body.find("type=\"password\" name=\"token\""), std::string::npos);
  EXPECT_NE(header(form, "Content-Security-Policy").find("form-action 'self'"), std::string::npos);
  EXPECT_EQ(header(form, "X-Frame-Options"), "DENY");
}

TEST_F(AdminRoutes, AWrongTokenIsRefusedAndNothingOpens) {
  const Reply r = post("/admin/login", "token=guess");
  EXPECT_EQ(r.status, bhttp::status::forbidden);
  EXPECT_NE(r.body.find("Wrong admin token."), std::string::npos);
  EXPECT_EQ(header(r, "Set-Cookie"), "");
}

TEST_F(AdminRoutes, ButtonsApproveAndRejectInASession) {
  const auto [cookie, csrf] = login();
  ASSERT_EQ(csrf.size(), 64u);
  const std::string page = get("/", cookie).body;
  // Buttons on the held delivery only; the rejected one is shown, not offered.
  EXPECT_NE(page.find("action=\"/admin/review/approve\""), std::string::npos) << page;
  EXPECT_NE(page.find("name=\"id\" value=\"7\""), std::string::npos) << page;
  EXPECT_EQ(page.find("name=\"id\" value=\"8\""), std::string::npos) << page;
  EXPECT_NE(page.find("Đảng bộ tỉnh"), std::string::npos);

  const Reply approved =
      post("/admin/review/approve", "id=7&csrf=" + csrf + "&do=approve",
           {{bhttp::field::cookie, cookie}, {bhttp::field::origin, "http://127.0.0.1:8088"}});
  EXPECT_EQ(approved.status, bhttp::status::see_other) << approved.body;
  EXPECT_EQ(header(approved, "Location"), "/");
  EXPECT_EQ(calls_, (std::vector<std::string>{"approve 7"}));
  // The page says what happened, once.
  EXPECT_NE(get("/", cookie).body.find("<pre id=\"admin-result\">approve 7\n</pre>"),
            std::string::npos);
  EXPECT_EQ(get("/", cookie).body.find("admin-result"), std::string::npos);

  // No Origin (an older browser) but a Referer of our own: fine too.
  EXPECT_EQ(
      post("/admin/review/reject", "id=7&id=9&csrf=" + csrf,
           {{bhttp::field::cookie, cookie}, {bhttp::field::referer, "http://127.0.0.1:8088/"}})
          .status,
      bhttp::status::see_other);
  EXPECT_EQ(calls_.back(), "reject 7 9");

  // Logged out: the cookie opens nothing any more.
  EXPECT_EQ(post("/admin/logout", "csrf=" + csrf, {{bhttp::field::cookie, cookie}}).status,
            bhttp::status::see_other);
  EXPECT_EQ(
      post("/admin/review/approve", "id=7&csrf=" + csrf, {{bhttp::field::cookie, cookie}}).status,
      bhttp::status::forbidden);
  EXPECT_EQ(calls_.size(), 2u);
}

TEST_F(AdminRoutes, ForgedRequestsDoNothing) {
  const auto [cookie, csrf] = login();
  const std::vector<std::pair<const char*, bhttp::status>> forged = {
      {"no CSRF token",
       post("/admin/review/approve", "id=7", {{bhttp::field::cookie, cookie}}).status},
      {"a wrong CSRF token", post("/admin/review/approve", "id=7&csrf=" + std::string(64, 'a'),
                                  {{bhttp::field::cookie, cookie}})
                                 .status},
      {"another site's Origin",
       post("/admin/review/approve", "id=7&csrf=" + csrf,
            {{bhttp::field::cookie, cookie}, {bhttp::field::origin, "https://evil.example"}})
           .status},
      {"an opaque Origin", post("/admin/review/approve", "id=7&csrf=" + csrf,
                                {{bhttp::field::cookie, cookie}, {bhttp::field::origin, "null"}})
                               .status},
      {"another site's Referer",
       post("/admin/review/approve", "id=7&csrf=" + csrf,
            {{bhttp::field::cookie, cookie}, {bhttp::field::referer, "https://evil.example/x"}})
           .status},
      {"no session", post("/admin/review/approve", "id=7&csrf=" + csrf).status},
      {"a wrong bearer token",
       post("/admin/review/approve", "id=7", {{bhttp::field::authorization, "Bearer guess"}})
           .status},
  };
  for (const auto& [what, status] : forged) EXPECT_EQ(status, bhttp::status::forbidden) << what;
  EXPECT_EQ(get("/admin/review/approve?id=7", cookie).status, bhttp::status::method_not_allowed);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(AdminRoutes, AScriptSendsTheTokenItself) {
  const Reply r = post("/admin/review/approve", "id=7",
                       {{bhttp::field::authorization, "Bearer " + kToken},
                        {bhttp::field::origin, "https://anywhere.example"}});
  EXPECT_EQ(r.status, bhttp::status::ok) << r.body;
  EXPECT_EQ(r.body, "approve 7\n");
  EXPECT_EQ(
      post("/admin/review/reject", "id=x", {{bhttp::field::authorization, "Bearer " + kToken}})
          .status,
      bhttp::status::bad_request);
  EXPECT_EQ(
      post("/admin/review/reject", "", {{bhttp::field::authorization, "Bearer " + kToken}}).status,
      bhttp::status::bad_request);
  EXPECT_EQ(calls_, (std::vector<std::string>{"approve 7"}));
}

TEST_F(AdminRoutes, BehindAProxyThePublicOriginCounts) {
  router_.set_admin({kToken, "https://news.example/syndicd"});
  const Reply r =
      post("/admin/login", "token=" + kToken, {{bhttp::field::origin, "https://news.example"}});
  EXPECT_EQ(r.status, bhttp::status::see_other) << r.body;
  EXPECT_NE(header(r, "Set-Cookie").find("; Secure"), std::string::npos);
}

// The page reads the view whatever its shape: a partial one (keys missing,
// found by fuzz-http_request as a use-after-free in the const operator[])
// still renders, with "-" for what is not there.
TEST(StatusPage, APartialViewRendersWithoutReadingPastIt) {
  StatusSource s;
  s.operator_view = [] {
    return nlohmann::ordered_json::parse(R"({"review":[{"id":7,"state":"held"}, 3]})");
  };
  Router router(s, [] { return std::string(); });
  const Reply r = router.respond(Request{bhttp::verb::get, "/", 11});
  EXPECT_EQ(r.status, bhttp::status::ok);
  EXPECT_NE(r.body.find("<td>7</td>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("No sources configured."), std::string::npos);
}

TEST(FormBodies, AreTakenOnlyWhenPostedToTheAdminPages) {
  const std::string form = "id=7&csrf=abc";
  const std::string length = "Content-Length: " + std::to_string(form.size()) + "\r\n\r\n";
  {
    RequestReader reader;
    size_t consumed = 0;
    const std::string text = "POST /admin/review/approve HTTP/1.1\r\nHost: x\r\n" + length + form;
    ASSERT_EQ(reader.parse(text, consumed), RequestReader::Progress::complete);
    EXPECT_EQ(consumed, text.size());
    EXPECT_EQ(reader.body(), form);
  }
  {
    RequestReader reader;
    size_t consumed = 0;
    ASSERT_EQ(reader.parse("POST /admin/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "3\r\nid=\r\n1\r\n7\r\n0\r\n\r\n",
                           consumed),
              RequestReader::Progress::complete);
    EXPECT_EQ(reader.body(), "id=7");
  }
  for (const std::string& text :
       std::vector<std::string>{"GET /admin/login HTTP/1.1\r\n" + length + form,
                                "POST /healthz HTTP/1.1\r\n" + length + form,
                                "POST /admin/login HTTP/1.1\r\nContent-Length: 20000\r\n\r\n"}) {
    RequestReader reader;
    size_t consumed = 0;
    ASSERT_EQ(reader.parse(text, consumed), RequestReader::Progress::refused) << text;
    EXPECT_EQ(reader.refusal().status, bhttp::status::payload_too_large) << text;
  }
  RequestLimits none;
  none.max_form_bytes = 0;
  RequestReader reader(none);
  size_t consumed = 0;
  EXPECT_EQ(reader.parse("POST /admin/login HTTP/1.1\r\n" + length + form, consumed),
            RequestReader::Progress::refused);
}

}  // namespace
}  // namespace syndicd::http
