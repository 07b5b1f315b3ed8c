// SPDX-License-Identifier: Apache-2.0
// Capabilities read from schemas: which keys a source fetches (and whether
// file:// is allowed), which file a sink publishes, the load-time rules for
// the flags, and what the built-in plugins declare.
#include "plugin_host/capabilities.hpp"

#include <gtest/gtest.h>

#include <syndicd/options.hpp>

#include "config/schema.hpp"
#include "plugin_host/loader.hpp"

namespace {

using syndicd::config::ConfigValues;
using namespace syndicd::plugin_host;

constexpr syndicd_field kNext[] = {
    {.name = "next", .type = SYNDICD_TYPE_URL, .flags = SYNDICD_FIELD_FETCHED},
    {},
};
constexpr syndicd_field kSource[] = {
    {.name = "url",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED | SYNDICD_FIELD_FETCHED | SYNDICD_FIELD_LOCAL_FILES},
    {.name = "homepage", .type = SYNDICD_TYPE_URL},
    {.name = "mirrors", .type = SYNDICD_TYPE_STRING_LIST, .flags = SYNDICD_FIELD_FETCHED},
    {.name = "list", .type = SYNDICD_TYPE_OBJECT, .children = kNext},
    {},
};
constexpr syndicd_field kSink[] = {
    {.name = "log", .type = SYNDICD_TYPE_PATH},
    {.name = "out", .type = SYNDICD_TYPE_PATH, .flags = SYNDICD_FIELD_PUBLISHED},
    {},
};

ConfigValues::Value text(std::string s, syndicd_type type = SYNDICD_TYPE_URL) {
  ConfigValues::Value v;
  v.type = type;
  v.text = std::move(s);
  v.set = true;
  return v;
}

ConfigValues source_values(const std::string& url, std::vector<std::string> mirrors = {}) {
  ConfigValues v(syndicd::config::Mark{"x.yaml", 1, 1});
  v.put("url", text(url));
  v.put("homepage", text("file:///not/fetched"));
  if (!mirrors.empty()) {
    ConfigValues::Value list = text("", SYNDICD_TYPE_STRING_LIST);
    list.number = static_cast<int64_t>(mirrors.size());
    v.put("mirrors", list);
    for (size_t i = 0; i < mirrors.size(); ++i)
      v.put("mirrors[" + std::to_string(i) + "]", text(mirrors[i], SYNDICD_TYPE_STRING));
  }
  return v;
}

TEST(Capabilities, FindsFetchedAndPublishedKeysNestedIncluded) {
  const Capabilities caps = capabilities_of(kSource);
  ASSERT_EQ(caps.fetched.size(), 3u);
  EXPECT_EQ(caps.fetched[0].path, "url");
  EXPECT_TRUE(caps.fetched[0].local_files);
  EXPECT_EQ(caps.fetched[1].path, "mirrors");
  EXPECT_TRUE(caps.fetched[1].list);
  EXPECT_FALSE(caps.fetched[1].local_files);
  EXPECT_EQ(caps.fetched[2].path, "list.next");
  EXPECT_TRUE(caps.published.empty());

  const Capabilities sink = capabilities_of(kSink);
  EXPECT_TRUE(sink.fetched.empty());
  EXPECT_EQ(sink.published, std::vector<std::string>{"out"});
}

TEST(Capabilities, NoFlagsNoCapabilities) {
  constexpr syndicd_field kOld[] = {{.name = "url", .type = SYNDICD_TYPE_URL}, {}};
  const Capabilities caps = capabilities_of(kOld);
  EXPECT_TRUE(caps.fetched.empty());
  EXPECT_TRUE(caps.published.empty());
  EXPECT_FALSE(reads_local_files(caps, source_values("file:///srv/demo.xml")));
  EXPECT_TRUE(capabilities_of(nullptr).fetched.empty());
}

TEST(Capabilities, FetchedUrlsInSchemaOrder) {
  const auto caps = capabilities_of(kSource);
  EXPECT_EQ(fetched_urls(caps, source_values("https://a.example/feed",
                                             {"https://b.example/", "https://c.example/"})),
            (std::vector<std::string>{"https://a.example/feed", "https://b.example/",
                                      "https://c.example/"}));
}

TEST(Capabilities, LocalFilesOnlyThroughALocalFilesKey) {
  const auto caps = capabilities_of(kSource);
  EXPECT_TRUE(reads_local_files(caps, source_values("file:///srv/demo.xml")));
  EXPECT_FALSE(reads_local_files(caps, source_values("https://a.example/feed")));
  // `homepage` holds a file:// URL but is not fetched: no local files.
  EXPECT_FALSE(forbidden_local_file(caps, source_values("https://a.example/feed")));
  // A fetched key without LOCAL_FILES may not hold one.
  const auto bad =
      source_values("https://a.example/feed", {"https://b.example/", "file:///etc/passwd"});
  EXPECT_FALSE(reads_local_files(caps, bad));
  EXPECT_EQ(forbidden_local_file(caps, bad), "mirrors[1]");
}

TEST(Capabilities, PublishedFile) {
  const auto caps = capabilities_of(kSink);
  ConfigValues v(syndicd::config::Mark{"x.yaml", 1, 1});
  EXPECT_FALSE(published_file(caps, v));
  v.put("log", text("/var/log/x", SYNDICD_TYPE_PATH));
  v.put("out", text("/srv/feeds/mine.xml", SYNDICD_TYPE_PATH));
  EXPECT_EQ(published_file(caps, v), "/srv/feeds/mine.xml");
}

TEST(Capabilities, RulesForTheFlags) {
  EXPECT_TRUE(check_capabilities(kSource, SYNDICD_KIND_SOURCE).empty());
  EXPECT_TRUE(check_capabilities(kSink, SYNDICD_KIND_SINK).empty());
  EXPECT_EQ(check_capabilities(kSource, SYNDICD_KIND_SINK),
            (std::vector<std::string>{
                "url: FETCHED is for sources (a sink's calls are not configured URLs)",
                "mirrors: FETCHED is for sources (a sink's calls are not configured URLs)",
                "list.next: FETCHED is for sources (a sink's calls are not configured URLs)"}));
  EXPECT_EQ(check_capabilities(kSink, SYNDICD_KIND_SOURCE),
            std::vector<std::string>{"out: PUBLISHED is for sinks"});
  constexpr syndicd_field kWrongTypes[] = {
      {.name = "count", .type = SYNDICD_TYPE_INT, .flags = SYNDICD_FIELD_FETCHED},
      {.name = "dir", .type = SYNDICD_TYPE_URL, .flags = SYNDICD_FIELD_LOCAL_FILES},
      {},
  };
  EXPECT_EQ(check_capabilities(kWrongTypes, SYNDICD_KIND_SOURCE),
            (std::vector<std::string>{"count: FETCHED on a key that is not a URL or a list of URLs",
                                      "dir: LOCAL_FILES without FETCHED"}));
  constexpr syndicd_field kNotAPath[] = {
      {.name = "feed", .type = SYNDICD_TYPE_URL, .flags = SYNDICD_FIELD_PUBLISHED},
      {},
  };
  EXPECT_EQ(check_capabilities(kNotAPath, SYNDICD_KIND_SINK),
            std::vector<std::string>{"feed: PUBLISHED on a key that is not a path"});
}

constexpr const char* kPageKinds[] = {"list", "article", nullptr};
constexpr const char* kOtherKinds[] = {"list", "feed", nullptr};

TEST(Capabilities, ArticlePageIsAnEnumWithTheChoiceArticleInASourceThatFetches) {
  constexpr syndicd_field kGood[] = {
      {.name = "url", .type = SYNDICD_TYPE_URL, .flags = SYNDICD_FIELD_FETCHED},
      {.name = "page",
       .type = SYNDICD_TYPE_ENUM,
       .flags = SYNDICD_FIELD_ARTICLE_PAGE,
       .choices = kPageKinds},
      {},
  };
  EXPECT_TRUE(check_capabilities(kGood, SYNDICD_KIND_SOURCE).empty());
  EXPECT_EQ(capabilities_of(kGood).article_page, "page");
  EXPECT_EQ(check_capabilities(kGood, SYNDICD_KIND_SINK),
            (std::vector<std::string>{
                "url: FETCHED is for sources (a sink's calls are not configured URLs)",
                "page: ARTICLE_PAGE is for sources"}));
  constexpr syndicd_field kNoArticleChoice[] = {
      {.name = "url", .type = SYNDICD_TYPE_URL, .flags = SYNDICD_FIELD_FETCHED},
      {.name = "page",
       .type = SYNDICD_TYPE_ENUM,
       .flags = SYNDICD_FIELD_ARTICLE_PAGE,
       .choices = kOtherKinds},
      {.name = "single", .type = SYNDICD_TYPE_BOOL, .flags = SYNDICD_FIELD_ARTICLE_PAGE},
      {},
  };
  EXPECT_EQ(check_capabilities(kNoArticleChoice, SYNDICD_KIND_SOURCE),
            (std::vector<std::string>{
                "page: ARTICLE_PAGE on a key that is not an ENUM with the choice \"article\"",
                "single: ARTICLE_PAGE on a key that is not an ENUM with the choice \"article\""}));
  constexpr syndicd_field kNothingFetched[] = {
      {.name = "page",
       .type = SYNDICD_TYPE_ENUM,
       .flags = SYNDICD_FIELD_ARTICLE_PAGE,
       .choices = kPageKinds},
      {},
  };
  EXPECT_EQ(check_capabilities(kNothingFetched, SYNDICD_KIND_SOURCE),
            std::vector<std::string>{"page: ARTICLE_PAGE in a source with no FETCHED key (the "
                                     "page's URL would have no key to go in)"});
}

TEST(Capabilities, TimezoneIsASourcesStringKey) {
  constexpr syndicd_field kZones[] = {
      {.name = "zone", .type = SYNDICD_TYPE_STRING, .flags = SYNDICD_FIELD_TIMEZONE},
      {.name = "offset", .type = SYNDICD_TYPE_INT, .flags = SYNDICD_FIELD_TIMEZONE},
      {},
  };
  EXPECT_EQ(capabilities_of(kZones).timezone, "zone");
  EXPECT_EQ(check_capabilities(kZones, SYNDICD_KIND_SOURCE),
            std::vector<std::string>{"offset: TIMEZONE on a key that is not a string"});
  EXPECT_EQ(check_capabilities(kZones, SYNDICD_KIND_SINK),
            (std::vector<std::string>{"zone: TIMEZONE is for sources",
                                      "offset: TIMEZONE is for sources"}));
  ConfigValues v(syndicd::config::Mark{"x.yaml", 1, 1});
  EXPECT_EQ(source_timezone(capabilities_of(kZones), v), std::nullopt);
  v.put("zone", text("+05:30", SYNDICD_TYPE_STRING));
  EXPECT_EQ(source_timezone(capabilities_of(kZones), v), "+05:30");
}

struct Typed {
  std::string feed;
  std::string mirror;
  std::string out;
};
namespace key = syndicd::key;
constexpr syndicd::Options kTyped{
    key::url("feed", &Typed::feed).required().local_files(),
    key::url("mirror", &Typed::mirror).fetched(),
    key::path("out", &Typed::out).published(),
};

TEST(Capabilities, TheSdkSettersDeclareTheFlags) {
  static_assert(kTyped.fields()[0].flags ==
                (SYNDICD_FIELD_REQUIRED | SYNDICD_FIELD_FETCHED | SYNDICD_FIELD_LOCAL_FILES));
  static_assert(kTyped.fields()[1].flags == SYNDICD_FIELD_FETCHED);
  static_assert(kTyped.fields()[2].flags == SYNDICD_FIELD_PUBLISHED);
  const auto caps = capabilities_of(kTyped.fields());
  ASSERT_EQ(caps.fetched.size(), 2u);
  EXPECT_TRUE(caps.fetched[0].local_files);
  EXPECT_FALSE(caps.fetched[1].local_files);
  EXPECT_EQ(caps.published, std::vector<std::string>{"out"});
}

TEST(Capabilities, WhatTheBuiltinPluginsDeclare) {
  Registry registry;
  ASSERT_TRUE(registry.load_path({SYNDICD_PLUGIN_DIR}).empty());
  for (const char* name : {"rss", "html"}) {
    const auto caps = capabilities_of(*registry.find(SYNDICD_KIND_SOURCE, name));
    ASSERT_EQ(caps.fetched.size(), 1u) << name;
    EXPECT_EQ(caps.fetched[0].path, "url") << name;
    EXPECT_TRUE(caps.fetched[0].local_files) << name;
  }
  // Only the html source reads single article pages.
  EXPECT_EQ(capabilities_of(*registry.find(SYNDICD_KIND_SOURCE, "html")).article_page, "page");
  EXPECT_EQ(capabilities_of(*registry.find(SYNDICD_KIND_SOURCE, "rss")).article_page, "");
  for (const char* name : {"rss", "html"})
    EXPECT_EQ(capabilities_of(*registry.find(SYNDICD_KIND_SOURCE, name)).timezone, "timezone");
  EXPECT_EQ(capabilities_of(*registry.find(SYNDICD_KIND_SINK, "rss")).published,
            std::vector<std::string>{"path"});
  for (const char* name : {"facebook", "youtube"})
    EXPECT_TRUE(capabilities_of(*registry.find(SYNDICD_KIND_SINK, name)).published.empty()) << name;
}

}  // namespace
