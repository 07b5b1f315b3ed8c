// SPDX-License-Identifier: Apache-2.0
// The `rss` sink's renderer, item list and atomic write, without the plugin
// ABI: exact output for a known article, hostile text that must still give
// a well-formed document decoding to the sanitised text, trimming order,
// updates, and what the file on disk looks like.
#include "rss_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <tinyxml2.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace syndicd::rss;
using syndicd::Article;

namespace {

// 2020-01-10T05:58:00+07:00
constexpr int64_t kPublished = 1578610680000;
// 2020-01-10T00:00:00Z
constexpr int64_t kBuilt = 1578614400000;

Channel channel() {
  Channel c;
  c.title = "Tin Thái Nguyên";
  c.link = "https://example.org/";
  c.description = "Tin mới";
  c.self_url = "https://example.org/feeds/tn.xml";
  c.language = "vi";
  c.ttl_minutes = 30;
  c.last_build_date = kBuilt;
  return c;
}

Article article() {
  Article a;
  a.id = "https://example.org/a/1.html";
  a.url = a.id;
  a.title = "Sông Công ra quân thủy lợi";
  a.lead = "Sáng 10/1, huyện ra quân.";
  a.body_html = "<p>Nội dung</p>";
  a.author = "Nguyễn Văn A";
  a.published = kPublished;
  a.tags = {"thời sự", "nông nghiệp"};
  a.images.push_back({"https://example.org/i/1.JPG?w=600", "ảnh", "Người dân ra quân"});
  return a;
}

// The concatenated text of an element's children (several CDATA sections
// come back as several text nodes).
std::string all_text(const tinyxml2::XMLElement* e) {
  std::string out;
  for (const tinyxml2::XMLNode* n = e->FirstChild(); n != nullptr; n = n->NextSibling())
    if (const auto* t = n->ToText()) out += t->Value();
  return out;
}

struct Parsed {
  tinyxml2::XMLDocument doc;
  const tinyxml2::XMLElement* channel = nullptr;
};

void parse(const std::string& xml, Parsed& p) {
  ASSERT_EQ(p.doc.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS) << p.doc.ErrorStr() << "\n"
                                                                         << xml;
  const auto* rss = p.doc.FirstChildElement("rss");
  ASSERT_NE(rss, nullptr);
  p.channel = rss->FirstChildElement("channel");
  ASSERT_NE(p.channel, nullptr);
}

TEST(RssRender, ExactOutputForAKnownArticle) {
  const std::string xml = render(channel(), {item_from_article(article(), 0)});
  EXPECT_EQ(xml,
            R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
    <channel>
        <title>Tin Thái Nguyên</title>
        <link>https://example.org/</link>
        <description>Tin mới</description>
        <atom:link href="https://example.org/feeds/tn.xml" rel="self" type="application/rss+xml"/>
        <language>vi</language>
        <lastBuildDate>Fri, 10 Jan 2020 00:00:00 GMT</lastBuildDate>
        <generator>syndicd</generator>
        <ttl>30</ttl>
        <item>
            <title>Sông Công ra quân thủy lợi</title>
            <link>https://example.org/a/1.html</link>
            <guid isPermaLink="true">https://example.org/a/1.html</guid>
            <pubDate>Thu, 09 Jan 2020 22:58:00 GMT</pubDate>
            <dc:creator>Nguyễn Văn A</dc:creator>
            <category>thời sự</category>
            <category>nông nghiệp</category>
            <description>Sáng 10/1, huyện ra quân.</description>
            <content:encoded><![CDATA[<p>Nội dung</p>]]></content:encoded>
            <enclosure url="https://example.org/i/1.JPG?w=600" length="0" type="image/jpeg"/>
            <media:content url="https://example.org/i/1.JPG?w=600" medium="image" type="image/jpeg">
                <media:description type="plain">Người dân ra quân</media:description>
            </media:content>
        </item>
    </channel>
</rss>
)");
}

TEST(RssRender, EmptyFeedAndOptionalChannelParts) {
  Channel c = channel();
  c.self_url.clear();
  c.ttl_minutes = 0;
  c.description.clear();
  const std::string xml = render(c, {});
  // No atom:link when the feed's own URL is unknown; an empty description
  // is still there (RSS 2.0 requires it).
  EXPECT_EQ(xml.find("atom:link"), std::string::npos);
  EXPECT_EQ(xml.find("<ttl>"), std::string::npos);
  EXPECT_NE(xml.find("<description></description>"), std::string::npos) << xml;
  Parsed p;
  parse(xml, p);
  EXPECT_EQ(p.channel->FirstChildElement("item"), nullptr);
}

TEST(RssRender, GuidIsAPermalinkOnlyWhenItIsTheUrl) {
  Article a = article();
  a.id = "tag:example.org,2020:1";
  Parsed p;
  parse(render(channel(), {item_from_article(a, 0)}), p);
  const auto* guid = p.channel->FirstChildElement("item")->FirstChildElement("guid");
  EXPECT_STREQ(guid->GetText(), "tag:example.org,2020:1");
  EXPECT_STREQ(guid->Attribute("isPermaLink"), "false");

  // No id at all: the URL stands in, and is a permalink.
  a.id.clear();
  EXPECT_EQ(item_from_article(a, 0).guid, a.url);
}

TEST(RssRender, MissingPartsAreLeftOut) {
  Article a;
  a.id = "x-1";
  a.url = "https://example.org/x";
  a.images.push_back({"https://example.org/image", "", "Ảnh"});
  const Item item = item_from_article(a, kBuilt);
  // No date from the source: the delivery time.
  EXPECT_EQ(item.published, kBuilt);
  const std::string xml = render(channel(), {item});
  for (const char* absent : {"dc:creator", "<category", "content:encoded", "<enclosure"})
    EXPECT_EQ(xml.find(absent), std::string::npos) << absent << "\n" << xml;
  Parsed p;
  parse(xml, p);
  const auto* item_el = p.channel->FirstChildElement("item");
  // An untitled item is titled with its link, so readers show something.
  EXPECT_STREQ(item_el->FirstChildElement("title")->GetText(), "https://example.org/x");
  EXPECT_EQ(item_el->FirstChildElement("description"), nullptr);
  // An image of unknown type: media:content only, without a type.
  const auto* media = item_el->FirstChildElement("media:content");
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->Attribute("type"), nullptr);
  EXPECT_STREQ(media->FirstChildElement("media:description")->GetText(), "Ảnh");
}

