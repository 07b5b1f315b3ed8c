// SPDX-License-Identifier: Apache-2.0
// What the facebook sink tests share: the BUILT sink-facebook.so loaded
// through the daemon's real loader, a Harness running one instance on its
// own loop with the real fetcher, and the FacebookSinkTest fixture (a fake
// Graph API on loopback; no log line, error or result may hold the token).
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
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "fake_graph.hpp"
#include "fetch/fetcher.hpp"
#include "log/log.hpp"
#include "plugin_host/fetch_binding.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace fb_test {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace ph = syndicd::plugin_host;
using namespace std::chrono_literals;
using syndicd::Article;

// Long and unusual, so a leak anywhere is found by a plain substring search.
inline const std::string kToken = "EAAGtestPageTokenZX9qv7SECRETk3y";

inline const ph::Plugin& facebook_plugin() {
  static ph::Registry registry;
  static const ph::Plugin* plugin = [] {
    if (auto problem = registry.add_file(fs::path(SYNDICD_PLUGIN_DIR) / "sink-facebook.so"))
      throw std::runtime_error(*problem);
    const ph::Plugin* p = registry.find(SYNDICD_KIND_SINK, "facebook");
    if (p == nullptr) throw std::runtime_error("sink-facebook.so holds no sink called facebook");
    return p;
  }();
  return *plugin;
}

inline int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Result {
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  std::string external_id;
  std::string message;
  int64_t retry_after_ms = 0;
  int64_t pause_until = 0;
};

// One `facebook` sink instance named "page" on its own loop, with the real
// fetcher, a worker pool and a state store that outlives it (a restart).
class Harness {
 public:
  explicit Harness(ph::StateStore& store) : store_(store) {
    syndicd::fetch::Settings s;
    s.allow_private = true;  // the fake is on 127.0.0.1
    s.delay = 0ms;
    s.retries = 0;
    s.timeout = 5s;
    s.connect_timeout = 2s;
    fetcher_ = std::make_unique<syndicd::fetch::Fetcher>(io_, s, validators_);
    service_ = std::make_unique<ph::FetcherService>(*fetcher_);
    service_->set_settings("sinks.page", s);
  }
  ~Harness() {
    instance_.reset();
    fetcher_->shutdown();
    io_.restart();
    io_.poll();
    workers_.join();
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  /// Problems of the `sinks.page` section (empty when created).
  std::string create(const std::string& body) {
    std::string problems;
    const std::string yaml = "sinks:\n  page:\n    plugin: facebook\n" + body;
    auto loaded = syndicd::config::load_string(yaml, "test.yaml");
    using Severity = syndicd::config::Diagnostic::Severity;
    for (const auto& d : loaded.diagnostics)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!loaded.config) return problems;
    std::vector<syndicd::config::Diagnostic> diags;
    values_ = syndicd::config::validate_section(
        facebook_plugin().descriptor.schema, loaded.config->sinks.at("page"), "sinks.page", diags);
    for (const auto& d : diags)
      if (d.severity == Severity::Error) problems += d.str() + "\n";
    if (!values_) return problems;
    ph::Services services;
    services.io = &io_;
    services.fetch = service_.get();
    services.state = &store_;
    services.workers = &workers_;
    services.clock = [this] { return clock ? clock() : wall_now(); };
    instance_ = std::make_unique<ph::Instance>(facebook_plugin(), "page", "sinks.page", services);
    if (!instance_->create(*values_, [&](const std::string& path, const std::string& m) {
          problems += "sinks.page." + path + ": " + m + "\n";
        })) {
      instance_.reset();
      if (problems.empty()) problems = "create failed\n";
    }
    return problems;
  }

  /// What the sink would post (ABI 1.3 render), without the loop running.
  std::optional<std::string> render(const Article& a, const std::string& previous = {}) {
    return instance_->render(a, previous);
  }

