// SPDX-License-Identifier: Apache-2.0
// The status page as an operator's browser shows it: the real daemon with a
// failing source and a sink paused by a rate limit, its page loaded in
// Debian's chromium (headless, no JavaScript needed), assertions on the DOM
// the browser built, and a screenshot kept in build/test-artifacts/ for a
// person to look at. scripts/test.sh runs it as its own step ("browser").
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "fixture_server.hpp"
#include "loopback.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::testing::Child;
using syndicd::testing::FixtureServer;
using syndicd::testing::http_get;
using syndicd::testing::rss_feed;

namespace {

std::optional<std::string> chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(p)) return std::string(p);
  return std::nullopt;
}

class StatusPageBrowser : public syndicd::testing::ScratchTest {
 protected:
  // What chromium made of `url`: --dump-dom prints the DOM it built (after
  // any script, of which the page has none), --screenshot a PNG.
  std::string browse(const std::string& browser, const std::string& url, const std::string& flag) {
    const auto r = syndicd::testing::run_process(
        {browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--hide-scrollbars", "--window-size=1280,1400",
         "--user-data-dir=" + (dir_ / "profile").string(), flag, url});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string log() {
    std::ifstream in(dir_ / "daemon.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  FixtureServer server_;
};

TEST_F(StatusPageBrowser, ShowsAFailingSourceAndAPausedSink) {
  const auto browser = chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed (scripts/deps.sh installs it)";

  server_.set("/tin.xml", FixtureServer::text(rss_feed(1, 2), "application/rss+xml"));
  syndicd::testing::Behaviour down;
  down.status = 503;
  server_.set("/down.xml", down);
  const auto config =
      write("status.yaml",
            "daemon:\n  state: " + (dir_ / "state.db").string() +
                "\n  http: { listen: \"127.0.0.1:0\" }\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                ", " SYNDICD_TEST_PLUGIN_DIR
                "/record_sink]\n"
                "  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                "sources:\n  tin: { plugin: rss, every: 1h, url: \"" +
                server_.url("/tin.xml") + "\" }\n  down: { plugin: rss, every: 1h, url: \"" +
                server_.url("/down.xml") +
                "\" }\nsinks:\n  feed: { plugin: rss, title: Tin, link: \"https://tin.example/\", "
                "path: " +
                (dir_ / "tin.xml").string() +
                " }\n  page: { plugin: record, path: " + (dir_ / "page.log").string() +
                ", fail: rate_limited, pause: 2h }\n"
                "pipelines:\n  p: { from: [tin, down], to: [feed, page] }\n");
  // Three failed polls in a row make a source failing (docs/operations.md).
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(
        syndicd::testing::run_process({SYNDICD_BINARY, "once", "-c", config.string()}).exit_code,
        1);
  Child daemon({SYNDICD_BINARY, "run", "-c", config.string()}, (dir_ / "daemon.log").string());
  const uint16_t port = syndicd::testing::wait_for_http_port((dir_ / "daemon.log").string());
  ASSERT_NE(port, 0) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_EQ(http_get(base + "/healthz").first, 503) << log();

  const std::string dom = browse(*browser, base + "/", "--dump-dom");
  ASSERT_NE(dom.find("<html"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<table id=\"failing\">"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<td>source down</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("3 polls failed in a row"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<td>sink page</td>"), std::string::npos) << dom;
  EXPECT_EQ(dom.find("<td>source tin</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("/feeds/feed.xml"), std::string::npos) << dom;
  // The operator's view: it reloads itself, and has each section.
  EXPECT_NE(dom.find("http-equiv=\"refresh\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("<table id=\"sources\">"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<td>down</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<table id=\"sinks\">"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<td>page</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<table id=\"latest\">"), std::string::npos) << dom;
  EXPECT_NE(dom.find("id=\"dead\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("id=\"review\""), std::string::npos) << dom;

  fs::create_directories(SYNDICD_TEST_ARTIFACTS);
  const fs::path shot = fs::path(SYNDICD_TEST_ARTIFACTS) / "status-page.png";
  fs::remove(shot);
  browse(*browser, base + "/", "--screenshot=" + shot.string());
  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(fs::file_size(shot), 1000u);
  std::printf("screenshot: %s\n", shot.c_str());

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(), 0) << log();
}

}  // namespace
