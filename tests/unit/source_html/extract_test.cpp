// SPDX-License-Identifier: Apache-2.0
// Article extraction on the thainguyen sample site: automatic extraction
// with no article selectors must find every field the site README lists;
// explicit css:/xpath: rules; sanitising; NFC; the windows-1258 page.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sites/pages.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace {

using namespace syndicd::html;

const std::string kBase = "https://thainguyen.example.gov.vn/";

std::string read(const std::string& rel) {
  std::ifstream in(std::string(SYNDICD_TEST_FIXTURES) + "/sites/thainguyen/" + rel,
                   std::ios::binary);
  EXPECT_TRUE(in) << rel;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

syndicd::Article extract(const std::string& name, const ArticleRules& rules = {}) {
  const std::string url = kBase + "articles/" + name + ".html";
  Extraction x = extract_article(read("articles/" + name + ".html"), url, rules);
  for (const auto& w : x.warnings) ADD_FAILURE() << "warning: " << w;
  EXPECT_TRUE(x.article) << x.error;
  return x.article ? *x.article : syndicd::Article{};
}

struct Expected {
  const char* name;
  const char* title;
  long long published;  // UTC ms; the site prints +07:00
  const char* author;
  const char* lead;
  const char* image;  // under images/, "" for none
  const char* alt;
  const char* caption;
  const char* youtube;
};

// From the site's README and feed.rss (the same articles as RSS items).
const Expected kArticles[] = {
    {"phong-chong-dich-covid-19", "Thái Nguyên tăng cường các biện pháp phòng, chống dịch COVID-19",
     1586288760000LL, "Hoàng Anh",
     "Chiều 7/4, Ban Chỉ đạo phòng, chống dịch COVID-19 tỉnh Thái Nguyên họp trực tuyến với các "
     "huyện, thành phố để đánh giá tình hình và triển khai các biện pháp cấp bách trong giai đoạn "
     "cao điểm.",
     "phong-chong-dich.jpg", "hop ban chi dao phong chong dich covid-19",
     "Quang cảnh cuộc họp tại điểm cầu tỉnh Thái Nguyên", ""},
    {"thu-hoach-che-xuan-dai-tu", "Đại Từ: Nông dân vào vụ thu hoạch chè xuân", 1586288760000LL,
     "Thu Hà",
     "Những ngày đầu tháng Tư, người trồng chè huyện Đại Từ tất bật thu hái lứa chè xuân đầu tiên "
     "của năm. Năm nay chè được mùa, được giá, mang lại nguồn thu nhập ổn định cho nông dân.",
     "thu-hoach-che.jpg", "thu hoach che xuan dai tu", "Nông dân xã La Bằng thu hái chè vụ xuân",
     "dQw4w9WgXcQ"},
    {"tong-ket-cong-tac-dan-van-2019",
     "Tổng kết công tác dân vận và đánh giá kết quả thực hiện “Năm dân vận chính quyền” 2019",
     1578610680000LL, "Minh Thúy",
     "Ngày 9/1, Ban Dân vận Trung ương phối hợp với Ban Cán sự Đảng Chính phủ tổ chức Hội nghị "
     "trực tuyến toàn quốc tổng kết công tác dân vận và đánh giá kết quả thực hiện “Năm Dân vận "
     "chính quyền” 2019, triển khai nhiệm vụ năm 2020. Đồng chí Nguyễn Xuân Phúc, Ủy viên Bộ Chính "
     "trị, Bí thư Ban Cán sự Đảng Chính phủ, Thủ tướng Chính\u00a0"
     " phủ; đồng chí Trương Hòa Bình, Ủy viên Bộ Chính trị, Phó Thủ tướng Thường trực Chính phủ; "
     "đồng chí Trương Thị Mai, Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng, Trưởng Ban Dân vận "
     "Trung ương; đồng chí Điểu K'ré, Ủy viên Trung ương Đảng, Phó Trưởng Ban Thường trực Ban Dân "
     "vận Trung ương đồng chủ trì Hội nghị. Tại điểm cầu Thái Nguyên, đồng chí Vũ Hồng Bắc, Phó Bí "
     "thư Tỉnh ủy, Chủ tịch UBND tỉnh chủ trì Hội nghị.",
     "hoi-nghi.jpg",
     "tong ket cong tac dan van va danh gia ket qua thuc hien nam dan van chinh quyen 2019",
     "Toàn cảnh Hội nghị tại điểm cầu Thái Nguyên", ""},
    {"thu-ngan-sach-2019", "Thu ngân sách nhà nước năm 2019 vượt dự toán", 1578610680000LL,
     "Phạm Hằng",
     "Năm 2019, tổng thu ngân sách nhà nước trên địa bàn tỉnh Thái Nguyên đạt trên 15.000 tỷ đồng, "
     "vượt dự toán Trung ương và HĐND tỉnh giao.",
     "", "", "", ""},
    {"trao-qua-tet-ho-ngheo", "Trao hơn 2.000 suất quà Tết cho hộ nghèo, gia đình chính sách",
     1578539700000LL, "Lan Anh",
     "Từ nay đến trước Tết Nguyên đán Canh Tý 2020, Ủy ban MTTQ tỉnh Thái Nguyên phối hợp với các "
     "đơn vị, doanh nghiệp trao hơn 2.000 suất quà cho hộ nghèo, gia đình chính sách trên địa bàn.",
     "", "", "", ""},
    {"quang-cao-khuyen-mai-tet-canh-ty",
     "Quảng cáo: Chương trình khuyến mại mua sắm dịp Tết Canh Tý 2020", 1578539700000LL, "PV",
     "Nhiều siêu thị, trung tâm thương mại trên địa bàn thành phố Thái Nguyên triển khai chương "
     "trình giảm giá đến 50% cho các mặt hàng tiêu dùng phục vụ Tết.",
     "", "", "", ""},
    {"song-cong-ra-quan-thuy-loi-2020", "Sông Công ra quân làm thủy lợi đầu năm 2020",
     1578382200000LL, "Quang Minh",
     "Sáng 7/1, UBND thành phố Sông Công tổ chức lễ ra quân làm thủy lợi, giao thông nông thôn đầu "
     "năm 2020 tại xã Bá Xuyên. Hơn 500 cán bộ, đoàn viên và người dân đã tham gia nạo vét kênh "
     "mương, phát quang đường làng.",
     "ra-quan-thuy-loi.jpg", "ra quan lam thuy loi song cong",
     "Cán bộ, đoàn viên và người dân nạo vét kênh mương tại xã Bá Xuyên", ""},
};

class AutomaticExtraction : public ::testing::TestWithParam<Expected> {};

TEST_P(AutomaticExtraction, FindsEveryField) {
  const Expected& e = GetParam();
  const syndicd::Article a = extract(e.name);
  EXPECT_EQ(a.url, kBase + "articles/" + e.name + ".html");
  EXPECT_EQ(a.title, e.title);
  EXPECT_EQ(a.published, e.published);
  EXPECT_EQ(a.author, e.author);
  EXPECT_EQ(a.lead, e.lead);
  EXPECT_EQ(a.language, "vi");
  if (*e.image) {
    ASSERT_EQ(a.images.size(), 1u);
    EXPECT_EQ(a.images[0].url, kBase + "images/" + e.image);
    EXPECT_EQ(a.images[0].alt, e.alt);
    EXPECT_EQ(a.images[0].caption, e.caption);
  } else {
    EXPECT_TRUE(a.images.empty()) << a.images[0].url;
  }
  if (*e.youtube) {
    EXPECT_EQ(a.videos, std::vector<std::string>{e.youtube});
  } else {
    EXPECT_TRUE(a.videos.empty());
  }

  // Site chrome never reaches the body; nor do the fields shown apart.
  for (const std::string& body : {a.body_html, a.body_text}) {
    for (const char* chrome : {"Hotline", "RSS Youtube Facebook", "Tin liên quan", "Chia sẻ",
                               "Tin mới", "Trang chủ", "Bản quyền", "Quảng cáo: Chương"})
      EXPECT_EQ(body.find(chrome), std::string::npos) << chrome << " in\n" << body;
    EXPECT_EQ(body.find(a.title), std::string::npos) << "title in body";
    EXPECT_EQ(body.find(a.author), std::string::npos) << "author line in body";
    EXPECT_EQ(body.find(a.lead.substr(0, 40)), std::string::npos) << "lead in body";
  }
  EXPECT_GT(a.body_text.size(), 200u);
  EXPECT_EQ(a.body_text, syndicd::common::nfc(a.body_text));
  // Sanitised: nothing active, every URL absolute.
  for (const char* bad : {"<script", "<style", "<iframe", "onclick", "javascript:", "<form",
                          "src=\"../", "href=\"../", "style="})
    EXPECT_EQ(a.body_html.find(bad), std::string::npos) << bad << " in\n" << a.body_html;
  if (*e.image) {
    EXPECT_NE(a.body_html.find("<figure><img src=\"" + kBase + "images/" + e.image + "\""),
              std::string::npos)
        << a.body_html;
    EXPECT_NE(a.body_html.find(std::string("<figcaption>") + e.caption + "</figcaption>"),
              std::string::npos)
        << a.body_html;
  }
}

INSTANTIATE_TEST_SUITE_P(Thainguyen, AutomaticExtraction, ::testing::ValuesIn(kArticles),
                         [](const ::testing::TestParamInfo<Expected>& p) {
                           std::string n = p.param.name;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(Extraction, SanitisesScriptsHandlersAndJavascriptLinks) {
  const syndicd::Article a = extract("thu-ngan-sach-2019");
  for (const char* bad : {"_adsq", "document.write", "ads.other-host", "Tài trợ", "trackRead",
                          "openPopup", "text-align: justify"})
    EXPECT_EQ(a.body_html.find(bad), std::string::npos) << bad << "\n" << a.body_html;
  // The javascript: link keeps its words, not its href.
  EXPECT_NE(a.body_html.find("Xem chi tiết trong báo cáo tổng hợp."), std::string::npos)
      << a.body_html;
  EXPECT_NE(a.body_html.find("<p>Để đạt kết quả trên"), std::string::npos) << a.body_html;
  EXPECT_EQ(a.body_text.rfind("Theo Cục Thuế tỉnh", 0), 0u) << a.body_text;
}

TEST(Extraction, RelativeLinksBecomeAbsolute) {
  const syndicd::Article a = extract("song-cong-ra-quan-thuy-loi-2020");
  EXPECT_NE(
      a.body_html.find("<a href=\"" + kBase + "articles/tong-ket-cong-tac-dan-van-2019.html\">"),
      std::string::npos)
      << a.body_html;
}

TEST(Extraction, BodyTextHasOneParagraphPerBlock) {
  const syndicd::Article a = extract("trao-qua-tet-ho-ngheo");
  EXPECT_EQ(a.body_text,
            "Mỗi suất quà gồm tiền mặt và nhu yếu phẩm, trị giá từ 500.000 đồng đến 1 triệu đồng. "
            "Nguồn kinh phí được trích từ Quỹ Vì người nghèo của tỉnh và sự đóng góp của các tổ "
            "chức, cá nhân.\n\nCùng với việc trao quà, các cấp Mặt trận đã vận động các nhà hảo "
            "tâm hỗ trợ xây dựng nhà Đại đoàn kết, giúp các hộ nghèo có điều kiện đón Tết đầm ấm, "
            "vui tươi.");
}

TEST(Extraction, NfdPageGivesTheNfcArticle) {
  const std::string nfd = read("articles/nfd-variant.html");
  ASSERT_NE(nfd, syndicd::common::nfc(nfd));  // the fixture really is decomposed
  const syndicd::Article want = extract("trao-qua-tet-ho-ngheo");
  const syndicd::Article got = extract("nfd-variant");
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.lead, want.lead);
  EXPECT_EQ(got.author, want.author);
  EXPECT_EQ(got.published, want.published);
  EXPECT_EQ(got.body_html, want.body_html);
  EXPECT_EQ(got.body_text, want.body_text);
}

// The fetcher decodes charsets; the extractor gets UTF-8 and must not
// re-decode it because of the page's <meta charset=windows-1258>.
TEST(Extraction, Windows1258PageDecodedToUtf8) {
  const std::string utf8 =
      syndicd::testing::sites::from_windows_1258(read("articles/legacy-cp1258.html"));
  const std::string url = kBase + "articles/song-cong-ra-quan-thuy-loi-2020.html";
  Extraction x = extract_article(utf8, url, {});
  ASSERT_TRUE(x.article) << x.error;
  const syndicd::Article want = extract("song-cong-ra-quan-thuy-loi-2020");
  EXPECT_EQ(x.article->title, "Sông Công ra quân làm thủy lợi đầu năm 2020");
  EXPECT_EQ(x.article->title, want.title);
  EXPECT_EQ(x.article->author, want.author);
  EXPECT_EQ(x.article->lead, want.lead);
  EXPECT_EQ(x.article->published, want.published);
  EXPECT_EQ(x.article->body_html, want.body_html);
  EXPECT_EQ(x.article->images, want.images);
}

ArticleRules explicit_rules(bool xpath) {
  ArticleRules r;
  if (xpath) {
    r.title.select = Selector::compile("xpath://h1[@class='title']");
    r.published.select = Selector::compile("xpath://div[@class='post-date']");
    r.published.format = "%H:%M | %d/%m/%Y";
    r.lead.select = Selector::compile("xpath:normalize-space(//div[@class='sapo'])");
    r.body.select = Selector::compile("xpath://div[@class='post-content']");
    r.author.select = Selector::compile("xpath://div[@class='post-content']/p[last()]");
    r.images.select = Selector::compile("xpath://div[@class='post-content']//img");
  } else {
    r.title.select = Selector::compile("css:h1.title");
    r.published.select = Selector::compile("css:.post-date");
    r.published.format = "%H:%M | %d/%m/%Y";
    r.lead.select = Selector::compile("css:.sapo");
    r.body.select = Selector::compile("css:.post-content");
    r.author.select = Selector::compile("css:.post-content > p:last-child");
    r.images.select = Selector::compile("css:.post-content img");
  }
  return r;
}

class ExplicitSelectors : public ::testing::TestWithParam<bool> {};

TEST_P(ExplicitSelectors, TheDesignDocExample) {
  const syndicd::Article a = extract("tong-ket-cong-tac-dan-van-2019", explicit_rules(GetParam()));
  const Expected& e = kArticles[2];
  ASSERT_STREQ(e.name, "tong-ket-cong-tac-dan-van-2019");
  EXPECT_EQ(a.title, e.title);
  EXPECT_EQ(a.published, e.published);
  EXPECT_EQ(a.author, e.author);
  // normalize-space() collapses the U+00A0 too; the CSS text keeps it.
  if (!GetParam()) {
    EXPECT_EQ(a.lead, e.lead);
  }
  EXPECT_EQ(a.lead.substr(0, 40), std::string(e.lead).substr(0, 40));
  ASSERT_EQ(a.images.size(), 1u);
  EXPECT_EQ(a.images[0].caption, e.caption);
  // The image caption is part of the text, as a paragraph of its own.
  EXPECT_EQ(
      a.body_text.rfind("Toàn cảnh Hội nghị tại điểm cầu Thái Nguyên\n\nNăm 2019, các cấp", 0), 0u)
      << a.body_text;
  EXPECT_EQ(a.body_text.find("Minh Thúy"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(CssAndXPath, ExplicitSelectors, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return std::string(p.param ? "xpath" : "css");
                         });

TEST(ExplicitSelectorsOnOtherTemplates, MissingMatchesWarnAndFallBack) {
  ArticleRules r;
  r.author.select = Selector::compile("css:.byline");
  const std::string url = kBase + "articles/thu-hoach-che-xuan-dai-tu.html";
  Extraction x = extract_article(read("articles/thu-hoach-che-xuan-dai-tu.html"), url, r);
  ASSERT_TRUE(x.article);
  EXPECT_EQ(x.article->author, "Thu Hà");
  ASSERT_EQ(x.warnings.size(), 1u);
  EXPECT_EQ(x.warnings[0], url + ": article.author selector \"css:.byline\" matched nothing");
}

TEST(ExplicitSelectorsOnOtherTemplates, BodySelectorMatchingNothingFailsThePage) {
  ArticleRules r;
  r.body.select = Selector::compile("css:.post-content");
  const std::string url = kBase + "articles/phong-chong-dich-covid-19.html";
  Extraction x = extract_article(read("articles/phong-chong-dich-covid-19.html"), url, r);
  EXPECT_FALSE(x.article);
  EXPECT_EQ(x.error, url + ": article.body selector \"css:.post-content\" matched nothing");
}

TEST(ExplicitSelectorsOnOtherTemplates, RemoveAndTagsAndAttr) {
  ArticleRules r;
  r.remove.push_back(Selector::compile("css:figure"));
  r.images.select = Selector::compile("css:meta[property='og:image']");
  r.tags.select = Selector::compile("css:meta[property='article:section']");
  r.tags.attr = "content";
  const syndicd::Article a = extract("phong-chong-dich-covid-19", r);
  EXPECT_EQ(a.body_html.find("<figure"), std::string::npos);
  EXPECT_EQ(a.tags, std::vector<std::string>{"Thông tin chỉ đạo điều hành"});
}

TEST(Extraction, JsonLdAloneGivesDateAndAuthor) {
  const std::string page = R"(<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
     {"@type": ["NewsArticle"], "headline": "Tiêu \u0111ề",
      "datePublished": "2020-01-09T10:15:00+07:00",
      "author": [{"@type": "Person", "name": "Lan Anh"}]}]}
    </script></head><body><div class="content"><p>Đoạn một, rất dài, đủ để được tính là nội dung
    của bài viết này.</p><p>Đoạn hai, cũng dài, với nhiều dấu phẩy, để chấm điểm.</p></div>
    </body></html>)";
  Extraction x = extract_article(page, kBase + "a.html", {});
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->title, "Tiêu đề");
  EXPECT_EQ(x.article->published, 1578539700000LL);
  EXPECT_EQ(x.article->author, "Lan Anh");
}

