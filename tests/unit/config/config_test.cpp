// SPDX-License-Identifier: Apache-2.0
// The configuration loader: every error class names file:line:col, the key
// path, and says what is wrong; secrets never appear in a message.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config.hpp"
#include "config/units.hpp"

namespace fs = std::filesystem;
using namespace syndicd::config;

namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    file_ = (dir_ / "c.yaml").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  LoadResult load(const std::string& text) { return load_string(text, file_); }

  // All diagnostics, one per line, for assertions and failure output.
  static std::string all(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.str() + "\n";
    return out;
  }
  // Asserts the diagnostic `line` (after the file name) is present.
  void expect(const LoadResult& r, const std::string& line) {
    EXPECT_NE(all(r).find(file_ + ":" + line + "\n"), std::string::npos)
        << "want: " << line << "\ngot:\n"
        << all(r);
  }

  fs::path dir_;
  std::string file_;
};

const char* const kPipelines =
    "pipelines:\n"
    "  p: { from: [a], to: [s] }\n";

TEST_F(ConfigTest, MinimalFileLoadsWithDefaults) {
  auto r = load(std::string("sources:\n  a: { plugin: rss, url: https://example.org/f }\n"
                            "sinks:\n  s: { plugin: rss }\n") +
                kPipelines);
  ASSERT_TRUE(r.ok()) << all(r);
  const Config& c = *r.config;
  EXPECT_EQ(c.daemon.state, "/var/lib/syndicd/state.db");
  EXPECT_EQ(c.daemon.http.listen, "127.0.0.1:8088");
  EXPECT_EQ(c.daemon.values->integer("fetch.per_host"), 2);
  EXPECT_EQ(c.daemon.values->integer("fetch.max_body"), 8 << 20);
  EXPECT_EQ(c.sources.at("a").host->integer("every"), 600'000);
  EXPECT_EQ(c.sinks.at("s").host->integer("max_attempts"), 8);
  // Host keys are taken out; the plugin sees only its own.
  ASSERT_EQ(c.sources.at("a").body.entries.size(), 1u);
  EXPECT_EQ(c.sources.at("a").body.entries[0].key, "url");
  EXPECT_EQ(c.pipelines.at("p").from, std::vector<std::string>{"a"});
}

TEST_F(ConfigTest, BadDurationNamesPositionAndKey) {
  auto r = load(
      "sources:\n"
      "  foo:\n"
      "    plugin: rss\n"
      "    every: 10x\n"
      "sinks: {s: {plugin: rss}}\n"
      "pipelines: {p: {from: [foo], to: [s]}}\n");
  EXPECT_FALSE(r.ok());
  expect(r,
         "4:12: error: sources.foo.every: \"10x\" is not a duration (write e.g. 500ms, 90s, 10m, "
         "1h, 3d)");
}

TEST_F(ConfigTest, DurationOutOfRange) {
  auto r = load("sources:\n  a: {plugin: rss, every: 1s}\nsinks: {s: {plugin: rss}}\n" +
                std::string(kPipelines));
  expect(r, "2:27: error: sources.a.every: \"1s\" is out of range (10s to 7d)");
}

TEST_F(ConfigTest, UnknownKeysSuggest) {
  auto r = load(
      "daemon:\n"
      "  stat: /tmp/x.db\n"
      "  fetch: { per_hots: 3 }\n"
      "source: {}\n"
      "sinks:\n"
      "  s: { plugin: rss, max_attempt: 3 }\n");
  expect(r, "2:3: error: daemon.stat: unknown key \"stat\"; did you mean \"state\"?");
  expect(
      r,
      "3:12: error: daemon.fetch.per_hots: unknown key \"per_hots\"; did you mean \"per_host\"?");
  expect(r, "4:1: error: source: unknown key \"source\"; did you mean \"sources\"?");
  // A sink's unknown keys may belong to its plugin: they are not the host's
  // to reject (the plugin's schema decides), so only host keys are checked.
  EXPECT_EQ(r.config->sinks.at("s").body.entries.at(0).key, "max_attempt");
}

TEST_F(ConfigTest, UnknownKeyWithoutCloseMatchListsKnownOnes) {
  auto r = load("daemon:\n  zzzzzz: 1\n");
  expect(r,
         "2:3: error: daemon.zzzzzz: unknown key \"zzzzzz\" (expected one of: state, plugin_path, "
         "log_level, log_format, workers, shutdown_timeout, http, fetch)");
}

TEST_F(ConfigTest, DuplicateKeys) {
  auto r = load(
      "sources:\n"
      "  a: {plugin: rss}\n"
      "  a: {plugin: html}\n");
  expect(r, "3:3: error: sources.a: duplicate key (first defined at line 2)");
}

TEST_F(ConfigTest, MissingRequiredKey) {
  auto r = load("sources:\n  a:\n    url: https://example.org/\n");
  expect(r, "2:3: error: sources.a: missing required key \"plugin\"");
}

TEST_F(ConfigTest, PipelinesNameOnlyExistingSourcesAndSinks) {
  auto r = load(
      "sources:\n"
      "  baothainguyen: {plugin: rss}\n"
      "  unused: {plugin: rss}\n"
      "sinks:\n"
      "  feed: {plugin: rss}\n"
      "pipelines:\n"
      "  p:\n"
      "    from: [baothainguyen, baothainguyn]\n"
      "    to: [fed]\n"
      "    filters:\n"
      "      - max_age: 3d\n"
      "      - exclude: { title: [\"quảng cáo\"] }\n"
      "      - max_agee: 1d\n");
  expect(r,
         "8:27: error: pipelines.p.from[1]: no source named \"baothainguyn\"; did you mean "
         "\"baothainguyen\"?");
  expect(r, "9:10: error: pipelines.p.to[0]: no sink named \"fed\"; did you mean \"feed\"?");
  expect(r, "3:3: warning: sources.unused: not used by any pipeline");
  expect(r, "5:3: warning: sinks.feed: not used by any pipeline");
  // What the steps mean is the pipeline's: see PipelineSteps in pipeline_test.
  const auto& p = r.config->pipelines.at("p");
  ASSERT_EQ(p.filters.size(), 3u);
  EXPECT_EQ(p.filters[2].name, "max_agee");
  EXPECT_EQ(p.filters[2].path, "pipelines.p.filters[2]");
}

TEST_F(ConfigTest, YamlSyntaxErrorHasPosition) {
  auto r = load("sources:\n  a: [unclosed\n");
  EXPECT_FALSE(r.config.has_value());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].mark.file, file_);
  EXPECT_GT(r.diagnostics[0].mark.line, 1);
  EXPECT_EQ(r.diagnostics[0].message.rfind("YAML syntax: ", 0), 0u) << r.diagnostics[0].message;
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  auto r = load_file(dir_ / "nope.yaml");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].str(),
            (dir_ / "nope.yaml").string() +
                ": error: cannot read the configuration: No such file or directory");
}

