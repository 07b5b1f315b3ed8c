// SPDX-License-Identifier: Apache-2.0
// The loader against real shared objects: the built-in plugins, and
// test-only ones that are broken on purpose (tests/plugins/).
#include "plugin_host/loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include <stdlib.h>

namespace fs = std::filesystem;
using syndicd::plugin_host::Registry;

namespace {

const fs::path kTestPlugins = SYNDICD_TEST_PLUGIN_DIR;
const fs::path kBuiltins = SYNDICD_PLUGIN_DIR;
// The host's ABI as its messages print it; written once so a minor bump
// does not rewrite every expected message.
const std::string kAbi =
    std::to_string(SYNDICD_ABI_MAJOR) + "." + std::to_string(SYNDICD_ABI_MINOR);

std::string load_error(const fs::path& file) {
  std::string error;
  auto plugin = syndicd::plugin_host::load_file(file, error);
  EXPECT_FALSE(plugin.has_value()) << file;
  return error;
}

TEST(Loader, LoadsEveryBuiltinPlugin) {
  Registry registry;
  EXPECT_TRUE(registry.load_path({kBuiltins}).empty());
  for (const char* name : {"rss", "html"}) {
    const auto* p = registry.find(SYNDICD_KIND_SOURCE, name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->kind(), SYNDICD_KIND_SOURCE);
    EXPECT_NE(p->descriptor.schema, nullptr);
  }
  for (const char* name : {"rss", "youtube", "facebook"}) {
    const auto* p = registry.find(SYNDICD_KIND_SINK, name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_NE(p->descriptor.deliver, nullptr);
  }
  EXPECT_EQ(registry.all().size(), 5u);
}

TEST(Loader, MissingFile) {
  EXPECT_EQ(load_error("/nonexistent/source-x.so"),
            "/nonexistent/source-x.so: plugin file not found");
}

TEST(Loader, NotElf) {
  const fs::path file = fs::path(SYNDICD_TEST_FIXTURES) / "plugins" / "not-elf.so";
  const std::string error = load_error(file);
  EXPECT_EQ(error.rfind(file.string() + ": cannot load shared object: ", 0), 0u) << error;
  EXPECT_NE(error.find("invalid ELF header"), std::string::npos) << error;
}

TEST(Loader, NoEntrySymbol) {
  const fs::path file = kTestPlugins / "no_entry" / "no_entry.so";
  EXPECT_EQ(load_error(file),
            file.string() + ": not a syndicd plugin (it does not export syndicd_plugin_entry)");
}

TEST(Loader, AbiMajorMismatch) {
  const fs::path file = kTestPlugins / "bad_abi" / "bad_abi.so";
  EXPECT_EQ(load_error(file),
            file.string() + ": plugin ABI 99.0 is not supported by this syndicd (ABI " + kAbi +
                "); "
                "rebuild the plugin against the installed SDK");
}

TEST(Loader, AbiMinorTooNew) {
  const fs::path file = kTestPlugins / "minor_too_new" / "minor_too_new.so";
  EXPECT_EQ(load_error(file), file.string() + ": plugin needs ABI 1." +
                                  std::to_string(SYNDICD_ABI_MINOR + 1) +
                                  " but this syndicd offers " + kAbi + "; upgrade syndicd");
}

TEST(Loader, LoadsAPluginBuiltForAbi10) {
  std::string error;
  auto plugin =
      syndicd::plugin_host::load_file(kTestPlugins / "abi10_source" / "abi10_source.so", error);
  ASSERT_TRUE(plugin.has_value()) << error;
  EXPECT_EQ(plugin->descriptor.abi_minor, 0);
  EXPECT_EQ(plugin->name(), "abi10");
}

TEST(Loader, RefusesTheFilterKindSayingWhy) {
  const fs::path file = kTestPlugins / "filter_kind" / "filter_kind.so";
  EXPECT_EQ(load_error(file), file.string() +
                                  ": invalid plugin descriptor: filter plugins are not supported "
                                  "(no syndicd ever called them; ABI 1.1 reserves the kind): use "
                                  "a pipeline's filters");
}

TEST(Loader, RefusesACapabilityOnTheWrongKind) {
  const fs::path file = kTestPlugins / "bad_caps" / "bad_caps.so";
  EXPECT_EQ(load_error(file), file.string() +
                                  ": invalid plugin descriptor: configuration schema: api: "
                                  "FETCHED is for sources (a sink's calls are not configured "
                                  "URLs)");
}

TEST(Loader, DuplicateNameIsAnError) {
  Registry registry;
  const fs::path dup = kTestPlugins / "dup_rss" / "dup_rss.so";
  EXPECT_TRUE(registry.load_path({kBuiltins}).empty());
  auto problem = registry.add_file(dup);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, dup.string() + ": duplicate source plugin \"rss\" (already loaded from " +
                          (kBuiltins / "source-rss.so").string() + ")");
  // The first one stays in place.
  EXPECT_EQ(registry.find(SYNDICD_KIND_SOURCE, "rss")->file, kBuiltins / "source-rss.so");
}

TEST(Loader, MissingDirectoryIsReported) {
  Registry registry;
  auto problems = registry.load_path({"/nonexistent/plugins"});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "/nonexistent/plugins: plugin directory not found");
}

TEST(Loader, BadFileInDirectoryDoesNotHideGoodOnes) {
  const fs::path dir = fs::temp_directory_path() / ("syndicd-loader-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(kBuiltins / "source-rss.so", dir / "source-rss.so",
                fs::copy_options::overwrite_existing);
  fs::copy_file(fs::path(SYNDICD_TEST_FIXTURES) / "plugins" / "not-elf.so", dir / "junk.so",
                fs::copy_options::overwrite_existing);
  Registry registry;
  auto problems = registry.load_path({dir});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("junk.so: cannot load shared object"), std::string::npos);
  EXPECT_NE(registry.find(SYNDICD_KIND_SOURCE, "rss"), nullptr);
  fs::remove_all(dir);
}

TEST(Loader, ExplainMissingSuggests) {
  Registry registry;
  registry.load_path({kBuiltins});
  EXPECT_EQ(registry.explain_missing(SYNDICD_KIND_SINK, "facebok"),
            "no sink plugin named \"facebok\"; did you mean \"facebook\"? (available: facebook, "
            "rss, youtube)");
}

// $SYNDICD_PLUGIN_PATH is a colon-separated list; empty entries (a trailing
// or doubled colon) name no directory rather than the current one.
TEST(Loader, EnvironmentPluginPathSplitsOnColons) {
  using syndicd::plugin_host::environment_plugin_path;
  ::unsetenv("SYNDICD_PLUGIN_PATH");
  EXPECT_TRUE(environment_plugin_path().empty());
  ::setenv("SYNDICD_PLUGIN_PATH", "/a/b::/c:", 1);
  EXPECT_EQ(environment_plugin_path(), (std::vector<fs::path>{"/a/b", "/c"}));
  ::setenv("SYNDICD_PLUGIN_PATH", "", 1);
  EXPECT_TRUE(environment_plugin_path().empty());
  ::unsetenv("SYNDICD_PLUGIN_PATH");
}

// From the build tree the default is the build's own plugin folder.
TEST(Loader, DefaultPluginPathInABuildTreeIsTheBuildFolder) {
  EXPECT_EQ(syndicd::plugin_host::default_plugin_path(), (std::vector<fs::path>{kBuiltins}));
}

}  // namespace
