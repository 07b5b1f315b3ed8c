// SPDX-License-Identifier: Apache-2.0
// How the content of feed elements is read where feeds differ from the
// plain case: fallbacks (Dublin Core, <summary> in RSS, a link's text),
// Atom's content kinds (base64, out-of-line src, plain text with brackets,
// HTML wrapped in an XHTML div) and what tinyxml2 alone would refuse.
#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

namespace {

using namespace rss_test;
using syndicd::Article;
using syndicd::Image;
using syndicd::rss::parse_feed;
using syndicd::rss::ParseResult;

// The one article of `r`, by value: `r` is often a temporary.
Article only(const ParseResult& r) {
  EXPECT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.articles.size(), 1u);
  return r.articles.empty() ? Article{} : r.articles[0];
}

std::string rss_item(const std::string& inner) {
  return "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
         "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><item>" +
         inner + "</item></channel></rss>";
}
std::string atom10_entry(const std::string& inner) {
  return "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><entry>" +
         inner + "</entry></feed>";
}
std::string atom03_entry(const std::string& inner) {
  return "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>" + inner +
         "</entry></feed>";
}

// ---------------------------------------------------------------------------
// Fallbacks

TEST(FeedContent, DublinCoreTitleAndDescriptionStandInForMissingOnes) {
  const Article a = only(parse_feed(
      rss_item("<dc:title>Khai mạc Hội báo Xuân</dc:title>"
               "<dc:description>Hội báo diễn ra &lt;b&gt;ba ngày&lt;/b&gt;.</dc:description>"),
      options()));
  EXPECT_EQ(a.title, "Khai mạc Hội báo Xuân");
  EXPECT_EQ(a.lead, "Hội báo diễn ra ba ngày.");
  EXPECT_EQ(a.body_html, "Hội báo diễn ra <b>ba ngày</b>.");

  // The dialect's own elements win over Dublin Core's.
  const Article b = only(
      parse_feed(rss_item("<title>Tiêu đề</title><dc:title>DC</dc:title>"
                          "<description>Mô tả</description><dc:description>DC</dc:description>"),
                 options()));
  EXPECT_EQ(b.title, "Tiêu đề");
  EXPECT_EQ(b.lead, "Mô tả");

  const Article c = only(parse_feed(
      atom10_entry("<dc:title>Tiêu đề DC</dc:title><dc:description>Tóm tắt</dc:description>"),
      options()));
  EXPECT_EQ(c.title, "Tiêu đề DC");
  EXPECT_EQ(c.lead, "Tóm tắt");
}

// An RSS item with both <description> and <summary>: the first is the
// lead, the second the body, whichever order they come in; content:encoded
// is still the body when there is one.
TEST(FeedContent, DescriptionAndSummaryFirstIsLeadSecondIsBody) {
  const Article a = only(parse_feed(
      rss_item("<title>A</title><description>Mô tả</description><summary>Tóm tắt</summary>"),
      options()));
  EXPECT_EQ(a.lead, "Mô tả");
  EXPECT_EQ(a.body_html, "Tóm tắt");
  const Article b = only(parse_feed(
      rss_item("<title>A</title><summary>Tóm tắt</summary><description>Mô tả</description>"),
      options()));
  EXPECT_EQ(b.lead, "Tóm tắt");
  EXPECT_EQ(b.body_html, "Mô tả");
  const Article c = only(parse_feed(rss_item("<title>A</title><summary>Tóm tắt</summary>"
                                             "<description>Mô tả</description>"
                                             "<content:encoded>&lt;p&gt;Bài&lt;/p&gt;"
                                             "</content:encoded>"),
                                    options()));
  EXPECT_EQ(c.lead, "Tóm tắt");
  EXPECT_EQ(c.body_html, "<p>Bài</p>");
  const Article d = only(parse_feed(rss_item("<summary>Chỉ tóm tắt</summary>"), options()));
  EXPECT_EQ(d.lead, "Chỉ tóm tắt");
  EXPECT_EQ(d.body_html, "Chỉ tóm tắt");
}

