// SPDX-License-Identifier: Apache-2.0
// The sinks' HTTP calls take the daemon's `fetch` settings, through the real
// binary: with `daemon.fetch.proxy` pointing at a loopback proxy written for
// the test, every Graph API and YouTube Data API call (and the source's
// feed) goes through it, and a sink's own `fetch: { proxy: ... }` sends its
// calls through another. (The integration tests set the fetcher in-process,
// which once hid that sinks got the built-in defaults.) The APIs are the
// strict loopback fakes of tests/integration; `allow_private` comes from
// daemon.fetch too, or the fakes on 127.0.0.1 would be refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fake_google.hpp"
#include "fake_graph.hpp"
#include "fixture_server.hpp"
#include "forward_proxy.hpp"
#include "loopback.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace {

namespace fs = std::filesystem;
using sink_youtube_test::FakeGoogle;
using syndicd::testing::FixtureServer;
using syndicd::testing::ForwardProxy;

const std::string kPageToken = "EAAGtestPageTokenZX9qv7SECRETk3y";
const std::string kSecret = "GOCSPX-test-client-secret-9f3k";
const std::string kRefresh = "1//0test-refresh-token-Lq7Wz";
const std::string kVideo = "AAAAAAAAAAA";

class SinksFetch : public syndicd::testing::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    feeds_.set("/a.xml",
               FixtureServer::text(syndicd::testing::rss_feed(1, 2), "application/rss+xml"));
    google_.add_video(kVideo, "Tin sáng 10/1", "Mô tả cũ");
    write("fb-token", kPageToken + "\n");
    write("yt-secret", kSecret + "\n");
    write("yt-refresh", kRefresh + "\n");
  }

  // A source and both social sinks; `yt_fetch`: the youtube sink's own
  // `fetch` section, if any.
  fs::path config(const std::string& yt_fetch = "") {
    return write("syndicd.yaml",
                 "daemon:\n  state: " + (dir_ / "state.db").string() +
                     "\n  http: { listen: \"\" }\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                     "]\n  fetch: { allow_private: true, delay: 0, retries: 0, proxy: \"" +
                     proxy_.url() + "\" }\nsources:\n  tin: { plugin: rss, every: 1h, url: \"" +
                     feeds_.url("/a.xml") +
                     "\" }\nsinks:\n  page:\n    plugin: facebook\n    mode: api\n"
                     "    page_id: \"1234567890\"\n    access_token: \"${file:" +
                     (dir_ / "fb-token").string() + "}\"\n    graph_base: " + graph_.base_url() +
                     "\n  yt:\n    plugin: youtube\n    api_base: " + google_.api_base() +
                     "\n    token_url: " + google_.token_url() +
                     "\n    client_id: " + std::string(FakeGoogle::kClientId) +
                     "\n    client_secret: \"${file:" + (dir_ / "yt-secret").string() +
                     "}\"\n    refresh_token: \"${file:" + (dir_ / "yt-refresh").string() +
                     "}\"\n    videos: { \"https://tin.example/1.html\": " + kVideo + " }\n" +
                     yt_fetch + "pipelines:\n  p: { from: [tin], to: [page, yt] }\n");
  }

  static size_t count(const std::vector<std::string>& seen, const std::string& prefix) {
    return static_cast<size_t>(std::count_if(
        seen.begin(), seen.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
  }

  ForwardProxy proxy_;
  FixtureServer feeds_;
  fb_test::FakeGraph graph_{kPageToken};
  FixtureServer google_server_;
  FakeGoogle google_{google_server_, kSecret, kRefresh};
};

TEST_F(SinksFetch, EveryApiCallGoesThroughTheDaemonsProxy) {
  const auto r = syndicd::testing::run_process({SYNDICD_BINARY, "once", "-c", config().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(graph_.made().size(), 2u) << r.err;
  EXPECT_TRUE(graph_.violations().empty());
  EXPECT_EQ(google_.snippet(kVideo)["description"].get<std::string>().find("Bài số 1"), 0u);

  const auto seen = proxy_.seen();
  EXPECT_EQ(count(seen, "GET " + feeds_.url("/a.xml")), 1u);
  EXPECT_EQ(count(seen, "POST " + graph_.base_url() + "/v21.0/1234567890/feed"), 2u);
  EXPECT_EQ(count(seen, "POST " + google_.token_url()), 1u);
  EXPECT_EQ(count(seen, "GET " + google_.api_base() + "/videos?"), 1u);
  EXPECT_EQ(count(seen, "PUT " + google_.api_base() + "/videos?"), 1u);
  EXPECT_EQ(seen.size(), 6u) << ::testing::PrintToString(seen);
  // Secrets cross the proxy in bodies and headers, never in a URL it logs.
  for (const auto& s : seen) {
    EXPECT_EQ(s.find(kPageToken), std::string::npos) << s;
    EXPECT_EQ(s.find(kRefresh), std::string::npos) << s;
  }
}

TEST_F(SinksFetch, ASinksOwnFetchSectionWins) {
  ForwardProxy other;
  const auto r = syndicd::testing::run_process(
      {SYNDICD_BINARY, "once", "-c",
       config("    fetch: { proxy: \"" + other.url() + "\" }\n").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto mine = other.seen();
  EXPECT_EQ(count(mine, "POST " + google_.token_url()), 1u) << ::testing::PrintToString(mine);
  EXPECT_EQ(count(mine, "PUT " + google_.api_base()), 1u);
  EXPECT_EQ(mine.size(), 3u) << ::testing::PrintToString(mine);
  const auto daemons = proxy_.seen();
  EXPECT_EQ(count(daemons, "POST " + graph_.base_url()), 2u);
  EXPECT_EQ(count(daemons, "POST " + google_.token_url()), 0u);
}

// The youtube sink's quota ledger through the binary: 50 units cannot pay
// for a list (1) and an update (50), so the update is never sent, the sink
// pauses until midnight Pacific, and the state file remembers the spend.
TEST_F(SinksFetch, TheDailyQuotaIsNeverPassed) {
  const auto cfg = config("    daily_quota: 50\n    quota_project: tn-newsroom\n");
  const auto r = syndicd::testing::run_process({SYNDICD_BINARY, "once", "-c", cfg.string()});
  EXPECT_NE(r.err.find("videos.update (50 units) would pass daily_quota (50 units, 1 spent today)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(google_.requests(FakeGoogle::update), 0);
  EXPECT_EQ(google_.requests(FakeGoogle::list), 1);
  EXPECT_EQ(graph_.made().size(), 2u) << "the other sink is not held up";
}

}  // namespace
