// SPDX-License-Identifier: Apache-2.0
// A fresh folder per end-to-end test for what it writes (configs, pages,
// the state file), named after the test so a failed run's files are easy to
// find, and removed when the test ends.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace syndicd::testing {

class ScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("syndicd-e2e-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
            info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Write `text` to `name` in the folder; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  /// once.yaml: one html source reading `page` as an article page
  /// (`page: article`), into an rss sink writing feed.xml, no HTTP server.
  std::filesystem::path article_once_config(const std::filesystem::path& page) {
    return write("once.yaml", "daemon:\n  state: " + (dir_ / "state.db").string() +
                                  "\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                                  "]\n  http: {listen: \"\"}\n"
                                  "sources:\n  one:\n    plugin: html\n    url: file://" +
                                  page.string() +
                                  "\n    page: article\n"
                                  "sinks:\n  feed:\n    plugin: rss\n    path: " +
                                  (dir_ / "feed.xml").string() +
                                  "\n    title: T\n    link: https://example.org/\n"
                                  "pipelines:\n  p:\n    from: [one]\n    to: [feed]\n");
  }

  std::filesystem::path dir_;
};

}  // namespace syndicd::testing
