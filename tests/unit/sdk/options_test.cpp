// SPDX-License-Identifier: Apache-2.0
// syndicd/options.hpp: one declaration binds a key to a member; the same
// object is the schema the host validates and the reader that fills the
// struct. Read here through the host's own validator and ConfigValues, as a
// plugin's create() reads through syndicd::Config.
#include <syndicd/options.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "config/loader.hpp"
#include "config/schema.hpp"

namespace {

using namespace std::chrono_literals;
namespace key = syndicd::key;
namespace config = syndicd::config;

struct Inner {
  std::string select;
  std::string attr;
};
constexpr syndicd::Options kInner{
    key::text("select", &Inner::select),
    key::text("attr", &Inner::attr).defaults_to("href"),
};

constexpr const char* kModes[] = {"api", "directory", nullptr};

struct Outer {
  std::string url;
  std::string mode;
  int max = -1;
  bool on = false;
  std::chrono::milliseconds every{};
  std::chrono::seconds coarse{};
  std::size_t body = 0;
  std::optional<std::chrono::milliseconds> ttl;
  syndicd::StringList hosts;
  syndicd::StringMap videos;
  Inner link;
};
constexpr syndicd::Options kOuter{
    key::url("url", &Outer::url).required().describe("Where."),
    key::choice("mode", &Outer::mode, kModes).defaults_to("api"),
    key::integer("max", &Outer::max).defaults_to("20").range(1, 500),
    key::boolean("on", &Outer::on).defaults_to("true"),
    key::duration("every", &Outer::every).defaults_to("10m"),
    key::duration("coarse", &Outer::coarse).defaults_to("1500ms"),
    key::size("body", &Outer::body).defaults_to("8MiB"),
    key::duration("ttl", &Outer::ttl),
    key::list("hosts", &Outer::hosts),
    key::map("videos", &Outer::videos),
    key::object("link", &Outer::link, kInner).shorthand(),
};

// The table the host sees: names, types, flags, defaults, children.
static_assert(kOuter.fields()[0].type == SYNDICD_TYPE_URL);
static_assert((kOuter.fields()[0].flags & SYNDICD_FIELD_REQUIRED) != 0);
static_assert(kOuter.fields()[10].children == kInner.fields());
static_assert(kOuter.fields()[11].name == nullptr);

std::unique_ptr<config::ConfigValues> validated(const std::string& yaml) {
  std::vector<config::Diagnostic> problems;
  const config::Node node = config::to_tree(YAML::Load(yaml), "t.yaml", "/tmp", problems);
  auto values = config::validate(kOuter.fields(), node, "s", config::Mark{"t.yaml", 1, 1},
                                 config::ValidateOptions{}, problems);
  for (const auto& p : problems) ADD_FAILURE() << p.str();
  return values;
}

TEST(Options, SchemaIsWellFormed) {
  EXPECT_TRUE(config::check_schema(kOuter.fields()).empty());
}

TEST(Options, ReadsWrittenValuesAndHostDefaults) {
  auto v = validated(
      "url: https://example.org/\n"
      "every: 90s\n"
      "coarse: 1500ms\n"
      "ttl: 2h\n"
      "hosts: [a.vn, b.vn]\n"
      "videos: {x: abc}\n"
      "link: 'css:a'\n");
  ASSERT_TRUE(v);
  const Outer o = kOuter.read(*v);
  EXPECT_EQ(o.url, "https://example.org/");
  EXPECT_EQ(o.mode, "api");
  EXPECT_EQ(o.max, 20);
  EXPECT_TRUE(o.on);
  EXPECT_EQ(o.every, 90s);
  EXPECT_EQ(o.coarse, 2s);  // rounded up, never stricter
  EXPECT_EQ(o.body, 8u << 20);
  EXPECT_EQ(o.ttl, std::optional(2h));
  EXPECT_EQ(o.hosts, (syndicd::StringList{"a.vn", "b.vn"}));
  EXPECT_EQ(o.videos, (syndicd::StringMap{{"x", "abc"}}));
  EXPECT_EQ(o.link.select, "css:a");  // the shorthand sets the first key
  EXPECT_EQ(o.link.attr, "href");
}

TEST(Options, AbsentKeysWithoutDefaultLeaveTheMember) {
  auto v = validated("url: https://example.org/\n");
  ASSERT_TRUE(v);
  const Outer o = kOuter.read(*v);
  EXPECT_FALSE(o.ttl.has_value());
  EXPECT_TRUE(o.hosts.empty());
  EXPECT_EQ(o.link.select, "");
}

TEST(Options, DefaultsWithoutAHostReadTheSame) {
  const Outer o = kOuter.defaults();
  EXPECT_EQ(o.mode, "api");
  EXPECT_EQ(o.max, 20);
  EXPECT_TRUE(o.on);
  EXPECT_EQ(o.every, 10min);
  EXPECT_EQ(o.coarse, 2s);
  EXPECT_EQ(o.body, 8u << 20);
  EXPECT_EQ(o.link.attr, "href");
  EXPECT_EQ(o.url, "");  // no default
}

TEST(Options, PathNamesTheKeyOfAMember) {
  EXPECT_EQ(kOuter.path(&Outer::every), "every");
  EXPECT_EQ(kOuter.path(&Outer::link, &Inner::attr), "link.attr");
  struct Unbound {
    int x;
  };
  EXPECT_THROW(kOuter.path(&Outer::link, &Inner::select, &Unbound::x), std::logic_error);
}

}  // namespace
