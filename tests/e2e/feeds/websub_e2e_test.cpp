// SPDX-License-Identifier: Apache-2.0
// WebSub through the real binary: a sink with `hub` tells a loopback hub
// fake of each rewrite (POST hub.mode=publish&hub.url=<feed URL>, one per
// format written), the fake fetches the feed back from the daemon as a real
// hub does, and a hub that refuses at first gets the ping again after a
// delay, without holding up the daemon meanwhile.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "client.hpp"
#include "fixture_server.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::testing::Child;
using syndicd::testing::fetch;
using syndicd::testing::FixtureServer;
using syndicd::testing::read_text;
using syndicd::testing::wait_for_http_port;

namespace {

const std::string kBinary = SYNDICD_BINARY;

// A loopback port nobody listens on right now, for a daemon whose
// public_url must be known before it starts.
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// What the hub fake saw: each ping's body and, for the accepted ones, the
// feed it fetched back.
struct Hub {
  std::mutex mutex;
  int refuse_first = 0;  // answer 503 to this many pings
  std::vector<std::string> pings;
  std::vector<std::pair<std::string, std::string>> fetched;  // topic, body
  std::vector<std::string> content_types;
};

class WebSubE2e : public syndicd::testing::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    server_.set(
        "/source.xml",
        FixtureServer::text("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss "
                            "version=\"2.0\"><channel>"
                            "<title>Tin</title><item><guid>tin-1</guid><title>Bài số 1</title>"
                            "<link>https://tin.example/1.html</link>"
                            "<pubDate>Fri, 01 Jan 2038 05:58:00 "
                            "+0700</pubDate></item></channel></rss>\n",
                            "application/rss+xml"));
    server_.handle("/hub", [this](const syndicd::testing::Request& request) {
      syndicd::testing::Reply reply;
      std::string topic;
      {
        std::lock_guard lock(hub_.mutex);
        hub_.pings.push_back(request.body);
        hub_.content_types.push_back(request.header("content-type"));
        if (static_cast<int>(hub_.pings.size()) <= hub_.refuse_first) {
          reply.status = 503;
          return reply;
        }
        const auto at = request.body.find("hub.url=");
        if (at != std::string::npos) topic = percent_decode(request.body.substr(at + 8));
      }
      // As a hub does: fetch the topic before answering.
      const auto got = fetch(topic);
      std::lock_guard lock(hub_.mutex);
      hub_.fetched.emplace_back(topic, got.body);
      reply.status = 202;
      return reply;
    });
  }
  fs::path config(uint16_t port, const std::string& sink) {
    return write("syndicd.yaml",
                 "daemon:\n  state: " + (dir_ / "state.db").string() +
                     "\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                     "]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                     "  http:\n    listen: \"127.0.0.1:" +
                     std::to_string(port) +
                     "\"\n    public_url: http://127.0.0.1:" + std::to_string(port) +
                     "\nsources:\n  tin: { plugin: rss, url: \"" + server_.url("/source.xml") +
                     "\" }\nsinks:\n  news:\n    plugin: rss\n    title: Tin\n"
                     "    link: https://tin.example/\n    path: " +
                     (dir_ / "news.xml").string() + "\n    hub: " + server_.url("/hub") + "\n" +
                     sink + "pipelines:\n  p: { from: [tin], to: [news] }\n");
  }
  std::string log() const { return read_text((dir_ / "daemon.log").string()); }
  bool start(const fs::path& cfg) {
    daemon_ = std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", cfg.string()},
                                      (dir_ / "daemon.log").string());
    return wait_for_http_port((dir_ / "daemon.log").string()) != 0;
  }
  // Waits (bounded) until the hub fetched `n` feeds back.
  bool fetched(size_t n, std::chrono::milliseconds timeout = 20s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      {
        std::lock_guard lock(hub_.mutex);
        if (hub_.fetched.size() >= n) return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  Hub hub_;
  FixtureServer server_;
  std::unique_ptr<Child> daemon_;
};

TEST_F(WebSubE2e, EachRewriteIsPublishedToTheHubWhichFetchesTheFeed) {
  const uint16_t port = free_port();
  ASSERT_TRUE(start(config(port, "    formats: [rss, atom]\n"))) << log();
  ASSERT_TRUE(fetched(2)) << log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/feeds/news";
  std::lock_guard lock(hub_.mutex);
  std::set<std::string> pings(hub_.pings.begin(), hub_.pings.end());
  const std::set<std::string> want = {"hub.mode=publish&hub.url=http%3A%2F%2F127.0.0.1%3A" +
                                          std::to_string(port) + "%2Ffeeds%2Fnews.xml",
                                      "hub.mode=publish&hub.url=http%3A%2F%2F127.0.0.1%3A" +
                                          std::to_string(port) + "%2Ffeeds%2Fnews.atom"};
  EXPECT_EQ(pings, want);
  EXPECT_EQ(hub_.content_types.at(0), "application/x-www-form-urlencoded");
  for (const auto& [topic, body] : hub_.fetched) {
    EXPECT_TRUE(topic == base + ".xml" || topic == base + ".atom") << topic;
    // What the hub fetched is the rewrite it was told of, with its hub link.
    EXPECT_NE(body.find("Bài số 1"), std::string::npos) << body;
    EXPECT_NE(body.find("rel=\"hub\""), std::string::npos) << body;
  }
}

TEST_F(WebSubE2e, ARefusedPingIsRetriedLaterWithoutHoldingTheDaemon) {
  hub_.refuse_first = 2;
  const uint16_t port = free_port();
  ASSERT_TRUE(start(config(port, ""))) << log();
  const auto started = std::chrono::steady_clock::now();
  // The daemon answers while the hub keeps refusing.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(fetch("http://127.0.0.1:" + std::to_string(port) + "/livez").status, 200);
  ASSERT_TRUE(fetched(1)) << log();
  // 503, then 503 after 1 s, then accepted after 2 s more.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 2500ms);
  std::lock_guard lock(hub_.mutex);
  EXPECT_EQ(hub_.pings.size(), 3u);
  EXPECT_NE(log().find("did not take the update"), std::string::npos) << log();
}

TEST_F(WebSubE2e, CheckRefusesAHubWithoutFeedUrls) {
  const fs::path cfg =
      write("syndicd.yaml", "daemon:\n  state: " + (dir_ / "state.db").string() +
                                "\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                                "]\n  http: { listen: \"\" }\nsources: {}\nsinks:\n  news:\n"
                                "    plugin: rss\n    title: Tin\n    link: https://tin.example/\n"
                                "    path: " +
                                (dir_ / "news.xml").string() +
                                "\n    hub: https://hub.example/\npipelines: {}\n");
  const auto r = syndicd::testing::run_process({kBinary, "check", "-c", cfg.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(cfg.string() +
                       ":12:10: error: sinks.news.hub: a hub must be told the feeds' URLs"),
            std::string::npos)
      << r.err;
}

}  // namespace
