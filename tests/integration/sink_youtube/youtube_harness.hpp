// SPDX-License-Identifier: Apache-2.0
// What the youtube sink tests share: the BUILT sink-youtube.so loaded
// through the daemon's real loader, a Harness running one instance named
// "yt" on its own loop with the real fetcher, and the YoutubeSinkTest
// fixture (fakes of Google's token endpoint and of the YouTube Data API on
// loopback; no log line or result may hold a secret).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "fake_google.hpp"
#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"
#include "log/log.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace yt_test {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace ph = syndicd::plugin_host;
using namespace std::chrono_literals;
using namespace sink_youtube_test;
using syndicd::Article;
using syndicd::testing::FixtureServer;

// 2024-03-10T08:30:00Z: 00:30 PST on the day the US springs forward, so
// the next Pacific midnight is 23 hours away, at 2024-03-11T07:00:00Z.
constexpr int64_t kNow = 1710059400000;
constexpr int64_t kNextPacificMidnight = 1710140400000;

constexpr const char* kSecret = "GOCSPX-test-client-secret-9f3k";
constexpr const char* kRefresh = "1//0test-refresh-token-Lq7Wz";
constexpr const char* kVideo = "AAAAAAAAAAA";

inline const ph::Plugin& youtube_plugin() {
  static ph::Registry registry;
  static const ph::Plugin* plugin = [] {
    if (auto problem = registry.add_file(fs::path(SYNDICD_PLUGIN_DIR) / "sink-youtube.so"))
      throw std::runtime_error(*problem);
    const ph::Plugin* p = registry.find(SYNDICD_KIND_SINK, "youtube");
    if (p == nullptr) throw std::runtime_error("sink-youtube.so holds no sink called youtube");
    return p;
  }();
  return *plugin;
}

struct Result {
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  std::string external_id;
  std::string message;
  int64_t retry_after_ms = 0;
  int64_t pause_until = 0;
};

// Every log line, for the secrets check.
class LogCapture {
 public:
  LogCapture() {
    syndicd::log::set_max_level(syndicd::log::Level::debug);
    syndicd::log::set_writer([this](syndicd::log::Level, const std::string& line) {
      std::lock_guard lock(mutex_);
      lines_ += line + "\n";
    });
  }
  ~LogCapture() {
    syndicd::log::set_writer(nullptr);
    syndicd::log::set_max_level(syndicd::log::Level::info);
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::string lines_;
};

// One `youtube` sink instance named "yt" on its own loop and fetcher.
class Harness {
 public:
  Harness() {
    syndicd::fetch::Settings s;
    s.allow_private = true;  // the fake is on 127.0.0.1
    s.delay = 0ms;
    s.retries = 0;  // the engine retries deliveries; here each answer is seen once
    s.retry_base = 10ms;
    s.timeout = 5s;
    s.connect_timeout = 2s;
    fetcher_ = std::make_unique<syndicd::fetch::Fetcher>(io_, s, validators_);
    service_ = std::make_unique<ph::FetcherService>(*fetcher_);
    service_->set_settings("sinks.yt", s);
  }
  ~Harness() {
    instance_.reset();
    fetcher_->shutdown();
    io_.restart();
    io_.poll();
    workers_.join();
  }

