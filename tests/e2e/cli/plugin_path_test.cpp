// SPDX-License-Identifier: Apache-2.0
// Where the real binary finds its plugins once it has left the build tree:
// a tree staged as an install would lay it out (DESTDIR, a relocated
// prefix), a binary with no plugin directory beside it, and
// $SYNDICD_PLUGIN_PATH. The copies live under /tmp, outside the build tree,
// so the binary takes the installed layout's rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using syndicd::testing::run_process;

namespace {

const fs::path kBinary = SYNDICD_BINARY;
const fs::path kPlugins = SYNDICD_PLUGIN_DIR;
const fs::path kTestPlugins = SYNDICD_TEST_PLUGIN_DIR;

class PluginPath : public syndicd::testing::ScratchTest {
 protected:
  // prefix/bin/syndicd, a copy of the built binary.
  fs::path stage_binary(const fs::path& prefix) {
    fs::create_directories(prefix / "bin");
    fs::copy_file(kBinary, prefix / "bin" / "syndicd");
    return prefix / "bin" / "syndicd";
  }

  // Copies every plugin of `from` into `to`.
  static void copy_plugins(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& entry : fs::directory_iterator(from))
      if (entry.is_regular_file() && entry.path().extension() == ".so")
        fs::copy_file(entry.path(), to / entry.path().filename());
  }

  // A config naming no plugin_path: the defaults decide.
  fs::path config_without_plugin_path() {
    return write("c.yaml", "daemon:\n  state: " + (dir_ / "state.db").string() +
                               "\n  http: {listen: \"\"}\n"
                               "sources:\n  news:\n    plugin: rss\n    url: http://127.0.0.1:9/f\n"
                               "sinks:\n  feed:\n    plugin: rss\n    path: " +
                               (dir_ / "feed.xml").string() +
                               "\n    title: T\n    link: http://example.vn/\n"
                               "pipelines:\n  main: {from: [news], to: [feed]}\n");
  }
};

TEST_F(PluginPath, AStagedTreeFindsThePluginsInstalledBesideIt) {
  const fs::path prefix = dir_ / "stage" / "usr";
  const fs::path binary = stage_binary(prefix);
  copy_plugins(kPlugins, (prefix / "bin" / SYNDICD_PLUGIN_DIR_FROM_BINARY).lexically_normal());

  const auto listed = run_process({binary.string(), "plugins"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("source  rss"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("sink    facebook"), std::string::npos) << listed.out;
  // Loaded from the staged tree, not from the build tree or /usr.
  EXPECT_NE(listed.out.find((dir_ / "stage").string()), std::string::npos) << listed.out;
  EXPECT_EQ(listed.err.find("warning"), std::string::npos) << listed.err;

  const auto checked =
      run_process({binary.string(), "check", "-c", config_without_plugin_path().string()});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

TEST_F(PluginPath, AMissingDefaultIsAWarningAndPluginPathStillWorks) {
  const fs::path binary = stage_binary(dir_ / "bare");

  const auto listed = run_process({binary.string(), "plugins", "--plugin-path", kPlugins.string()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("source  html"), std::string::npos) << listed.out;
  EXPECT_NE(listed.err.find("warning: "), std::string::npos) << listed.err;
  EXPECT_NE(listed.err.find("default plugin directory not found"), std::string::npos) << listed.err;

  // check says the same as a warning, and accepts the config.
  const auto checked = run_process({binary.string(), "check", "--plugin-path", kPlugins.string(),
                                    "-c", config_without_plugin_path().string()});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE((checked.out + checked.err).find("default plugin directory not found"),
            std::string::npos)
      << checked.out << checked.err;

  // Without any plugins the config's plugins are unknown: an error, as before.
  const auto refused =
      run_process({binary.string(), "check", "-c", config_without_plugin_path().string()});
  EXPECT_EQ(refused.exit_code, 78) << refused.out << refused.err;
}

TEST_F(PluginPath, TheEnvironmentAddsDirectories) {
  const fs::path binary = stage_binary(dir_ / "bare");
  const fs::path extra = kTestPlugins / "echo_source";

  // Empty entries are skipped, as in $PATH-style lists a user may leave.
  const auto listed =
      run_process({binary.string(), "plugins"},
                  {"SYNDICD_PLUGIN_PATH=" + kPlugins.string() + "::" + extra.string()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("source  rss"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find((extra / "echo_source.so").string()), std::string::npos) << listed.out;
}

}  // namespace
