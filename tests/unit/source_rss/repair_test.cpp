// SPDX-License-Identifier: Apache-2.0
// Ill-formed feeds: each repair of the pre-pass, reported as a warning, and
// the documents that cannot be read at all.
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "xml_repair.hpp"

namespace {

using namespace rss_test;
using syndicd::rss::parse_feed;
using syndicd::rss::repair_xml;

TEST(Recovery, BareAmpersand) {
  auto r = parse_fixture("bare-ampersand.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "escaped 5 bare '&'")) << warnings(r);
  ASSERT_EQ(r.articles.size(), 1u);
  const auto& a = r.articles[0];
  EXPECT_EQ(a.title, "Phối hợp Y tế & Giáo dục trong trường học");
  EXPECT_EQ(a.url, "https://amp.example.vn/tin?id=1&cat=2");
  EXPECT_EQ(a.lead, "Hai sở ký kết chương trình phối hợp & triển khai ngay & hiệu quả.");
  ASSERT_EQ(a.images.size(), 1u);
  EXPECT_EQ(a.images[0].url, "https://amp.example.vn/anh?id=1&size=lon");
  EXPECT_EQ(ict(a.published), "2020-01-10T05:58:00+07:00");
}

TEST(Recovery, ControlCharacters) {
  auto r = parse_fixture("control-char.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "removed 3 control characters")) << warnings(r);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Tiêu đề có ký tự lạ");
  // The &#x1; reference is dropped too.
  EXPECT_EQ(r.articles[0].lead, "Mô tả bị lỗi.");
}

TEST(Recovery, WrongEncodingDeclaration) {
  auto r = parse_fixture("wrong-encoding-decl.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "says encoding=\"ISO-8859-1\" but the bytes are UTF-8"))
      << warnings(r);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Người dân đón Tết Nguyên đán");
  EXPECT_EQ(r.articles[0].lead, "Không khí đón Tết rộn ràng khắp các phường, xã.");
  EXPECT_EQ(ict(r.articles[0].published), "2020-01-24T18:00:00+07:00");
}

TEST(Recovery, TrailingGarbage) {
  auto r = parse_fixture("trailing-garbage.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "ignored content after the end of the root element </rss>"))
      << warnings(r);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Bài viết duy nhất");
}

// tinyxml2 takes a second root element after the first; only the first is
// the feed, as when the repair pass cuts the document after it.
TEST(Recovery, ASecondRootIsIgnored) {
  auto r = parse_feed(
      "<rss><channel><item><title>Một</title><link>https://a.example/1</link></item>"
      "</channel></rss>\n<rss><channel><item><title>Lạ</title></item></channel></rss>",
      options());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Một");
  EXPECT_EQ(r.warnings,
            std::vector<std::string>{"ignored content after the end of the root element </rss>"});
}

TEST(Recovery, HtmlEntitiesInXml) {
  auto r = parse_fixture("html-entities.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "converted 9 HTML entities undefined in XML (first: &nbsp;)"))
      << warnings(r);
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "“Năm dân vận khéo” – kết quả nổi bật");
  EXPECT_EQ(r.articles[0].lead, "Thủ tướng Chính phủ phát biểu… © 2020 à la carte");
  EXPECT_EQ(r.articles[0].body_html, "Thủ tướng Chính\u00A0phủ phát biểu… © 2020 à la carte");
}

TEST(Recovery, Truncated) {
  auto r = parse_fixture("truncated.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "the document is truncated (no </rss>)")) << warnings(r);
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(r.articles[0].title, "Bài thứ nhất");
  EXPECT_EQ(r.articles[1].title, "Bài thứ hai");
  EXPECT_EQ(ict(r.articles[1].published), "2020-01-09T10:15:00+07:00");
}

TEST(Recovery, TruncatedAtomFeed) {
  auto r = parse_feed(
      R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>Một</title></entry>)"
      R"(<entry><id>2</id><title>Ha)",
      options());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].title, "Một");
}