TEST_F(ConfigTest, EnvAndFileExpansionAreSecret) {
  ::setenv("SYNDICD_TEST_TOKEN", "tok-from-env-123", 1);
  std::ofstream(dir_ / "secret") << "tok-from-file-456\n";
  fs::permissions(dir_ / "secret", fs::perms::owner_read | fs::perms::owner_write);
  auto r = load(
      "sinks:\n"
      "  a: {plugin: x, token: \"${env:SYNDICD_TEST_TOKEN}\"}\n"
      "  b: {plugin: x, token: \"${file:secret}\"}\n"
      "  c: {plugin: x, dir: \"${config_dir}/out\", price: \"$${literal}\"}\n");
  ASSERT_TRUE(r.config.has_value()) << all(r);
  const Node::Entry* a = r.config->sinks.at("a").body.find("token");
  const Node::Entry* b = r.config->sinks.at("b").body.find("token");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->value.scalar, "tok-from-env-123");
  EXPECT_TRUE(a->value.secret);
  EXPECT_EQ(b->value.scalar, "tok-from-file-456");  // trailing newline dropped
  EXPECT_TRUE(b->value.secret);
  EXPECT_EQ(r.config->sinks.at("c").body.find("dir")->value.scalar, dir_.string() + "/out");
  EXPECT_FALSE(r.config->sinks.at("c").body.find("dir")->value.secret);
  EXPECT_EQ(r.config->sinks.at("c").body.find("price")->value.scalar, "${literal}");
  ::unsetenv("SYNDICD_TEST_TOKEN");
}

