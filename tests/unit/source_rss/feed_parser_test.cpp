// SPDX-License-Identifier: Apache-2.0
// parse_feed over every dialect fixture and the sample site's real-looking
// feeds: exact fields, ids, links, dates, namespaces, items.
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
// The sample site (tests/fixtures/sites/thainguyen): both feeds carry the
// same 7 articles, newest first.

struct Expected {
  const char* slug;
  const char* title;
  const char* published;
  const char* author;
  const char* tag;
  const char* image;  // "" when none
};
constexpr Expected kThaiNguyen[] = {
    {"phong-chong-dich-covid-19", "Thái Nguyên tăng cường các biện pháp phòng, chống dịch COVID-19",
     "2020-04-08T02:46:00+07:00", "Hoàng Anh", "Thông tin chỉ đạo điều hành",
     "phong-chong-dich.jpg"},
    {"thu-hoach-che-xuan-dai-tu", "Đại Từ: Nông dân vào vụ thu hoạch chè xuân",
     "2020-04-08T02:46:00+07:00", "Thu Hà", "Kinh tế", "thu-hoach-che.jpg"},
    {"tong-ket-cong-tac-dan-van-2019",
     "Tổng kết công tác dân vận và đánh giá kết quả thực hiện “Năm dân vận chính quyền” 2019",
     "2020-01-10T05:58:00+07:00", "Minh Thúy", "Chính trị", "hoi-nghi.jpg"},
    {"thu-ngan-sach-2019", "Thu ngân sách nhà nước năm 2019 vượt dự toán",
     "2020-01-10T05:58:00+07:00", "Phạm Hằng", "Kinh tế", ""},
    {"trao-qua-tet-ho-ngheo", "Trao hơn 2.000 suất quà Tết cho hộ nghèo, gia đình chính sách",
     "2020-01-09T10:15:00+07:00", "Lan Anh", "Văn hóa - Xã hội", ""},
    {"quang-cao-khuyen-mai-tet-canh-ty",
     "Quảng cáo: Chương trình khuyến mại mua sắm dịp Tết Canh Tý 2020", "2020-01-09T10:15:00+07:00",
     "PV", "Kinh tế", ""},
    {"song-cong-ra-quan-thuy-loi-2020", "Sông Công ra quân làm thủy lợi đầu năm 2020",
     "2020-01-07T14:30:00+07:00", "Quang Minh", "Kinh tế", "ra-quan-thuy-loi.jpg"},
};

void expect_thainguyen(const ParseResult& r) {
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 7u);
  for (size_t i = 0; i < 7; ++i) {
    SCOPED_TRACE(kThaiNguyen[i].slug);
    const Article& a = r.articles[i];
    const std::string url =
        std::string("https://thainguyen.example.gov.vn/articles/") + kThaiNguyen[i].slug + ".html";
    EXPECT_EQ(a.id, url);
    EXPECT_EQ(a.url, url);
    EXPECT_EQ(a.title, kThaiNguyen[i].title);
    EXPECT_EQ(ict(a.published), kThaiNguyen[i].published);
    EXPECT_EQ(a.flags, 0u);
    EXPECT_EQ(a.author, kThaiNguyen[i].author);
    EXPECT_EQ(a.tags, std::vector<std::string>{kThaiNguyen[i].tag});
    EXPECT_EQ(a.language, "vi");
    EXPECT_FALSE(a.lead.empty());
    EXPECT_EQ(a.lead.find('<'), std::string::npos);
    EXPECT_FALSE(a.body_html.empty());
    EXPECT_FALSE(a.body_text.empty());
    EXPECT_EQ(a.body_text.find('<'), std::string::npos);
    if (*kThaiNguyen[i].image) {
      ASSERT_EQ(a.images.size(), 1u);
      EXPECT_EQ(a.images[0].url,
                std::string("https://thainguyen.example.gov.vn/images/") + kThaiNguyen[i].image);
      EXPECT_FALSE(a.images[0].alt.empty());
      EXPECT_FALSE(a.images[0].caption.empty());
    } else {
      EXPECT_TRUE(a.images.empty());
    }
    EXPECT_EQ(a.videos,
              i == 1 ? std::vector<std::string>{"dQw4w9WgXcQ"} : std::vector<std::string>{});
  }
  const Article& seed = r.articles[2];
  EXPECT_EQ(seed.images[0].alt,
            "tong ket cong tac dan van va danh gia ket qua thuc hien nam dan van chinh quyen 2019");
  EXPECT_EQ(seed.images[0].caption, "Toàn cảnh Hội nghị tại điểm cầu Thái Nguyên");
  EXPECT_EQ(seed.lead.rfind("Ngày 9/1, Ban Dân vận Trung ương phối hợp", 0), 0u);
  // "Chính&nbsp; phủ" in the source: plain text has one ordinary space.
  EXPECT_NE(seed.lead.find("Thủ tướng Chính phủ; đồng chí Trương Hòa Bình"), std::string::npos);
  EXPECT_EQ(r.articles[1].body_html.find("iframe"), std::string::npos);
  EXPECT_EQ(r.articles[0].lead,
            "Chiều 7/4, Ban Chỉ đạo phòng, chống dịch COVID-19 tỉnh Thái Nguyên họp trực tuyến "
            "với các huyện, thành phố để đánh giá tình hình và triển khai các biện pháp cấp bách "
            "trong giai đoạn cao điểm.");
}