TEST(RssRender, CaptionFallsBackToAlt) {
  Article a = article();
  a.images = {{"https://example.org/a.png", "the alt", ""}};
  const Item item = item_from_article(a, 0);
  EXPECT_EQ(item.image_url, "https://example.org/a.png");
  EXPECT_EQ(item.image_caption, "the alt");
}

TEST(RssRender, ImageTypes) {
  EXPECT_EQ(image_type("https://x/a.jpg"), "image/jpeg");
  EXPECT_EQ(image_type("https://x/a.JPEG?v=2"), "image/jpeg");
  EXPECT_EQ(image_type("https://x/a.png#top"), "image/png");
  EXPECT_EQ(image_type("https://x/a.gif"), "image/gif");
  EXPECT_EQ(image_type("https://x/a.webp"), "image/webp");
  EXPECT_EQ(image_type("https://x/a.svg"), "");
  EXPECT_EQ(image_type("https://x/image"), "");
  EXPECT_EQ(image_type("https://x.jpg/image"), "");
  EXPECT_EQ(image_type("https://x/a?f=b.png"), "");
}

TEST(RssText, SplitCdata) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(split_cdata(""), V{""});
  EXPECT_EQ(split_cdata("abc"), V{"abc"});
  EXPECT_EQ(split_cdata("]]>"), (V{"]]", ">"}));
  EXPECT_EQ(split_cdata("a]]>b]]>c"), (V{"a]]", ">b]]", ">c"}));
  EXPECT_EQ(split_cdata("]]]]>>"), (V{"]]]]", ">>"}));
  EXPECT_EQ(split_cdata("]]>]]>"), (V{"]]", ">]]", ">"}));
}