  Result deliver(const Article& a, const std::string& previous = {}) {
    std::optional<Result> out;
    instance_->deliver(a, 1, previous, [&](const syndicd_result& r) {
      out = Result{r.status, syndicd::copy(r.external_id), syndicd::copy(r.message),
                   r.retry_after_ms, r.pause_until};
    });
    run_until([&] { return out.has_value(); });
    return *out;
  }

  std::pair<bool, std::string> reconcile(const Article& a) {
    std::optional<std::pair<bool, std::string>> out;
    instance_->reconcile(a, [&](bool found, const std::string& id) { out.emplace(found, id); });
    run_until([&] { return out.has_value(); });
    return *out;
  }

  std::function<int64_t()> clock;

 private:
  template <class Done>
  void run_until(Done done) {
    auto guard = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(50ms);
    if (!done()) throw std::runtime_error("the sink did not answer within 10 s");
  }

  ph::StateStore& store_;
  asio::io_context io_;
  asio::thread_pool workers_{2};
  syndicd::fetch::MemoryValidatorStore validators_;
  std::unique_ptr<syndicd::fetch::Fetcher> fetcher_;
  std::unique_ptr<ph::FetcherService> service_;
  std::unique_ptr<syndicd::config::ConfigValues> values_;
  std::unique_ptr<ph::Instance> instance_;
};

inline Article article(int n) {
  Article a;
  a.id = "baothainguyen:https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
  a.url = "https://baothainguyen.vn/tin/" + std::to_string(n) + ".html";
  a.title = "Tổng kết công tác dân vận năm 2019 (" + std::to_string(n) + ")";
  a.lead = "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết & triển khai nhiệm vụ.";
  a.source = "baothainguyen";
  a.language = "vi";
  a.published = 1578610680000 + n * 60000LL;  // 2020-01-10 05:58 +07:00
  a.tags = {"thời sự", "Dân vận"};
  return a;
}

class FacebookSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    syndicd::log::set_max_level(syndicd::log::Level::debug);
    syndicd::log::set_writer([this](syndicd::log::Level, const std::string& line) {
      std::lock_guard lock(log_mutex_);
      logs_.push_back(line);
    });
    ::setenv("SYNDICD_TEST_FB_TOKEN", kToken.c_str(), 1);
    dir_ = fs::temp_directory_path() /
           ("syndicd-sink-fb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    syndicd::log::set_writer(nullptr);
    syndicd::log::set_max_level(syndicd::log::Level::info);
    // The token must never reach a log line, whatever the test did.
    for (const auto& line : logs_) EXPECT_EQ(line.find(kToken), std::string::npos) << line;
    for (const auto& m : messages_) EXPECT_EQ(m.find(kToken), std::string::npos) << m;
    if (graph_) {
      EXPECT_TRUE(graph_->violations().empty()) << join(graph_->violations());
    }
    fs::remove_all(dir_);
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + "\n";
    return out;
  }

  FakeGraph& graph() {
    if (!graph_) graph_ = std::make_unique<FakeGraph>(kToken);
    return *graph_;
  }

  std::string api_body(const std::string& extra = {}) {
    return "    mode: api\n"
           "    page_id: \"1234567890\"\n"
           "    access_token: ${env:SYNDICD_TEST_FB_TOKEN}\n"
           "    graph_base: " +
           graph().base_url() + "\n" + extra;
  }

  std::unique_ptr<Harness> make(const std::string& extra = {}, ph::StateStore* store = nullptr) {
    auto h = std::make_unique<Harness>(store ? *store : store_);
    const std::string problems = h->create(api_body(extra));
    EXPECT_EQ(problems, "");
    return h;
  }

  Result deliver(Harness& h, const Article& a) {
    Result r = h.deliver(a);
    messages_.push_back(r.message);
    return r;
  }

  bool logged(const std::string& what) {
    std::lock_guard lock(log_mutex_);
    for (const auto& l : logs_)
      if (l.find(what) != std::string::npos) return true;
    return false;
  }

  ph::MemoryStateStore store_;
  std::unique_ptr<FakeGraph> graph_;
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
  std::vector<std::string> messages_;
  fs::path dir_;
};

}  // namespace fb_test