TEST(Recovery, StrayLessThan) {
  auto r = parse_feed(
      "<rss><channel><item><title>1 < 2</title><link>https://a.example/</link>"
      "</item></channel></rss>",
      options());
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(has_warning(r, "escaped 1 stray '<'")) << warnings(r);
  EXPECT_EQ(r.articles.at(0).title, "1 < 2");
}

TEST(Recovery, NumericReferenceWithoutSemicolon) {
  auto r =
      parse_feed("<rss><channel><item><title>A&#233 B</title></item></channel></rss>", options());
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.articles.at(0).title, "Aé B");
  EXPECT_FALSE(r.warnings.empty());
}

TEST(Recovery, UndefinedEntityBecomesText) {
  auto r = parse_feed("<rss><channel><item><title>A &nosuch; B</title></item></channel></rss>",
                      options());
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.articles.at(0).title, "A &nosuch; B");
  EXPECT_TRUE(has_warning(r, "bare '&'")) << warnings(r);
}

TEST(Recovery, WellFormedFeedsNeedNoRepair) {
  for (const char* name : {"rss091.xml", "rss20.xml", "rdf10.xml", "atom03.xml", "atom10.xml",
                           "atom10-prefixed.xml", "rss20-odd-prefixes.xml"}) {
    const std::string text = read_file(feed_path(name));
    const auto repaired = repair_xml(text);
    EXPECT_EQ(repaired.xml, text) << name;
    EXPECT_TRUE(repaired.warnings.empty()) << name;
    EXPECT_TRUE(repaired.root_closed) << name;
  }
}

TEST(RepairXml, LeavesCdataCommentsAndPisAlone) {
  const std::string text =
      "<?xml version=\"1.0\"?><!-- a & b < c --><r><![CDATA[x & y < z &nbsp;]]>"
      "<?pi a & b?></r>";
  const auto repaired = repair_xml(text);
  EXPECT_EQ(repaired.xml, text);
  EXPECT_TRUE(repaired.warnings.empty());
  EXPECT_EQ(repaired.root, "r");
}

TEST(RepairXml, DoctypeWithInternalSubset) {
  const std::string text = "<!DOCTYPE r [<!ENTITY x \"y\">]><r>a</r>";
  const auto repaired = repair_xml(text);
  EXPECT_EQ(repaired.xml, text);
  EXPECT_EQ(repaired.root, "r");
  EXPECT_TRUE(repaired.root_closed);
}

TEST(RepairXml, AttributeValues) {
  const auto repaired = repair_xml("<r a=\"x & y &eacute; <z>\"/>");
  EXPECT_EQ(repaired.xml, "<r a=\"x &amp; y &#xE9; &lt;z>\"/>");
}

TEST(Errors, HtmlPage) {
  auto r = parse_fixture("not-a-feed.html");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "not a feed: the document is an HTML page");
  EXPECT_TRUE(r.articles.empty());
}

TEST(Errors, WellFormedXhtmlPage) {
  auto r = parse_feed("<html><body><p>x</p></body></html>", options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "not a feed: the document is an HTML page");
}

TEST(Errors, OtherXml) {
  auto r = parse_feed("<?xml version=\"1.0\"?><sitemap><url/></sitemap>", options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "not a feed: root element <sitemap>");
}

TEST(Errors, Empty) {
  for (const char* text : {"", "   \n", "\xEF\xBB\xBF"}) {
    auto r = parse_feed(text, options());
    ASSERT_TRUE(r.error);
    EXPECT_EQ(*r.error, "the document is empty");
  }
}

TEST(Errors, TruncatedBeforeAnyItem) {
  auto r = parse_feed("<rss version=\"2.0\"><channel><title>Tin</title><item><title>Mộ", options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error,
            "not a complete XML document: it ends before </rss> and no complete item precedes "
            "the cut");
}

TEST(Errors, NotXmlAtAll) {
  auto r = parse_feed("{\"items\": []}", options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->rfind("not well-formed XML", 0), 0u) << *r.error;
  r = parse_feed("<rss><channel><item></channel></rss>", options());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->rfind("not well-formed XML", 0), 0u) << *r.error;
}

}  // namespace