TEST_F(ConfigTest, ExpansionErrors) {
  ::unsetenv("SYNDICD_TEST_UNSET");
  auto r = load(
      "sinks:\n"
      "  a: {plugin: x, token: \"${env:SYNDICD_TEST_UNSET}\"}\n"
      "  b: {plugin: x, token: \"${file:missing-secret}\"}\n"
      "  c: {plugin: x, token: \"${vault:x}\"}\n");
  expect(r, "2:25: error: sinks.a.token: environment variable SYNDICD_TEST_UNSET is not set");
  expect(r, "3:25: error: sinks.b.token: cannot read " + (dir_ / "missing-secret").string() +
                ": No such file or directory");
  expect(r,
         "4:25: error: sinks.c.token: unknown expansion \"${vault:x}\" (use ${env:NAME}, "
         "${file:PATH}, ${credential:NAME} or ${config_dir})");
}

// systemd's LoadCredential= puts the secret in $CREDENTIALS_DIRECTORY.
TEST_F(ConfigTest, CredentialExpansionReadsTheCredentialsDirectory) {
  fs::create_directories(dir_ / "creds");
  std::ofstream(dir_ / "creds" / "fb-token") << "tok-from-credential-789\n";
  fs::permissions(dir_ / "creds" / "fb-token", fs::perms::owner_read);
  ::setenv("CREDENTIALS_DIRECTORY", (dir_ / "creds").c_str(), 1);
  auto r = load("sinks:\n  a: {plugin: x, token: \"${credential:fb-token}\"}\n");
  ASSERT_TRUE(r.config.has_value()) << all(r);
  const Node::Entry* a = r.config->sinks.at("a").body.find("token");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value.scalar, "tok-from-credential-789");
  EXPECT_TRUE(a->value.secret);

  auto bad = load(
      "sinks:\n"
      "  a: {plugin: x, token: \"${credential:../etc/passwd}\"}\n"
      "  b: {plugin: x, token: \"${credential:missing}\"}\n");
  expect(bad,
         "2:25: error: sinks.a.token: ${credential:../etc/passwd} needs a credential name (no "
         "'/')");
  expect(bad, "3:25: error: sinks.b.token: cannot read " + (dir_ / "creds" / "missing").string() +
                  ": No such file or directory");

  ::unsetenv("CREDENTIALS_DIRECTORY");
  auto unset = load("sinks:\n  a: {plugin: x, token: \"${credential:fb-token}\"}\n");
  expect(unset,
         "2:25: error: sinks.a.token: ${credential:fb-token}: $CREDENTIALS_DIRECTORY is not set "
         "(systemd sets it for a unit with LoadCredential=fb-token:PATH)");
}

TEST_F(ConfigTest, WorldReadableSecretFileWarns) {
  std::ofstream(dir_ / "secret") << "s3cr3t";
  fs::permissions(dir_ / "secret", fs::perms::owner_read | fs::perms::others_read);
  auto r = load("sinks:\n  a: {plugin: x, token: \"${file:secret}\"}\n");
  expect(r, "2:25: warning: sinks.a.token: " + (dir_ / "secret").string() +
                " is readable by every user; chmod o-r it");
}