TEST(FeedContent, AtomLinkWithoutHrefTakesItsText) {
  auto r = parse_feed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
      "<entry><link rel=\"alternate\" type=\"text/html\"> https://a.example/bai-1 </link>"
      "<link rel=\"enclosure\" type=\"text/html\">https://a.example/tep</link></entry>"
      "<entry><link rel=\"enclosure\">https://a.example/tep</link>"
      "<link rel=\"alternate\">https://a.example/bai-2</link></entry>"
      "<entry><link href=\"https://a.example/bai-3\">https://a.example/khac</link></entry>"
      "</feed>",
      options());
  ASSERT_EQ(r.articles.size(), 3u);
  EXPECT_EQ(r.articles[0].url, "https://a.example/bai-1");
  EXPECT_EQ(r.articles[1].url, "https://a.example/bai-2");
  EXPECT_EQ(r.articles[2].url, "https://a.example/bai-3");  // href wins over the text
}

// ---------------------------------------------------------------------------
// Atom content kinds

// Out-of-line content: the article is where src says; an image is an image.
TEST(FeedContent, AtomContentSrcIsTheArticleWhenThereIsNoLink) {
  auto r = parse_feed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://a.example/tin/\">"
      "<entry><content src=\"video/bai-1.mp4\" type=\"video/mp4\"/></entry>"
      "<entry><title>Có liên kết</title><link href=\"https://a.example/bai-2\"/>"
      "<content src=\"https://a.example/khac\"/></entry>"
      "<entry><title>Ảnh</title><content src=\"anh.jpg\" type=\"image/jpeg\"/></entry></feed>",
      options());
  ASSERT_EQ(r.articles.size(), 3u);
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  EXPECT_EQ(r.articles[0].url, "https://a.example/tin/video/bai-1.mp4");
  EXPECT_EQ(r.articles[0].id, r.articles[0].url);
  EXPECT_EQ(r.articles[0].body_html, "");
  EXPECT_EQ(r.articles[1].url, "https://a.example/bai-2");
  EXPECT_EQ(r.articles[2].url, "");
  EXPECT_EQ(r.articles[2].images, (std::vector<Image>{{"https://a.example/tin/anh.jpg", "", ""}}));
}

// "Tin <b>mới</b>" and "<p>Giá &lt;100&gt; nghìn</p>" in base64.
constexpr const char* kB64Bold = "VGluIDxiPm3hu5tpPC9iPg==";
constexpr const char* kB64Para = "PHA+R2nDoSAmbHQ7MTAwJmd0OyBuZ2jDrG48L3A+";

// Atom 0.3 mode="base64": decoded, then read as its type says (text/plain
// by default, so markup in it is text).
TEST(FeedContent, Atom03Base64IsDecodedAndReadByItsType) {
  const Article a = only(parse_feed(
      atom03_entry(std::string("<title mode=\"base64\">\n  ") + kB64Bold + "\n</title>" +
                   "<summary mode=\"base64\">" + kB64Para + "</summary>" +
                   "<content mode=\"base64\" type=\"text/html\">" + kB64Bold + "</content>"),
      options()));
  EXPECT_EQ(a.title, "Tin <b>mới</b>");
  EXPECT_EQ(a.lead, "<p>Giá &lt;100&gt; nghìn</p>");
  EXPECT_EQ(a.body_html, "Tin <b>mới</b>");

  const Article& b =
      only(parse_feed(atom03_entry(std::string("<title>T</title><summary mode=\"base64\">") +
                                   kB64Bold + "</summary>"),
                      options()));
  EXPECT_EQ(b.lead, "Tin <b>mới</b>");
  EXPECT_EQ(b.body_html, "Tin &lt;b&gt;mới&lt;/b&gt;");  // text made markup
  EXPECT_EQ(b.body_text, "Tin <b>mới</b>");
}

// Atom 1.0: a media type that is neither text nor XML means base64. The
// content is a document of that type, read as HTML; a text construct can
// only be text, HTML or XHTML, so it is read as text.
TEST(FeedContent, Atom10OtherMediaTypesAreBase64) {
  const Article a = only(
      parse_feed(atom10_entry(std::string("<title type=\"application/octet-stream\">") + kB64Para +
                              "</title><content type=\"application/octet-stream\">\n" + kB64Para +
                              "\n</content>"),
                 options()));
  EXPECT_EQ(a.title, "<p>Giá &lt;100&gt; nghìn</p>");
  EXPECT_EQ(a.body_html, "<p>Giá &lt;100&gt; nghìn</p>");
  EXPECT_EQ(a.body_text, "Giá <100> nghìn");
}

