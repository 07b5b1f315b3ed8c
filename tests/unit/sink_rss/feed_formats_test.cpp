// SPDX-License-Identifier: Apache-2.0
// The Atom 1.0 and JSON Feed 1.1 renderers, and where each format's file
// lives: exact output for a known article (Vietnamese text, NFC), hubs and
// self links, hostile text that still gives a well-formed document, and the
// atom:id rule for ids that are not IRIs.
#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <nlohmann/json.hpp>
#include <syndicd/common/feed_files.hpp>

#include "atom_writer.hpp"
#include "json_feed_writer.hpp"

using namespace syndicd::rss;

namespace {

Channel channel() {
  Channel c;
  c.title = "Tin Thái Nguyên";
  c.link = "https://example.org/";
  c.description = "Tin mới";
  c.self_url = "https://example.org/feeds/tn.xml";
  c.atom_self_url = "https://example.org/feeds/tn.atom";
  c.json_feed_url = "https://example.org/feeds/tn.json";
  c.hubs = {"https://hub.example/"};
  c.language = "vi";
  c.last_build_date = 1578614400000;  // 2020-01-10T00:00:00Z
  return c;
}

Item item() {
  Item i;
  i.guid = "https://example.org/a.html";
  i.link = "https://example.org/a.html";
  // NFD on the way in: every format must say it in NFC.
  i.title = xml_line("Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t < 5");
  i.description = "Sapo & lead";
  i.content_html = "<p>Nội dung</p>";
  i.author = "Phóng viên";
  i.published = 1578610680000;  // 2020-01-09T22:58:00Z
  i.categories = {"thời sự"};
  i.image_url = "https://example.org/a.jpg";
  return i;
}

TEST(AtomWriter, WritesAKnownFeedExactly) {
  EXPECT_EQ(render_atom(channel(), {item()}),
            R"(<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
    <title>Tin Thái Nguyên</title>
    <subtitle>Tin mới</subtitle>
    <link rel="alternate" type="text/html" href="https://example.org/"/>
    <link rel="self" type="application/atom+xml" href="https://example.org/feeds/tn.atom"/>
    <link rel="hub" href="https://hub.example/"/>
    <id>https://example.org/feeds/tn.atom</id>
    <updated>2020-01-10T00:00:00+00:00</updated>
    <author>
        <name>Tin Thái Nguyên</name>
    </author>
    <generator>syndicd</generator>
    <entry>
        <title>Tiếng Việt &lt; 5</title>
        <link rel="alternate" type="text/html" href="https://example.org/a.html"/>
        <id>https://example.org/a.html</id>
        <published>2020-01-09T22:58:00+00:00</published>
        <updated>2020-01-09T22:58:00+00:00</updated>
        <author>
            <name>Phóng viên</name>
        </author>
        <category term="thời sự"/>
        <summary type="text">Sapo &amp; lead</summary>
        <content type="html">&lt;p&gt;Nội dung&lt;/p&gt;</content>
        <link rel="enclosure" type="image/jpeg" href="https://example.org/a.jpg"/>
    </entry>
</feed>
)");
}

TEST(AtomWriter, WithoutASelfUrlTheIdIsTheSite) {
  Channel c = channel();
  c.atom_self_url.clear();
  c.hubs.clear();
  const std::string xml = render_atom(c, {});
  EXPECT_NE(xml.find("<id>https://example.org/</id>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("rel=\"self\""), std::string::npos) << xml;
  EXPECT_EQ(xml.find("rel=\"hub\""), std::string::npos) << xml;
}

TEST(AtomWriter, EntryIdsAreIris) {
  EXPECT_EQ(atom_entry_id("https://example.org/a"), "https://example.org/a");
  EXPECT_EQ(atom_entry_id("tag:example.org,2020:2"), "tag:example.org,2020:2");
  EXPECT_EQ(atom_entry_id("id-3"), "urn:syndicd:id-3");
  EXPECT_EQ(atom_entry_id("a b:c"), "urn:syndicd:a%20b%3Ac");
  EXPECT_EQ(atom_entry_id("1:2"), "urn:syndicd:1%3A2");  // a scheme starts with a letter
}

TEST(AtomWriter, HostileTextStillGivesAWellFormedDocument) {
  Channel c = channel();
  c.title = "A ]]> & <b> \x01\xff";
  Item i = item();
  i.title = "x\x02 ]]> <y>";
  i.content_html = "<p>]]></p>\x0b";
  i.guid = "id <1>";
  tinyxml2::XMLDocument doc;
  const std::string xml = render_atom(c, {i});
  ASSERT_EQ(doc.Parse(xml.c_str()), tinyxml2::XML_SUCCESS) << xml;
  EXPECT_STREQ(doc.RootElement()->FirstChildElement("title")->GetText(),
               "A ]]> & <b> \xEF\xBF\xBD");
  const auto* entry = doc.RootElement()->FirstChildElement("entry");
  EXPECT_STREQ(entry->FirstChildElement("title")->GetText(), "x ]]> <y>");
  EXPECT_STREQ(entry->FirstChildElement("id")->GetText(), "urn:syndicd:id%20%3C1%3E");
}

TEST(JsonFeedWriter, WritesAKnownFeed) {
  const auto doc = nlohmann::json::parse(render_json_feed(channel(), {item()}));
  EXPECT_EQ(doc, nlohmann::json::parse(R"({
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Tin Thái Nguyên",
    "home_page_url": "https://example.org/",
    "feed_url": "https://example.org/feeds/tn.json",
    "description": "Tin mới",
    "language": "vi",
    "hubs": [{"type": "WebSub", "url": "https://hub.example/"}],
    "items": [{
      "id": "https://example.org/a.html",
      "url": "https://example.org/a.html",
      "title": "Tiếng Việt < 5",
      "summary": "Sapo & lead",
      "content_html": "<p>Nội dung</p>",
      "image": "https://example.org/a.jpg",
      "date_published": "2020-01-09T22:58:00+00:00",
      "authors": [{"name": "Phóng viên"}],
      "tags": ["thời sự"]
    }]
  })"));
}

TEST(JsonFeedWriter, LeavesOutWhatIsUnknownAndAlwaysHasContent) {
  Channel c = channel();
  c.json_feed_url.clear();
  c.hubs.clear();
  Item bare;
  bare.guid = "id-1";
  bare.title = "Chỉ tiêu đề";
  bare.published = 0;
  const auto doc = nlohmann::json::parse(render_json_feed(c, {bare}));
  EXPECT_FALSE(doc.contains("feed_url"));
  EXPECT_FALSE(doc.contains("hubs"));
  const auto& i = doc.at("items").at(0);
  EXPECT_EQ(i.at("content_text"), "Chỉ tiêu đề");
  EXPECT_FALSE(i.contains("url"));
  EXPECT_FALSE(i.contains("authors"));
  EXPECT_FALSE(i.contains("tags"));
  bare.description = "Sapo";
  EXPECT_EQ(nlohmann::json::parse(render_json_feed(c, {bare})).at("items").at(0).at("content_text"),
            "Sapo");
}

TEST(JsonFeedWriter, InvalidUtf8IsReplacedNotFatal) {
  Item i = item();
  i.title = "Bad \xff bytes";
  const auto doc = nlohmann::json::parse(render_json_feed(channel(), {i}));
  EXPECT_EQ(doc.at("items").at(0).at("title"), "Bad \xEF\xBF\xBD bytes");
}

TEST(FeedFiles, EachFormatHasItsFileBesideTheRssOne) {
  using syndicd::common::feed_file;
  using syndicd::common::feed_format_named;
  EXPECT_EQ(feed_file("/srv/feed.xml", *feed_format_named("rss")), "/srv/feed.xml");
  EXPECT_EQ(feed_file("/srv/feed.xml", *feed_format_named("atom")), "/srv/feed.atom");
  EXPECT_EQ(feed_file("/srv/feed.xml", *feed_format_named("json")), "/srv/feed.json");
  EXPECT_EQ(feed_file("/srv/feed", *feed_format_named("json")), "/srv/feed.json");
  EXPECT_EQ(feed_format_named("yaml"), nullptr);
  EXPECT_EQ(syndicd::common::feed_format_for_suffix(".atom")->content_type,
            "application/atom+xml; charset=utf-8");
}

}  // namespace