TEST(RssText, XmlTextStripsWhatXmlCannotCarry) {
  EXPECT_EQ(xml_text("a\x01"
                     "b\x1f"
                     "c\x7f"
                     "d"),
            "abcd");
  EXPECT_EQ(xml_text(std::string("nul\0byte", 8)), "nulbyte");
  EXPECT_EQ(xml_text("tab\tlf\ncr\rcrlf\r\nend"), "tab\tlf\ncr\ncrlf\nend");
  // C1 controls (U+0080-U+009F), U+FFFE and U+FFFF.
  EXPECT_EQ(xml_text("a\xC2\x80"
                     "b\xC2\x9F"
                     "c\xEF\xBF\xBE"
                     "d\xEF\xBF\xBF"
                     "e"),
            "abcde");
  // Invalid UTF-8: a stray byte, a truncated sequence, an encoded surrogate.
  EXPECT_EQ(xml_text("a\xFF"
                     "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(xml_text("a\xE1\xBB"), "a\xEF\xBF\xBD");
  EXPECT_EQ(xml_text("\xED\xA0\x80"), "\xEF\xBF\xBD");
  // NFD → NFC: "Tiếng Việt" written with combining marks.
  EXPECT_EQ(xml_text("Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t"), "Tiếng Việt");
  // Astral characters and U+FFFD itself are fine.
  EXPECT_EQ(xml_text("\xF0\x9F\x98\x80\xEF\xBF\xBD"), "\xF0\x9F\x98\x80\xEF\xBF\xBD");
}

TEST(RssText, XmlLineIsOneTrimmedLine) {
  EXPECT_EQ(xml_line("  Hà\tNội\r\n  mưa \x01 "), "Hà Nội mưa");
}

TEST(RssRender, HostileTextGivesAWellFormedFeedWithTheSanitisedText) {
  Article a;
  a.id = "id <&> \"1\" ]]>";
  a.url = "https://example.org/a?x=1&y=<2>";
  a.title = "A < B & C ]]> D \x01\x02 \xFF\xFE E \"q\" 'a' Tie\xCC\x82\xCC\x81ng";
  a.lead = "Lead & <b>not bold</b> ]]> \x0b\x0c\r\nline2";
  a.body_html = "<p>x ]]> y ]]]]> z]]\x01</p><![CDATA[inner]]>\xC3\x28";
  a.author = "<script>&amp;</script>";
  a.tags = {"a&b", "<c>", "]]>"};
  a.images.push_back({"https://example.org/i.png?a=1&b=\"2\"", "", "cap <&> ]]>"});
  a.published = kPublished;
  const std::string xml = render(channel(), {item_from_article(a, 0)});

  // No raw control characters and no CDATA section holding "]]>".
  for (unsigned char c : xml)
    EXPECT_FALSE(c < 0x20 && c != '\n' && c != '\t') << static_cast<int>(c);
  for (size_t pos = xml.find("<![CDATA["); pos != std::string::npos;
       pos = xml.find("<![CDATA[", pos + 1)) {
    const size_t end = xml.find("]]>", pos);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(xml.substr(pos + 9, end - pos - 9).find("]]>"), std::string::npos);
  }

  Parsed p;
  parse(xml, p);
  const auto* item = p.channel->FirstChildElement("item");
  ASSERT_NE(item, nullptr);
  EXPECT_STREQ(item->FirstChildElement("title")->GetText(),
               "A < B & C ]]> D \xEF\xBF\xBD\xEF\xBF\xBD E \"q\" 'a' Tiếng");
  EXPECT_STREQ(item->FirstChildElement("link")->GetText(), "https://example.org/a?x=1&y=<2>");
  EXPECT_STREQ(item->FirstChildElement("guid")->GetText(), "id <&> \"1\" ]]>");
  // The lead is plain text inside HTML-by-convention <description>.
  EXPECT_STREQ(item->FirstChildElement("description")->GetText(),
               "Lead &amp; &lt;b&gt;not bold&lt;/b&gt; ]]&gt; \nline2");
  EXPECT_EQ(all_text(item->FirstChildElement("content:encoded")),
            "<p>x ]]> y ]]]]> z]]</p><![CDATA[inner]]>\xEF\xBF\xBD(");
  EXPECT_STREQ(item->FirstChildElement("dc:creator")->GetText(), "<script>&amp;</script>");
  std::vector<std::string> categories;
  for (const auto* c = item->FirstChildElement("category"); c != nullptr;
       c = c->NextSiblingElement("category"))
    categories.push_back(c->GetText());
  EXPECT_EQ(categories, (std::vector<std::string>{"a&b", "<c>", "]]>"}));
  EXPECT_STREQ(item->FirstChildElement("enclosure")->Attribute("url"),
               "https://example.org/i.png?a=1&b=\"2\"");
  EXPECT_STREQ(
      item->FirstChildElement("media:content")->FirstChildElement("media:description")->GetText(),
      "cap <&> ]]>");
}

TEST(RssRender, HostileChannelText) {
  Channel c = channel();
  c.title = "T <&> ]]> \x01\xFF";
  c.description = "D\x02 & <x>";
  Parsed p;
  parse(render(c, {}), p);
  EXPECT_STREQ(p.channel->FirstChildElement("title")->GetText(), "T <&> ]]> \xEF\xBF\xBD");
  EXPECT_STREQ(p.channel->FirstChildElement("description")->GetText(), "D & <x>");
}

// ---------------------------------------------------------------------------

Item item(std::string guid, int64_t published, std::string title = "t") {
  Item i;
  i.guid = std::move(guid);
  i.link = "https://example.org/" + i.guid;
  i.title = std::move(title);
  i.published = published;
  return i;
}

std::vector<std::string> guids(const ItemList& list) {
  std::vector<std::string> out;
  for (const auto& i : list.items()) out.push_back(i.guid);
  return out;
}

using Guids = std::vector<std::string>;

TEST(RssItems, NewestFirstTrimmedToMaxItems) {
  ItemList list(3);
  EXPECT_TRUE(list.upsert(item("b", 2000)));
  EXPECT_TRUE(list.upsert(item("d", 4000)));
  EXPECT_TRUE(list.upsert(item("a", 1000)));
  EXPECT_EQ(guids(list), (Guids{"d", "b", "a"}));
  // A newer one pushes the oldest out.
  EXPECT_TRUE(list.upsert(item("c", 3000)));
  EXPECT_EQ(guids(list), (Guids{"d", "c", "b"}));
  // One older than everything in a full feed never gets in.
  EXPECT_FALSE(list.upsert(item("old", 500)));
  EXPECT_EQ(guids(list), (Guids{"d", "c", "b"}));
}

TEST(RssItems, EqualDatesKeepDeliveryOrderNewestFirst) {
  ItemList list(3);
  list.upsert(item("first", 1000));
  list.upsert(item("second", 1000));
  list.upsert(item("third", 1000));
  EXPECT_EQ(guids(list), (Guids{"third", "second", "first"}));
  list.upsert(item("fourth", 1000));
  EXPECT_EQ(guids(list), (Guids{"fourth", "third", "second"}));
}

TEST(RssItems, UpdateReplacesTheItem) {
  ItemList list(10);
  list.upsert(item("a", 1000, "old title"));
  list.upsert(item("b", 1000));
  list.upsert(item("a", 1000, "new title"));
  ASSERT_EQ(list.items().size(), 2u);
  // Same place in delivery order as before, new content.
  EXPECT_EQ(guids(list), (Guids{"b", "a"}));
  EXPECT_EQ(list.items()[1].title, "new title");
  // A changed date moves it.
  list.upsert(item("a", 5000, "newest title"));
  EXPECT_EQ(guids(list), (Guids{"a", "b"}));
  EXPECT_EQ(list.items()[0].title, "newest title");
}

TEST(RssItems, PreviousGuidIsReplaced) {
  ItemList list(10);
  list.upsert(item("old-id", 1000));
  list.upsert(item("other", 1000));
  list.upsert(item("new-id", 1000), "old-id");
  EXPECT_EQ(guids(list), (Guids{"new-id", "other"}));
}

TEST(RssItems, JsonRoundTrip) {
  ItemList list(5);
  Item full = item_from_article(article(), 0);
  list.upsert(full);
  list.upsert(item("b", 1000, "B \xE2\x80\x94 ]]>"));
  const ItemList back = ItemList::from_json(list.to_json(), 5);
  EXPECT_EQ(back.items(), list.items());
  // Sequence numbers keep counting after a reload: ties still order right.
  ItemList more = ItemList::from_json(list.to_json(), 5);
  more.upsert(item("c", 1000));
  EXPECT_EQ(guids(more), (Guids{full.guid, "c", "b"}));
  // A smaller max_items trims on load.
  EXPECT_EQ(ItemList::from_json(list.to_json(), 1).items().size(), 1u);
}

TEST(RssItems, UnreadableJsonThrows) {
  EXPECT_THROW(ItemList::from_json("not json", 5), std::runtime_error);
  EXPECT_THROW(ItemList::from_json(R"({"version": 2, "next_seq": 1, "items": []})", 5),
               std::runtime_error);
  EXPECT_THROW(ItemList::from_json(R"({"version": 1, "next_seq": 1, "items": [{}]})", 5),
               std::runtime_error);
}

// ---------------------------------------------------------------------------

class RssAtomicWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-rss-writer-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(RssAtomicWrite, CreatesDirectoriesAndReplacesTheFile) {
  const fs::path file = dir_ / "a" / "b" / "feed.xml";
  syndicd::common::write_file_atomically(file, "first", "feed");
  EXPECT_EQ(read(file), "first");
  syndicd::common::write_file_atomically(file, "second", "feed");
  EXPECT_EQ(read(file), "second");
  // Readable by a web server; no temp file left behind.
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(file.parent_path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(RssAtomicWrite, FailureNamesThePathAndTheReason) {
  // A regular file where a directory should be: fails even for root.
  fs::create_directories(dir_);
  std::ofstream(dir_ / "blocker") << "x";
  const fs::path file = dir_ / "blocker" / "feed.xml";
  try {
    syndicd::common::write_file_atomically(file, "data", "feed");
    FAIL() << "no error";
  } catch (const WriteError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cannot write feed " + file.string() + ": ", 0), 0u) << what;
    EXPECT_NE(what.find("Not a directory"), std::string::npos) << what;
  }
}

}  // namespace
