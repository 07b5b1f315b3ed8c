// SPDX-License-Identifier: Apache-2.0
// A test directory, a loopback feed server and the real daemon started on a
// config written there, with its log kept: what the resilience tests share.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "fixture_server.hpp"
#include "loopback.hpp"
#include "process.hpp"

namespace syndicd::testing {

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("syndicd-resilience-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string state() const { return (dir_ / "state.db").string(); }

  /// A config: the daemon section (state, plugins, fetch on loopback),
  /// then `rest` (sources, sinks, pipelines) as written.
  std::filesystem::path write_config(const std::string& rest) {
    const auto p = dir_ / "syndicd.yaml";
    std::ofstream(p) << "daemon:\n  state: " << state()
                     << "\n  http: { listen: \"\" }\n  shutdown_timeout: 20s\n  plugin_path: ["
                     << SYNDICD_PLUGIN_DIR << ", " << SYNDICD_TEST_PLUGIN_DIR << "/record_sink, "
                     << SYNDICD_TEST_PLUGIN_DIR << "/record_sink_idem, " << SYNDICD_TEST_PLUGIN_DIR
                     << "/crash_source]\n  fetch: { allow_private: true, delay: 0, retries: 0 }\n"
                     << rest;
    return p;
  }
  /// A `record` sink section writing to <dir>/<name>.log.
  std::string record(const std::string& name, const std::string& plugin = "record",
                     const std::string& more = "") const {
    return "  " + name + ": { plugin: " + plugin + ", path: " + (dir_ / (name + ".log")).string() +
           more + " }\n";
  }
  /// Article id → how many times the sink recorded it.
  std::map<std::string, int> recorded(const std::string& name) const {
    std::map<std::string, int> out;
    std::ifstream in(dir_ / (name + ".log"));
    for (std::string line; std::getline(in, line);) ++out[line.substr(0, line.find('\t'))];
    return out;
  }
  std::string log() const {
    std::ifstream in(dir_ / "daemon.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  size_t count_in_log(const std::string& text) const {
    const std::string all = log();
    size_t n = 0;
    for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++n;
    return n;
  }
  /// Waits (bounded) for `daemon` to exit; its code, or 1000 on timeout.
  static int exit_code(Child& daemon, std::chrono::seconds limit = std::chrono::seconds(30)) {
    int code = 1000;
    eventually([&] { return daemon.exited(code); }, limit);
    return code;
  }
  std::unique_ptr<Child> start(const std::filesystem::path& cfg) const {
    return std::make_unique<Child>(
        std::vector<std::string>{SYNDICD_BINARY, "run", "-c", cfg.string()},
        (dir_ / "daemon.log").string());
  }
  /// Waits (bounded) until `done` holds; false on timeout.
  template <class F>
  static bool eventually(F done, std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  std::filesystem::path dir_;
  FixtureServer server_;
};

}  // namespace syndicd::testing
