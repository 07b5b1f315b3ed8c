// SPDX-License-Identifier: Apache-2.0
// parse_feed on text (entities, CDATA, long runs, NFC, markup, language)
// and media (body images and captions, enclosures, YouTube).
#include <gtest/gtest.h>

#include <syndicd/common/utf8.hpp>

#include <vector>

#include "test_util.hpp"

namespace {

using namespace rss_test;
using syndicd::Article;
using syndicd::Image;
using syndicd::rss::parse_feed;
using syndicd::rss::ParseResult;

// ---------------------------------------------------------------------------
// Text

TEST(Text, EntitiesAndCdata) {
  auto r = parse_feed(
      "<rss><channel><item>"
      "<title>Giá &amp;ldquo;vàng&amp;rdquo; &amp;amp; đô la</title>"
      "<link>https://a.example/1</link>"
      "<description><![CDATA[<p>CDATA giữ nguyên &amp; <b>đậm</b> &nbsp;x</p>]]></description>"
      "</item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).title, "Giá “vàng” & đô la");
  EXPECT_EQ(at(r, 0).body_html, "<p>CDATA giữ nguyên &amp; <b>đậm</b> &nbsp;x</p>");
  EXPECT_EQ(at(r, 0).body_text, "CDATA giữ nguyên & đậm x");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
}

// Long runs of text are read from the original text rather than through
// tinyxml2 in documents of 4 KiB and more (feed_parser.cpp,
// take_out_long_text); this comment puts a test document over that size.
const std::string kOver4KiB = "<!--" + std::string(4200, ' ') + "-->";

// Whatever surrounds them, long CDATA sections must read exactly as the same
// text escaped.
TEST(Text, LongCdataReadsLikeEscapedText) {
  const std::string long_html =
      "<p>Chiều 7/4, Ban Chỉ đạo phòng, chống dịch COVID-19 tỉnh Thái Nguyên họp trực tuyến"
      " với các huyện, thành phố &amp; <a href=\"/tin/1.html\">xem thêm</a></p>"
      "<figure><img src=\"anh/a.jpg\" alt=\"anh\"><figcaption>Ảnh</figcaption></figure>";
  auto escape = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c == '&')
        out += "&amp;";
      else if (c == '<')
        out += "&lt;";
      else if (c == '>')
        out += "&gt;";
      else
        out += c;
    }
    return out;
  };
  struct Body {
    std::vector<std::string> parts;  // CDATA sections, with plain text between
  };
  const std::vector<Body> bodies = {
      {{long_html}},
      {{long_html + "\r\n<p>dòng mới\rnữa</p>"}},            // CR: read through tinyxml2
      {{long_html + "<p>]] ]> ]]&gt; <![CDATA[ lồng</p>"}},  // brackets and an opener inside
      {{long_html, " giữa ", long_html + "<p>hai</p>"}},     // two sections and text
      {{"<p>ngắn</p>"}},                                     // short: left in place
      {{long_html + "<iframe src=\"https://www.youtube.com/embed/M7lc1UVf-VE\"></iframe>"}},
  };
  struct Around {
    std::string prolog, before, after;
  };
  const std::vector<Around> surroundings = {
      {"", "", ""},
      {"", "<!-- <![CDATA[ a comment that looks like a section -->", ""},
      {"<?pi <![CDATA[ ?>", "", "<!-- ]]> -->"},
      {"", "<category domain=\"x&lt;![CDATA[y\">Thời sự</category>", ""},
      {"", "<category domain=\"x<![CDATA[y\">Thời sự</category>", ""},
  };
  for (const auto& body : bodies) {
    for (const auto& [prolog, before, after] : surroundings) {
      std::string as_cdata, as_text;
      for (size_t i = 0; i < body.parts.size(); ++i) {
        if (i % 2 == 0) {
          as_cdata += "<![CDATA[" + body.parts[i] + "]]>";
          as_text += escape(body.parts[i]);
        } else {
          as_cdata += body.parts[i];
          as_text += body.parts[i];
        }
      }
      auto feed = [&](const std::string& content) {
        return prolog + kOver4KiB +
               "<rss version=\"2.0\" "
               "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
               "<link>https://tin.example.vn/</link>" +
               before + "<item><title>Tin một</title><link>https://tin.example.vn/1.html</link>" +
               "<description>" + content + "</description><content:encoded>" + content +
               "</content:encoded></item>" + after +
               "<item><title>Tin hai</title><link>https://tin.example.vn/2.html</link>"
               "<content:encoded>" +
               content + "</content:encoded></item></channel></rss>";
      };
      const auto a = parse_feed(feed(as_cdata), options());
      const auto b = parse_feed(feed(as_text), options());
      const std::string where =
          "body part 0 of " + std::to_string(body.parts[0].size()) + " bytes, before: " + before;
      ASSERT_FALSE(a.error) << where << ": " << *a.error;
      ASSERT_FALSE(b.error) << where << ": " << *b.error;
      ASSERT_EQ(a.articles.size(), 2u) << where;
      ASSERT_EQ(b.articles.size(), 2u) << where;
      for (size_t i = 0; i < 2; ++i) {
        const auto& x = a.articles[i];
        const auto& y = b.articles[i];
        EXPECT_EQ(x.title, y.title) << where;
        EXPECT_EQ(x.lead, y.lead) << where;
        EXPECT_EQ(x.body_html, y.body_html) << where;
        EXPECT_EQ(x.body_text, y.body_text) << where;
        EXPECT_EQ(x.videos, y.videos) << where;
        ASSERT_EQ(x.images.size(), y.images.size()) << where;
        for (size_t k = 0; k < x.images.size(); ++k) {
          EXPECT_EQ(x.images[k].url, y.images[k].url) << where;
          EXPECT_EQ(x.images[k].caption, y.images[k].caption) << where;
        }
      }
      // A raw '<' in an attribute value is not well-formed XML; tinyxml2
      // takes it, but the escaped variant (no "]]>" after it) goes through
      // the repair pass, which says so.
      if (before.find("x<!") == std::string::npos) {
        EXPECT_EQ(a.warnings, b.warnings) << where;
      }
      // And the body is really there, not a marker.
      EXPECT_EQ(a.articles[0].body_html.find('\x01'), std::string::npos) << where;
      EXPECT_FALSE(a.articles[1].body_text.empty()) << where;
    }
  }
}