TEST(FeedContent, Base64ThatIsNotTextIsNotRead) {
  // A PNG header: base64 of bytes that are not UTF-8.
  auto r = parse_feed(atom10_entry("<title>Ảnh</title><content type=\"image/png\">"
                                   "iVBORw0KGgoAAAANSUhEUgAA</content>"),
                      options());
  const Article a = only(r);
  EXPECT_EQ(a.body_html, "");
  EXPECT_TRUE(has_warning(r, "content of type \"image/png\" not read")) << warnings(r);
  // Text that is not base64 at all is read as written.
  const Article b = only(parse_feed(
      atom10_entry("<title type=\"application/x-unknown\">Tiêu đề thường</title>"), options()));
  EXPECT_EQ(b.title, "Tiêu đề thường");
}

// Plain text keeps what looks like markup as text: in the title and the
// lead as it is, escaped when it has to be the HTML body.
TEST(FeedContent, PlainTextWithBracketsStaysText) {
  const Article a = only(parse_feed(
      atom10_entry("<title type=\"text\">Thẻ &lt;blink&gt; xưa</title>"
                   "<summary type=\"text\">Về &lt;marquee&gt; và &lt;blink&gt;</summary>"),
      options()));
  EXPECT_EQ(a.title, "Thẻ <blink> xưa");
  EXPECT_EQ(a.lead, "Về <marquee> và <blink>");
  EXPECT_EQ(a.body_html, "Về &lt;marquee&gt; và &lt;blink&gt;");
  EXPECT_EQ(a.body_text, "Về <marquee> và <blink>");

  const Article b = only(parse_feed(
      atom10_entry("<title>T</title><content type=\"text\">Thẻ &lt;blink&gt; xưa</content>"),
      options()));
  EXPECT_EQ(b.body_html, "Thẻ &lt;blink&gt; xưa");
  EXPECT_EQ(b.body_text, "Thẻ <blink> xưa");

  // XHTML with the brackets escaped says the same text.
  const Article c = only(
      parse_feed(atom10_entry("<title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
                              "Thẻ &lt;blink&gt; xưa</div></title>"),
                 options()));
  EXPECT_EQ(c.title, "Thẻ <blink> xưa");
}

// Escaped markup inside markup stays text of the markup: a <code> showing
// a tag keeps showing it.
TEST(FeedContent, EscapedTagInsideCodeIsKept) {
  const Article a = only(parse_feed(
      rss_item("<link>https://a.example/1</link>"
               "<description><![CDATA[Dùng <code>&lt;br /></code> để xuống dòng]]></description>"),
      options()));
  EXPECT_EQ(a.body_html, "Dùng <code>&lt;br /></code> để xuống dòng");
  EXPECT_EQ(a.body_text, "Dùng <br /> để xuống dòng");
  EXPECT_EQ(a.lead, "Dùng <br /> để xuống dòng");
}

// type="html" whose escaped HTML sits in an XHTML <div> (Typepad's habit):
// the div is a wrapper, its text the HTML.
TEST(FeedContent, HtmlContentWrappedInXhtmlDiv) {
  const Article a = only(parse_feed(
      atom10_entry("<title>T</title><content type=\"html\">\n  "
                   "<div xmlns=\"http://www.w3.org/1999/xhtml\">Tin &lt;b&gt;mới&lt;/b&gt;</div>\n"
                   "</content>"),
      options()));
  EXPECT_EQ(a.body_html, "Tin <b>mới</b>");
  // Not a wrapper: an element of another namespace, or text beside the div.
  const Article b = only(parse_feed(
      atom10_entry("<title>T</title><content type=\"html\">Trước "
                   "<div xmlns=\"http://www.w3.org/1999/xhtml\">a &lt;b&gt;</div></content>"),
      options()));
  EXPECT_EQ(b.body_html, "Trước <div>a &lt;b&gt;</div>");
}

// ---------------------------------------------------------------------------
// What tinyxml2 alone refuses

// A processing instruction after a comment (tinyxml2 takes every PI for an
// XML declaration, and those must come first): read without it.
TEST(FeedContent, ProcessingInstructionAfterCommentIsDropped) {
  auto r = parse_feed(
      "<?xml version=\"1.0\"?>\n<!-- generated -->\n"
      "<?xml-stylesheet href=\"/style.xsl\" type=\"text/xsl\"?>"
      "<rss version=\"2.0\"><channel><item><title>Tin</title>"
      "<description><![CDATA[<?not a pi?>]]></description></item></channel></rss>",
      options());
  const Article a = only(r);
  EXPECT_EQ(a.title, "Tin");
  EXPECT_TRUE(has_warning(r, "dropped 1 processing instructions")) << warnings(r);
}

}  // namespace