  /// Create from the YAML keys of sinks.yt (indented by 4); the problems, or empty.
  std::string create(const std::string& body) {
    std::string problems;
    using Severity = syndicd::config::Diagnostic::Severity;
    auto loaded =
        syndicd::config::load_string("sinks:\n  yt:\n    plugin: youtube\n" + body, "test.yaml");
    for (const auto& d : loaded.diagnostics)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!loaded.config) return problems;
    std::vector<syndicd::config::Diagnostic> diags;
    values_ = syndicd::config::validate_section(youtube_plugin().descriptor.schema,
                                                loaded.config->sinks.at("yt"), "sinks.yt", diags);
    for (const auto& d : diags)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!values_) return problems;
    ph::Services services;
    services.io = &io_;
    services.fetch = service_.get();
    services.state = &state_;
    services.workers = &workers_;
    services.clock = [this] { return now; };
    instance_ = std::make_unique<ph::Instance>(youtube_plugin(), "yt", "sinks.yt", services);
    if (!instance_->create(*values_, [&](const std::string& path, const std::string& m) {
          problems += "sinks.yt." + path + ": " + m + "\n";
        })) {
      if (problems.empty()) problems = "create failed";
      instance_.reset();
    }
    return problems;
  }

  std::shared_ptr<std::optional<Result>> start(const Article& article) {
    auto slot = std::make_shared<std::optional<Result>>();
    instance_->deliver(article, 1, {}, [slot](const syndicd_result& r) {
      *slot = Result{r.status, syndicd::copy(r.external_id), syndicd::copy(r.message),
                     r.retry_after_ms, r.pause_until};
    });
    return slot;
  }

  void wait(const std::vector<std::shared_ptr<std::optional<Result>>>& slots) {
    auto guard = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    auto done = [&] {
      return std::all_of(slots.begin(), slots.end(), [](const auto& s) { return s->has_value(); });
    };
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(100ms);
    if (!done()) throw std::runtime_error("delivery did not complete within 10 s");
  }

  /// Run the loop for a while (to let requests start).
  void run_for(std::chrono::milliseconds d) {
    auto guard = asio::make_work_guard(io_);
    io_.restart();
    const auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) io_.run_one_for(10ms);
  }

  /// What the sink would set (ABI 1.3 render), without the loop running.
  std::optional<std::string> render(const Article& article) {
    return instance_->render(article, {});
  }

  Result deliver(const Article& article) {
    auto slot = start(article);
    wait({slot});
    return **slot;
  }

  int64_t now = kNow;

 private:
  asio::io_context io_;
  asio::thread_pool workers_{1};
  syndicd::fetch::MemoryValidatorStore validators_;
  std::unique_ptr<syndicd::fetch::Fetcher> fetcher_;
  std::unique_ptr<ph::FetcherService> service_;
  ph::MemoryStateStore state_;
  std::unique_ptr<syndicd::config::ConfigValues> values_;
  std::unique_ptr<ph::Instance> instance_;
};

inline Article article(int n = 1) {
  Article a;
  a.id = "https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
  a.url = a.id;
  a.title = "Tổng kết công tác năm 2019 số " + std::to_string(n);
  a.lead = "Sáng 10/1, UBND tỉnh tổ chức hội nghị tổng kết công tác năm 2019.";
  a.body_text = "Nội dung bài viết.";
  a.published = 1578610680000;  // 2020-01-09T22:58:00Z = 05:58 on the 10th at +07:00
  a.tags = {"thời sự", "Thái Nguyên"};
  a.source = "baothainguyen";
  a.videos = {std::string("https://www.youtube.com/embed/") + kVideo};
  return a;
}

class YoutubeSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SYNDICD_YT_TEST_SECRET", kSecret, 1);
    ::setenv("SYNDICD_YT_TEST_REFRESH", kRefresh, 1);
    google_.add_video(kVideo, "Tin sáng 10/1", "Mô tả cũ");
  }
  void TearDown() override {
    EXPECT_TRUE(google_.violations().empty())
        << "requests Google would refuse: " << ::testing::PrintToString(google_.violations());
    // No secret, ever: not in a log line, not in a result message.
    std::string seen = logs_.text();
    for (const auto& m : messages_) seen += m + "\n";
    std::vector<std::string> secrets = {kSecret, kRefresh};
    for (const auto& t : google_.issued_tokens()) secrets.push_back(t);
    for (const auto& s : secrets)
      EXPECT_EQ(seen.find(s), std::string::npos) << s << " in\n" << seen;
  }

  std::string config(const std::string& extra = {}) const {
    return "    api_base: " + google_.api_base() + "\n    token_url: " + google_.token_url() +
           "\n    client_id: " + FakeGoogle::kClientId +
           "\n    client_secret: \"${env:SYNDICD_YT_TEST_SECRET}\""
           "\n    refresh_token: \"${env:SYNDICD_YT_TEST_REFRESH}\"\n" +
           // Each harness its own quota ledger (they are per process), so
           // one test's spending never pauses another's.
           (extra.find("quota_project") == std::string::npos
                ? "    quota_project: harness-" + std::to_string(++harnesses_) + "\n"
                : std::string()) +
           extra;
  }

  Harness& make(const std::string& extra = {}) {
    harness_ = std::make_unique<Harness>();
    const std::string problems = harness_->create(config(extra));
    EXPECT_EQ(problems, "");
    return *harness_;
  }

  Result deliver(const Article& a) {
    Result r = harness_->deliver(a);
    messages_.push_back(r.message);
    return r;
  }

  LogCapture logs_;
  FixtureServer server_;
  FakeGoogle google_{server_, kSecret, kRefresh};
  inline static int harnesses_ = 0;
  std::unique_ptr<Harness> harness_;
  std::vector<std::string> messages_;
};

}  // namespace yt_test
