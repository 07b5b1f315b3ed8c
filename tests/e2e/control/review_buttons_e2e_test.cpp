// SPDX-License-Identifier: Apache-2.0
// The status page's review buttons through the real binary and its HTTP
// server on loopback: `daemon.http.admin_token` read from a file, a login
// with it, an Approve that gets the post out, a Reject that never does, a
// forged POST that does nothing, and the token never in the log.
#include <fstream>

#include <nlohmann/json.hpp>

#include "client.hpp"
#include "daemon_fixture.hpp"

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace syndicd::testing {
namespace {

const std::string kToken = "tn-admin-7f3c9a21b4e8d650";

struct Answer {
  long status = 0;
  std::string body;
  std::string set_cookie;  ///< "name=value" of a Set-Cookie, without its attributes
};

// One POST of `form` (or a GET when `form` is unset) with `headers`.
Answer request(const std::string& url, const std::optional<std::string>& form,
               const std::vector<std::string>& headers = {}) {
  const Fetched f = form ? post_form(url, *form, headers) : fetch(url, headers);
  const std::string cookie = f.header("set-cookie");
  return {f.status, f.body, cookie.substr(0, cookie.find(';'))};
}

class ReviewButtons : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 2), "application/rss+xml"));
    std::ofstream(dir_ / "admin-token") << kToken << "\n";
  }
  // The daemon section of write_config(), with the HTTP server on and the
  // admin token `token` (as written in YAML).
  std::filesystem::path config(const std::string& token) {
    const auto p = dir_ / "syndicd.yaml";
    std::ofstream(p) << "daemon:\n  state: " << state()
                     << "\n  http: { listen: \"127.0.0.1:0\", admin_token: " << token
                     << " }\n  plugin_path: [" << SYNDICD_PLUGIN_DIR << ", "
                     << SYNDICD_TEST_PLUGIN_DIR
                     << "/record_sink]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                     << "sources:\n  tin: { plugin: rss, every: 1h, url: \""
                     << server_.url("/a.xml") << "\" }\nsinks:\n"
                     << record("page", "record", ", review: true")
                     << "pipelines:\n  p: { from: [tin], to: [page] }\n";
    return p;
  }
  std::vector<int64_t> ids(const std::string& state) const {
    const Outcome o = run_process({SYNDICD_BINARY, "deliveries", "list", "--state", state, "--json",
                                   "-c", (dir_ / "syndicd.yaml").string()});
    std::vector<int64_t> out;
    if (o.exit_code != 0) return out;
    const json answer = json::parse(o.out);
    for (const auto& d : answer["deliveries"]) out.push_back(d["id"].get<int64_t>());
    return out;
  }
};

TEST_F(ReviewButtons, ApproveAndRejectFromThePage) {
  auto daemon = start(config("\"${file:" + (dir_ / "admin-token").string() + "}\""));
  const uint16_t port = wait_for_http_port((dir_ / "daemon.log").string());
  ASSERT_NE(port, 0) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::string origin = "Origin: " + base;
  std::vector<int64_t> held;
  ASSERT_TRUE(eventually([&] { return (held = ids("held")).size() == 2; })) << log();

  // Logged out: a link to the login, no buttons.
  const Answer page = request(base + "/", std::nullopt);
  EXPECT_NE(page.body.find("href=\"/admin/login\""), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("/admin/review/"), std::string::npos) << page.body;
  EXPECT_EQ(request(base + "/admin/review/approve", "id=" + std::to_string(held[0])).status, 403);

  EXPECT_EQ(request(base + "/admin/login", "token=not-the-token", {origin}).status, 403);
  const Answer login = request(base + "/admin/login", "token=" + kToken, {origin});
  ASSERT_EQ(login.status, 303) << login.body;
  ASSERT_EQ(login.set_cookie.rfind("syndicd_admin=", 0), 0u) << login.set_cookie;
  const std::string cookie = "Cookie: " + login.set_cookie;

  const Answer admin_page = request(base + "/", std::nullopt, {cookie});
  const std::string marker = "name=\"csrf\" value=\"";
  const size_t at = admin_page.body.find(marker);
  ASSERT_NE(at, std::string::npos) << admin_page.body;
  const std::string csrf = admin_page.body.substr(at + marker.size(), 64);
  for (int64_t id : held)
    EXPECT_NE(admin_page.body.find("name=\"id\" value=\"" + std::to_string(id) + "\""),
              std::string::npos);

  // A forged form (no CSRF token, or from another site) does nothing.
  EXPECT_EQ(
      request(base + "/admin/review/approve", "id=" + std::to_string(held[1]), {cookie, origin})
          .status,
      403);
  EXPECT_EQ(
      request(base + "/admin/review/approve", "id=" + std::to_string(held[1]) + "&csrf=" + csrf,
              {cookie, "Origin: https://evil.example"})
          .status,
      403);

  const Answer approved =
      request(base + "/admin/review/approve", "id=" + std::to_string(held[0]) + "&csrf=" + csrf,
              {cookie, origin});
  EXPECT_EQ(approved.status, 303) << approved.body;
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 1; }, 10s)) << log();
  EXPECT_NE(request(base + "/", std::nullopt, {cookie}).body.find("approved: queued for delivery"),
            std::string::npos);

  EXPECT_EQ(request(base + "/admin/review/reject",
                    "id=" + std::to_string(held[1]) + "&csrf=" + csrf, {cookie, origin})
                .status,
            303);
  EXPECT_EQ(ids("rejected"), (std::vector<int64_t>{held[1]}));
  // A script with the token: a rejected delivery stays rejected.
  const Answer script = request(base + "/admin/review/approve", "id=" + std::to_string(held[1]),
                                {"Authorization: Bearer " + kToken});
  EXPECT_EQ(script.status, 200);
  EXPECT_NE(script.body.find("refused"), std::string::npos) << script.body;
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(recorded("page").size(), 1u);

  daemon->signal(SIGTERM);
  EXPECT_EQ(exit_code(*daemon), 0) << log();
  EXPECT_NE(log().find("admin logged in"), std::string::npos);
  EXPECT_EQ(log().find(kToken), std::string::npos) << "the token was logged";
}

TEST_F(ReviewButtons, AShortOrLiteralTokenIsAConfigError) {
  std::ofstream(dir_ / "short") << "tooshort\n";
  config("\"${file:" + (dir_ / "short").string() + "}\"");
  Outcome o = run_process({SYNDICD_BINARY, "check", "-c", (dir_ / "syndicd.yaml").string()});
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE(o.err.find("syndicd.yaml:3:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("daemon.http.admin_token"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("at least 16 characters"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("tooshort"), std::string::npos) << "a secret is never printed";

  config(kToken);
  o = run_process({SYNDICD_BINARY, "check", "-c", (dir_ / "syndicd.yaml").string()});
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE(o.err.find("daemon.http.admin_token"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find(kToken), std::string::npos) << o.err;
}

}  // namespace
}  // namespace syndicd::testing
