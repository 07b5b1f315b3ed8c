// SPDX-License-Identifier: Apache-2.0
// Runs the BUILT sink-rss.so the way the daemon does: the real loader, the
// real config loader and schema validation, a plugin_host::Instance on a
// real io_context with a worker pool. Shared by the GoogleTest suite and
// the feed generator of the feedparser test.
#pragma once

#include <syndicd/plugin.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/schema.hpp"
#include "plugin_host/instance.hpp"
#include "plugin_host/loader.hpp"

namespace sink_rss_test {

namespace fs = std::filesystem;
namespace ph = syndicd::plugin_host;
namespace cfg = syndicd::config;

/// The built plugin; loaded once (plugins are never unloaded anyway).
inline const ph::Plugin& rss_plugin() {
  static ph::Registry registry;
  static const ph::Plugin* plugin = [] {
    const fs::path file = fs::path(SYNDICD_PLUGIN_DIR) / "sink-rss.so";
    if (auto problem = registry.add_file(file)) throw std::runtime_error(*problem);
    const ph::Plugin* p = registry.find(SYNDICD_KIND_SINK, "rss");
    if (p == nullptr) throw std::runtime_error("sink-rss.so holds no sink called rss");
    return p;
  }();
  return *plugin;
}

struct Result {
  syndicd_status status = SYNDICD_ERR_INTERNAL;
  std::string external_id;
  std::string message;
};

/// One configured `rss` sink instance named "feed".
class Sink {
 public:
  /// `body`: the YAML keys of sinks.feed (without `plugin`), indented by 4.
  /// `workers`: use a worker pool (as the daemon does) or run work inline.
  Sink(const std::string& body, ph::StateStore& store, std::function<int64_t()> clock,
       bool workers = true)
      : io_(), guard_(boost::asio::make_work_guard(io_)) {
    if (workers) pool_ = std::make_unique<boost::asio::thread_pool>(2);
    cfg::LoadResult loaded =
        cfg::load_string("sinks:\n  feed:\n    plugin: rss\n" + body,
                         fs::temp_directory_path() / "syndicd-sink-rss-test.yaml");
    for (const auto& d : loaded.diagnostics) problems_ += d.str() + "\n";
    if (!loaded.config) return;
    std::vector<cfg::Diagnostic> problems;
    values_ = cfg::validate_section(rss_plugin().descriptor.schema, loaded.config->sinks.at("feed"),
                                    "sinks.feed", problems);
    for (const auto& d : problems) problems_ += d.str() + "\n";
    if (!values_) return;
    ph::Services services;
    services.io = &io_;
    services.state = &store;
    services.workers = pool_.get();
    services.clock = std::move(clock);
    instance_ = std::make_unique<ph::Instance>(rss_plugin(), "feed", "sinks.feed", services);
    if (!instance_->create(*values_, [this](const std::string& path, const std::string& m) {
          problems_ += "sinks.feed." + path + ": " + m + "\n";
        }))
      instance_.reset();
  }
  ~Sink() {
    instance_.reset();  // runs outstanding worker callbacks first
    guard_.reset();
    if (pool_) pool_->join();
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  bool created() const { return instance_ != nullptr; }
  /// Every configuration or create() problem, one per line.
  const std::string& problems() const { return problems_; }

  /// Start a delivery; its result lands in the returned slot once the loop ran.
  std::shared_ptr<std::optional<Result>> start(const syndicd::Article& article,
                                               const std::string& previous_external_id = {}) {
    auto slot = std::make_shared<std::optional<Result>>();
    instance_->deliver(article, 1, previous_external_id, [slot](const syndicd_result& r) {
      *slot = Result{r.status, syndicd::copy(r.external_id), syndicd::copy(r.message)};
    });
    return slot;
  }

  /// Run the loop until every slot is filled (or 10 s passed).
  void wait(const std::vector<std::shared_ptr<std::optional<Result>>>& slots) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto all_done = [&] {
      for (const auto& s : slots)
        if (!s->has_value()) return false;
      return true;
    };
    while (!all_done() && std::chrono::steady_clock::now() < deadline)
      io_.run_one_for(std::chrono::milliseconds(100));
    if (!all_done()) throw std::runtime_error("delivery did not complete within 10 s");
  }

  /// What a delivery of `a` would add (ABI 1.3 render); nothing written.
  std::optional<std::string> render(const syndicd::Article& a) { return instance_->render(a, {}); }

  Result deliver(const syndicd::Article& article, const std::string& previous_external_id = {}) {
    auto slot = start(article, previous_external_id);
    wait({slot});
    return **slot;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::unique_ptr<cfg::ConfigValues> values_;
  std::unique_ptr<ph::Instance> instance_;
  std::string problems_;
};

/// Articles whose text is hostile to XML, each with the title a feed reader
/// must show (the sanitised text, written out by hand).
struct Hostile {
  syndicd::Article article;
  std::string expected_title;
};

inline std::vector<Hostile> hostile_articles() {
  std::vector<Hostile> out;
  auto add = [&](std::string id, std::string title, std::string expected, std::string body) {
    syndicd::Article a;
    a.id = std::move(id);
    a.url = "https://example.org/tin/" + std::to_string(out.size() + 1) + ".html";
    a.title = std::move(title);
    a.lead = "Sapo & <b>lead</b> ]]> \x01 end";
    a.body_html = std::move(body);
    a.author = "Phóng viên <PV> & \x02";
    a.published = 1578610680000 + static_cast<int64_t>(out.size()) * 60000;
    a.tags = {"thời sự", "a&b <c>"};
    a.images.push_back(
        {"https://example.org/img/" + std::to_string(out.size() + 1) + ".jpg?w=1&h=2", "alt",
         "Chú thích <1> & ]]>"});
    out.push_back({std::move(a), std::move(expected)});
  };
  add("https://example.org/tin/1.html", "Giá vàng < 50 & tăng", "Giá vàng < 50 & tăng",
      "<p>Đoạn ]]> một</p>");
  add("tag:example.org,2020:2", "CDATA ]]> in title ]]]]>", "CDATA ]]> in title ]]]]>",
      "<p>x ]]]]> y ]]> z</p><![CDATA[inner]]>");
  add("id-3", "Ctrl\x01\x02\x1b chars\x7f\xc2\x85 here\x0b", "Ctrl chars here",
      "<p>ctrl \x01\x0c body</p>");
  add("id-4", "Bad \xff\xfe bytes \xc3", "Bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD",
      "<p>bad \xc3\x28 body</p>");
  add("id-5", "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t NFD", "Tiếng Việt NFD",
      "<p>Vie\xCC\xA3\xCC\x82t</p>");
  add("id-6", "Quotes \"double\" 'single' &amp; literal",
      "Quotes \"double\" 'single' &amp; literal", "<p>&amp; &nbsp; &lt;</p>");
  add("id-7", "Line\r\nbreaks\tand   spaces", "Line breaks and spaces", "<p>a\r\nb</p>");
  return out;
}

}  // namespace sink_rss_test