// The site's top bar prints today's date above everything; an article that
// shows no date of its own must not get that one.
TEST(Extraction, TopBarDateIsNeverThePublishTime) {
  const std::string page = R"(<html><body>
    <div class="top-bar"><div class="hotline">Thứ tư 08/04/2020 02:46 Hotline: 0913.068.624</div></div>
    <div class="post"><h1>Tiêu đề bài viết</h1><div class="post-content">
    <p>Đoạn một, rất dài, đủ để được tính là nội dung của bài viết này, không có ngày.</p>
    <p>Đoạn hai, cũng dài, với nhiều dấu phẩy, để chấm điểm, và không có ngày.</p></div></div>
    </body></html>)";
  Extraction x = extract_article(page, kBase + "a.html", {});
  ASSERT_TRUE(x.article) << x.error;
  EXPECT_EQ(x.article->title, "Tiêu đề bài viết");
  EXPECT_EQ(x.article->published, SYNDICD_TIME_NONE);
}

TEST(Extraction, PageWithoutTextFails) {
  Extraction x =
      extract_article("<html><body><h1>Only a title</h1></body></html>", kBase + "a.html", {});
  EXPECT_FALSE(x.article);
  EXPECT_EQ(x.error, kBase + "a.html: no article body found (automatic extraction)");
}

TEST(Sanitize, Fragment) {
  auto [html, text] = sanitize_fragment(
      "<div onclick=\"x()\"><p style=\"color:red\">A <b>b</b> <a href=\"javascript:alert(1)\">c</a>"
      " <a href=\"/d\" onmouseover=\"y\">d</a></p><iframe src=\"https://evil.example\"></iframe>"
      "<form><input name=q></form><object data=x></object><embed src=y><script>z()</script>"
      "<img src=\"i.jpg\" onerror=\"w()\" alt=\"an &quot;alt&quot;\"><p>\u00a0</p>"
      "<p>e<br>f</p></div>",
      "https://site.example/a/b.html");
  EXPECT_EQ(html,
            "<div><p>A <b>b</b> c <a href=\"https://site.example/d\">d</a></p>\n"
            "<img src=\"https://site.example/a/i.jpg\" alt=\"an &quot;alt&quot;\"><p>e<br>f</p>\n"
            "</div>");
  EXPECT_EQ(text, "A b c d\n\ne\nf");
}

}  // namespace
