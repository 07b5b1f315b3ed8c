// SPDX-License-Identifier: Apache-2.0
// What the daemon does by a plugin's capabilities, not its name, through the
// real binary: a sink that is not `rss` but declares its `out` key PUBLISHED
// has its file served at /feeds/<sink>.xml, fed by a source built for ABI
// 1.0 (which a 1.1 daemon still loads and polls); a plugin of the filter kind
// is refused with the reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.hpp"
#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using syndicd::http::testing::RawConnection;
using syndicd::testing::Child;
using syndicd::testing::read_text;
using syndicd::testing::run_process;
using syndicd::testing::wait_for_http_port;

namespace {

const std::string kBinary = SYNDICD_BINARY;
const fs::path kTestPlugins = SYNDICD_TEST_PLUGIN_DIR;

class Capabilities : public syndicd::testing::ScratchTest {
 protected:
  fs::path write_config(const std::string& plugin_path, const std::string& rest) {
    const fs::path p = dir_ / "syndicd.yaml";
    std::ofstream(p) << "daemon:\n  state: " << (dir_ / "state.db").string() << "\n  plugin_path: ["
                     << plugin_path << "]\n  http:\n    listen: \"127.0.0.1:0\"\n"
                     << rest;
    return p;
  }
  std::string log() const { return read_text((dir_ / "daemon.log").string()); }
  uint16_t start(const fs::path& cfg) {
    daemon_ = std::make_unique<Child>(std::vector<std::string>{kBinary, "run", "-c", cfg.string()},
                                      (dir_ / "daemon.log").string());
    const uint16_t port = wait_for_http_port((dir_ / "daemon.log").string());
    if (port == 0) ADD_FAILURE() << "the daemon did not start serving\n" << log();
    return port;
  }
  static std::string get(uint16_t port, const std::string& target) {
    RawConnection raw(port);
    raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return raw.read_until_closed(5s).data;
  }

  std::unique_ptr<Child> daemon_;
};

TEST_F(Capabilities, AThirdPartySinksPublishedFileIsServedFedByAnAbi10Source) {
  const auto cfg = write_config(std::string(SYNDICD_PLUGIN_DIR) + ", " +
                                    (kTestPlugins / "abi10_source").string() + ", " +
                                    (kTestPlugins / "feed_sink").string(),
                                "sources:\n  old: { plugin: abi10, every: 1h }\n"
                                // Relative: the daemon serves the file where the sink writes it,
                                // the path made absolute against the config file's folder.
                                "sinks:\n  mine: { plugin: feed, out: mine.xml }\n"
                                "pipelines:\n  p: { from: [old], to: [mine] }\n");
  const uint16_t port = start(cfg);
  ASSERT_NE(port, 0);
  std::string response;
  const auto end = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < end) {
    response = get(port, "/feeds/mine.xml");
    if (response.find("Old plugin article") != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(response.substr(0, response.find("\r\n")), "HTTP/1.1 200 OK") << response << log();
  EXPECT_NE(response.find("<item><title>Old plugin article</title></item>"), std::string::npos)
      << response;
  EXPECT_TRUE(fs::exists(dir_ / "mine.xml"));
  // The status page lists it with the built-in feeds.
  EXPECT_NE(get(port, "/").find("mine"), std::string::npos);
}

TEST_F(Capabilities, ASinkWithoutAPublishedKeyIsNotServed) {
  const auto cfg = write_config(std::string(SYNDICD_PLUGIN_DIR) + ", " +
                                    (kTestPlugins / "abi10_source").string() + ", " +
                                    (kTestPlugins / "record_sink").string(),
                                "sources:\n  old: { plugin: abi10, every: 1h }\n"
                                "sinks:\n  rec: { plugin: record, path: rec.txt }\n"
                                "pipelines:\n  p: { from: [old], to: [rec] }\n");
  const uint16_t port = start(cfg);
  ASSERT_NE(port, 0);
  const auto end = std::chrono::steady_clock::now() + 30s;
  while (!fs::exists(dir_ / "rec.txt") && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(fs::exists(dir_ / "rec.txt")) << log();
  // `path` is only a key name: without PUBLISHED the daemon serves nothing.
  const auto response = get(port, "/feeds/rec.xml");
  EXPECT_EQ(response.substr(0, response.find("\r\n")), "HTTP/1.1 404 Not Found") << response;
}

TEST_F(Capabilities, CheckRefusesTheFilterKindSayingWhy) {
  const auto cfg = write_config((kTestPlugins / "filter_kind").string(),
                                "sources: {}\nsinks: {}\npipelines: {}\n");
  const auto r = run_process({kBinary, "check", "-c", cfg.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find("filter_kind.so: invalid plugin descriptor: filter plugins are not "
                       "supported (no syndicd ever called them; ABI 1.1 reserves the kind): use "
                       "a pipeline's filters"),
            std::string::npos)
      << r.err;
}

}  // namespace