TEST(ThaiNguyenFeeds, Rss) {
  auto r =
      parse_bytes(read_file(std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/feed.rss"));
  EXPECT_EQ(r.dialect, "rss2");
  expect_thainguyen(r);
  for (const auto& a : r.articles) EXPECT_EQ(a.updated, SYNDICD_TIME_NONE);
}

TEST(ThaiNguyenFeeds, Atom) {
  auto r = parse_bytes(
      read_file(std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/feed-atom.xml"));
  EXPECT_EQ(r.dialect, "atom10");
  expect_thainguyen(r);
  for (const auto& a : r.articles) EXPECT_EQ(a.updated, a.published);
}

TEST(ThaiNguyenFeeds, RssAndAtomAgree) {
  auto rss =
      parse_bytes(read_file(std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/feed.rss"));
  auto atom = parse_bytes(
      read_file(std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/feed-atom.xml"));
  ASSERT_EQ(rss.articles.size(), atom.articles.size());
  for (size_t i = 0; i < rss.articles.size(); ++i) {
    EXPECT_EQ(rss.articles[i].lead, atom.articles[i].lead);
    EXPECT_EQ(rss.articles[i].body_text, atom.articles[i].body_text);
    EXPECT_EQ(rss.articles[i].images, atom.articles[i].images);
  }
}

// ---------------------------------------------------------------------------
// Dialects

TEST(Dialects, Rss091) {
  auto r = parse_fixture("rss091.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.dialect, "rss09x");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 2u);
  const Article& a = at(r, 0);
  EXPECT_EQ(a.title, "Khánh thành cầu Gia Bảy mới");
  // A relative link resolves against the channel link, not the feed URL.
  EXPECT_EQ(a.url, "https://baothainguyen.example.vn/giao-thong/khanh-thanh-cau-gia-bay.html");
  EXPECT_EQ(a.id, a.url);
  // "&amp;amp;" is an escaped "&amp;" in HTML: one '&' in text.
  EXPECT_EQ(a.lead,
            "Sáng 3/2, thành phố Thái Nguyên khánh thành cầu Gia Bảy mới & đưa vào sử dụng.");
  EXPECT_EQ(a.published, kNow);
  EXPECT_EQ(a.flags, SYNDICD_ARTICLE_DATE_GUESSED);
  EXPECT_EQ(at(r, 1).body_html, "<p>Hội chợ diễn ra từ ngày 15 đến 20/1.</p>");
  EXPECT_EQ(at(r, 1).body_text, "Hội chợ diễn ra từ ngày 15 đến 20/1.");
  EXPECT_EQ(at(r, 1).lead, "Hội chợ diễn ra từ ngày 15 đến 20/1.");
}

TEST(Dialects, Rss20) {
  auto r = parse_fixture("rss20.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.dialect, "rss2");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 4u);

  const Article& a = at(r, 0);
  EXPECT_EQ(a.id, "tin-12345");  // guid, even when not a permalink
  EXPECT_EQ(a.url, "https://tin.example.vn/thoi-su/huan-chuong-lao-dong.html");
  EXPECT_EQ(a.title, "Thái Nguyên đón nhận Huân chương Lao động hạng Nhất");
  EXPECT_EQ(ict(a.published), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(a.author, "Nguyễn Thu Trang");  // from "email (Name)"
  EXPECT_EQ(a.tags, (std::vector<std::string>{"Thời sự", "Chính trị"}));
  EXPECT_EQ(a.language, "vi-VN");
  // content:encoded is the body, description the lead.
  EXPECT_EQ(a.lead, "Tỉnh Thái Nguyên vinh dự đón nhận Huân chương Lao động hạng Nhất.");
  EXPECT_EQ(a.body_text, "Lễ đón nhận diễn ra tại Quảng trường 20/8. Xem thêm Bình luận");
  EXPECT_NE(a.body_html.find("<a href=\"https://tin.example.vn/quang-truong.html\">"),
            std::string::npos);
  // Relative body URLs resolve against the article's own URL.
  EXPECT_NE(a.body_html.find(
                "<img src=\"https://tin.example.vn/thoi-su/anh/le-don-nhan.jpg\" alt=\"Lễ đón "
                "nhận\">"),
            std::string::npos);
  for (const char* bad :
       {"script", "style", "iframe", "onclick", "javascript", "<form", "<input", "ads.example.com"})
    EXPECT_EQ(a.body_html.find(bad), std::string::npos) << bad << " in " << a.body_html;
  // The enclosure wins over the body's first image.
  EXPECT_EQ(
      a.images,
      (std::vector<Image>{{"https://tin.example.vn/uploads/2020/01/huan-chuong.jpg", "", ""}}));
  EXPECT_EQ(a.videos, std::vector<std::string>{"M7lc1UVf-VE"});

  const Article& b = at(r, 1);
  EXPECT_EQ(b.id, "https://tin.example.vn/kinh-te/gia-che-tang.html");  // no guid: the link
  EXPECT_EQ(ict(b.published), "2020-04-08T16:05:00+07:00");             // "8 Apr 2020 9:05:00 GMT"
  EXPECT_EQ(b.author, "Thu Hà");
  EXPECT_EQ(b.body_html, "Giá chè tăng 10% so với cùng kỳ.");
  EXPECT_TRUE(b.images.empty());

  const Article& c = at(r, 2);
  EXPECT_EQ(c.url, "");
  EXPECT_EQ(c.id.rfind("hash:", 0), 0u);                     // no guid, no link
  EXPECT_EQ(ict(c.published), "2020-01-07T14:30:00+07:00");  // "Tue, 7 Jan 2020 14:30 GMT+7"
  EXPECT_EQ(c.videos, std::vector<std::string>{"dQw4w9WgXcQ"});

  const Article& d = at(r, 3);
  EXPECT_EQ(d.url, "https://tin.example.vn/thoi-su/tin-khong-ngay.html");
  EXPECT_EQ(d.published, kNow);
  EXPECT_EQ(d.flags, SYNDICD_ARTICLE_DATE_GUESSED);
}

TEST(Dialects, Rdf10) {
  auto r = parse_fixture("rdf10.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.dialect, "rss1");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(at(r, 0).id, "https://rdf.example.vn/tin/1");
  EXPECT_EQ(at(r, 0).url, "https://rdf.example.vn/tin/1");
  EXPECT_EQ(at(r, 0).title, "Đại hội Đảng bộ tỉnh lần thứ XX");
  EXPECT_EQ(ict(at(r, 0).published), "2020-10-14T08:00:00+07:00");
  EXPECT_EQ(at(r, 0).author, "Minh Thúy");
  EXPECT_EQ(at(r, 0).tags, std::vector<std::string>{"Chính trị"});
  EXPECT_EQ(at(r, 0).lead, "Đại hội diễn ra trong 3 ngày.");
  EXPECT_EQ(at(r, 0).language, "vi");
  EXPECT_EQ(ict(at(r, 1).published), "2020-10-13T08:30:00+07:00");
  EXPECT_EQ(at(r, 1).author, "Quang Minh");
}

TEST(Dialects, Atom03) {
  auto r = parse_fixture("atom03.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.dialect, "atom03");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 2u);
  const Article& a = at(r, 0);
  EXPECT_EQ(a.id, "tag:atom03.example.vn,2020:1");
  EXPECT_EQ(a.url, "https://atom03.example.vn/tet-sum-vay");
  EXPECT_EQ(a.title, "Tết sum vầy");
  EXPECT_EQ(ict(a.published), "2020-01-09T10:15:00+07:00");  // issued
  EXPECT_EQ(ict(a.updated), "2020-01-09T11:00:00+07:00");    // modified
  EXPECT_EQ(a.author, "Lan Anh");
  EXPECT_EQ(a.lead, "Chương trình Tết sum vầy năm 2020.");
  EXPECT_EQ(a.body_html, "<p>Hơn <b>500</b> suất quà được trao.</p>");  // mode="escaped"
  const Article& b = at(r, 1);
  EXPECT_EQ(b.body_html, "<p>Nạo vét <em>15 km</em> kênh mương.</p>");  // mode="xml"
  EXPECT_EQ(b.author, "Ban biên tập");                                  // the feed's author
  EXPECT_EQ(b.lead, "");
}

TEST(Dialects, Atom10) {
  auto r = parse_fixture("atom10.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.dialect, "atom10");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 2u);
  const Article& a = at(r, 0);
  EXPECT_EQ(a.title, "Phòng, chống dịch “COVID-19”");  // type="html" with entities
  EXPECT_EQ(a.url, "https://atom.example.vn/tin/phong-chong-dich.html");  // feed xml:base
  EXPECT_EQ(ict(a.published), "2020-04-08T02:46:00+07:00");
  EXPECT_EQ(ict(a.updated), "2020-04-08T03:00:00+07:00");
  EXPECT_EQ(a.author, "Hoàng Anh");
  EXPECT_EQ(a.tags, std::vector<std::string>{"Y tế"});
  EXPECT_EQ(a.lead, "Ban Chỉ đạo họp trực tuyến.");
  // type="xhtml" with its own xml:base.
  EXPECT_EQ(a.body_html,
            "<p>Các chốt <a href=\"https://cdn.example.vn/bai/chot.html\">kiểm dịch</a> hoạt động "
            "24/24 &amp; liên tục.</p><p><img src=\"https://cdn.example.vn/bai/anh1.jpg\" "
            "alt=\"Chốt kiểm dịch\"></p>");
  EXPECT_EQ(a.body_text, "Các chốt kiểm dịch hoạt động 24/24 & liên tục.");
  EXPECT_EQ(a.images,
            (std::vector<Image>{{"https://atom.example.vn/anh/dich.jpg", "Họp trực tuyến", ""}}));

  const Article& b = at(r, 1);
  EXPECT_EQ(b.title, "Chè <Tân Cương> vào vụ");                         // type="text": literal
  EXPECT_EQ(b.url, "https://atom.example.vn/khac/che-tan-cuong.html");  // entry xml:base
  EXPECT_EQ(ict(b.published), "2020-04-07T23:00:00+07:00");             // only <updated>
  EXPECT_EQ(b.updated, b.published);
  EXPECT_EQ(b.flags, 0u);
  EXPECT_EQ(b.author, "Tòa soạn");  // inherited from the feed
  EXPECT_EQ(b.body_html, "Giá chè &lt;tăng&gt; mạnh.");
  EXPECT_EQ(b.body_text, "Giá chè <tăng> mạnh.");
}

TEST(Dialects, Atom10Prefixed) {
  auto r = parse_fixture("atom10-prefixed.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.dialect, "atom10");
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 2u);
  const Article& a = at(r, 0);
  EXPECT_EQ(a.id, "https://prefixed.example.vn/dan-van.html");
  EXPECT_EQ(a.title, "Tổng kết công tác dân vận");
  EXPECT_EQ(ict(a.published), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(a.author, "Minh Thúy");
  EXPECT_EQ(a.tags, std::vector<std::string>{"Chính trị"});
  EXPECT_EQ(a.lead, "Hội nghị trực tuyến toàn quốc.");
  EXPECT_EQ(a.body_html, "<p>Nội dung <strong>hội nghị</strong>.</p>");
  // An entry that switches to the default namespace is still Atom.
  EXPECT_EQ(at(r, 1).title, "Mục dùng namespace mặc định");
  EXPECT_EQ(ict(at(r, 1).published), "2020-01-09T10:15:00+07:00");
}

TEST(Namespaces, OddPrefixesScopingAndUndeclared) {
  auto r = parse_fixture("rss20-odd-prefixes.xml");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_TRUE(r.warnings.empty()) << warnings(r);
  ASSERT_EQ(r.articles.size(), 3u);
  const Article& a = at(r, 0);
  EXPECT_EQ(a.author, "Phạm Hằng");                          // d:creator
  EXPECT_EQ(ict(a.published), "2020-01-10T05:58:00+07:00");  // d:date
  EXPECT_EQ(a.body_html, "<p>Nội dung đầy đủ bài 1.</p>");   // c:encoded
  EXPECT_EQ(a.lead, "Tóm tắt bài 1.");
  EXPECT_EQ(a.images,
            (std::vector<Image>{{"https://odd.example.vn/anh/bai-1.jpg", "", "Ảnh minh họa bài 1"},
                                {"https://odd.example.vn/anh/bai-1-nho.jpg", "", ""}}));
  // c: rebound to another namespace inside the item; x: is content there.
  EXPECT_EQ(at(r, 1).body_html, "<p>Nội dung thật bài 2.</p>");
  // dc: used without a declaration still means Dublin Core.
  EXPECT_EQ(at(r, 2).author, "Quang Minh");
}

TEST(Namespaces, DefaultNamespaceAtomIsMatchedByUri) {
  // The same feed, the Atom namespace under a made-up prefix.
  const std::string xml =
      R"(<f:feed xmlns:f="http://www.w3.org/2005/Atom"><f:entry><f:title>Tiêu đề</f:title>)"
      R"(<f:id>urn:x:1</f:id><f:updated>2020-01-10T05:58:00+07:00</f:updated></f:entry>)"
      R"(<f:entry xmlns:f="urn:not-atom"><f:title>Không phải Atom</f:title></f:entry></f:feed>)";
  auto r = parse_feed(xml, options());
  ASSERT_FALSE(r.error) << *r.error;
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).title, "Tiêu đề");
  EXPECT_EQ(at(r, 0).id, "urn:x:1");
}

// ---------------------------------------------------------------------------
// Ids, links, dates

TEST(Ids, GuidThenLinkThenStableHash) {
  auto feed = [](const std::string& items) {
    return "<rss version=\"2.0\"><channel><link>https://s.example.vn/</link>" + items +
           "</channel></rss>";
  };
  auto r = parse_feed(feed("<item><title>A</title><guid>  id-1  </guid><link>/a</link></item>"
                           "<item><title>B</title><link>/b</link></item>"
                           "<item><title>C</title><pubDate>10 Jan 2020</pubDate></item>"
                           "<item><title>C</title><pubDate>11 Jan 2020</pubDate></item>"),
                      options());
  ASSERT_EQ(r.articles.size(), 4u);
  EXPECT_EQ(at(r, 0).id, "id-1");
  EXPECT_EQ(at(r, 1).id, "https://s.example.vn/b");
  EXPECT_EQ(at(r, 2).id.rfind("hash:", 0), 0u);
  EXPECT_NE(at(r, 2).id, at(r, 3).id);
  // The hash is stable across runs and independent of the feed URL.
  auto again =
      parse_feed(feed("<item><title>C</title><pubDate>10 Jan 2020</pubDate></item>"), options());
  EXPECT_EQ(again.articles.at(0).id, at(r, 2).id);
}

TEST(Ids, PermalinkGuidIsTheUrlWhenThereIsNoLink) {
  auto r = parse_feed(
      "<rss><channel><item><title>A</title><guid>https://s.example.vn/a</guid></item>"
      "<item><title>B</title><guid isPermaLink=\"false\">https://s.example.vn/b</guid></item>"
      "</channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(at(r, 0).url, "https://s.example.vn/a");
  EXPECT_EQ(at(r, 1).url, "");
  EXPECT_EQ(at(r, 1).id, "https://s.example.vn/b");
}

TEST(Links, FeedUrlIsTheLastBase) {
  auto r = parse_feed(
      "<rss><channel><item><title>A</title><link>../a.html</link></item>"
      "</channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).url, "https://feeds.example.vn/a.html");
}

TEST(Links, XmlBaseOnItemWinsOverChannelLink) {
  auto r = parse_feed(
      "<rss><channel><link>https://s.example.vn/tin/</link>"
      "<item xml:base=\"https://other.example.vn/x/\"><title>A</title><link>a.html</link>"
      "<description>&lt;a href=\"b.html\"&gt;b&lt;/a&gt;</description></item>"
      "<item><title>B</title><link>b.html</link></item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(at(r, 0).url, "https://other.example.vn/x/a.html");
  EXPECT_EQ(at(r, 0).body_html, "<a href=\"https://other.example.vn/x/b.html\">b</a>");
  EXPECT_EQ(at(r, 1).url, "https://s.example.vn/tin/b.html");
}

TEST(Links, AtomPrefersAlternateHtml) {
  auto r = parse_feed(
      R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title>T</title>)"
      R"(<link rel="self" href="https://a.example/self"/>)"
      R"(<link rel="alternate" type="application/pdf" href="https://a.example/t.pdf"/>)"
      R"(<link href="https://a.example/t.html"/><link rel="replies" href="https://a.example/c"/>)"
      R"(</entry></feed>)",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).url, "https://a.example/t.html");
}

TEST(Dates, ZonelessDatesUseTheSourceOffset) {
  const std::string xml =
      "<rss><channel><item><title>A</title><link>https://a.example/1</link>"
      "<pubDate>10/01/2020 05:58</pubDate></item>"
      "<item><title>B</title><link>https://a.example/2</link>"
      "<pubDate>05:58 | 10/01/2020</pubDate></item></channel></rss>";
  auto o = options();
  auto r = parse_feed(xml, o);
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(ict(at(r, 0).published), "2020-01-10T05:58:00+07:00");
  EXPECT_EQ(ict(at(r, 1).published), "2020-01-10T05:58:00+07:00");
  o.default_offset_minutes = 0;
  r = parse_feed(xml, o);
  EXPECT_EQ(ict(at(r, 0).published), "2020-01-10T12:58:00+07:00");
}

TEST(Dates, UnreadableDateWarnsAndFallsBackToNow) {
  auto r = parse_feed(
      "<rss><channel><item><title>A</title><link>https://a.example/1</link>"
      "<pubDate>hôm qua</pubDate></item></channel></rss>",
      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(at(r, 0).published, kNow);
  EXPECT_EQ(at(r, 0).flags, SYNDICD_ARTICLE_DATE_GUESSED);
  EXPECT_TRUE(has_warning(r, "item 1: unreadable date \"hôm qua\"")) << warnings(r);
}

TEST(Items, MaxItemsKeepsTheNewestInDocumentOrder) {
  const std::string xml =
      "<rss><channel>"
      "<item><title>old</title><guid>1</guid><pubDate>2020-01-01T00:00:00Z</pubDate></item>"
      "<item><title>newest</title><guid>2</guid><pubDate>2020-03-01T00:00:00Z</pubDate></item>"
      "<item><title>middle</title><guid>3</guid><pubDate>2020-02-01T00:00:00Z</pubDate></item>"
      "</channel></rss>";
  auto r = parse_feed(xml, options(2));
  ASSERT_EQ(r.articles.size(), 2u);
  EXPECT_EQ(at(r, 0).title, "newest");
  EXPECT_EQ(at(r, 1).title, "middle");
}

TEST(Items, EmptyItemsAreSkippedWithAWarning) {
  auto r = parse_feed("<rss><channel><item></item><item><title>A</title></item></channel></rss>",
                      options());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_TRUE(has_warning(r, "item 1: no title, link or description; skipped")) << warnings(r);
}

TEST(Items, AFeedWithNoItemsIsNotAnError) {
  auto r = parse_feed("<rss version=\"2.0\"><channel><title>T</title></channel></rss>", options());
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.articles.empty());
}

}  // namespace