TEST_F(ConfigTest, SecretsNeverPrinted) {
  ::setenv("SYNDICD_TEST_SECRET", "hunter2-very-secret", 1);
  // A secret in a typed host key is reported as (secret), never echoed.
  auto r = load(
      "daemon:\n"
      "  workers: \"${env:SYNDICD_TEST_SECRET}\"\n"
      "  log_level: \"${env:SYNDICD_TEST_SECRET}\"\n");
  expect(r, "2:12: error: daemon.workers: (secret) is not an integer");
  expect(
      r,
      "3:14: error: daemon.log_level: (secret) is not one of: error, warning, notice, info, debug");
  EXPECT_EQ(all(r).find("hunter2"), std::string::npos) << all(r);
  ::unsetenv("SYNDICD_TEST_SECRET");
}

TEST_F(ConfigTest, RelativePathsResolveAgainstTheConfigFile) {
  auto r = load("daemon:\n  state: state/s.db\n  plugin_path: [plugins, /abs]\n");
  ASSERT_TRUE(r.config.has_value()) << all(r);
  EXPECT_EQ(r.config->daemon.state, (dir_ / "state/s.db").string());
  EXPECT_EQ(r.config->daemon.plugin_path,
            (std::vector<std::string>{(dir_ / "plugins").string(), "/abs"}));
  EXPECT_EQ(r.config->daemon.plugin_path_mark.line, 3);
}

TEST_F(ConfigTest, BadNamesAndShapes) {
  auto r = load(
      "sources:\n"
      "  \"bad name\": {plugin: rss}\n"
      "  b: rss\n"
      "pipelines: [x]\n");
  expect(r, "2:3: error: sources.bad name: names may use only letters, digits, '-', '_' and '.'");
  expect(r, "3:6: error: sources.b: expected a map with at least \"plugin\", found a string");
  expect(r, "4:12: error: pipelines: expected a map of names, found a list");
}

TEST_F(ConfigTest, EmptyFile) {
  auto r = load("");
  EXPECT_FALSE(r.ok());
  expect(r, "1:1: error: the configuration is empty (expected daemon, sources, sinks, pipelines)");
}

