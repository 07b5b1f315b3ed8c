// SPDX-License-Identifier: Apache-2.0
// The real syndicd binary: exit codes and messages of the CLI, and the
// loader's refusals as an operator sees them through `check`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <syndicd/abi.h>

#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using syndicd::testing::run_process;

namespace {

const std::string kBinary = SYNDICD_BINARY;
const fs::path kSource = SYNDICD_SOURCE_DIR;
const fs::path kTestPlugins = SYNDICD_TEST_PLUGIN_DIR;
// The host's ABI as its messages print it; written once so a minor bump
// does not rewrite every expected message.
const std::string kAbi =
    std::to_string(SYNDICD_ABI_MAJOR) + "." + std::to_string(SYNDICD_ABI_MINOR);

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The text of `doc` between `begin` and the next `end`; nullopt when either is missing.
std::optional<std::string> between(const std::string& doc, const std::string& begin,
                                   const std::string& end) {
  const auto from = doc.find(begin);
  if (from == std::string::npos) return std::nullopt;
  const auto to = doc.find(end, from + begin.size());
  if (to == std::string::npos) return std::nullopt;
  return doc.substr(from + begin.size(), to - from - begin.size());
}

// A program's output as a doc embeds it in a ``` block: no trailing newlines.
std::string as_block(std::string out) {
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Cli : public syndicd::testing::ScratchTest {
 protected:
  // A minimal valid config whose plugin_path is `plugin_dir`.
  fs::path config_with_plugins(const fs::path& plugin_dir) {
    return write("c.yaml",
                 "daemon:\n"
                 "  state: " +
                     (dir_ / "state.db").string() +
                     "\n"
                     "  plugin_path: [" +
                     plugin_dir.string() +
                     "]\n"
                     "sources: {}\n"
                     "sinks: {}\n"
                     "pipelines: {}\n");
  }
};

TEST_F(Cli, NoArgumentsIsUsage) {
  auto r = run_process({kBinary});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Usage: syndicd COMMAND"), std::string::npos) << r.err;
}

TEST_F(Cli, HelpAndVersion) {
  auto r = run_process({kBinary, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"run", "check", "once", "plugins", "preview", "version"})
    EXPECT_NE(r.out.find(std::string("  ") + cmd + " "), std::string::npos) << cmd;
  r = run_process({kBinary, "version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("syndicd 0.1.0\nplugin ABI " + kAbi + "\n", 0), 0u) << r.out;
}

TEST_F(Cli, EverySubcommandHasHelp) {
  for (const char* cmd : {"run", "check", "once", "plugins", "preview", "version"}) {
    auto r = run_process({kBinary, cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_EQ(r.out.rfind(std::string("usage: syndicd ") + cmd, 0), 0u) << r.out;
  }
}

TEST_F(Cli, UsageErrorsExit2) {
  auto r = run_process({kBinary, "chek"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command \"chek\"; did you mean \"check\"?"), std::string::npos)
      << r.err;
  r = run_process({kBinary, "check", "--confg", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option --confg; did you mean --config?"), std::string::npos)
      << r.err;
  r = run_process({kBinary, "check", "-c"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_process({kBinary, "check", "-c", "a.yaml", "stray"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unexpected argument \"stray\""), std::string::npos) << r.err;
}

TEST_F(Cli, CheckBundledConfigs) {
  for (const char* name : {"syndicd.yaml", "demo.yaml"}) {
    // The production config names the installed plugin directory; point the
    // check at the build tree's plugins instead.
    auto r = run_process({kBinary, "check", "-c", (kSource / "config" / name).string(),
                          "--plugin-path", SYNDICD_PLUGIN_DIR});
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.err;
    EXPECT_NE(r.out.find(": OK ("), std::string::npos) << r.out;
  }
}

TEST_F(Cli, CheckMissingFileExits78) {
  auto r = run_process({kBinary, "check", "-c", (dir_ / "nope.yaml").string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("nope.yaml"), std::string::npos) << r.err;
}

TEST_F(Cli, CheckRefusesNonElfPlugin) {
  fs::create_directories(dir_ / "p");
  fs::copy_file(fs::path(SYNDICD_TEST_FIXTURES) / "plugins" / "not-elf.so", dir_ / "p" / "junk.so");
  auto r = run_process({kBinary, "check", "-c", config_with_plugins(dir_ / "p").string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find((dir_ / "p" / "junk.so").string() + ": cannot load shared object"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, CheckRefusesPluginWithoutEntrySymbol) {
  auto r = run_process(
      {kBinary, "check", "-c", config_with_plugins(kTestPlugins / "no_entry").string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(
      r.err.find("no_entry.so: not a syndicd plugin (it does not export syndicd_plugin_entry)"),
      std::string::npos)
      << r.err;
}

TEST_F(Cli, CheckRefusesWrongAbi) {
  auto r =
      run_process({kBinary, "check", "-c", config_with_plugins(kTestPlugins / "bad_abi").string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(
      r.err.find("bad_abi.so: plugin ABI 99.0 is not supported by this syndicd (ABI " + kAbi + ")"),
      std::string::npos)
      << r.err;
}

TEST_F(Cli, CheckReportsUnknownPluginWithSuggestion) {
  auto cfg = write("c.yaml",
                   "daemon:\n"
                   "  state: /tmp/x.db\n"
                   "sources:\n"
                   "  a:\n"
                   "    plugin: rs\n"
                   "    url: https://example.org/feed\n"
                   "sinks: {}\n"
                   "pipelines: {}\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string(), "--plugin-path", SYNDICD_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find(cfg.string() +
                       ":5:13: error: sources.a.plugin: no source plugin named \"rs\"; did "
                       "you mean \"rss\"?"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, CheckRefusesADateFormatOnAFieldThatIsNoDate) {
  // `format` belongs to published/updated only; elsewhere it would be
  // silently ignored, so it is an unknown key.
  auto cfg = write("c.yaml",
                   "daemon:\n"
                   "  state: /tmp/x.db\n"
                   "sources:\n"
                   "  a:\n"
                   "    plugin: html\n"
                   "    url: https://example.org/tin-tuc\n"
                   "    list: css:a.title\n"
                   "    article:\n"
                   "      published: { select: css:.date, format: \"%H:%M | %d/%m/%Y\" }\n"
                   "      body: { select: css:.content, format: \"%d/%m/%Y\" }\n"
                   "sinks: {}\n"
                   "pipelines: {}\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string(), "--plugin-path", SYNDICD_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(cfg.string() +
                       ":10:37: error: sources.a.article.body.format: unknown key \"format\" "
                       "(expected one of: select, attr)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("article.published.format"), std::string::npos) << r.err;
}

TEST_F(Cli, CheckRunsPluginConstructors) {
  // The thrower plugin rejects `mode: reject` from its constructor, and
  // crashes (an exception) otherwise; neither may take the daemon down.
  auto cfg = write("c.yaml",
                   "daemon:\n"
                   "  state: /tmp/x.db\n"
                   "  plugin_path: [" +
                       (kTestPlugins / "thrower").string() +
                       "]\n"
                       "sources:\n"
                       "  a:\n"
                       "    plugin: thrower\n"
                       "    mode: reject\n"
                       "  b:\n"
                       "    plugin: thrower\n"
                       "sinks: {}\n"
                       "pipelines:\n"
                       "  p: { from: [a, b], to: [] }\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(
      r.err.find(cfg.string() + ":7:11: error: sources.a.mode: \"reject\" is rejected on purpose"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("create: constructor blew up"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sources.b: source plugin \"thrower\" refused this section"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, CheckValidatesPipelineStepsCompletely) {
  auto cfg = write("c.yaml",
                   "daemon: {state: /tmp/x.db}\n"
                   "sources:\n"
                   "  a: {plugin: rss, url: https://example.org/feed}\n"
                   "sinks:\n"
                   "  f: {plugin: rss, title: T, link: https://example.org/, path: f.xml}\n"
                   "pipelines:\n"
                   "  p:\n"
                   "    from: [a]\n"
                   "    to: [f]\n"
                   "    transforms:\n"
                   "      - truncate: {field: titel, max: 3OO}\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string(), "--plugin-path", SYNDICD_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find(cfg.string() +
                       ":11:27: error: pipelines.p.transforms[0].truncate.field: \"titel\" is "
                       "not one of: title, lead, body; did you mean \"title\"?"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(cfg.string() +
                       ":11:39: error: pipelines.p.transforms[0].truncate.max: \"3OO\" is not "
                       "an integer"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, CheckRefusesAPluginThatReadsAnUndeclaredKey) {
  // A misspelt key read would silently read nothing; the host refuses the
  // instance instead, naming the key.
  auto cfg = write("c.yaml",
                   "daemon:\n"
                   "  state: /tmp/x.db\n"
                   "  plugin_path: [" +
                       (kTestPlugins / "thrower").string() +
                       "]\n"
                       "sources:\n"
                       "  a:\n"
                       "    plugin: thrower\n"
                       "    mode: misread\n"
                       "sinks: {}\n"
                       "pipelines:\n"
                       "  p: { from: [a], to: [] }\n");
  auto r = run_process({kBinary, "check", "-c", cfg.string()});
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find("error: sources.a: source plugin \"thrower\" read the key \"mdoe\", which "
                       "its schema does not declare (a plugin bug)"),
            std::string::npos)
      << r.err;
}

TEST_F(Cli, PluginsListsBuiltins) {
  auto r = run_process({kBinary, "plugins", "--plugin-path", SYNDICD_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* row :
       {"source  rss", "source  html", "sink    rss", "sink    youtube", "sink    facebook"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
}

TEST_F(Cli, PluginsDescribePrintsSchema) {
  auto r = run_process(
      {kBinary, "plugins", "--plugin-path", SYNDICD_PLUGIN_DIR, "--describe", "facebook"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sink plugin \"facebook\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[ok]"), std::string::npos) << r.out;
  for (const char* key :
       {"mode", "page_id", "access_token", "graph_base", "api_version", "template"})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
  r = run_process(
      {kBinary, "plugins", "--plugin-path", SYNDICD_PLUGIN_DIR, "--describe", "facebok"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean \"facebook\"?"), std::string::npos) << r.err;
}

TEST_F(Cli, PreviewJsonIsTheContract) {
  // Runs a real source plugin once through the real host (timer, worker
  // pool, state) and prints one JSON object per article, keys in order.
  auto r = run_process({kBinary, "preview", "--plugin-path",
                        (kTestPlugins / "echo_source").string(), "--plugin", "echo", "--set",
                        "count=2", "--set", "prefix=Tin", "--json", "https://example.test/list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  for (size_t start = 0, nl; (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(r.out.substr(start, nl - start));
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(
      lines[0].rfind(R"({"id":"echo-1-0","url":"https://example.test/echo-1-0","title":"Tin 1.0",)"
                     R"("lead":"","body_html":"","body_text":"","author":"","published":")",
                     0),
      0u)
      << lines[0];
  EXPECT_NE(lines[0].find(R"(+07:00","updated":null,"images":[{"url":"https://example.test/a.jpg",)"
                          R"("alt":"alt","caption":"caption"}],"videos":[],"tags":["thời sự"],)"
                          R"("source":"preview","guessed":["lead"]})"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(r.err.find("syndicd preview: preview: 2 articles"), std::string::npos) << r.err;
}

TEST_F(Cli, ConfigurationDocIsCurrent) {
  // docs/configuration.md embeds `check --reference`; regenerate the block
  // from the program when this fails (scripts/regenerate-docs.py).
  auto r = run_process({kBinary, "check", "--reference"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto block = between(read_text(kSource / "docs" / "configuration.md"),
                             "<!-- BEGIN REFERENCE -->\n```\n", "\n```\n<!-- END REFERENCE -->");
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(*block, as_block(r.out));
}

TEST_F(Cli, PluginsReferenceDocIsCurrent) {
  // docs/plugins-reference.md embeds `plugins --describe NAME` of every
  // built-in plugin; regenerate a block from the program when this fails
  // (scripts/regenerate-docs.py).
  // The plugins are the build tree's, but the doc shows their file: lines
  // as an installation under /usr/local would print them.
  const std::string built_dir = std::string(SYNDICD_PLUGIN_DIR) + "/";
  const std::string installed_dir = "/usr/local/lib/syndicd/plugins/";
  const std::string doc = read_text(kSource / "docs" / "plugins-reference.md");

  // Every built-in plugin has a block, and every block names one.
  auto list = run_process({kBinary, "plugins", "--plugin-path", SYNDICD_PLUGIN_DIR});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::set<std::string> built;
  std::istringstream rows(list.out);
  std::string row;
  std::getline(rows, row);  // KIND NAME VERSION STATUS FILE
  while (std::getline(rows, row)) {
    std::istringstream fields(row);
    std::string kind, name;
    if (fields >> kind >> name) built.insert(name);
  }
  ASSERT_FALSE(built.empty()) << list.out;
  std::set<std::string> documented;
  const std::string marker = "<!-- BEGIN DESCRIBE ";
  for (auto at = doc.find(marker); at != std::string::npos; at = doc.find(marker, at + 1)) {
    const auto name_at = at + marker.size();
    documented.insert(doc.substr(name_at, doc.find(" -->", name_at) - name_at));
  }
  EXPECT_EQ(documented, built);

  for (const auto& name : built) {
    auto r =
        run_process({kBinary, "plugins", "--plugin-path", SYNDICD_PLUGIN_DIR, "--describe", name});
    ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.err;
    std::string expected = as_block(r.out);
    const std::string built_file = "file: " + built_dir, installed_file = "file: " + installed_dir;
    for (auto at = expected.find(built_file); at != std::string::npos;
         at = expected.find(built_file, at + installed_file.size()))
      expected.replace(at, built_file.size(), installed_file);
    const auto block = between(doc, "<!-- BEGIN DESCRIBE " + name + " -->\n```\n",
                               "\n```\n<!-- END DESCRIBE " + name + " -->");
    ASSERT_TRUE(block.has_value()) << "no DESCRIBE block for " << name;
    EXPECT_EQ(*block, expected) << name;
  }
}

TEST_F(Cli, PreviewErrors) {
  auto demo = (kSource / "config" / "demo.yaml").string();
  auto r = run_process(
      {kBinary, "preview", "-c", demo, "thainguyen-dem", "--plugin-path", SYNDICD_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no source named \"thainguyen-dem\"; did you mean \"thainguyen-demo\"?"),
            std::string::npos)
      << r.err;
  r = run_process({kBinary, "preview", "-c", demo});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected one SOURCE argument"), std::string::npos) << r.err;
  r = run_process({kBinary, "preview", "--plugin", "html", "--set", "nokey", "x.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--set nokey: expected KEY=VALUE"), std::string::npos) << r.err;
  r = run_process({kBinary, "preview", "--plugin-path", (kTestPlugins / "echo_source").string(),
                   "--plugin", "echo", "--set", "count=many", "https://example.test/"});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("error: sources.preview.count: \"many\" is not an integer"),
            std::string::npos)
      << r.err;
  // A poll that fails exits 1 with the plugin's message.
  r = run_process({kBinary, "preview", "--plugin-path", (kTestPlugins / "echo_source").string(),
                   "--plugin", "echo", "--set", "throw_on_poll=true", "https://example.test/"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("poll exploded"), std::string::npos) << r.err;
}

}  // namespace