// Each long run read in place goes back to its own item, whatever form it
// takes: CDATA, escaped text (each of XML's named references), text with a
// numeric reference or a CR (both left to tinyxml2), and text split by a
// comment or a CDATA section.
TEST(Text, LongRunsReadInPlaceKeepTheirPlace) {
  const std::string pad = " Nội dung bài viết đủ dài để được đọc tại chỗ, không qua tinyxml2.";
  auto r = parse_feed(
      kOver4KiB +
          "<rss version=\"2.0\"><channel><link>https://tin.example.vn/</link>"
          "<item><title>1</title><link>https://tin.example.vn/1</"
          "link><description><![CDATA[<p>Một" +
          pad +
          "</p>]]></description></item>"
          "<item><title>2</title><link>https://tin.example.vn/2</link><description>&lt;p "
          "title=&quot;Hai&apos;s&quot;&gt;Hai &amp;amp; hai" +
          pad +
          "&lt;/p&gt;</description></item>"
          "<item><title>3</title><link>https://tin.example.vn/3</link><description>&lt;p&gt;Ba "
          "&#273;&#7889;" +
          pad +
          "&lt;/p&gt;</description></item>"
          "<item><title>4</title><link>https://tin.example.vn/4</"
          "link><description>&lt;p&gt;Bốn\r\n" +
          pad +
          "&lt;/p&gt;</description></item>"
          "<item><title>5</title><link>https://tin.example.vn/5</link><description>&lt;p&gt;Năm" +
          pad + "<!-- giữa -->" + pad + "<![CDATA[ sáu" + pad +
          "]]>&lt;/p&gt;</description></item>"
          "</channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 5u) << warnings(r);
  EXPECT_EQ(at(r, 0).body_html, "<p>Một" + pad + "</p>");
  EXPECT_EQ(at(r, 1).body_html, "<p title=\"Hai's\">Hai &amp; hai" + pad + "</p>");
  EXPECT_EQ(at(r, 1).body_text, "Hai & hai" + pad);
  EXPECT_EQ(at(r, 2).body_text, "Ba đố" + pad);
  EXPECT_EQ(at(r, 3).body_html, "<p>Bốn\n" + pad + "</p>");
  EXPECT_EQ(at(r, 4).body_text, "Năm" + pad + pad + " sáu" + pad);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(at(r, i).title, std::to_string(i + 1));
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
}

TEST(Text, OutputIsNfc) {
  // "Thái Nguyên" decomposed, in the title and via numeric references.
  auto r = parse_feed(
      "<rss><channel><item><title>Tha\xCC\x81i Nguye&#x302;n</title>"
      "<link>https://a.example/1</link></item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).title, "Thái Nguyên");
}

// A document that is NFC already skips the per-field check unless a
// reference could bring in a combining mark or a control: each way in.
TEST(Text, ReferencesInAnNfcDocumentStillComeOutNfc) {
  auto r = parse_feed(
      "<rss><channel><item><title>Nguye&#x302;n</title><link>https://a.example/1</link>"
      "<description><![CDATA[<p>Nguye&#x302;n</p>]]></description></item>"
      "<item><title>Nguye&amp;#x302;n</title><link>https://a.example/2</link>"
      "<description>&lt;p&gt;a&amp;DownBreve; b&lt;/p&gt;</description></item>"
      "<item><title>a&DownBreve;</title><link>https://a.example/3</link>"
      "<description>A&#1;B</description></item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 3u);
  EXPECT_EQ(at(r, 0).title, "Nguyên");
  EXPECT_EQ(at(r, 0).body_text, "Nguyên");
  EXPECT_EQ(at(r, 1).title, "Nguyên");
  EXPECT_EQ(at(r, 1).body_text, "\u0203 b");  // a + combining inverted breve
  EXPECT_EQ(at(r, 2).title, "\u0203");
  EXPECT_EQ(at(r, 2).body_text, "AB");  // the control a reference smuggled in is gone
  for (const auto& a : r.articles)
    for (const std::string* f : {&a.title, &a.lead, &a.body_html, &a.body_text})
      EXPECT_TRUE(syndicd::common::is_clean_text(*f)) << *f;
}

TEST(Text, UnescapedHtmlInsideDescriptionIsKept) {
  auto r = parse_feed(
      "<rss><channel><item><title>A</title><link>https://a.example/1</link>"
      "<description>Mở đầu <p>đoạn <b>một</b> &amp; hai</p></description>"
      "</item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).body_html, "Mở đầu <p>đoạn <b>một</b> &amp; hai</p>");
  EXPECT_EQ(at(r, 0).lead, "Mở đầu đoạn một & hai");
}

TEST(Text, LanguageFromItemThenFeedThenConfig) {
  auto r = parse_feed("<rss><channel><item><title>A</title></item></channel></rss>", options());
  EXPECT_EQ(at(r, 0).language, "vi");
  r = parse_feed(
      "<rss><channel><language>en</language><item><title>A</title></item>"
      "<item xml:lang=\"fr\"><title>B</title></item></channel></rss>",
      options());
  EXPECT_EQ(at(r, 0).language, "en");
  EXPECT_EQ(at(r, 1).language, "fr");
}

// ---------------------------------------------------------------------------
// Media

TEST(Media, FirstBodyImageWhenNoEnclosure) {
  auto r = parse_feed(
      "<rss><channel><item><title>A</title><link>https://a.example/tin/1.html</link>"
      "<description>&lt;p&gt;&lt;img src=\"data:image/gif;base64,R0\" "
      "data-src=\"/anh/lazy.jpg\" alt=\"Ảnh &amp;amp; chú thích\"&gt;&lt;/p&gt;</description>"
      "</item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  ASSERT_EQ(at(r, 0).images.size(), 1u);
  EXPECT_EQ(at(r, 0).images[0].url, "https://a.example/anh/lazy.jpg");
  EXPECT_EQ(at(r, 0).images[0].alt, "Ảnh & chú thích");
}

// The caption is the <figcaption> of the image's own <figure>: not one after
// another image or after the figure is closed, and found even when the
// image URL has a query string (escaped as &amp; in the markup).
TEST(Media, BodyImageCaptionComesFromItsFigure) {
  auto body = [](const std::string& html) {
    auto r = parse_feed(
        "<rss><channel><item><title>A</title><link>https://a.example/tin/1.html</link>"
        "<description><![CDATA[" +
            html + "]]></description></item></channel></rss>",
        options());
    EXPECT_EQ(r.articles.size(), 1u);
    EXPECT_EQ(r.articles.at(0).images.size(), 1u);
    return r.articles.at(0).images.at(0);
  };
  auto img = body(
      "<p><a href=\"/anh/a.jpg?w=1&amp;h=2\">xem</a></p><figure>"
      "<img src=\"/anh/a.jpg?w=1&amp;h=2\" alt=\"a\"><figcaption>Chú <b>thích</b> "
      "ảnh</figcaption></figure>");
  EXPECT_EQ(img.url, "https://a.example/anh/a.jpg?w=1&h=2");
  EXPECT_EQ(img.caption, "Chú thích ảnh");
  EXPECT_EQ(
      body("<figure><img src=\"/a.jpg\"></figure><figcaption>lạc</figcaption></figure>").caption,
      "");
  EXPECT_EQ(body("<figure><img src=\"/a.jpg\"><img src=\"/b.jpg\"><figcaption>của b"
                 "</figcaption></figure>")
                .caption,
            "");
  EXPECT_EQ(body("<figure><img src=\"/a.jpg\"><figcaption>không đóng</figcaption>").caption, "");
}

TEST(Media, NonImageEnclosuresAreNotImages) {
  auto r = parse_feed(
      "<rss><channel><item><title>A</title><link>https://a.example/1</link>"
      "<enclosure url=\"https://a.example/a.mp3\" type=\"audio/mpeg\"/>"
      "<enclosure url=\"https://a.example/b.png\"/></item></channel></rss>",
      options());
  EXPECT_EQ(at(r, 0).images, (std::vector<Image>{{"https://a.example/b.png", "", ""}}));
}

TEST(Media, YoutubeFromMediaContentAndYtVideoId) {
  auto r = parse_feed(
      R"(<feed xmlns="http://www.w3.org/2005/Atom" xmlns:yt="http://www.youtube.com/xml/schemas/2015")"
      R"( xmlns:media="http://search.yahoo.com/mrss/"><entry><id>yt:video:M7lc1UVf-VE</id>)"
      R"(<yt:videoId>M7lc1UVf-VE</yt:videoId><title>Video</title>)"
      R"(<link rel="alternate" href="https://www.youtube.com/watch?v=M7lc1UVf-VE"/>)"
      R"(<media:group><media:content url="https://www.youtube.com/v/M7lc1UVf-VE?version=3")"
      R"( type="application/x-shockwave-flash"/><media:thumbnail)"
      R"( url="https://i1.ytimg.com/vi/M7lc1UVf-VE/hqdefault.jpg"/></media:group></entry></feed>)",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).videos, std::vector<std::string>{"M7lc1UVf-VE"});
  EXPECT_EQ(at(r, 0).images,
            (std::vector<Image>{{"https://i1.ytimg.com/vi/M7lc1UVf-VE/hqdefault.jpg", "", ""}}));
}

}  // namespace