// ---------------------------------------------------------------------------
// Units

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("90s"), 90'000);
  EXPECT_EQ(parse_duration("10m"), 600'000);
  EXPECT_EQ(parse_duration("1h"), 3'600'000);
  EXPECT_EQ(parse_duration("3d"), 259'200'000);
  EXPECT_EQ(parse_duration("250ms"), 250);
  EXPECT_EQ(parse_duration("1h30m"), 5'400'000);
  EXPECT_EQ(parse_duration("0"), 0);
  for (const char* bad :
       {"", "10", "10x", "m", "1.5h", "30m1h", "1h1h", "-1s", "99999999999999999d", " 1s"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

TEST(Units, Sizes) {
  EXPECT_EQ(parse_size("8MiB"), 8 << 20);
  EXPECT_EQ(parse_size("512KiB"), 512 << 10);
  EXPECT_EQ(parse_size("1GiB"), int64_t{1} << 30);
  EXPECT_EQ(parse_size("10MB"), 10'000'000);
  EXPECT_EQ(parse_size("1000"), 1000);
  EXPECT_EQ(parse_size("64b"), 64);
  for (const char* bad : {"", "MiB", "8 MiB", "8XB", "-1", "99999999999999GiB"})
    EXPECT_FALSE(parse_size(bad).has_value()) << bad;
}

// ---------------------------------------------------------------------------
// Schema validation of plugin sections

const char* const kModes[] = {"api", "directory", nullptr};
constexpr syndicd_field kSelector[] = {
    {.name = "select", .type = SYNDICD_TYPE_STRING},
    {.name = "format", .type = SYNDICD_TYPE_STRING},
    {},
};
constexpr syndicd_field kTestSchema[] = {
    {.name = "url",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "Where."},
    {.name = "mode", .type = SYNDICD_TYPE_ENUM, .default_value = "api", .choices = kModes},
    {.name = "max", .type = SYNDICD_TYPE_INT, .default_value = "20", .min = 1, .max = 500},
    {.name = "enabled", .type = SYNDICD_TYPE_BOOL, .default_value = "yes"},
    {.name = "limit", .type = SYNDICD_TYPE_SIZE, .default_value = "1MiB"},
    {.name = "token", .type = SYNDICD_TYPE_STRING, .flags = SYNDICD_FIELD_SECRET},
    {.name = "out", .type = SYNDICD_TYPE_PATH},
    {.name = "tags", .type = SYNDICD_TYPE_STRING_LIST},
    {.name = "videos", .type = SYNDICD_TYPE_STRING_MAP},
    {.name = "published",
     .type = SYNDICD_TYPE_OBJECT,
     .flags = SYNDICD_FIELD_SHORTHAND,
     .children = kSelector},
    {},
};

class SchemaTest : public ConfigTest {
 protected:
  // Loads `body` as the keys of sinks.s (plugin: x) and validates them.
  std::unique_ptr<ConfigValues> section(const std::string& body,
                                        std::vector<Diagnostic>& problems) {
    last_ = load("sinks:\n  s:\n    plugin: x\n" + body);
    EXPECT_TRUE(last_.config.has_value()) << all(last_);
    return validate_section(kTestSchema, last_.config->sinks.at("s"), "sinks.s", problems);
  }
  static std::string lines(const std::vector<Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += d.str() + "\n";
    return out;
  }
  LoadResult last_;
};

TEST_F(SchemaTest, ValuesAndDefaults) {
  std::vector<Diagnostic> problems;
  auto v = section(
      "    url: https://example.org/list\n"
      "    max: 7\n"
      "    out: out/feed.xml\n"
      "    tags: single\n"
      "    videos: {a: v1, b: v2}\n"
      "    published: \"css:.date\"\n",
      problems);
  ASSERT_TRUE(v) << lines(problems);
  EXPECT_EQ(v->string("url"), "https://example.org/list");
  EXPECT_EQ(v->string("mode"), "api");  // default
  EXPECT_FALSE(v->is_set("mode"));
  EXPECT_EQ(v->integer("max"), 7);
  EXPECT_EQ(v->integer("enabled"), 1);
  EXPECT_EQ(v->integer("limit"), 1 << 20);
  EXPECT_EQ(v->string("out"), (dir_ / "out/feed.xml").string());
  EXPECT_EQ(v->count("tags"), 1u);
  EXPECT_EQ(v->string("tags[0]"), "single");
  EXPECT_EQ(v->count("videos"), 2u);
  EXPECT_EQ(v->key("videos", 1), "b");
  EXPECT_EQ(v->string("videos[1]"), "v2");
  EXPECT_TRUE(v->has("published"));
  EXPECT_EQ(v->string("published.select"), "css:.date");  // shorthand
  EXPECT_FALSE(v->has("token"));
  EXPECT_EQ(v->mark("max").line, 5);
  EXPECT_EQ(v->mark("max").column, 10);
}

TEST_F(SchemaTest, EachTypeErrorNamesPosition) {
  std::vector<Diagnostic> problems;
  auto v = section(
      "    url: ftp://example.org/\n"            // 4
      "    mode: directroy\n"                    // 5
      "    max: 501\n"                           // 6
      "    enabled: maybe\n"                     // 7
      "    limit: 8 MiB\n"                       // 8
      "    token: literal-secret\n"              // 9
      "    tags: {a: b}\n"                       // 10
      "    published: {select: x, fromat: y}\n"  // 11
      "    extra: 1\n",                          // 12
      problems);
  EXPECT_FALSE(v);
  const std::string got = lines(problems);
  for (const std::string want : {
           ":4:10: error: sinks.s.url: \"ftp://example.org/\" is not an http://, https:// or "
           "file:// URL",
           ":5:11: error: sinks.s.mode: \"directroy\" is not one of: api, directory; did you mean "
           "\"directory\"?",
           ":6:10: error: sinks.s.max: \"501\" is out of range (1 to 500)",
           ":7:14: error: sinks.s.enabled: \"maybe\" is not true or false",
           ":8:12: error: sinks.s.limit: \"8 MiB\" is not a size (write e.g. 512KiB, 8MiB, 1GiB)",
           ":9:12: error: sinks.s.token: secrets are not written in the configuration file; use "
           "${file:PATH}, ${credential:NAME} or ${env:NAME}",
           ":10:11: error: sinks.s.tags: expected a list of strings, found a map",
           ":11:28: error: sinks.s.published.fromat: unknown key \"fromat\"; did you mean "
           "\"format\"?",
           ":12:5: error: sinks.s.extra: unknown key \"extra\" (expected one of: url, mode, max, "
           "enabled, limit, "
           "token, out, tags, videos, published)",
       })
    EXPECT_NE(got.find(file_ + want + "\n"), std::string::npos) << "want: " << want << "\ngot:\n"
                                                                << got;
  EXPECT_EQ(got.find("literal-secret"), std::string::npos) << got;
}

TEST_F(SchemaTest, MissingRequired) {
  std::vector<Diagnostic> problems;
  auto v = section("    max: 3\n", problems);
  EXPECT_FALSE(v);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].str(), file_ + ":2:3: error: sinks.s: missing required key \"url\"");
}

TEST(Schema, DescribeAndCheck) {
  const std::string text = describe_schema(kTestSchema);
  EXPECT_NE(text.find("  url  (url; required)\n      Where.\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  mode  (one of: api | directory; default: api)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  max  (integer; 1 to 500; default: 20)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  token  (string; secret: give it as ${file:PATH}, ${credential:NAME} or "
                      "${env:NAME})\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("  published  (object; a plain string sets select)\n      select  (string)\n"),
      std::string::npos)
      << text;
  EXPECT_TRUE(check_schema(kTestSchema).empty());

  // Defaults that would not read on one line, or would run into the next
  // note, are quoted with escapes; plain ones are shown as written.
  static const syndicd_field kDefaults[] = {
      {.name = "template", .type = SYNDICD_TYPE_STRING, .default_value = "{{title}}\n\n{{url}}"},
      {.name = "suffix", .type = SYNDICD_TYPE_STRING, .default_value = ""},
      {.name = "quote", .type = SYNDICD_TYPE_STRING, .default_value = "say \"hi\"; (ok)"},
      {.name = "zone", .type = SYNDICD_TYPE_STRING, .default_value = "+07:00"},
      {}};
  const std::string defaults = describe_schema(kDefaults);
  EXPECT_NE(defaults.find("template  (string; default: \"{{title}}\\n\\n{{url}}\")\n"),
            std::string::npos)
      << defaults;
  EXPECT_NE(defaults.find("suffix  (string; default: \"\")\n"), std::string::npos) << defaults;
  EXPECT_NE(defaults.find("quote  (string; default: \"say \\\"hi\\\"; (ok)\")\n"),
            std::string::npos)
      << defaults;
  EXPECT_NE(defaults.find("zone  (string; default: +07:00)\n"), std::string::npos) << defaults;

  static const syndicd_field kBroken[] = {
      {.name = "every", .type = SYNDICD_TYPE_DURATION, .default_value = "10 minutes"},
      {.name = "mode", .type = SYNDICD_TYPE_ENUM},
      {.name = "every", .type = SYNDICD_TYPE_STRING},
      {},
  };
  const auto problems = check_schema(kBroken);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0],
            "every: default \"10 minutes\" is not a duration (write e.g. 500ms, 90s, 10m, 1h, 3d)");
  EXPECT_EQ(problems[1], "mode: enum without choices");
  EXPECT_EQ(problems[2], "every: declared twice");
}

}  // namespace
